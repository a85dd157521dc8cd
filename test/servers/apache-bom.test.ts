// A UTF-8 byte-order mark at the start of a configuration file stops httpd: it reads the mark as part of the first word.
// utf8-bom-at-file-start quotes what apache2 -t prints; this writes the mark for real (the file reader keeps it out of
// the text) in an Included file and in the main one, and runs the real apache2 -t.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost, readConfigFile } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { apacheConfigTest, prepareApache } from './harness/apache';

requireBinary('apache2');

const RULE = 'utf8-bom-at-file-start';

function check(confPath: string, expectedFile: string) {
  const r = readConfigFile(confPath);
  assert.ok(r.ok);
  const found = lintApache(confPath, r.text, createNodeHost(), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === RULE);
  assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
  assert.equal(found[0].path, expectedFile);
  return /: "(Invalid command .*?)"; /.exec(found[0].message)?.[1];
}

test('a BOM in an Included file and in the main file stops apache2 -t with the words the finding quotes (real apache2 -t)', async () => {
  for (const first of ['ProxyTimeout 30', '# a comment first', '']) {
    const setup = await prepareApache('Include bom.conf\n', { files: { 'bom.conf': `\ufeff${first}\nProxyTimeout 30\n` } });
    try {
      const inc = `${setup.dir}/bom.conf`;
      const quoted = check(setup.confPath, inc);
      const t = apacheConfigTest(setup);
      assert.ok(!t.ok, first);
      assert.ok(quoted && t.output.includes(quoted), `httpd said:\n${t.output}\nthe finding quotes: ${quoted}`);
      // The same mark at the start of the main file.
      writeFileSync(inc, `${first}\nProxyTimeout 30\n`);
      writeFileSync(setup.confPath, '\ufeff' + readFileSync(setup.confPath, 'utf8'));
      const main = check(setup.confPath, setup.confPath);
      const t2 = apacheConfigTest(setup);
      assert.ok(!t2.ok);
      assert.ok(main && t2.output.includes(main), `httpd said:\n${t2.output}\nthe finding quotes: ${main}`);
    } finally {
      setup.cleanup();
    }
  }
});

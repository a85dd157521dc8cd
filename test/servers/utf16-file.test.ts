// A configuration file saved as UTF-16 stops nginx and httpd: both read single bytes. proxylint's reader decodes the
// file by its byte-order mark (so the other rules see the text) and utf16-encoded-file reports it; this writes the files
// for real, little- and big-endian, main and included, and runs the real nginx -t and apache2 -t.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintNginx } from '../../server/src/core/lint';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost, readConfigFile } from '../../server/src/node/node-host';
import { nginxTest, requireBinary, tempTree } from '../helpers';
import { apacheConfigTest, prepareApache } from './harness/apache';

requireBinary('nginx');
requireBinary('apache2');

const RULE = 'utf16-encoded-file';

function utf16(text: string, order: 'le' | 'be'): Buffer {
  const le = Buffer.from('\ufeff' + text, 'utf16le');
  return order === 'le' ? le : le.swap16();
}

function findings(confPath: string, apache: boolean) {
  const r = readConfigFile(confPath);
  assert.ok(r.ok, `proxylint could not read ${confPath}`);
  const lint = apache ? lintApache : lintNginx;
  return lint(confPath, r.text, createNodeHost(), { settings: defaultSettings() }).findings;
}

/** What the finding says the server will print: the escaped bytes inside the quotes, up to the "…". */
const quoted = (message: string, server: 'nginx' | 'httpd') =>
  server === 'nginx' ? /unknown directive "((?:\\x[0-9A-F]{2})+)…"/.exec(message)?.[1] : /"(Invalid command '(?:\\x[0-9a-f]{2})+)…'"/.exec(message)?.[1];

/** `\xFF\xFE` → the two raw bytes as nginx writes them (read back as Latin-1). */
const raw = (escaped: string) => escaped.replace(/\\x([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));

test('nginx: a UTF-16 main file or included file stops nginx -t at the bytes the finding names (real nginx -t)', () => {
  for (const order of ['le', 'be'] as const) {
    for (const where of ['main', 'include'] as const) {
      const main = 'events {}\nhttp { include site.conf; }\n';
      const site = 'proxy_read_timeout 30s;\n';
      const tree = tempTree(where === 'main' ? { 'nginx.conf': utf16(main, order), 'site.conf': site } : { 'nginx.conf': main, 'site.conf': utf16(site, order) });
      try {
        const conf = join(tree.dir, 'nginx.conf');
        const hits = findings(conf, false).filter((f) => f.ruleId === RULE);
        assert.equal(hits.length, 1, `${order} ${where}: ${hits.map((f) => f.message).join('\n')}`);
        assert.equal(hits[0].path, join(tree.dir, where === 'main' ? 'nginx.conf' : 'site.conf'));
        const bytes = quoted(hits[0].message, 'nginx');
        assert.ok(bytes, hits[0].message);
        const t = nginxTest(tree.dir, conf);
        assert.ok(!t.ok, `nginx -t accepted a UTF-16 (${order}) ${where} file`);
        // nginx writes the bytes raw (standard error came back decoded as UTF-8, which replaced them): its error log,
        // read as Latin-1, has them byte for byte.
        const log = readFileSync(join(tree.dir, 'logs', 'error.log'), 'latin1');
        const said = /unknown directive "([^"]*)"/.exec(log)?.[1];
        assert.ok(said !== undefined && said.startsWith(raw(bytes)), `nginx said:\n${log}\nthe finding: ${hits[0].message}`);
      } finally {
        tree.cleanup();
      }
    }
  }
});

test('Apache: a UTF-16 main file or Included file stops apache2 -t with the words the finding quotes (real apache2 -t)', async () => {
  for (const order of ['le', 'be'] as const) {
    const setup = await prepareApache('Include site.conf\n', { files: { 'site.conf': 'ProxyTimeout 30\n' } });
    try {
      writeFileSync(join(setup.dir, 'site.conf'), utf16('ProxyTimeout 30\n', order));
      const hits = findings(setup.confPath, true).filter((f) => f.ruleId === RULE);
      assert.equal(hits.length, 1, hits.map((f) => f.message).join('\n'));
      assert.equal(hits[0].path, join(setup.dir, 'site.conf'));
      const words = quoted(hits[0].message, 'httpd');
      const t = apacheConfigTest(setup);
      assert.ok(!t.ok, `apache2 -t accepted a UTF-16 (${order}) Included file`);
      assert.ok(words && t.output.includes(words), `httpd said:\n${t.output}\nthe finding: ${hits[0].message}`);
    } finally {
      setup.cleanup();
    }
  }
});

test('the same files in UTF-8 pass both tests and the rule is silent (false-positive guard)', async () => {
  const tree = tempTree({ 'nginx.conf': 'events {}\nhttp { include site.conf; }\n', 'site.conf': 'proxy_read_timeout 30s;\n' });
  try {
    const conf = join(tree.dir, 'nginx.conf');
    assert.deepEqual(findings(conf, false).filter((f) => f.ruleId === RULE), []);
    const t = nginxTest(tree.dir, conf);
    assert.ok(t.ok, t.output);
  } finally {
    tree.cleanup();
  }
  const setup = await prepareApache('Include site.conf\n', { files: { 'site.conf': 'ProxyTimeout 30\n' } });
  try {
    assert.deepEqual(findings(setup.confPath, true).filter((f) => f.ruleId === RULE), []);
    const t = apacheConfigTest(setup);
    assert.ok(t.ok, t.output);
  } finally {
    setup.cleanup();
  }
});

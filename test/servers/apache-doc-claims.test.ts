// Claims of the ProxyPassMatch and worker timeout= hovers about what configtest accepts, against the real apache2 (2.4.71).
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apacheDirectiveDoc, apacheWorkerParamDoc } from '../../server/src/core/docs/directive-doc';
import { APX_LOG } from '../../server/src/core/docs/log-lines';
import { apacheTest, requireBinary, tempTree } from '../helpers';

function configtest(body: string): { ok: boolean; said?: string } {
  const tree = tempTree({});
  try {
    const conf = join(tree.dir, 'app.conf');
    writeFileSync(conf, body + '\n');
    const t = apacheTest(conf);
    return { ok: t.ok, said: /Syntax error on line \d+ of [^\n]*:\n([^\n]*)/.exec(t.output)?.[1] };
  } finally {
    tree.cleanup();
  }
}

test('worker timeout=: whole seconds; 0, negative and 0.5 are refused with the quoted line, 500ms is accepted', () => {
  requireBinary('apache2');
  const doc = apacheWorkerParamDoc('timeout')!;
  for (const v of ['0', '-1', '0.5']) assert.equal(configtest(`ProxyPass /t/ http://127.0.0.1:9/ timeout=${v}`).said, APX_LOG.timeoutTooSmall, v);
  assert.ok(doc.logLines.includes(APX_LOG.timeoutTooSmall));
  for (const v of ['500ms', '1']) assert.ok(configtest(`ProxyPass /t/ http://127.0.0.1:9/ timeout=${v}`).ok, v);
  assert.match(doc.failure, /`timeout=500ms` is accepted but means 500 s/);
  assert.doesNotMatch(doc.failure, /below one second stop/);
});

test('ProxyPassMatch: $1 right after the port passes configtest; a URL without a scheme does not', () => {
  requireBinary('apache2');
  const doc = apacheDirectiveDoc('ProxyPassMatch')!;
  assert.ok(configtest('ProxyPassMatch "^/p(.*)$" "http://127.0.0.1:8000$1"').ok);
  assert.match(doc.failure, /`http:\/\/127\.0\.0\.1:8000\$1` passed configtest/);
  const bad = configtest('ProxyPassMatch "^/p(.*)$" "127.0.0.1:8000/$1"');
  assert.equal(bad.said, 'ProxyPass Unable to parse URL: 127.0.0.1:8000/$1');
  assert.match(doc.failure, /`127\.0\.0\.1:8000\/\$1` stops httpd from starting \(`ProxyPass Unable to parse URL: …`\)/);
});

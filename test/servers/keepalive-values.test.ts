// An upstream's `keepalive` line against the real `nginx -t` (1.22.1): invalid-argument-value and
// invalid-number-of-arguments report a line exactly when nginx refuses it, in nginx's words, when the target is that
// version. `keepalive 0` and `keepalive 32 local` are valid from nginx 1.29.7 on, so for a newer target, or one whose
// version is not known, they are not reported.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVersion } from '../../server/src/core/model/version';
import { lintText, nginxTestText, requireBinary } from '../helpers';

const config = (line: string) => `events {}\nhttp {\n    upstream u {\n        server 127.0.0.1:47104;\n        ${line}\n    }\n    server {\n        listen 127.0.0.1:18991;\n        location / { proxy_pass http://u; }\n    }\n}\n`;
const RULES = ['invalid-argument-value', 'invalid-number-of-arguments'];

function reported(text: string, version: string | null): string[] {
  const r = lintText(text, { settings: (s) => { s.nginx.version = version === null ? null : parseVersion(version); } });
  return r.findings.filter((f) => RULES.includes(f.ruleId)).map((f) => f.message);
}

const LINES = ['keepalive 1;', 'keepalive 32;', 'keepalive 0;', 'keepalive -1;', 'keepalive abc;', 'keepalive 2k;', 'keepalive 9223372036854775808;', 'keepalive 32 local;', 'keepalive 32 foo;'];

for (const line of LINES) {
  test(`keepalive on nginx 1.22.1: "${line}" is reported exactly when nginx -t refuses it`, () => {
    requireBinary('nginx');
    const text = config(line);
    const t = nginxTestText(text);
    const emerg = /\[emerg\] (.*) in \//.exec(t.output)?.[1];
    const found = reported(text, '1.22.1');
    if (t.ok) assert.deepEqual(found, [], `nginx -t accepts ${line}`);
    else {
      assert.ok(emerg, t.output);
      assert.equal(found.length, 1, `nginx says ${emerg}; proxylint says: ${found.join(' | ')}`);
      assert.ok(found[0].includes(emerg!), `nginx says ${emerg}; proxylint says: ${found[0]}`);
    }
  });
}

test('keepalive 0 and keepalive 32 local are not reported for nginx 1.29.7 or an unknown version; -1 and abc are', () => {
  for (const version of ['1.29.7', null]) {
    assert.deepEqual(reported(config('keepalive 0;'), version), [], String(version));
    assert.deepEqual(reported(config('keepalive 32 local;'), version), [], String(version));
    assert.equal(reported(config('keepalive -1;'), version).length, 1, String(version));
    assert.equal(reported(config('keepalive abc;'), version).length, 1, String(version));
  }
  assert.equal(reported(config('keepalive 0;'), '1.29.6').length, 1);
  assert.equal(reported(config('keepalive 32 local;'), '1.29.6').length, 1);
});

// proxy-http-version-unsupported: "2" depends on the target version (nginx 1.29.4 added it), other words are refused
// everywhere. What nginx 1.22.1 (installed here, older than 1.29.4) says is checked with the real nginx -t.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { applyEdits } from '../../server/src/core/fix';
import { parseVersion } from '../../server/src/core/model/version';
import type { Settings } from '../../server/src/core/settings';
import { lintText, nginxTestText } from '../helpers';

const ID = 'proxy-http-version-unsupported';
const conf = (v: string) => `events {}\nhttp {\n    server {\n        listen 127.0.0.1:18690;\n        location / {\n            proxy_pass http://127.0.0.1:18691;\n            proxy_http_version ${v};\n        }\n    }\n}\n`;

const nginxT = nginxTestText;

const target = (version?: string, edition?: Settings['nginx']['edition']) => (s: Settings) => {
  if (version) s.nginx.version = parseVersion(version);
  if (edition) s.nginx.edition = edition;
};
const mine = (text: string, version?: string, edition?: Settings['nginx']['edition']) => lintText(text, { settings: target(version, edition) }).findings.filter((f) => f.ruleId === ID);

test(`${ID}: "2" on a target older than 1.29.4 — nginx 1.22.1 refuses it, proxylint says so, and 1.1 starts`, () => {
  const t = nginxT(conf('2'));
  assert.ok(!t.ok && /\[emerg\] invalid value "2" in \S+nginx\.conf:7/.test(t.output), t.output);
  // The line the proxy_http_version hover quotes as logged, not as an expected form.
  assert.ok(t.output.includes(NGX_LOG.httpVersionTwo), t.output);
  for (const v of ['1.22.1', '1.29.3']) {
    const found = mine(conf('2'), v);
    assert.equal(found.length, 1, v);
    assert.equal(found[0].message, `nginx will not start: proxy_http_version 2 (HTTP/2 to the backend) needs nginx 1.29.4 or later, and the target is nginx ${v} ("invalid value "2""); use 1.1, or upgrade nginx`);
    assert.deepEqual(found[0].suggestions.map((s) => s.title), ['Change to 1.1']);
    const fixed = applyEdits(conf('2'), found[0].suggestions[0].edits).text;
    assert.equal(fixed, conf('1.1'));
    const after = nginxT(fixed);
    assert.ok(after.ok, after.output);
  }
});

test(`${ID}: "2" is left alone when the target is 1.29.4 or later, unknown, or NGINX Plus`, () => {
  assert.deepEqual(mine(conf('2'), '1.29.4'), []);
  assert.deepEqual(mine(conf('2'), '1.30.0'), []);
  assert.deepEqual(mine(conf('2')), []);
  assert.deepEqual(mine(conf('2'), '1.22.1', 'plus'), []);
});

test(`${ID}: other words are refused on every version (nginx 1.22.1 shown), and "1.0" / "1.1" never reported`, () => {
  for (const v of ['2.0', '"HTTP/1.1"', '1', 'HTTP/2']) {
    const t = nginxT(conf(v));
    assert.ok(!t.ok && t.output.includes(`[emerg] invalid value "${v.replace(/"/g, '')}"`), t.output);
    for (const version of [undefined, '1.22.1', '1.30.0']) {
      const found = mine(conf(v), version);
      assert.equal(found.length, 1, `${v} on ${version}`);
      assert.ok(found[0].message.startsWith('nginx will not start: proxy_http_version takes '), found[0].message);
      assert.ok(found[0].message.endsWith(`("invalid value "${v.replace(/"/g, '')}"")`), found[0].message);
    }
  }
  // "2.0" was meant as HTTP/2: "2" is offered where the target may have it.
  assert.deepEqual(mine(conf('2.0'), '1.30.0')[0].suggestions.map((s) => s.title), ['Change to 1.1', 'Change to 2 (HTTP/2, nginx 1.29.4 or later)']);
  assert.deepEqual(mine(conf('2.0'), '1.22.1')[0].suggestions.map((s) => s.title), ['Change to 1.1']);
  for (const v of ['1.0', '1.1', '"1.1"']) {
    assert.ok(nginxT(conf(v)).ok, v);
    assert.deepEqual(mine(conf(v), '1.22.1'), [], v);
  }
});

test(`${ID}: a template placeholder is not judged`, () => {
  assert.deepEqual(mine(conf('{{ .HttpVersion }}'), '1.22.1'), []);
  assert.deepEqual(mine(conf('${PROXY_HTTP_VERSION}'), '1.22.1'), []);
});

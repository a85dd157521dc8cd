// A fix or suggestion that writes back the text it replaces is not offered: it made a finding "fixable" that --fix
// could never settle (pooled-connection-outlives-backend-keepalive offered "Set ttl=1" on a line with ttl=1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../server/src/core/finding';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { validateFindings } from '../../server/src/core/validate';
import { memHost } from '../helpers';

const text = 'ProxyPass "/pool/" "http://127.0.0.1:21200/pool/" ttl=1\n';
const at = text.indexOf('ttl=1');
const finding = (edits: { start: number; end: number; newText: string }[][]): Finding => ({
  ruleId: 'r',
  severity: 'warning',
  message: 'm',
  path: '/c',
  start: 0,
  end: 5,
  fix: { title: 'fix', edits: edits[0].map((e) => ({ path: '/c', ...e })) },
  suggestions: edits.slice(1).map((list, k) => ({ title: `s${k}`, edits: list.map((e) => ({ path: '/c', ...e })) })),
  related: [],
});

test('validateFindings drops a fix and suggestions whose edits leave the text as it is, and keeps the others', () => {
  const same = [{ start: at, end: at + 5, newText: 'ttl=1' }];
  const changed = [{ start: at, end: at + 5, newText: 'ttl=2' }];
  const emptyInsert = [{ start: at, end: at, newText: '' }];
  const [f] = validateFindings([finding([same, changed, same, emptyInsert])], [{ path: '/c', text }]);
  assert.equal(f.fix, undefined);
  assert.deepEqual(f.suggestions.map((s) => s.title), ['s0']);
  // One edit that changes something is enough; no internal-error finding is added for a no-op.
  const out = validateFindings([finding([[...same, { start: 0, end: 0, newText: '# x\n' }]])], [{ path: '/c', text }]);
  assert.equal(out.length, 1);
  assert.equal(out[0].fix?.title, 'fix');
});

const lint = (keepalive: number, conf: string) => {
  const settings = defaultSettings();
  settings.environment.backendKeepaliveTimeoutMs = keepalive;
  return lintApache('/c/httpd.conf', conf, memHost({ '/c/httpd.conf': conf }), { settings }).findings.filter((f) => f.ruleId === 'pooled-connection-outlives-backend-keepalive');
};

for (const ms of [1000, 500]) {
  test(`pooled-connection-outlives-backend-keepalive: with a ${ms} ms backend keep-alive, ttl=1 is not "fixed" to ttl=1; disablereuse=On is suggested`, () => {
    const [f] = lint(ms, text);
    assert.ok(f, 'still reported: ttl=1 is not below the backend keep-alive');
    assert.equal(f.fix, undefined);
    assert.doesNotMatch(f.message, /set ttl=/);
    assert.match(f.message, /ttl= counts whole seconds and cannot go below 1/);
    assert.match(f.message, /disablereuse=On/);
    assert.match(f.message, /SetEnv proxy-initial-not-pooled 1/);
    assert.deepEqual(f.suggestions.map((s) => s.edits.map((e) => e.newText)), [[' disablereuse=On']]);
  });
}

test('pooled-connection-outlives-backend-keepalive: with a 1.5 s backend keep-alive ttl=1 is below it, and a line without ttl= gets ttl=1 as a fix', () => {
  assert.deepEqual(lint(1500, text), []);
  const [f] = lint(1500, 'ProxyPass "/pool/" "http://127.0.0.1:21200/pool/"\n');
  assert.equal(f.fix?.title, 'Set ttl=1');
});

// nginx: the timeout rule's suggested value must be below the load balancer's idle timeout, also when that is 1 s
// or less (it used to suggest 1s for a 1 s balancer, on a line already at 1s).
import { lintNginx } from '../../server/src/core/lint';
import { applyEdits } from '../../server/src/core/fix';
import { nginxTestText } from '../helpers';

for (const [outer, expected] of [[1000, '500ms'], [800, '400ms'], [1500, '1s'], [60_000, '55s']] as const) {
  test(`timeout-exceeds-outer-idle-timeout: a ${outer} ms outer idle timeout gets ${expected}, below it, and nginx -t accepts it`, () => {
    const conf = 'events {}\nhttp {\n    server {\n        listen 127.0.0.1:8080;\n        location / {\n            proxy_pass http://127.0.0.1:9;\n            proxy_read_timeout 1s;\n        }\n    }\n}\n';
    const settings = defaultSettings();
    settings.environment.outerIdleTimeoutMs = outer;
    const found = lintNginx('/c/nginx.conf', conf, memHost({ '/c/nginx.conf': conf }), { settings }).findings.filter((f) => f.ruleId === 'timeout-exceeds-outer-idle-timeout');
    const read = found.find((f) => /proxy_read_timeout 1s/.test(conf.slice(f.start, f.end)));
    if (outer > 1000) {
      // 1s is below these: proxy_read_timeout is fine; the send timeout (default 60s) is what is reported.
      assert.equal(read, undefined);
    } else {
      assert.ok(read, 'proxy_read_timeout 1s is not below a 1 s (or shorter) idle timeout');
    }
    for (const f of found) {
      const s = f.suggestions[0];
      assert.ok(s, `a suggestion for ${f.message}`);
      assert.match(s.title, new RegExp(`\\b${expected}\\b`));
      const fixed = applyEdits(conf, s.edits).text;
      assert.notEqual(fixed, conf);
      const r = nginxTestText(fixed);
      assert.ok(r.ok, r.output);
    }
  });
}

// explain on a line about a configuration nginx refused ([emerg] … host not found, unknown variable): there is no
// client request, so the head says what happened to nginx rather than "the client got nginx will not start or
// reload", as it used to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';
import { runCli } from '../helpers';

const LINES = [
  '2026/11/24 03:39:05 [emerg] 21744#21744: unknown "connection_upgrade" variable',
  'nginx: [emerg] host not found in upstream "app" in /etc/nginx/conf.d/x.conf:5',
];

test('explain: an [emerg] unknown variable line is a start-up failure that undefined-variable catches', () => {
  const e = explainLogLine(LINES[0])!;
  assert.equal(e.pattern.id, 'nginx-unknown-variable');
  assert.deepEqual(e.pattern.statuses, ['startup-failure']);
  assert.deepEqual(e.pattern.rules, ['undefined-variable']);
});

for (const line of LINES) {
  test(`explain: a start-up failure line does not say "the client got": ${line.slice(0, 50)}`, () => {
    const r = runCli(['explain', line]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /the client got nginx will not start/);
    assert.match(r.stdout, /nginx: nginx will not start or reload \(no request is involved; a reload keeps the configuration that ran before\)/);
  });
}

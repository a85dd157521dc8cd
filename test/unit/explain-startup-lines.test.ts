// explain on a line about a configuration nginx refused ([emerg] … host not found, unknown variable): there is no
// client request, so the head says what happened to nginx rather than "the client got nginx will not start or
// reload", as it used to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';
import { join } from 'node:path';
import { runCli, tempTree } from '../helpers';

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

test('explain --in: a start-up failure line is placed in no block, and lists the findings of its rules with file and line', () => {
  const dir = tempTree({ 'nginx.conf': 'events {}\nhttp {\n    server {\n        listen 80;\n        location /ws/ {\n            proxy_set_header Connection $connection_upgrade;\n            proxy_pass http://127.0.0.1:9100;\n        }\n    }\n}\n' });
  try {
    const conf = join(dir.dir, 'nginx.conf');
    const r = runCli(['explain', LINES[0], '--in', conf], { cwd: dir.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /Handled by/);
    assert.match(r.stdout, /proxylint: nginx\.conf:6: nginx will not start: unknown "connection_upgrade" variable/);
    const j = JSON.parse(runCli(['explain', LINES[0], '--in', conf, '--format', 'json'], { cwd: dir.dir }).stdout);
    assert.deepEqual(j.explained[0].findings.map((f: { ruleId: string; path: string; line: number }) => [f.ruleId, f.path, f.line]), [['undefined-variable', conf, 6]]);
    // Nothing of the line's rules in the configuration given: said, rather than a place that does not apply.
    const none = runCli(['explain', 'nginx: [emerg] duplicate upstream "app" in /etc/nginx/conf.d/b.conf:1', '--in', conf], { cwd: dir.dir });
    assert.match(none.stdout, /proxylint: none of duplicate-upstream-name reports anything in the configuration given/);
  } finally {
    dir.cleanup();
  }
});

// `proxylint explain` on the lines a real nginx (Debian 1.22.1) logs for a UNIX socket it cannot use. The errno says
// which fault it is: (2) no such file, (13) the worker user may not write to it, (111) the file is there and nginx may
// use it but no process listens (a service that crashed and left its socket behind). Each gets its own cause and
// only that one: an on-call engineer with a (13) line was sent to check the path and whether the service ran, and
// with a (2) line to check permissions, when the line itself already said which.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { requireBinary, runCli } from '../helpers';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';
import { request } from './harness/client';
import { prepareNginx, startNginx, tempDir } from './harness/nginx';

requireBinary('nginx');
requireBinary('python3');

test('explain: connect() to a UNIX socket that is missing (2), not writable (13) or that nothing listens on (111): each its own cause (real nginx)', async () => {
  const dir = tempDir('proxylint-nginx-');
  const stale = join(dir, 'stale.sock');
  const denied = join(dir, 'denied.sock');
  // A socket file left behind: bound, then closed without unlink, as by a process that died. Node's server would
  // remove its socket file on close, so Python makes this one.
  const py = spawnSync('python3', ['-c', 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.close()', stale], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(py.status, 0, py.stderr);
  chmodSync(stale, 0o666); // writable for the worker user (nobody): what is left is that nothing listens
  // A socket something listens on, but only root may connect to.
  const listener = createServer((s) => s.destroy());
  await new Promise<void>((resolve) => listener.listen(denied, () => resolve()));
  chmodSync(denied, 0o600);
  // The worker user is written out, so that explain can name the line that decides who connects to the socket.
  const setup = await prepareNginx(`user nobody nogroup;
http {
    server {
        listen 127.0.0.1:8000;
        location /stale/ { proxy_pass http://unix:${stale}:; }
        location /missing/ { proxy_pass http://unix:${join(dir, 'missing.sock')}:; }
        location /denied/ { proxy_pass http://unix:${denied}:; }
    }
}
`, { dir });
  const nginx = await startNginx(setup);
  try {
    const got: Record<string, unknown> = {};
    for (const p of ['stale', 'missing', 'denied']) got[p] = (await request({ port: setup.port, path: `/${p}/x`, timeoutMs: 5000 })).status;
    await new Promise((r) => setTimeout(r, 300));
    const log = nginx.errorLog();
    assert.deepEqual(got, { stale: 502, missing: 502, denied: 502 }, log);
    const line = (p: string) => log.split('\n').find((l) => l.includes(`"GET /${p}/x`)) ?? '';
    const sock = (name: string) => `unix:${join(dir, name)}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // nginx logs 111 at [error] (as for a TCP port), 2 and 13 at [crit].
    assert.match(line('stale'), new RegExp(`\\[error\\] .*connect\\(\\) to ${sock('stale.sock')} failed \\(111: Connection refused\\) while connecting to upstream, `), log);
    assert.match(line('missing'), new RegExp(`\\[crit\\] .*connect\\(\\) to ${sock('missing.sock')} failed \\(2: No such file or directory\\) while connecting to upstream, `), log);
    assert.match(line('denied'), new RegExp(`\\[crit\\] .*connect\\(\\) to ${sock('denied.sock')} failed \\(13: Permission denied\\) while connecting to upstream, `), log);

    const stalled = explainLogLine(line('stale'))!;
    assert.equal(stalled.pattern.id, 'nginx-unix-socket-stale');
    assert.match(stalled.pattern.meaning, /exists but no process listens/);
    assert.match(stalled.pattern.meaning, /Restart the service/);
    assert.doesNotMatch(stalled.pattern.meaning, /missing|readable|path is wrong/);
    const missing = explainLogLine(line('missing'))!;
    assert.equal(missing.pattern.id, 'nginx-unix-socket');
    assert.match(missing.pattern.meaning, /^there is no socket file at that path/);
    assert.doesNotMatch(missing.pattern.meaning, /permission|may not write|listen queue/i);
    const denied = explainLogLine(line('denied'))!;
    assert.equal(denied.pattern.id, 'nginx-unix-socket-denied');
    assert.match(denied.pattern.meaning, /^the socket file is there, but nginx's worker processes \(the user directive's user/);
    assert.match(denied.pattern.meaning, /listen\.owner, listen\.group and listen\.mode/);
    assert.doesNotMatch(denied.pattern.meaning, /not running|another path/);
    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]);
    assert.equal(out.code, 0, out.stderr);
    assert.doesNotMatch(out.stdout, /not known to proxylint: [^\n]*unix:/, out.stdout);
    assert.equal(out.stdout.match(/the socket file exists but no process listens on it/g)?.length, 1, out.stdout);
    assert.equal(out.stdout.match(/there is no socket file at that path/g)?.length, 1, out.stdout);
    assert.equal(out.stdout.match(/the socket file is there, but nginx's worker processes/g)?.length, 1, out.stdout);
    // With --in, the (13) line names the user directive that decides who connects (the harness writes its own lines
    // above the example's, so the line number is looked up in what nginx ran).
    const userLine = setup.text.split('\n').findIndex((l) => l.startsWith('user nobody nogroup;')) + 1;
    assert.ok(userLine > 0, setup.text);
    assert.match(out.stdout, new RegExp(`user nobody nogroup {2}\\(inherited, [^\\n]*nginx\\.conf:${userLine}\\)`), out.stdout);
    // Two failed tries of one request (a group of two sockets) say each one's own fault.
    const two = runCli(['explain', line('denied'), line('denied').replaceAll('denied.sock', 'missing.sock').replace('(13: Permission denied)', '(2: No such file or directory)')]);
    assert.match(two.stdout, /Tried: unix:[^\n]*denied\.sock \(permission denied on the socket\), then unix:[^\n]*missing\.sock \(no such socket file\)/, two.stdout);
  } finally {
    await nginx.stop();
    await new Promise((r) => listener.close(r));
    setup.cleanup();
  }
});

// `proxylint explain` on the lines a real nginx (Debian 1.22.1) logs for a UNIX socket it cannot use. The errno says
// which fault it is: (2) no such file, (13) the worker user may not write to it, (111) the file is there and nginx may
// use it but no process listens (a service that crashed and left its socket behind). The last is not a path or
// permission problem, and explain must not say it is.
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
  const setup = await prepareNginx(`http {
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
    for (const p of ['missing', 'denied']) {
      const e = explainLogLine(line(p))!;
      assert.equal(e.pattern.id, 'nginx-unix-socket', line(p));
      assert.match(e.pattern.meaning, /missing .*not readable and writable by nginx's worker user, or the path is wrong/);
    }
    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]);
    assert.equal(out.code, 0, out.stderr);
    assert.doesNotMatch(out.stdout, /not known to proxylint: [^\n]*unix:/, out.stdout);
    assert.equal(out.stdout.match(/the socket file exists but no process listens on it/g)?.length, 1, out.stdout);
    assert.equal(out.stdout.match(/the UNIX socket is missing/g)?.length, 2, out.stdout);
  } finally {
    await nginx.stop();
    await new Promise((r) => listener.close(r));
    setup.cleanup();
  }
});

// `proxylint explain --in` on a real httpd's error log for backends reached over a Unix domain socket (PHP-FPM's usual
// "unix:/run/php/php8.x-fpm.sock|fcgi://localhost"): httpd logs AH02454 for the connect, not AH00957, then AH01079
// (mod_proxy_fcgi) or AH01114 (mod_proxy_http), and the client gets 503. A socket file that is not there gives
// "(2)No such file or directory", one that nothing listens on "(111)Connection refused". Before, explain knew neither
// AH02454 nor AH01079, and placed the AH01114 at whichever worker had the host "localhost".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { explainApacheLog } from './harness/explain';
import { tempDir } from './harness/nginx';
import { sleep } from './harness/proc';

requireBinary('apache2');

interface Entry {
  id: string;
  status: string;
  backend: { line: number; url: string; how: string } | null;
}
interface Request {
  lines: { line: string; explained: number }[];
  tried?: { server: string; got: string }[];
  outcome?: { status: string | null; final: boolean };
}

test('explain: AH02454 and the AH01079/AH01114 after it are a 503 placed at the worker whose unix: URL names the socket (real apache2)', async () => {
  const dir = tempDir('proxylint-apache-uds-');
  const missing = join(dir, 'missing.sock');
  const stale = join(dir, 'stale.sock');
  // A socket file nothing listens on (a stale one, left by a service that stopped): python3 (installed for the syslog
  // tests) binds it without listening, so connect() to it is refused.
  // Mode 0666, so httpd's user may connect; the same kind of file with mode 0600, owned by root while httpd runs as
  // www-data (the harness's User when the tests run as root), is the "(13)Permission denied" of a pool whose
  // listen.owner/listen.mode leave httpd out.
  const denied = join(dir, 'denied.sock');
  const handled = join(dir, 'php-fpm.sock');
  const bind = (path: string, mode: number) => execFileSync('python3', ['-c', `import os, socket; s=socket.socket(socket.AF_UNIX); s.bind(${JSON.stringify(path)}); os.chmod(${JSON.stringify(path)}, ${mode}); s.close()`]);
  bind(stale, 0o666);
  bind(denied, 0o600);
  const root = process.getuid?.() === 0;
  const text = [
    `ProxyPass "/php/" "unix:${missing}|fcgi://localhost/srv/"`,
    `ProxyPass "/app/" "unix:${stale}|http://localhost/"`,
    `ProxyPass "/denied/" "unix:${denied}|fcgi://localhost/"`,
    // PHP-FPM as Debian's php-fpm conf sets it up: no ProxyPass names this socket.
    `DocumentRoot "${dir}"`,
    `<FilesMatch "\\.php$">`,
    // Its own host name: with fcgi://localhost the request would go through the /denied/ worker
    // (fcgi://localhost/ is the start of its URL), to that worker's socket (seen on 2.4.68).
    `    SetHandler "proxy:unix:${handled}|fcgi://php-pool"`,
    '</FilesMatch>',
    '',
  ].join('\n');
  const ready = await prepareApache(text, { dir });
  const httpd = await startApache(ready);
  try {
    const php = await request({ port: ready.port, path: '/php/x.php', timeoutMs: 10_000 });
    const app = await request({ port: ready.port, path: '/app/x', timeoutMs: 10_000 });
    const den = await request({ port: ready.port, path: '/denied/x.php', timeoutMs: 10_000 });
    writeFileSync(join(dir, 'index.php'), '<?php echo 1;');
    const fpm = await request({ port: ready.port, path: '/index.php', timeoutMs: 10_000 });
    assert.deepEqual([php.status, app.status, den.status, fpm.status], [503, 503, 503, 503]);
    await sleep(200);
    const log = httpd.errorLog();
    assert.match(log, new RegExp(`\\(2\\)No such file or directory: AH02454: FCGI: attempt to connect to Unix domain socket ${missing} \\(localhost:8000\\) failed`), log);
    assert.match(log, /AH01079: failed to make connection to backend: localhost/, log);
    if (root) assert.match(log, new RegExp(`\\(13\\)Permission denied: AH02454: FCGI: attempt to connect to Unix domain socket ${denied} `), log);
    assert.match(log, new RegExp(`\\(111\\)Connection refused: AH02454: http: attempt to connect to Unix domain socket ${stale} \\(localhost:80\\) failed`), log);

    const { report } = explainApacheLog(ready);
    const j = report as unknown as { explained: Entry[]; requests: Request[] };
    const lineOf = (start: string) => ready.text.split('\n').findIndex((l) => l.startsWith(start)) + 1;
    const at = (id: string, socket: string) => j.explained.find((e) => e.id === id && e.backend?.how.includes(socket));
    for (const [id, socket, route] of [
      ['apache-unix-connect-failed', missing, 'ProxyPass "/php/"'],
      ['apache-fcgi-no-connection', missing, 'ProxyPass "/php/"'],
      ['apache-unix-connect-failed', stale, 'ProxyPass "/app/"'],
      ['apache-no-connection', stale, 'ProxyPass "/app/"'],
    ] as const) {
      const e = at(id, socket);
      assert.equal(e?.backend?.line, lineOf(route), `${id} for ${socket}: ${JSON.stringify(j.explained, null, 1)}`);
      assert.equal(e!.status, '503');
    }
    // The SetHandler's socket: placed at the SetHandler line (before, "names no request or backend").
    const handler = j.explained.find((e) => e.id === 'apache-unix-connect-failed' && e.backend?.how.includes(handled));
    assert.equal(handler?.backend?.line, lineOf('    SetHandler'), log);
    assert.match(handler!.backend!.how, /no ProxyPass or BalancerMember names; this SetHandler sends requests there/);
    // Each request is one try of a ProxyPass worker: the 503 is sure, and the try says what the socket got.
    const tried = j.requests.map((r) => r.tried?.map((t) => `${t.server} (${t.got})`).join(', ')).sort();
    const expected = [`unix:${missing} (no such socket file)`, `unix:${stale} (refused)`, `unix:${handled} (no such socket file)`, ...(root ? [`unix:${denied} (connect failed: permission denied)`] : [])];
    assert.deepEqual(tried.filter((t) => root || !t?.includes(denied)), expected.sort(), JSON.stringify(j.requests, null, 1));
    assert.ok(j.requests.every((r) => r.outcome?.status === '503' && r.outcome.final), JSON.stringify(j.requests, null, 1));
  } finally {
    await httpd.stop();
    ready.cleanup();
  }
});

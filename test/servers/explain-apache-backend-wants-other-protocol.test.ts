// httpd in front of a backend that wants something else first (found by an on-call review): an nginx listen with
// proxy_protocol, and a TLS-only port reached with http://. On httpd 2.4.71 both are a 502 on every request, logged as
// "AH01102: error reading status line from remote server" and AH00898, the lines of a backend that closed the
// connection; explain gave a crash or the keep-alive race as the causes, neither of which fails every request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { waitFor } from './harness/proc';
import { startTlsStandin } from './standins/tls';

requireBinary('apache2');
requireBinary('nginx');

test('explain: AH01102 for a backend that wanted a PROXY protocol header or TLS first (502 on every request) names those causes (real httpd and nginx)', async () => {
  const pp = await prepareNginx(`http {
    server {
        listen 127.0.0.1:8080 proxy_protocol;
        location / { return 200 "pp\\n"; }
    }
}
`);
  const nginx = await startNginx(pp);
  const tls = await startTlsStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const setup = await prepareApache(`ProxyPass "/pp/" "http://127.0.0.1:${pp.port}/"
ProxyPass "/tls/" "http://${tls.address}/"
`);
  const httpd = await startApache(setup);
  try {
    const got: (number | string)[] = [];
    for (const p of ['/pp/a', '/pp/b', '/tls/a', '/tls/b']) got.push((await request({ port: setup.port, path: p, timeoutMs: 5000 })).status);
    await waitFor(() => (httpd.errorLog().match(/AH00898/g) ?? []).length >= 4, 5000);
    const log = httpd.errorLog();
    // Every request, not one after an idle moment: each on a new client connection, each 502.
    assert.deepEqual(got, [502, 502, 502, 502], log);
    for (const p of ['/pp/a', '/pp/b', '/tls/a', '/tls/b']) assert.match(log, new RegExp(`AH00898: Error reading from remote server returned by ${p}\\n`));
    assert.match(log, new RegExp(`\\(\\d+\\)[^\\n]*AH01102: error reading status line from remote server 127\\.0\\.0\\.1:${pp.port}\\n`));
    assert.match(nginx.errorLog(), /broken header: "GET \/a HTTP\/1\.1\r?\n/);
    const json = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const closed = (JSON.parse(json.stdout) as { explained: { id: string; meaning: string }[] }).explained.filter((e) => e.id === 'apache-closed-by-backend');
    assert.ok(closed.length > 0, json.stdout);
    for (const e of closed) assert.match(e.meaning, /on every request, a backend that wanted something else first: a PROXY protocol header \(an nginx listen with proxy_protocol logs "broken header" at the same moment\), or TLS \(http:\/\/ to a port that speaks only HTTPS\)/);
  } finally {
    await httpd.stop();
    await nginx.stop();
    await tls.stop();
    pp.cleanup();
    setup.cleanup();
  }
});

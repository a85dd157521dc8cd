// proxy_pass http:// and grpc_pass grpc:// to a port that speaks only TLS (found by an on-call review). A server built
// on Python's ssl module resets a connection whose first bytes are no TLS handshake, and nginx 1.22.1 logs "recv()
// failed (104: Connection reset by peer) while reading response header from upstream" on every request: explain named
// a crash, a full queue, the keep-alive race or php-fpm behind proxy_pass, not a missing "s" in the scheme.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, rewriteNginx, startNginx } from './harness/nginx';
import { freePort, isListening } from './harness/ports';
import { sleep, waitFor } from './harness/proc';
import { startPythonHttpServer } from './standins/python-http';
import { testPki } from './standins/tls';

requireBinary('nginx');
requireBinary('python3');

test('explain: a reset from a TLS-only Python server behind http:// or grpc:// (502 on every request) names the scheme as a cause; https:// to it answers (real nginx)', async () => {
  const port = await freePort();
  const cert = testPki().certs.get('localhost')!;
  const py = startPythonHttpServer(port, cert);
  try {
    assert.ok(await waitFor(() => isListening(port), 5000), py.output());
    const setup = await prepareNginx(`http {
    server {
        listen 127.0.0.1:8000;
        server_name plain.test;
        location /plain/ { proxy_pass http://127.0.0.1:PY/; }
        location /grpc/ { grpc_pass grpc://127.0.0.1:PY; }
        location /tls/ { proxy_pass https://127.0.0.1:PY/; }
    }
}
`);
    rewriteNginx(setup, setup.text.replaceAll(':PY', `:${port}`));
    const nginx = await startNginx(setup);
    try {
      const got: Record<string, number | string> = {};
      for (const p of ['plain', 'plain', 'grpc', 'tls']) got[`${p}${got[p] === undefined ? '' : '2'}`] = (await request({ port: setup.port, path: `/${p}/x`, timeoutMs: 5000 })).status;
      await sleep(200);
      const log = nginx.errorLog();
      assert.deepEqual(got, { plain: 502, plain2: 502, grpc: 502, tls: 200 }, log);
      assert.match(log, /\[error\] .*recv\(\) failed \(104: Connection reset by peer\) while reading response header from upstream, .*request: "GET \/plain\/x HTTP\/1\.1", upstream: "http:/);
      assert.match(log, /\[error\] .*recv\(\) failed \(104: Connection reset by peer\) while reading response header from upstream, .*request: "GET \/grpc\/x HTTP\/1\.1", upstream: "grpc:/);
      const json = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
      assert.equal(json.code, 0, json.stderr);
      const resets = (JSON.parse(json.stdout) as { explained: { id: string; meaning: string }[] }).explained.filter((e) => e.id === 'nginx-reset');
      assert.ok(resets.length > 0, json.stdout);
      for (const e of resets) assert.match(e.meaning, /a port that speaks only TLS, such as a Python ssl server, behind http:\/\/ or grpc:\/\/ instead of https:\/\/ or grpcs:\/\//);
    } finally {
      await nginx.stop();
      setup.cleanup();
    }
  } finally {
    await py.stop();
  }
});

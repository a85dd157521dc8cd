// fastcgi_pass, uwsgi_pass or scgi_pass to an HTTP server (found by an on-call review): Python's http.server reads the
// request line up to its end, which a FastCGI, uwsgi or SCGI request does not have, so it waits; nginx 1.22.1 logs
// "upstream timed out … while reading response header" and answers 504 after *_read_timeout, for every request. explain
// said "a slow endpoint, a stuck worker", whose cure (a longer timeout) does not help here; it now says what to check.
// The proxy_pass to the same server gets 200: the backend is up and quick, it is the protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, rewriteNginx, startNginx } from './harness/nginx';
import { freePort, isListening } from './harness/ports';
import { sleep, waitFor } from './harness/proc';
import { startPythonHttpServer } from './standins/python-http';

requireBinary('nginx');
requireBinary('python3');

test('explain: fastcgi_pass, uwsgi_pass and scgi_pass to Python\'s http.server time out on every request (504); the explanation says to check the protocol, not to raise the timeout (real nginx)', async () => {
  const port = await freePort();
  const py = startPythonHttpServer(port);
  try {
    assert.ok(await waitFor(() => isListening(port), 5000), py.output());
    const setup = await prepareNginx(`http {
    server {
        listen 127.0.0.1:8000;
        server_name gw.test;
        location /fcgi/ { include /etc/nginx/fastcgi_params; fastcgi_read_timeout 1s; fastcgi_pass 127.0.0.1:PY; }
        location /uwsgi/ { include /etc/nginx/uwsgi_params; uwsgi_read_timeout 1s; uwsgi_pass 127.0.0.1:PY; }
        location /scgi/ { include /etc/nginx/scgi_params; scgi_read_timeout 1s; scgi_pass 127.0.0.1:PY; }
        location /http/ { proxy_read_timeout 1s; proxy_pass http://127.0.0.1:PY/; }
    }
}
`);
    rewriteNginx(setup, setup.text.replaceAll(':PY', `:${port}`));
    const nginx = await startNginx(setup);
    try {
      const got: Record<string, number | string> = {};
      for (const p of ['fcgi', 'uwsgi', 'scgi', 'http']) got[p] = (await request({ port: setup.port, path: `/${p}/x`, timeoutMs: 5000 })).status;
      await sleep(200);
      const log = nginx.errorLog();
      // The same server answers over HTTP at once, and times out on each of the three others.
      assert.deepEqual(got, { fcgi: 504, uwsgi: 504, scgi: 504, http: 200 }, log);
      for (const scheme of ['fastcgi', 'uwsgi', 'scgi']) {
        assert.match(log, new RegExp(`\\[error\\] .*upstream timed out \\(110: Connection timed out\\) while reading response header from upstream, .*upstream: "${scheme}://127\\.0\\.0\\.1:${port}"`));
      }
      const json = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
      assert.equal(json.code, 0, json.stderr);
      const entries = (JSON.parse(json.stdout) as { explained: { id: string; example: string; meaning: string }[] }).explained.filter((e) => e.id === 'nginx-header-timeout');
      assert.equal(entries.length, 3, json.stdout);
      for (const e of entries) {
        const scheme = /upstream: "(\w+):\/\//.exec(e.example)![1];
        assert.match(e.meaning, new RegExp(`check that it speaks \\w+ at all: an HTTP server behind ${scheme}_pass .* nginx then answers 504 after ${scheme}_read_timeout, and raising the timeout does not help`), e.meaning);
      }
      // A proxy_pass timeout is a slow backend as before: no word about the protocol.
      const proxied = runCli(['explain', '2026/11/24 23:29:24 [error] 1#1: *1 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: gw.test, request: "GET /http/x HTTP/1.1", upstream: "http://127.0.0.1:1/x", host: "gw.test"']);
      assert.doesNotMatch(proxied.stdout, /check that it speaks/);
    } finally {
      await nginx.stop();
      setup.cleanup();
    }
  } finally {
    await py.stop();
  }
});

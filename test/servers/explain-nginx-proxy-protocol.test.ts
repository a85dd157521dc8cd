// The backend's side of a PROXY protocol mismatch (found by an on-call review): an nginx whose listen has
// proxy_protocol, reached by a sender that sends no PROXY header (a front proxy_pass, a load balancer or health
// check with the setting off, a client that skips the balancer). The front's 502 ("upstream prematurely closed
// connection") is explained elsewhere; the backend's own line, "broken header: … while reading PROXY protocol", was not
// known to explain, and nginx 1.22.1 writes the request it got as it came: over several physical lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, rewriteNginx, startNginx } from './harness/nginx';

requireBinary('nginx');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('explain: "broken header … while reading PROXY protocol" is the backend closing a connection without the header: no answer to a client, 502 at a front proxy, placed at the listen with proxy_protocol (real nginx)', async () => {
  const setup = await prepareNginx(`http {
    server {
        listen 127.0.0.1:8000;
        server_name front.test;
        location / { proxy_pass http://127.0.0.1:8001; }
    }
    server {
        listen 127.0.0.1:8001 proxy_protocol;
        server_name back.test;
        location / { return 200 "back\\n"; }
    }
}
`);
  // The harness moves listen lines to free ports, not pass targets: the front's proxy_pass follows the backend's move.
  const back = setup.ports.get('127.0.0.1:8001')!;
  rewriteNginx(setup, setup.text.replace('proxy_pass http://127.0.0.1:8001;', `proxy_pass http://127.0.0.1:${back};`));
  const nginx = await startNginx(setup);
  try {
    // The front nginx passes without a PROXY header; a client that reaches the backend directly sends none either.
    const viaFront = await request({ port: setup.port, path: '/via-front', timeoutMs: 5000 });
    const direct = await request({ port: back, path: '/direct', timeoutMs: 5000 });
    assert.equal(viaFront.status, 502);
    assert.equal(direct.status, 'no-response', 'nginx closes without a byte');
    await sleep(200);
    const log = nginx.errorLog();
    // One record per connection, the request nginx got spread over the following lines, the record's end after it.
    assert.match(log, /\[error\] \d+#\d+: \*\d+ broken header: "GET \/direct HTTP\/1\.1\r?\nHost: [^\n]*\n[\s\S]*?\n" while reading PROXY protocol, client: 127\.0\.0\.1, server: 127\.0\.0\.1:\d+\n/);
    assert.match(log, /\[error\] .*upstream prematurely closed connection while reading response header from upstream, .*request: "GET \/via-front HTTP\/1\.1"/);

    const json = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout) as { explained: { id: string; status: string; example: string; place?: { file: string; line: number } }[] };
    const broken = out.explained.filter((e) => e.id === 'nginx-proxy-protocol-broken-header');
    // Both connections (the front's and the direct one) are the same kind; each multi-line record is read whole.
    assert.equal(broken.length, 1, json.stdout);
    assert.match(broken[0].example, /broken header: "GET \/(?:via-front|direct) HTTP\/1\.[01] Host: .*" while reading PROXY protocol, client: 127\.0\.0\.1, server: 127\.0\.0\.1:\d+$/);
    assert.match(broken[0].status, /^no HTTP status: nginx closed the connection without answering/);

    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]);
    assert.equal(text.code, 0, text.stderr);
    const block = text.stdout.split('\n\n').find((b) => b.includes('broken header')) ?? text.stdout;
    const listenLine = setup.text.split('\n').findIndex((l) => /listen 127\.0\.0\.1:\d+ proxy_protocol;/.test(l));
    const serverLine = listenLine; // the listen is the server block's first line after "server {"
    assert.match(block, new RegExp(`Handled by: server at [^\\n]*nginx\\.conf:${serverLine} \\(its "listen 127\\.0\\.0\\.1:${back} proxy_protocol" is the line's "server:"`), block);
    assert.match(block, /wrong-protocol-to-local-listener/);
    // The record's other physical lines are part of it, not lines explain did not know.
    assert.doesNotMatch(text.stdout, /line \d+: Host: /);
  } finally {
    await nginx.stop();
    setup.cleanup();
  }
});

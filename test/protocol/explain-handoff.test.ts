import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempTree } from '../helpers';
import { LspClient } from './client';

// The editor's explain (workspace/executeCommand) says the hand-off and the blocks a line cannot tell apart as the
// CLI does; what nginx does in these cases is checked in test/servers/explain-nginx-handoff.test.ts.
test('workspace/executeCommand proxylint.server.explain: the try_files hand-off to the named location, and twin blocks with their differing values', async () => {
  const tree = tempTree({
    'nginx.conf': `events {}
http {
    server {
        listen 127.0.0.1:19480;
        root /nonexistent;
        location / { try_files $uri @app; }
        location @app {
            proxy_read_timeout 1s;
            proxy_pass http://127.0.0.1:18091;
        }
        location /reports/ {
            proxy_read_timeout 30s;
            proxy_pass http://127.0.0.1:18091;
        }
    }
    server {
        listen 18080;
        server_name shop.example.com;
        location /t/ { proxy_read_timeout 1s; proxy_pass http://127.0.0.1:18092; }
    }
    server {
        listen 18081;
        server_name shop.example.com;
        location /t/ { proxy_read_timeout 3s; proxy_pass http://127.0.0.1:18092; }
    }
}
`,
  });
  const c = new LspClient();
  try {
    await c.initialize(tree.dir);
    const handed =
      '2026/11/22 19:06:17 [error] 17586#17586: *1 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: , request: "GET /slow2000 HTTP/1.1", upstream: "http://127.0.0.1:18091/slow2000", host: "127.0.0.1:19480"';
    const md = await c.request<string>('workspace/executeCommand', { command: 'proxylint.server.explain', arguments: [handed] });
    assert.match(md, /`location @app` at \[nginx\.conf:7\]\([^)]*\), handed on from `location \/` at \[nginx\.conf:6\]\([^)]*\) by `try_files \$uri @app` \(\[nginx\.conf:6\]/);
    assert.match(md, /`proxy_read_timeout 1s`: set here, \[nginx\.conf:8\]/);
    const twin =
      '2026/11/22 18:59:11 [error] 31697#31697: *5 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: shop.example.com, request: "GET /t/slow5000 HTTP/1.1", upstream: "http://127.0.0.1:18092/t/slow5000", host: "shop.example.com"';
    const both = await c.request<string>('workspace/executeCommand', { command: 'proxylint.server.explain', arguments: [twin] });
    assert.match(both, /\*\*or:\*\* the server block at \[nginx\.conf:21\]/);
    assert.match(both, /`proxy_read_timeout 1s`: set here, \[nginx\.conf:19\]\([^)]*\); `3s` in the server block at \[nginx\.conf:21\]\([^)]*\) \(set here, \[nginx\.conf:24\]\([^)]*\)\): the line does not tell which/);
  } finally {
    await c.stop();
    tree.cleanup();
  }
});

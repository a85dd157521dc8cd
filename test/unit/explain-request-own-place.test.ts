// Lines of one kind at one location share one explained entry (a log of one failure over many URLs is one entry),
// and that entry's place was found for its first line: the words saying how ("its location for /mixed/fail passes to
// upstream "mixed", one of whose servers is the line's http://127.0.0.1:9303") name that line's backend. Shown under a
// later request whose line of that kind names another server of the group, they contradicted the line right above
// them. The log is what a real nginx 1.22.1 wrote for this configuration (a stand-in answering 503 on 9101, nothing
// on 9303): request *6 tried 9101 (503, not logged) and then 9303 (refused); request *9 had 9101 marked failed, then
// found no live server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, tempTree } from '../helpers';

const CONF = `events {}
http {
    upstream mixed {
        server 127.0.0.1:9101 max_fails=2;
        server 127.0.0.1:9303;
    }
    server {
        listen 127.0.0.1:18085;
        server_name pool.local;
        location /mixed/ {
            proxy_pass http://mixed;
            proxy_next_upstream error timeout http_503;
        }
    }
}
`;

const LOG = `2026/11/24 14:28:36 [error] 25685#25685: *6 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: pool.local, request: "GET /mixed/fail HTTP/1.1", upstream: "http://127.0.0.1:9303/mixed/fail", host: "127.0.0.1:18085"
2026/11/24 14:28:36 [warn] 25685#25685: *6 upstream server temporarily disabled while connecting to upstream, client: 127.0.0.1, server: pool.local, request: "GET /mixed/fail HTTP/1.1", upstream: "http://127.0.0.1:9303/mixed/fail", host: "127.0.0.1:18085"
2026/11/24 14:28:36 [info] 25685#25685: *6 client 127.0.0.1 closed keepalive connection
2026/11/24 14:28:36 [warn] 25685#25685: *9 upstream server temporarily disabled while reading response header from upstream, client: 127.0.0.1, server: pool.local, request: "GET /mixed/fail HTTP/1.1", upstream: "http://127.0.0.1:9101/mixed/fail", host: "127.0.0.1:18085"
2026/11/24 14:28:36 [error] 25685#25685: *9 no live upstreams while connecting to upstream, client: 127.0.0.1, server: pool.local, request: "GET /mixed/fail HTTP/1.1", upstream: "http://mixed/mixed/fail", host: "127.0.0.1:18085"
2026/11/24 14:28:36 [info] 25685#25685: *9 client 127.0.0.1 closed keepalive connection
`;

test('explain --log: each request says how its own line was placed, not how the first line of that kind was', () => {
  const tree = tempTree({ 'nginx.conf': CONF, 'error.log': LOG });
  try {
    const r = runCli(['explain', '--in', join(tree.dir, 'nginx.conf'), '--log', join(tree.dir, 'error.log')], { cwd: tree.dir });
    assert.equal(r.code, 0, r.stderr);
    const blocks = r.stdout.split(/\n(?=\S)/);
    const second = blocks.find((b) => b.includes('connection *9'));
    assert.ok(second, r.stdout);
    const handled = second.split('\n').filter((l) => l.includes('Handled by:'));
    assert.equal(handled.length, 1, second);
    assert.match(handled[0], /one of whose servers is the line's http:\/\/127\.0\.0\.1:9101\)/);
    assert.doesNotMatch(second, /9303/);
    const first = blocks.find((b) => b.includes('connection *6'))!;
    assert.match(first, /one of whose servers is the line's http:\/\/127\.0\.0\.1:9303\)/);
  } finally {
    tree.cleanup();
  }
});

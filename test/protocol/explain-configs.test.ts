import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempTree } from '../helpers';
import { LspClient } from './client';

// The editor's explain (workspace/executeCommand, what the client's "Explain Error-Log Line" sends) passes every
// configuration of the workspace to the same core function as `proxylint explain --in a --in b`: a line is placed in
// the configuration whose block listens on the Host's port, not in the first one (the editor review's case: both
// configurations have one block without server_name, on 8080 and on 8081). What nginx writes in such lines is checked
// in test/servers/explain-nginx-configs.test.ts.
test('workspace/executeCommand proxylint.server.explain: of two configurations, the one listening on the Host\'s port, or both listed when none does', async () => {
  const conf = (port: number, read: string) => `events {}
http {
    server {
        listen 127.0.0.1:${port};
        location /api/ {
            proxy_pass http://127.0.0.1:9000;
            proxy_read_timeout ${read};
        }
    }
}
`;
  const tree = tempTree({ 'nginx.conf': conf(8080, '1s'), 'trust/nginx.conf': conf(8081, '2s') });
  const c = new LspClient();
  const line = (host: string) =>
    `2026/11/24 21:04:23 [error] 11978#11978: *4 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: , request: "GET /api/x HTTP/1.1", upstream: "http://127.0.0.1:9000/api/x", host: "${host}"`;
  try {
    await c.initialize(tree.dir);
    const explain = (host: string) => c.request<string>('workspace/executeCommand', { command: 'proxylint.server.explain', arguments: [line(host)] });
    const md = await explain('127.0.0.1:8081');
    assert.match(md, /\*\*Handled by:\*\* the server block at \[nginx\.conf:3\]\([^)]*\/trust\/nginx\.conf#L3\) \([^)]*only this one has such a block listening on the Host's port 8081\)/);
    assert.doesNotMatch(md, /\*\*or:\*\*/);
    assert.match(md, /`proxy_read_timeout 2s`: set here/);
    const other = await explain('127.0.0.1:8080');
    const uri = /\*\*Handled by:\*\* the server block at \[nginx\.conf:3\]\(([^)]*)\)/.exec(other)?.[1];
    assert.ok(uri?.endsWith('/nginx.conf#L3') && !uri.includes('/trust/'), other);
    assert.match(other, /`proxy_read_timeout 1s`: set here/);
    const both = await explain('127.0.0.1:9999');
    assert.match(both, /the line does not tell which \(none listens on the Host's port 9999/);
    assert.match(both, /\*\*or:\*\* the server block at \[nginx\.conf:3\]/);
    assert.match(both, /: the line does not tell which/);
  } finally {
    await c.stop();
    tree.cleanup();
  }
});

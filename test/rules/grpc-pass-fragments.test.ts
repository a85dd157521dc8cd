// grpc-pass-without-http2 where proxylint does not see everything: in a file checked on its own another server block
// may turn HTTP/2 on for the same address (info, not warning); a location snippet has no listen lines to judge; and an
// include inside the server block may hold them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { lintText, nginxTest, tempTree } from '../helpers';

const grpcFindings = (r: ReturnType<typeof lintText>) => r.findings.filter((f) => f.ruleId === 'grpc-pass-without-http2');

test('a server block checked on its own: reported as info, saying a server elsewhere could turn http2 on', () => {
  const r = lintText('server {\n    listen 443 ssl;\n    location / {\n        grpc_pass grpc://127.0.0.1:50051;\n    }\n}\n', { path: 'sites-enabled/grpc.conf', rootContext: 'http' });
  const found = grpcFindings(r);
  assert.equal(found.length, 1);
  assert.equal(found[0].severity, 'info');
  assert.match(found[0].message, /unless a server block not in sight listens on the same address and port with "http2"/);
});

test('a location snippet, or a server whose include may hold its listen lines, is not judged', () => {
  assert.deepEqual(grpcFindings(lintText('location / {\n    grpc_pass grpc://127.0.0.1:50051;\n}\n', { path: 'snippets/grpc.conf', rootContext: 'server' })), []);
  const r = lintText('server {\n    include listen.d/*.conf;\n    location / {\n        grpc_pass grpc://127.0.0.1:50051;\n    }\n}\n', { path: 'sites-enabled/grpc.conf', rootContext: 'http' });
  assert.deepEqual(grpcFindings(r), []);
});

test('nginx.version decides whether "http2 on;" counts (1.25.1 and later) and which suggestion is offered', () => {
  const conf = 'events {}\nhttp {\n    server {\n        listen 127.0.0.1:18793;\n        http2 on;\n        location / {\n            grpc_pass grpc://127.0.0.1:50051;\n        }\n    }\n}\n';
  // Before 1.25.1 "http2 on;" does not turn HTTP/2 on: nginx does not start at all, and the finding says that.
  const old = grpcFindings(lintText(conf, { settings: (s) => (s.nginx.version = [1, 22, 1]) }));
  assert.equal(old.length, 1);
  assert.match(old[0].message, /"http2 on;" meant to turn HTTP\/2 on here \(line 5\) exists only from nginx 1\.25\.1 on, and nginx 1\.22\.1 refuses to start over it \(\[emerg\] unknown directive "http2"\)/);
  assert.doesNotMatch(old[0].message, /400/);
  assert.deepEqual(old[0].suggestions.map((x) => x.title), ['Add "http2" to the listen lines (before nginx 1.25.1, HTTP/1.x clients can then no longer use this plain-text port)']);
  assert.equal(grpcFindings(lintText(conf, { settings: (s) => (s.nginx.version = [1, 25, 1]) })).length, 0);
  const newer = grpcFindings(lintText(conf.replace('        http2 on;\n', ''), { settings: (s) => (s.nginx.version = [1, 27, 0]) }));
  assert.equal(newer[0].suggestions[0].title, 'Add "http2 on;" to the server block');
});

test('"http2 on;" on nginx 1.22.1: the real nginx -t refuses it as the finding says', () => {
  const conf = 'events {}\nhttp {\n    server {\n        listen 127.0.0.1:18793;\n        http2 on;\n        location / {\n            grpc_pass grpc://127.0.0.1:50051;\n        }\n    }\n}\n';
  const tree = tempTree({ 'nginx.conf': conf });
  try {
    const t = nginxTest(tree.dir, join(tree.dir, 'nginx.conf'));
    assert.ok(!t.ok && /\[emerg\] unknown directive "http2"/.test(t.output), t.output);
  } finally {
    tree.cleanup();
  }
});

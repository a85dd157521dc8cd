// grpc-pass-without-http2 where proxylint does not see everything: in a file checked on its own another server block
// may turn HTTP/2 on for the same address (info, not warning); a location snippet has no listen lines to judge; and an
// include inside the server block may hold them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../helpers';

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
  assert.equal(grpcFindings(lintText(conf, { settings: (s) => (s.nginx.version = [1, 22, 1]) })).length, 1);
  assert.equal(grpcFindings(lintText(conf, { settings: (s) => (s.nginx.version = [1, 25, 1]) })).length, 0);
  const newer = grpcFindings(lintText(conf.replace('        http2 on;\n', ''), { settings: (s) => (s.nginx.version = [1, 27, 0]) }));
  assert.equal(newer[0].suggestions[0].title, 'Add "http2 on;" to the server block');
});

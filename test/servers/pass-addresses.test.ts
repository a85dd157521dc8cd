// Addresses of pass directives and upstream servers against the real `nginx -t` (1.22.1): invalid-upstream-address
// reports a line exactly when nginx refuses it with an address error, and quotes what nginx quotes (grpc_pass
// grpc://u/x: nginx names "u/x", what follows the scheme). The IPv6 cases follow ngx_inet6_addr's own quirks, and a
// `$` without a variable name after it stops nginx when it compiles the pass ("invalid variable name").
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText, nginxTestText, requireBinary } from '../helpers';

const config = (upstreamServer: string, pass: string) =>
  `events {}\nhttp {\n    upstream u {\n        server ${upstreamServer};\n    }\n    server {\n        listen 127.0.0.1:18993 http2;\n        location / {\n            ${pass};\n        }\n    }\n}\n`;

const V6 = ['::1', '::', '1:2:3:4:5:6:7:8', '::ffff:1.2.3.4', ':1::2', '::1.2.3.4', '1:2:3:4:5:6:1.2.3.4', 'FE80::A', '1::', 'fe80::1%eth0',
  '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::1', 'g::1', '1:2:3:4:5:6:7::', '1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '::1::', '1:2:3:4:5:6:7:8::', '::1:2:3:4:5:6:7:8'];

const CASES: [string, string][] = [
  ['127.0.0.1:47104', 'grpc_pass grpc://u/x'],
  ['127.0.0.1:47104', 'grpc_pass grpcs://127.0.0.1:50051/abc'],
  ['127.0.0.1:47104', 'grpc_pass u/x'],
  ['127.0.0.1:47104', 'fastcgi_pass u/x'],
  ['127.0.0.1:47104', 'proxy_pass http://[fe80::1%eth0]:80'],
  ['[fe80::1:80', 'proxy_pass http://u'],
  // Variables: the pass is compiled as a script first (a resolver is not needed for nginx -t to get there).
  ...['http://127.0.0.1:47104$', 'http://127.0.0.1:47104$/', 'http://$host$-x', 'http://${host}', 'http://${}', 'http://${host', 'http://127.0.0.1$1x', 'http://u/$', 'http://u$uri', 'http://u/${request_uri}x']
    .map((v): [string, string] => ['127.0.0.1:47104', `proxy_pass ${v}`]),
  ['127.0.0.1:47104', 'grpc_pass grpc://127.0.0.1:1$'],
  ['127.0.0.1:47104', 'fastcgi_pass 127.0.0.1:1$'],
  ...V6.map((a): [string, string] => [`[${a}]:80`, 'proxy_pass http://u']),
];

for (const [server, pass] of CASES) {
  test(`server ${server}; ${pass}: reported as nginx -t refuses it`, () => {
    requireBinary('nginx');
    const text = config(server, pass);
    const t = nginxTestText(text);
    const emerg = /\[emerg\] (.*) in \//.exec(t.output)?.[1];
    const found = lintText(text).findings.filter((f) => f.ruleId === 'invalid-upstream-address').map((f) => f.message);
    if (t.ok) assert.deepEqual(found, []);
    else {
      assert.ok(emerg && /upstream "|variable/.test(emerg), t.output);
      assert.equal(found.length, 1, `nginx says ${emerg}; proxylint says: ${found.join(' | ')}`);
      assert.ok(found[0].includes(emerg!), `nginx says ${emerg}; proxylint says: ${found[0]}`);
    }
  });
}

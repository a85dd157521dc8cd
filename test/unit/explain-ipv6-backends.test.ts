// nginx logs an IPv6 backend with its port after the brackets ("upstream: "http://[::1]:9401/a""). explain read the
// server of such a line as "[::1]", without the port: the two servers of a group on one IPv6 host were one server,
// so the second try looked like a new request ("2 × one request, logged in 2 lines"), "Tried: [::1]", and the client's
// 502 was only a maybe ("not tried in these lines: [::1]:9401, [::1]:9402"). The lines are what a real nginx 1.22.1
// wrote for this configuration, nothing listening on either port: one request, both servers refused, 502.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLog } from '../../server/src/core/explain/explain';
import { serverOf } from '../../server/src/core/explain/nginx-requests';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const CONF_PATH = '/etc/nginx/nginx.conf';
const CONF = `events {}
http {
    upstream v6 {
        server [::1]:9401;
        server [::1]:9402;
    }
    server {
        listen 127.0.0.1:18087;
        server_name v6.local;
        location / {
            proxy_pass http://v6;
        }
    }
}
`;

const LOG = `2026/11/24 14:32:10 [error] 10476#10476: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: v6.local, request: "GET /a HTTP/1.1", upstream: "http://[::1]:9401/a", host: "127.0.0.1:18087"
2026/11/24 14:32:10 [warn] 10476#10476: *1 upstream server temporarily disabled while connecting to upstream, client: 127.0.0.1, server: v6.local, request: "GET /a HTTP/1.1", upstream: "http://[::1]:9401/a", host: "127.0.0.1:18087"
2026/11/24 14:32:10 [error] 10476#10476: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: v6.local, request: "GET /a HTTP/1.1", upstream: "http://[::1]:9402/a", host: "127.0.0.1:18087"
2026/11/24 14:32:10 [warn] 10476#10476: *1 upstream server temporarily disabled while connecting to upstream, client: 127.0.0.1, server: v6.local, request: "GET /a HTTP/1.1", upstream: "http://[::1]:9402/a", host: "127.0.0.1:18087"`.split('\n');

test('serverOf: an IPv6 backend keeps its port', () => {
  assert.equal(serverOf('http://[::1]:9401/a'), '[::1]:9401');
  assert.equal(serverOf('http://[2001:db8::5]/x'), '[2001:db8::5]');
  assert.equal(serverOf('http://127.0.0.1:9401/a'), '127.0.0.1:9401');
});

test('explain: two servers of a group on one IPv6 host are two tries of one request', () => {
  const settings = defaultSettings();
  const r = lintNginx(CONF_PATH, CONF, memHost({ [CONF_PATH]: CONF }), { settings });
  const { requests } = explainLog(LOG, [{ config: r.config, findings: r.findings, target: settings.nginx, upstreams: r.upstreams }]);
  assert.equal(requests.length, 1);
  assert.equal(requests[0].count, 1);
  assert.equal(requests[0].lines.length, 4);
  assert.deepEqual(requests[0].tried!.map((t) => t.server), ['[::1]:9401', '[::1]:9402']);
  assert.equal(requests[0].outcome!.status, '502');
  assert.ok(requests[0].outcome!.final, requests[0].outcome!.why);
  assert.match(requests[0].lines[0].place!.how, /one of whose servers is the line's http:\/\/\[::1\]:9401$/);
});

// `proxy_pass http://localhost:8080;` is resolved when nginx starts, and its error-log lines name the address it
// resolved to ("upstream: "http://127.0.0.1:8080/legacy""), never the name. explain matched pass targets to the line's
// backend by the words only, so the location that passes to localhost did not count, and the place was said to be
// found by the path alone, with the guess "(a name resolved at run time?)": wrong for a name resolved at start. The
// line is what a real nginx 1.22.1 wrote for this configuration with nothing listening on 8080 (this machine's
// /etc/hosts gives localhost 127.0.0.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLog } from '../../server/src/core/explain/explain';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const CONF_PATH = '/etc/nginx/nginx.conf';
const conf = (target: string) => `events {}
http {
    server {
        listen 127.0.0.1:18080;
        server_name shop.example.com;
        location / {
            return 404;
        }
        location /legacy {
            proxy_pass ${target};
        }
    }
}
`;

function place(target: string, line: string) {
  const text = conf(target);
  const settings = defaultSettings();
  const r = lintNginx(CONF_PATH, text, memHost({ [CONF_PATH]: text }), { settings });
  const e = explainLog([line], [{ config: r.config, findings: r.findings, target: settings.nginx, upstreams: r.upstreams }]).entries[0];
  return e.place!;
}

const LINE = (addr: string) => `2026/11/24 14:23:18 [error] 7186#7186: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: shop.example.com, request: "GET /legacy HTTP/1.1", upstream: "http://${addr}/legacy", host: "shop.example.com"`;

test('explain: a location passing to localhost passes to the loopback address the line names', () => {
  for (const addr of ['127.0.0.1:8080', '[::1]:8080']) {
    const p = place('http://localhost:8080', LINE(addr));
    assert.equal(p.location?.directive.args[0].value, '/legacy');
    assert.match(p.how, new RegExp(`its location for /legacy passes to http://${addr.replace(/[[\].]/g, '\\$&')}`));
    assert.doesNotMatch(p.how, /run time|the path decided/);
  }
});

test('explain: localhost on another port, or another loopback address, is not the line\'s backend', () => {
  assert.match(place('http://localhost:8081', LINE('127.0.0.1:8080')).how, /the path decided/);
  assert.match(place('http://localhost:8080', LINE('127.0.0.2:8080')).how, /the path decided/);
});

test('explain: when the path decides, the guess covers a name resolved at start as well', () => {
  const p = place('http://backend.internal:8080', LINE('10.1.2.3:8080'));
  assert.match(p.how, /the path decided/);
  assert.doesNotMatch(p.how, /a name resolved at run time\?/);
});

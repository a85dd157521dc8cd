// A pass target built with variables (`proxy_pass http://127.0.0.1:$port;`) is logged by the address its values gave
// ("upstream: "http://127.0.0.1:19071/cart""). explain compared such a target with the line's backend as if the port
// were missing (80), so no location passed there: a try_files hand-off to `location @app` was not followed, the
// request was placed in `location /` (whose settings are not the ones in force), and the wording guessed at "a host
// name". The log line is what a real nginx 1.22.1 wrote for CONF with nothing listening on 19071.
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
        listen 127.0.0.1:18081;
        server_name shop.example.com;
        root /srv/www;
        location / {
            try_files $uri @app;
        }
        location @app {
            set $port 19071;
            proxy_read_timeout 7s;
            proxy_pass ${target};
        }
        location /legacy {
            proxy_pass http://127.0.0.1:19072;
        }
    }
}
`;

const LINE = (addr: string) =>
  `2026/11/24 22:57:10 [error] 31616#31616: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: shop.example.com, request: "GET /cart HTTP/1.1", upstream: "http://${addr}/cart", host: "shop.example.com"`;

function entry(target: string, line: string, extra = '') {
  const text = conf(target).replace('http {\n', `http {\n${extra}`);
  const settings = defaultSettings();
  const r = lintNginx(CONF_PATH, text, memHost({ [CONF_PATH]: text }), { settings });
  return explainLog([line], [{ config: r.config, findings: r.findings, target: settings.nginx, upstreams: r.upstreams }]).entries[0];
}
const place = (target: string, line: string) => entry(target, line).place!;

const name = (p: ReturnType<typeof place>) => p.location?.directive.args[0].value;

test('explain: a hand-off to a location whose pass target takes its port from a variable is followed there', () => {
  const p = place('http://127.0.0.1:$port', LINE('127.0.0.1:19071'));
  assert.equal(name(p), '@app');
  assert.equal(p.handoff?.[0].via.name, 'try_files');
  assert.equal(p.handoff?.[0].from.directive.args[0].value, '/');
  assert.match(p.how, /hands the request on to one that does/);
});

test('explain: the literal parts of a variable target must fit the line\'s backend', () => {
  // Another host, or a literal port after a variable host part that differs: the path decides (location /).
  assert.equal(name(place('http://127.0.0.2:$port', LINE('127.0.0.1:19071'))), '/');
  assert.equal(name(place('http://10.0.0.$n:8080', LINE('10.0.0.7:9090'))), '/');
  assert.equal(name(place('http://10.0.0.$n:8080', LINE('10.0.0.7:8080'))), '@app');
  // No port written: the scheme's, whatever the variables in the URI.
  assert.equal(name(place('http://127.0.0.1$request_uri', LINE('127.0.0.1:80'))), '@app');
  assert.equal(name(place('http://127.0.0.1$request_uri', LINE('127.0.0.1:19071'))), '/');
  // A gateway's target has no scheme: its literal port is compared all the same.
  const fcgi = (target: string, addr: string) => {
    const text = conf('http://127.0.0.1:19099').replace('proxy_pass http://127.0.0.1:19099;', `fastcgi_pass ${target};`);
    const settings = defaultSettings();
    const r = lintNginx(CONF_PATH, text, memHost({ [CONF_PATH]: text }), { settings });
    const line = LINE(addr).replace('upstream: "http://', 'upstream: "fastcgi://');
    return name(explainLog([line], [{ config: r.config, findings: r.findings, target: settings.nginx, upstreams: r.upstreams }]).entries[0].place!);
  };
  assert.equal(fcgi('127.0.0.$n:9000', '127.0.0.7:9000'), '@app');
  assert.equal(fcgi('127.0.0.$n:9000', '127.0.0.7:9001'), '/');
  // A host that is one variable (`set $upstream 127.0.0.1; proxy_pass http://$upstream:19071`, the container
  // pattern; real nginx 1.22.1 logs what it held, "upstream: "http://127.0.0.1:19071/…""): the written port decides.
  assert.equal(name(place('http://$upstream:19071', LINE('127.0.0.1:19071'))), '@app');
  assert.equal(name(place('http://${upstream}:19071', LINE('10.0.0.9:19071'))), '@app');
  assert.equal(name(place('http://$upstream:19072', LINE('127.0.0.1:19071'))), '/');
  assert.equal(name(place('http://$upstream', LINE('127.0.0.1:19071'))), '/');
  assert.equal(name(place('http://$upstream:$port', LINE('127.0.0.1:19071'))), '/');
  // A host name with variables is logged by the address it resolved to: never matched by its words.
  assert.equal(name(place('http://$svc.internal:19071', LINE('127.0.0.1:19071'))), '/');
});

test('explain: a location whose own variable target fits says so, naming the target as written', () => {
  const text = `events {}
http {
    server {
        listen 127.0.0.1:18081;
        server_name shop.example.com;
        location / {
            return 404;
        }
        location /cart {
            set $port 19071;
            proxy_pass http://127.0.0.1:$port;
        }
    }
}
`;
  const settings = defaultSettings();
  const r = lintNginx(CONF_PATH, text, memHost({ [CONF_PATH]: text }), { settings });
  const p = explainLog([LINE('127.0.0.1:19071')], [{ config: r.config, findings: r.findings, target: settings.nginx, upstreams: r.upstreams }]).entries[0].place!;
  assert.equal(name(p), '/cart');
  assert.match(p.how, /its location for \/cart passes to http:\/\/127\.0\.0\.1:\$port, whose variables can give the line's http:\/\/127\.0\.0\.1:19071/);
  assert.doesNotMatch(p.how, /host name|the path decided/);
});

// The same real line: nginx made one peer of 127.0.0.1 and the port the variable held, tried it once and answered 502
// (curl got 502; one error line). The line alone says "if no other server of the group was tried after it".
test('explain: a target of one IP written out, its port from a variable, has one server to go to', () => {
  const e = entry('http://127.0.0.1:$port', LINE('127.0.0.1:19071'));
  assert.equal(String(e.outcome?.status), '502');
  assert.equal(e.outcome?.why, 'the request had one server to go to');
  // A host name, or an upstream block named like the address, could mean more servers: no sure outcome.
  assert.equal(entry('http://app.internal:$port', LINE('127.0.0.1:19071')).outcome, undefined);
  assert.equal(entry('http://127.0.0.1:$port', LINE('127.0.0.1:19071'), '    upstream 127.0.0.1 { server 127.0.0.1:19071; server 127.0.0.1:19073; }\n').outcome, undefined);
});

// Document symbols: an nginx server is named by its server_name (its listen address is the detail), else by its listen
// address; an Apache <VirtualHost> has its ServerName as the detail. An outline of many servers on one port is
// otherwise a list of identical names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheOutline, MAX_OUTLINE_DIRECTIVES } from '../../server/src/core/features/apache';
import { nginxOutline } from '../../server/src/core/features/outline';
import { parseApache } from '../../server/src/core/syntax/apache/parser';
import { parseNginx } from '../../server/src/core/syntax/nginx/parser';

test('nginx: a server is named by server_name whether listen comes before or after it, else by listen', () => {
  const text = `server {
    listen 443 ssl;
    server_name shop.example.com www.shop.example.com;
    location / { proxy_pass http://app; }
}
server {
    server_name api.example.com;
    listen 443 ssl;
}
server {
    listen 127.0.0.1:8080;
}
upstream app { server 127.0.0.1:9000; }
`;
  const symbols = nginxOutline(parseNginx(text));
  assert.deepEqual(symbols.map((s) => [s.name, s.detail]), [
    ['server shop.example.com www.shop.example.com', '443 ssl'],
    ['server api.example.com', '443 ssl'],
    ['server 127.0.0.1:8080', ''],
    ['upstream app', '1 server'],
  ]);
  assert.deepEqual(symbols[0].children.map((s) => s.name), ['location /']);
});

test('nginx: a location shows where it sends requests, an upstream how many servers it has', () => {
  const text = `server {
    location / { proxy_set_header Host $host; proxy_pass http://app; }
    location /grpc/ { grpc_pass grpc://rpc; }
    location /old/ { return 301 /new/; }
    location /static/ { root /srv; }
    location ~ ^/${'x'.repeat(90)}$ { fastcgi_pass unix:/run/php.sock; }
}
upstream app { server 10.0.0.1:80; server 10.0.0.2:80 backup; }
upstream rpc { }
`;
  const symbols = nginxOutline(parseNginx(text));
  const details = symbols[0].children.map((s) => s.detail);
  assert.deepEqual(details, ['proxy_pass http://app', 'grpc_pass grpc://rpc', 'return 301 /new/', '', 'fastcgi_pass unix:/run/php.sock']);
  assert.deepEqual(symbols.slice(1).map((s) => s.detail), ['2 servers', '0 servers']);
});

test('Apache: a <VirtualHost> has its ServerName as the detail', () => {
  const text = `<VirtualHost *:443>
    ServerName shop.example.com
    <Location /api/>
        ProxyPass http://127.0.0.1:9000/
    </Location>
</VirtualHost>
<VirtualHost *:443>
    DocumentRoot /srv/www
</VirtualHost>
`;
  const symbols = apacheOutline(parseApache(text));
  assert.deepEqual(symbols.map((s) => [s.name, s.detail]), [['<VirtualHost *:443>', 'shop.example.com'], ['<VirtualHost *:443>', '']]);
  assert.deepEqual(symbols[0].children.map((s) => [s.name, s.detail]), [['<Location /api/>', '']]);
});

test('Apache: the outline lists the proxy lines a user goes to, with the path and URL as the name and the parameters as the detail', () => {
  const text = `Include conf.d/*.conf
Timeout 60
<VirtualHost *:80>
    ServerName shop.example.com
    ProxyTimeout 30
    ProxyPass /static !
    ProxyPass /app http://10.0.0.5:8080/ timeout=5 retry=0
    ProxyPassReverse /app http://10.0.0.5:8080/
    ProxyPassMatch "^/img/(.*)$" http://10.0.0.6/$1 nocanon
    RewriteEngine On
    RewriteRule ^/old/(.*) /new/$1 [R=301,L]
    RewriteRule ^/x/(.*) http://10.0.0.7/$1 [P,L]
    <Proxy balancer://grp>
        BalancerMember http://10.0.0.1:8080 retry=0 loadfactor=2
        ProxySet lbmethod=bybusyness
    </Proxy>
    BalancerMember balancer://grp http://10.0.0.2:8080
    ProxySet balancer://grp timeout=10
    <Location /api/>
        ProxyPass http://10.0.0.8/ connectiontimeout=2
    </Location>
    IncludeOptional sites/*.conf
</VirtualHost>
`;
  const rows = (list: ReturnType<typeof apacheOutline>): unknown[] => list.map((s) => (s.children.length ? [s.name, s.detail, s.kind, rows(s.children)] : [s.name, s.detail, s.kind]));
  assert.deepEqual(rows(apacheOutline(parseApache(text))), [
    ['Include conf.d/*.conf', '', 'file'],
    ['Timeout 60', '', 'property'],
    ['<VirtualHost *:80>', 'shop.example.com', 'class', [
      ['ProxyTimeout 30', '', 'property'],
      ['ProxyPass /static !', '', 'function'],
      ['ProxyPass /app http://10.0.0.5:8080/', 'timeout=5 retry=0', 'function'],
      ['ProxyPassMatch "^/img/(.*)$" http://10.0.0.6/$1', 'nocanon', 'function'],
      // A RewriteRule without [P] sends no request to a backend; ProxyPassReverse neither.
      ['RewriteRule ^/x/(.*) http://10.0.0.7/$1', '[P,L]', 'function'],
      ['<Proxy balancer://grp>', '', 'struct', [
        ['BalancerMember http://10.0.0.1:8080', 'retry=0 loadfactor=2', 'field'],
        ['ProxySet', 'lbmethod=bybusyness', 'property'],
      ]],
      ['BalancerMember balancer://grp http://10.0.0.2:8080', '', 'field'],
      ['ProxySet balancer://grp', 'timeout=10', 'property'],
      ['<Location /api/>', '', 'method', [['ProxyPass http://10.0.0.8/', 'connectiontimeout=2', 'function']]],
      ['IncludeOptional sites/*.conf', '', 'file'],
    ]],
  ]);
});

test('Apache: on a huge file the outline stops listing directive lines after MAX_OUTLINE_DIRECTIVES, sections still all listed, in bounded time', () => {
  const many = Array.from({ length: MAX_OUTLINE_DIRECTIVES + 500 }, (_, i) => `    ProxyPass /p${i}/ http://10.0.${i >> 8 & 255}.${i & 255}:8080/ timeout=5`).join('\n');
  const text = `<VirtualHost *:80>\n${many}\n</VirtualHost>\n<VirtualHost *:81>\n    ProxyPass /last/ http://10.1.0.1/\n</VirtualHost>\n`;
  const t0 = performance.now();
  const symbols = apacheOutline(parseApache(text));
  assert.ok(performance.now() - t0 < 2000);
  assert.equal(symbols.length, 2, 'both virtual hosts are listed');
  assert.equal(symbols[0].children.length, MAX_OUTLINE_DIRECTIVES);
  assert.equal(symbols[0].children.at(-1)!.name, `ProxyPass /p${MAX_OUTLINE_DIRECTIVES - 1}/ http://10.0.${(MAX_OUTLINE_DIRECTIVES - 1) >> 8 & 255}.${(MAX_OUTLINE_DIRECTIVES - 1) & 255}:8080/`);
  assert.deepEqual(symbols[1].children, []);
});

test('Apache: a directive word longer than 80 characters is cut in the outline', () => {
  const long = 'http://backend.example.test/' + 'a'.repeat(200);
  const [s] = apacheOutline(parseApache(`ProxyPass /x ${long}\n`));
  assert.equal(s.name, `ProxyPass /x ${long.slice(0, 79)}…`);
});

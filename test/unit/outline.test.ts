// Document symbols: an nginx server is named by its server_name (its listen address is the detail), else by its listen
// address; an Apache <VirtualHost> has its ServerName as the detail. An outline of many servers on one port is
// otherwise a list of identical names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheOutline } from '../../server/src/core/features/apache';
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
    ['upstream app', ''],
  ]);
  assert.deepEqual(symbols[0].children.map((s) => s.name), ['location /']);
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

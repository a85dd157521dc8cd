// Inlay hints: the connect and read timeouts in force after each pass line (nginx), the backend and connect timeouts
// after each ProxyPass / BalancerMember line (Apache), with where each value comes from in the tooltip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheInlayHints, nginxInlayHints } from '../../server/src/core/features/inlay-hints';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { lintText, memHost } from '../helpers';

const PATH = '/cfg/nginx.conf';
const nginx = (text: string, start = 0, end = text.length) => nginxInlayHints(lintText(text), PATH, start, end, defaultSettings().nginx);

test('nginx: an inherited read timeout, a default connect timeout, each with its origin; the hint sits after the ";"', () => {
  const text = 'events {}\nhttp {\n  server {\n    listen 80;\n    proxy_read_timeout 30s;\n    location / {\n      proxy_pass http://127.0.0.1:8080;\n    }\n  }\n}\n';
  const [h, ...rest] = nginx(text);
  assert.equal(rest.length, 0);
  assert.equal(h.label, 'connect 60s · read 30s');
  assert.equal(h.offset, text.indexOf('8080;') + 5);
  assert.match(h.tooltip, /^proxy_connect_timeout 60s: built-in default\nproxy_read_timeout 30s: inherited from line 5\n.*504/);
});

test('nginx: a bare number is shown with its unit; fastcgi and grpc read their own timeouts; stream shows its idle timeout', () => {
  const text = [
    'events {}',
    'http {',
    '  server {',
    '    listen 80;',
    '    location /a/ { proxy_read_timeout 5; proxy_connect_timeout 2s; proxy_pass http://127.0.0.1:8080; }',
    '    location ~ \\.php$ { fastcgi_read_timeout 300s; fastcgi_pass unix:/run/php/php8.2-fpm.sock; }',
    '  }',
    '}',
    'stream {',
    '  server { listen 5432; proxy_timeout 1h; proxy_pass 127.0.0.1:5433; }',
    '}',
    '',
  ].join('\n');
  assert.deepEqual(nginx(text).map((h) => h.label), ['connect 2s · read 5s', 'connect 60s · read 300s', 'connect 60s · idle 1h']);
});

test('nginx: only the lines inside the asked range; none for a timeout written twice at one level (nginx refuses it)', () => {
  const text = 'events {}\nhttp {\n  server {\n    listen 80;\n    location /a/ { proxy_pass http://127.0.0.1:8080; }\n    location /b/ { proxy_read_timeout 1s; proxy_read_timeout 2s; proxy_pass http://127.0.0.1:8081; }\n  }\n}\n';
  assert.equal(nginx(text).length, 1, 'the duplicate gets none');
  const b = text.indexOf('location /b/');
  assert.equal(nginx(text, b, text.length).length, 0, 'the first pass is outside the range');
});

const MODULES = ['proxy', 'proxy_http', 'proxy_fcgi', 'proxy_balancer', 'lbmethod_byrequests', 'slotmem_shm'].map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`).join('\n');
const apache = (body: string) => {
  const path = '/c/httpd.conf';
  const text = `${MODULES}\n${body}\n`;
  return { text, hints: apacheInlayHints(lintApache(path, text, memHost({ [path]: text }), { settings: defaultSettings() }), path, 0, text.length) };
};

test('Apache: worker parameters, else ProxyTimeout of the virtual host; the tooltip says what running out gives per module', () => {
  const { text, hints } = apache([
    '<VirtualHost *:80>',
    '    ProxyTimeout 30',
    '    ProxyPass "/api/" "http://127.0.0.1:8080/api/" timeout=60 connectiontimeout=5',
    '    ProxyPass "/app/" "http://127.0.0.1:8081/"',
    '    ProxyPassMatch "^/(.*\\.php)$" "fcgi://127.0.0.1:9000/var/www/$1"',
    '</VirtualHost>',
  ].join('\n'));
  assert.deepEqual(hints.map((h) => h.label), ['timeout 60s · connect 5s', 'timeout 30s · connect 30s', 'timeout 30s · connect 30s']);
  assert.equal(hints[0].offset, text.indexOf('connectiontimeout=5') + 'connectiontimeout=5'.length);
  assert.match(hints[0].tooltip, /Backend timeout 60 s \(timeout=60\): a backend silent that long before its status line gives 502/);
  assert.match(hints[2].tooltip, /gives 504/);
});

test('Apache: no hint for a balancer:// line, nor where the servers a main-server ProxyPass serves wait different times', () => {
  const { hints } = apache([
    'ProxyPass "/shared/" "http://127.0.0.1:8082/"',
    '<Proxy "balancer://pool">',
    '    BalancerMember "http://127.0.0.1:8083" timeout=7',
    '</Proxy>',
    '<VirtualHost *:80>',
    '    ProxyTimeout 10',
    '    ProxyPass "/b/" "balancer://pool/"',
    '</VirtualHost>',
    '<VirtualHost *:81>',
    '    ProxyTimeout 20',
    '</VirtualHost>',
  ].join('\n'));
  // The member has its own timeout=7 (its connect timeout follows it); the balancer line and the shared line get none.
  assert.deepEqual(hints.map((h) => h.label), ['timeout 7s · connect 7s']);
});

test('Apache: SetHandler "proxy:unix:…|fcgi://localhost" (PHP-FPM) waits what the <Proxy "fcgi://localhost/"> worker sets, else ProxyTimeout; skipped sections get none', () => {
  const php = (proxy: string) =>
    apache([
      '<VirtualHost *:80>',
      '    ProxyTimeout 40',
      proxy,
      '    <FilesMatch "\\.php$">',
      '        SetHandler "proxy:unix:/run/php/php8.2-fpm.sock|fcgi://localhost"',
      '    </FilesMatch>',
      '    <IfModule !mod_proxy.c>',
      '        ProxyPass "/x/" "http://127.0.0.1:8085/"',
      '        SetHandler "proxy:fcgi://127.0.0.1:9001"',
      '    </IfModule>',
      '</VirtualHost>',
    ].join('\n')).hints;
  const withWorker = php('    <Proxy "fcgi://localhost/">\n        ProxySet timeout=300\n    </Proxy>');
  assert.deepEqual(withWorker.map((h) => h.label), ['timeout 300s · connect 300s']);
  assert.match(withWorker[0].tooltip, /gives 504/);
  assert.deepEqual(php('').map((h) => h.label), ['timeout 40s · connect 40s']);
});

test('a snippet two configurations include: a hint only where both use the same timeouts', () => {
  const snippet = 'location /api/ { proxy_pass http://127.0.0.1:8080; }\nlocation /ws/ { proxy_read_timeout 1h; proxy_connect_timeout 5s; proxy_pass http://127.0.0.1:8081; }\n';
  const entry = (read: string) => `events {}\nhttp {\n  proxy_read_timeout ${read};\n  server {\n    listen 80;\n    include snippet.conf;\n  }\n}\n`;
  const a = lintText(entry('30s'), { files: { 'snippet.conf': snippet } });
  const b = lintText(entry('45s'), { files: { 'snippet.conf': snippet } });
  const path = '/cfg/snippet.conf';
  assert.deepEqual(nginxInlayHints(a, path, 0, snippet.length, defaultSettings().nginx).map((h) => h.label), ['connect 60s · read 30s', 'connect 5s · read 1h']);
  // Read by both: the /api/ line waits 30s in one and 45s in the other, so it gets no hint; /ws/ sets its own.
  assert.deepEqual(nginxInlayHints(a, path, 0, snippet.length, defaultSettings().nginx, [b]).map((h) => h.label), ['connect 5s · read 1h']);
});

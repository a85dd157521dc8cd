// The client gives nginx/Apache files that VS Code opened as Properties or plain text their server's language:
// included files in a project folder not named nginx/apache2 (proxy/sites-enabled/app.conf) were neither linted
// nor coloured, and their findings never reached the Problems panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectedLanguage } from '../../client/src/detect-language';

const site = 'server {\n    listen 8081;\n    location / {\n        proxy_pass http://app_backend;\n    }\n}\n';
const vhost = '<VirtualHost *:80>\n    ServerName a.example\n    ProxyPass / http://127.0.0.1:3000/\n</VirtualHost>\n';
const upstreams = 'upstream app_backend {\n    server 127.0.0.1:8080;\n}\n';

test('an nginx server block in sites-enabled/*.conf opened as Properties becomes nginx', () => {
  assert.equal(detectedLanguage('/p/proxy/sites-enabled/app.conf', 'properties', site), 'nginx');
  assert.equal(detectedLanguage('/p/proxy/conf.d/upstreams.conf', 'properties', upstreams), 'nginx');
});

test('an Apache vhost in sites-available, with or without .conf, becomes apacheconf', () => {
  assert.equal(detectedLanguage('/p/web/sites-available/app.conf', 'properties', vhost), 'apacheconf');
  assert.equal(detectedLanguage('/p/web/sites-available/000-default', 'plaintext', vhost), 'apacheconf');
  assert.equal(detectedLanguage('/p/web/ports.conf', 'properties', 'Listen 80\n<IfModule ssl_module>\n\tListen 443\n</IfModule>\n'), 'apacheconf');
  assert.equal(detectedLanguage('/p/web/mods-enabled/proxy.load', 'plaintext', 'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so\n'), 'apacheconf');
});

test('a file the user or another extension gave a language keeps it', () => {
  assert.equal(detectedLanguage('/p/proxy/sites-enabled/app.conf', 'nginx', site), undefined);
  assert.equal(detectedLanguage('/p/proxy/sites-enabled/app.conf', 'shellscript', site), undefined);
});

test('files outside server configuration folders, and content of neither server, are left alone', () => {
  assert.equal(detectedLanguage('/p/app/settings.conf', 'properties', site), undefined);
  assert.equal(detectedLanguage('/etc/supervisor/conf.d/app.conf', 'properties', '[program:app]\ncommand=/usr/bin/app\nautostart=true\n'), undefined);
  assert.equal(detectedLanguage('/p/proxy/sites-enabled/README.md', 'plaintext', site), undefined);
  assert.equal(detectedLanguage('/p/proxy/sites-enabled/empty.conf', 'properties', '# nothing yet\n'), undefined);
});

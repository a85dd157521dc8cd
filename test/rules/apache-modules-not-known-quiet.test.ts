// modules-not-known says which checks were switched off because the LoadModule list is hidden. Where the configuration
// has nothing those checks look at (a Debian mods-available/*.load file, a main file whose sites are not in the
// checkout) it reported anyway: 114 of its 124 findings on the corpus's Apache files named one by one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const ids = (path: string, files: Record<string, string>) =>
  lintApache(path, files[path], memHost(files), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'modules-not-known').length;

test('modules-not-known: silent where no module-dependent rule has anything to check, reported as soon as one has', () => {
  const load = '# Depends: proxy\nLoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so\n';
  assert.equal(ids('/etc/apache2/mods-available/proxy_http.load', { '/etc/apache2/mods-available/proxy_http.load': load }), 0);
  const main = 'Timeout 300\nIncludeOptional mods-enabled/*.load\nIncludeOptional mods-enabled/*.conf\nIncludeOptional sites-enabled/*.conf\n<Directory /var/www/>\n    Require all granted\n</Directory>\n';
  assert.equal(ids('/etc/apache2/apache2.conf', { '/etc/apache2/apache2.conf': main }), 0);
  // A proxy directive, a "proxy:" handler or a companion directive (Header, RewriteRule, SSLProxyEngine): those rules
  // would have checked them.
  for (const extra of ['ProxyPass /app http://127.0.0.1:8080/\n', 'SetHandler "proxy:fcgi://127.0.0.1:9000"\n', 'Header always set X-Frame-Options DENY\n', 'RewriteEngine On\n']) {
    assert.equal(ids('/etc/apache2/mods-available/proxy_http.load', { '/etc/apache2/mods-available/proxy_http.load': load + extra }), 1, extra);
    assert.equal(ids('/etc/apache2/apache2.conf', { '/etc/apache2/apache2.conf': main, '/etc/apache2/sites-enabled/app.conf': extra }), 1, extra);
  }
});

test('modules-not-known: a companion line inside <IfModule> for its own module does not make it speak; the same line outside does', () => {
  const main = 'Timeout 300\nIncludeOptional mods-enabled/*.load\n<Directory /var/www/>\n    Require all granted\n</Directory>\n';
  const path = '/etc/apache2/apache2.conf';
  // A stock httpd.conf's closing lines: read only when mod_ssl is loaded, so nothing is lost without the list.
  assert.equal(ids(path, { [path]: `${main}<IfModule ssl_module>\nSSLRandomSeed startup builtin\n</IfModule>\n` }), 0);
  assert.equal(ids(path, { [path]: `${main}SSLRandomSeed startup builtin\n` }), 1);
  // A directive of a module other than the proxy's and its companions (mod_expires) does not either.
  assert.equal(ids(path, { [path]: `${main}ExpiresActive On\n` }), 0);
});

// A mod_proxy_fcgi line in a configuration where a PHP-FPM SetHandler and an fcgi:// ProxyPassMatch both send requests
// to mod_proxy_fcgi: with the request path (from another line of the request), the one that took it is known (a
// ProxyPass(Match) matching the path maps it first, test/servers/apache-proxypass-takes-php.test.ts), and its values
// are the only ones given; without it, each one's (test/servers/explain-apache-handler-worker.test.ts runs httpd).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findApachePlace } from '../../server/src/core/explain/apache-place';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const PATH = '/c/httpd.conf';
const TEXT = [
  '<VirtualHost *:80>',
  '    ProxyTimeout 2',
  '    <FilesMatch "\\.php$">',
  '        SetHandler "proxy:unix:/run/php/php8.2-fpm.sock|fcgi://localhost"',
  '    </FilesMatch>',
  '    <Proxy "fcgi://localhost/">',
  '        ProxySet timeout=3',
  '    </Proxy>',
  '    ProxyPassMatch "^/api/(.*)$" "fcgi://127.0.0.1:9001/srv/api/$1" timeout=5',
  '</VirtualHost>',
  '',
].join('\n');
const proxy = () => lintApache(PATH, TEXT, memHost({ [PATH]: TEXT }), { settings: defaultSettings() }).proxy;
const timeouts = (values: { name: string; value: string; scope?: { label: string } }[]) => values.filter((v) => v.name === 'backend timeout').map((v) => `${v.value}${v.scope ? ` [${v.scope.label}]` : ''}`);

test('without the request path: both workers\' timeouts, each under its line', () => {
  const place = findApachePlace(proxy(), {}, { patternId: 'apache-fcgi-timeout' })!;
  assert.deepEqual(timeouts(place.values), ['5 s [ProxyPassMatch fcgi://127.0.0.1:9001/srv/api/$1]', '3 s [SetHandler "proxy:unix:/run/php/php8.2-fpm.sock|fcgi://localhost"]']);
  assert.equal(place.ambiguous, true);
});

test('a path the ProxyPassMatch maps: its worker, alone', () => {
  const place = findApachePlace(proxy(), { path: '/api/report.php' }, { patternId: 'apache-fcgi-timeout' })!;
  assert.equal(place.node.name, 'ProxyPassMatch');
  assert.deepEqual(timeouts(place.values), ['5 s']);
  assert.match(place.how, /maps \/api\/report\.php before a SetHandler could take it/);
});

test('a path no ProxyPass maps: the handler, with its worker\'s timeout', () => {
  const place = findApachePlace(proxy(), { path: '/index.php' }, { patternId: 'apache-fcgi-timeout' })!;
  assert.equal(place.node.name, 'SetHandler');
  assert.deepEqual(timeouts(place.values), ['3 s']);
  assert.match(place.how, /through the worker of line 6 \(fcgi:\/\/localhost\/\)/);
});

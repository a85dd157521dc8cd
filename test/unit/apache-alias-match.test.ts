// aliasMatch / passTakes: mod_proxy's alias_match() for ProxyPass prefixes, the one matcher the request-worker model,
// explain and the rules share (httpd's behaviour is run in test/servers/apache-prefix-boundary.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findApachePlace } from '../../server/src/core/explain/apache-place';
import { lintApache } from '../../server/src/core/lint-apache';
import { aliasMatch, passTakes } from '../../server/src/core/model/apache-proxypass-order';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

test('aliasMatch: a "/" boundary after a prefix that does not end in "/", runs of "/" match each other', () => {
  const cases: [string, string, number][] = [
    ['/api', '/api', 4],
    ['/api', '/api/x', 4],
    ['/api', '/apix', 0],
    ['/api', '/api2/y', 0],
    ['/api/', '/api', 0],
    ['/api/', '/api/x', 5],
    ['/api/', '/apix', 0],
    ['/', '/anything', 1],
    ['/examples', '/', 0],
    // A "//" run in the prefix matches one "/" in the path, and the count covers the path's run.
    ['/a//b', '/a/b/c', 4],
    ['/a/b', '/a//b/c', 5],
    // Written as a regex: no request path starts with it.
    ['\\.php$', '/index.php', 0],
    ['^/api/', '/api/x', 0],
  ];
  for (const [prefix, path, n] of cases) assert.equal(aliasMatch(prefix, path), n, `${prefix} against ${path}`);
});

test('passTakes: a prefix by aliasMatch, a regex by PCRE ((?i) included)', () => {
  assert.equal(passTakes({ regex: false, path: '/api' }, '/apix'), false);
  assert.equal(passTakes({ regex: false, path: '/api' }, '/api/v2'), true);
  assert.equal(passTakes({ regex: true, path: '(?i)^/API/' }, '/api/x'), true);
  assert.equal(passTakes({ regex: true, path: '^/api/' }, '/apix'), false);
});

test('explain: a log line for /apix is placed on "ProxyPass /", not on "ProxyPass /api" (same backend)', () => {
  const path = '/c/httpd.conf';
  const text = ['<VirtualHost *:80>', '    ProxyPass "/api" "http://127.0.0.1:8080/v1" timeout=1', '    ProxyPass "/" "http://127.0.0.1:8080/" timeout=5', '</VirtualHost>', ''].join('\n');
  const { proxy } = lintApache(path, text, memHost({ [path]: text }), { settings: defaultSettings() });
  const on = (p: string) => findApachePlace(proxy, { path: p, upstream: '127.0.0.1:8080' }, { patternId: 'apache-read-timeout' })?.rule?.path;
  assert.equal(on('/apix'), '/');
  assert.equal(on('/api/x'), '/api');
  assert.equal(on('/api'), '/api');
});

// The ProxyPass / ProxyPassMatch hover is narrowed to the backend on the line: the codes its failures give through
// that proxy module, only the log lines that module (or a problem found on the line) can write, and only the related
// rules that can apply to it. ws:// and balancer:// lines keep the whole documentation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheHover } from '../../server/src/core/features/apache';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { APX_LOG } from '../../server/src/core/docs/log-lines';
import { memHost, readable } from '../helpers';

const PATH = '/c/app.conf';
const MODULES = ['proxy', 'proxy_http', 'proxy_fcgi', 'proxy_wstunnel', 'ssl']
  .map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`)
  .join('\n');

function hover(lines: string, needle: string): string {
  const text = `${MODULES}\n<VirtualHost *:80>\n    ServerName app.example\n${lines}\n</VirtualHost>\n`;
  const r = lintApache(PATH, text, memHost({ [PATH]: text }), { settings: defaultSettings() });
  const at = text.indexOf(needle);
  assert.ok(at >= 0, needle);
  return readable(apacheHover(r, PATH, at + 1)?.markdown ?? '');
}

/** The log lines of the hover's "In the error log" block. */
function logBlock(md: string): string[] {
  const m = /\*\*In the error log\*\*\n\n```text\n([\s\S]*?)\n```/.exec(md);
  return m ? m[1].split('\n') : [];
}

test('http:// to an IP address: 503 / 502 from mod_proxy_http, its four log lines, no fcgi, TLS or DNS line', () => {
  const md = hover('    ProxyPass "/api/" "http://127.0.0.1:8080/api/" connectiontimeout=5 timeout=60', 'ProxyPass');
  assert.match(md, /\*\*When this backend fails\*\* \(mod_proxy_http\): refused, or not connected within the connect timeout → \*\*503\*\* \(`AH00957` \+ `AH01114`\); silent past the backend timeout before its status line → \*\*502\*\*/);
  assert.doesNotMatch(md, /When this backend fails[^\n]*DNS/);
  assert.deepEqual(logBlock(md), [APX_LOG.connectTimeout, APX_LOG.noConnection, APX_LOG.readTimeout, APX_LOG.readError]);
  for (const absent of ['https-backend-without-sslproxyengine', 'unix-socket-target-syntax', 'undefined-balancer', 'backend-dns-cached-per-child']) assert.ok(!md.includes(`[${absent}]`), absent);
  assert.ok(md.includes('[no-connectiontimeout]') && md.includes('[websocket-upgrade-not-enabled]'), 'the rules that can apply stay');
});

test('fcgi:// (PHP-FPM over TCP) by ProxyPassMatch: 504 for a silent backend, the AH01075 polling line, no AH01102', () => {
  const md = hover('    ProxyPassMatch "^/(.*\\.php)$" "fcgi://127.0.0.1:9000/var/www/$1"', 'ProxyPassMatch');
  assert.match(md, /\*\*When this backend fails\*\* \(mod_proxy_fcgi\): [^\n]*silent past the backend timeout → \*\*504\*\* \(`AH01075 … \(polling\)`\)/);
  const log = logBlock(md);
  assert.ok(log.includes(APX_LOG.fcgiTimeout) && log.includes(APX_LOG.fcgiNoConnection), log.join('\n'));
  assert.ok(!log.includes(APX_LOG.readTimeout) && !log.includes(APX_LOG.connectTimeout), 'mod_proxy_http lines are not shown');
  assert.ok(!md.includes('[websocket-upgrade-not-enabled]'));
});

test('a UNIX socket: AH02454 for the connect, the socket line in the log block, no TCP connect line', () => {
  const fcgi = hover('    ProxyPass "/php/" "unix:/run/php/php8.2-fpm.sock|fcgi://localhost/var/www/"', 'ProxyPass');
  assert.match(fcgi, /\*\*503\*\* \(`AH02454` for the socket \+ `AH01079`\)/);
  assert.ok(logBlock(fcgi).includes(APX_LOG.fcgiSocketMissing));
  assert.ok(!logBlock(fcgi).includes(APX_LOG.dnsFailure), 'a socket is not looked up: no DNS line');
  assert.ok(fcgi.includes('[unix-socket-target-syntax]'));
  const http = hover('    ProxyPass "/app/" "unix:/run/app.sock|http://localhost/"', 'ProxyPass');
  assert.match(http, /\*\*503\*\* \(`AH02454` for the socket \+ `AH01114`\)/);
  assert.ok(!logBlock(http).includes(APX_LOG.connectTimeout));
});

test('https:// to a host name without SSLProxyEngine: the DNS outcome, and the TLS lines of the problem found on the line', () => {
  const md = hover('    ProxyPass "/billing/" "https://billing.internal/billing/"', 'ProxyPass');
  assert.match(md, /its name does not resolve → \*\*500\*\* \(`AH00898: DNS lookup failure`\)/);
  const log = logBlock(md);
  assert.ok(log.includes(APX_LOG.dnsFailure) && log.includes(APX_LOG.noSsl) && log.includes(APX_LOG.noSslHint), log.join('\n'));
  assert.ok(md.includes('[https-backend-without-sslproxyengine]') && md.includes('[backend-dns-cached-per-child]'));
  // With SSLProxyEngine On, the problem and its lines are gone.
  const on = hover('    SSLProxyEngine On\n    ProxyPass "/billing/" "https://billing.internal/billing/"', 'ProxyPass "/billing/"');
  assert.ok(!logBlock(on).includes(APX_LOG.noSsl));
});

test('ws:// and balancer:// lines keep the whole list; a parameter hover is not narrowed', () => {
  const ws = hover('    ProxyPass "/ws/" "ws://127.0.0.1:8081/ws/"', 'ProxyPass');
  assert.doesNotMatch(ws, /When this backend fails/);
  assert.ok(logBlock(ws).includes(APX_LOG.fcgiTimeout), 'the generic list');
  const param = hover('    ProxyPass "/api/" "http://127.0.0.1:8080/api/" timeout=60', 'timeout=60');
  assert.doesNotMatch(param, /When this backend fails/);
});

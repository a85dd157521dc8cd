// Hover on a ProxyPass whose requests httpd may send through another line's worker (see requestsTakenFrom): the
// "Backend timeout here" of the line holds only for the others, and the hover says which requests and what they wait.
// On 2.4.71 /api/report of the first example got 502 after the ProxyPassMatch worker's 2 s
// (test/servers/explain-apache-request-worker.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheHover } from '../../server/src/core/features/apache';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, readable } from '../helpers';

const PATH = '/c/app.conf';

function hoverAt(text: string, needle: string): string {
  const r = lintApache(PATH, text, memHost({ [PATH]: text }), { settings: defaultSettings() });
  const at = text.indexOf(needle);
  assert.ok(at >= 0, needle);
  return readable(apacheHover(r, PATH, at + 1)?.markdown ?? '');
}

test('hover on a ProxyPass names the ProxyPassMatch worker that takes its longer URLs, with that worker\'s timeout', () => {
  const text = 'ProxyPass "/api/" "http://127.0.0.1:19005/" timeout=30\nProxyPassMatch "^/static/(.*)$" "http://127.0.0.1:19005/$1" timeout=2\n';
  const md = hoverAt(text, 'ProxyPass "/api/"');
  assert.match(md, /Some requests go through another worker/, md);
  assert.match(md, /match `http:\/\/127\.0\.0\.1:19005\/\$1`.*line 2, backend timeout 2 s \(timeout=2\)/, md);
});

test('hover on a ProxyPass names a longer plain worker name its URLs run into', () => {
  const text = 'ProxyPass "/b/" "http://127.0.0.1:19006/b/" timeout=2\nProxyPass "/a/" "http://127.0.0.1:19006/" timeout=30\n';
  const md = hoverAt(text, 'ProxyPass "/a/"');
  assert.match(md, /start with `http:\/\/127\.0\.0\.1:19006\/b\/` \(such as `\/a\/b\/x`/, md);
});

test('no such note where the earlier, longer path maps its URLs the same way, nor for another host name', () => {
  const text = [
    'ProxyPass "/api/" "http://127.0.0.1:19005/api/" timeout=300',
    'ProxyPass "/" "http://127.0.0.1:19005/"',
    'ProxyPass "/x/" "http://127.0.0.1:19006/" timeout=30',
    'ProxyPassMatch "^/s/(.*)$" "http://localhost:19006/$1" timeout=2',
    '',
  ].join('\n');
  for (const needle of ['ProxyPass "/"', 'ProxyPass "/x/"']) assert.doesNotMatch(hoverAt(text, needle), /another worker/, needle);
});

test('hover on a ProxyPassMatch with parameters says that a URL shorter than its worker name goes through the default worker', () => {
  const text = 'ProxyTimeout 2\nProxyPassMatch "^/m/(.*)$" "http://127.0.0.1:19005/$1" timeout=20\nProxyPassMatch "^/n/(.+\\.php)$" "fcgi://127.0.0.1:9000/srv/$1" timeout=20\n';
  const md = hoverAt(text, 'ProxyPassMatch "^/m/');
  assert.match(md, /Short URLs go through the default worker/, md);
  assert.match(md, /`\/m\/` → `http:\/\/127\.0\.0\.1:19005\/`.*backend timeout 2 s \(ProxyTimeout 2/, md);
  // "^/n/(.+\.php)$" needs more than one character after /n/: every URL it makes is long enough.
  assert.doesNotMatch(hoverAt(text, 'ProxyPassMatch "^/n/'), /Short URLs/);
});

test('a virtual host with BalancerInherit Off and ProxyPassInherit Off does not see the main server\'s workers: its [P] rule waits its own Timeout', () => {
  // On 2.4.71 the request /c/x got 502 after the virtual host's Timeout 2, not the main-server worker's timeout=20.
  const text = [
    'ProxyPass "/w/" "http://127.0.0.1:19002/w/" timeout=20',
    '<VirtualHost 127.0.0.1:8080>',
    '    Timeout 2',
    '    BalancerInherit Off',
    '    ProxyPassInherit Off',
    '    RewriteEngine On',
    '    RewriteRule "^/c/(.*)$" "http://127.0.0.1:19002/w/$1" [P]',
    '</VirtualHost>',
    '',
  ].join('\n');
  const md = hoverAt(text, 'RewriteRule');
  assert.match(md, /Backend timeout here:\*\* 2 s \(Timeout 2/, md);
  assert.match(md, /default worker/, md);
  // One of the two Off alone: the main server's worker is found (2.4.68, test/servers/apache-rewrite-worker.test.ts).
  assert.match(hoverAt(text.replace('    BalancerInherit Off\n', ''), 'RewriteRule'), /Backend timeout here:\*\* 20 s \(timeout=20\)/);
});

// Hover on the opening line of <VirtualHost>, <Location>, <LocationMatch> and <Proxy>: what is proxied there and the
// ProxyTimeout and Timeout in force, set here, inherited from a line, or the default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheHover } from '../../server/src/core/features/apache';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { assertPlaceLink, memHost, readable } from '../helpers';

/** The hover as a reader sees it (links to config lines as their labels); `raw`: with the links' targets. */
function hoverAt(path: string, text: string, needle: string, into = 2, raw = false): string {
  const r = lintApache(path, text, memHost({ [path]: text }), { settings: defaultSettings() });
  const at = text.indexOf(needle);
  assert.ok(at >= 0, needle);
  const md = apacheHover(r, path, at + into)?.markdown ?? '';
  return raw ? md : readable(md);
}

const CONF = `Timeout 90
ProxyTimeout 30
ProxyPass /health !
<Proxy balancer://pool>
    BalancerMember http://10.0.0.1:8080 connectiontimeout=2
</Proxy>
<Proxy http://10.0.0.5:9000/>
    ProxySet timeout=7
</Proxy>
<VirtualHost *:80>
    ServerName a.example.test
    ProxyTimeout 12
    ProxyPass /api/ http://10.0.0.5:9000/api/
    ProxyPass /static/ !
    <Location /app/>
        ProxyPass balancer://pool/
    </Location>
    <Location /none/>
        Require all granted
    </Location>
</VirtualHost>
<LocationMatch "^/m/(.*)$">
    ProxyPass http://10.0.0.6:9000/$1 timeout=3
</LocationMatch>
<VirtualHost *:8080>
    Timeout 20
    <Location /b/>
        ProxyPass http://10.0.0.7:9000/
    </Location>
</VirtualHost>
`;
const hover = (needle: string, into?: number) => hoverAt('/c/httpd.conf', CONF, needle, into);

test('<VirtualHost>: its ProxyPass lines with backend and wait, the main server\'s tried first, ProxyTimeout set here, Timeout inherited', () => {
  const md = hover('<VirtualHost *:80>');
  const raw = hoverAt('/c/httpd.conf', CONF, '<VirtualHost *:80>', 2, true);
  assertPlaceLink(raw, 'line 13', '/c/httpd.conf', 13);
  assertPlaceLink(raw, 'line 12', '/c/httpd.conf', 12);
  assert.match(md, /- `ProxyPass \/api\/` → `http:\/\/10\.0\.0\.5:9000\/api\/` \(line 13\): backend timeout 12 s \(ProxyTimeout 12, line 12\)/);
  assert.match(md, /- `ProxyPass \/static\/` `!` \(line 14\): not proxied/);
  assert.match(md, /- `<Location \/app\/>` `ProxyPass` → `balancer:\/\/pool\/` \(line 16\): a balancer of 1 member, each with its own timeouts/);
  assert.match(md, /\*\*Tried before these\*\*, as in every virtual host: the main server's ProxyPass line \(line 3\)/);
  assert.match(md, /\*\*ProxyTimeout in force here:\*\* `12` — set here \(line 12\)/);
  assert.match(md, /\*\*Timeout in force here:\*\* `90` — inherited from the main server \(line 1\)/);
  assert.match(md, /\(https:\/\/httpd\.apache\.org\/docs\/2\.4\/mod\/core\.html#virtualhost\)/);
  // Another virtual host: its own Timeout, and ProxyTimeout from the main server.
  const other = hover('<VirtualHost *:8080>');
  assert.match(other, /\*\*Timeout in force here:\*\* `20` — set here \(line 26\)/);
  assert.match(other, /\*\*ProxyTimeout in force here:\*\* `30` — inherited from the main server \(line 2\)/);
  assert.match(other, /`<Location \/b\/>` `ProxyPass` → `http:\/\/10\.0\.0\.7:9000\/` \(line 28\): backend timeout 30 s \(ProxyTimeout 30, line 2\)/);
});

test('<Location> and <LocationMatch>: their ProxyPass, or none, and the values inherited from the virtual host or the main server', () => {
  const app = hover('<Location /app/>');
  assertPlaceLink(hoverAt('/c/httpd.conf', CONF, '<Location /app/>', 2, true), 'line 16', '/c/httpd.conf', 16);
  assert.match(app, /\*\*Proxied here:\*\*\n\n- `<Location \/app\/>` `ProxyPass` → `balancer:\/\/pool\/` \(line 16\)/);
  assert.match(app, /\*\*ProxyTimeout in force here:\*\* `12` — inherited from line 12 \(this virtual host\)/);
  assert.match(app, /\*\*Timeout in force here:\*\* `90` — inherited from line 1 \(the main server\)/);
  assert.match(app, /core\.html#location\)/);
  assert.match(hover('<Location /none/>'), /\*\*Proxied here:\*\* no ProxyPass in this section/);
  const m = hover('<LocationMatch');
  assert.match(m, /`ProxyPass` → `http:\/\/10\.0\.0\.6:9000\/\$1` \(line 23\): backend timeout 3 s \(timeout=3\)/);
  assert.match(m, /\*\*ProxyTimeout in force here:\*\* `30` — inherited from line 2\s/);
  assert.match(m, /These are the main server's: a request to a virtual host that sets its own ProxyTimeout or Timeout waits that one's/);
  assert.match(m, /core\.html#locationmatch\)/);
});

test('<Proxy balancer://…>: the balancer\'s card and the lines that use it; <Proxy url>: what it applies to and the worker it configures', () => {
  const b = hover('<Proxy balancer://pool>');
  assertPlaceLink(hoverAt('/c/httpd.conf', CONF, '<Proxy balancer://pool>', 2, true), '`httpd.conf:4`', '/c/httpd.conf', 4);
  assert.match(b, /\*\*balancer:\/\/pool\*\*, `<Proxy>` at `httpd\.conf:4`/);
  assert.match(b, /1 member, values for requests to a\.example\.test:/);
  assert.match(b, /\*\*Used by:\*\* `ProxyPass balancer:\/\/pool\/` in `<Location \/app\/>` \(line 16\)/);
  assert.match(b, /\*\*ProxyTimeout in force here:\*\* `30` — inherited from line 2/);
  // The Proxy directive's own documentation follows, with its link.
  assert.match(b, /mod_proxy\.html#proxy\)/);
  const u = hover('<Proxy http://10.0.0.5:9000/>');
  assert.match(u, /\*\*Applies to:\*\* requests proxied to a URL under `http:\/\/10\.0\.0\.5:9000\/`, in the main server and every virtual host/);
  assert.match(u, /- `ProxyPass \/api\/` → `http:\/\/10\.0\.0\.5:9000\/api\/` \(line 13\)/);
  assert.match(u, /\*\*Its ProxySet configures the worker\*\* `http:\/\/10\.0\.0\.5:9000\/`: backend timeout 7 s \(timeout=7\)/);
});

test('in a fragment, a Timeout the file does not set is the main configuration\'s, not a sure default', () => {
  const text = '<VirtualHost *:80>\n    ProxyPass /a/ http://10.0.0.1:8080/\n</VirtualHost>\n';
  const md = hoverAt('/c/sites-enabled/app.conf', text, '<VirtualHost');
  assert.match(md, /\*\*Timeout in force here:\*\* not set in this file: the main configuration's applies \(60 s unless it sets one\)/);
  assert.match(md, /\*\*ProxyTimeout in force here:\*\* not set — it takes the Timeout\s/);
  const whole = hoverAt('/c/httpd.conf', text, '<VirtualHost');
  assert.match(whole, /\*\*Timeout in force here:\*\* `60` — the default/);
  assert.match(whole, /\*\*ProxyTimeout in force here:\*\* not set — it takes the Timeout, 60 s/);
});

test('<VirtualHost> and <Location> list their RewriteRule [P] lines with the time each waits and the worker it goes through', () => {
  const text = `<VirtualHost *:80>
    ProxyTimeout 12
    ProxyPass /api/ http://10.0.0.5:9000/api/ timeout=4
    RewriteEngine On
    RewriteRule ^/legacy/(.*)$ http://10.0.0.8:8080/$1 [P,L]
    RewriteRule ^/v1/(.*)$ http://10.0.0.5:9000/api/v1/$1 [P]
    <Location /old/>
        RewriteEngine On
        RewriteRule ^(.*)$ http://10.0.0.9:8080/old/$1 [P]
    </Location>
</VirtualHost>
<VirtualHost *:81>
    RewriteEngine On
    RewriteRule ^/(.*)$ http://10.0.0.8:8080/$1 [P]
</VirtualHost>
`;
  const v = hoverAt('/c/httpd.conf', text, '<VirtualHost *:80>');
  assertPlaceLink(hoverAt('/c/httpd.conf', text, '<VirtualHost *:80>', 2, true), 'line 2', '/c/httpd.conf', 2);
  assert.match(v, /- `RewriteRule \^\/legacy\/\(\.\*\)\$` \[P\] → `http:\/\/10\.0\.0\.8:8080\/\$1` \(line 5\): backend timeout 12 s \(ProxyTimeout 12, line 2\), through httpd's default worker/, v);
  assert.match(v, /- `RewriteRule \^\/v1\/\(\.\*\)\$` \[P\] → `http:\/\/10\.0\.0\.5:9000\/api\/v1\/\$1` \(line 6\): backend timeout 4 s \(timeout=4\), through the worker of line 3/, v);
  assert.match(v, /- `RewriteRule \^\(\.\*\)\$` \[P\] → `http:\/\/10\.0\.0\.9:8080\/old\/\$1` \(line 9\)/, v);
  const l = hoverAt('/c/httpd.conf', text, '<Location /old/>');
  assert.match(l, /\*\*Proxied here:\*\*\n\n- `RewriteRule \^\(\.\*\)\$` \[P\] → `http:\/\/10\.0\.0\.9:8080\/old\/\$1` \(line 9\): backend timeout 12 s/, l);
  // Another virtual host: only its own rule, with the default Timeout.
  const o = hoverAt('/c/httpd.conf', text, '<VirtualHost *:81>');
  assert.match(o, /\*\*Proxied here:\*\*\n\n- `RewriteRule \^\/\(\.\*\)\$` \[P\] → `http:\/\/10\.0\.0\.8:8080\/\$1` \(line 14\): backend timeout 60 s \(the default Timeout, which ProxyTimeout inherits\), through httpd's default worker$/m, o);
  assert.doesNotMatch(o, /line 5/);
});

test('<VirtualHost> with RewriteOptions Inherit lists the main server\'s [P] rules it runs, with its own timeouts', () => {
  const text = `RewriteEngine On
RewriteRule ^/m/(.*)$ http://10.0.0.8:9000/m/$1 [P]
<VirtualHost *:80>
    Timeout 8
    RewriteOptions Inherit
</VirtualHost>
<VirtualHost *:81>
    ProxyTimeout 5
</VirtualHost>
`;
  const a = hoverAt('/c/httpd.conf', text, '<VirtualHost *:80>');
  assertPlaceLink(hoverAt('/c/httpd.conf', text, '<VirtualHost *:80>', 2, true), 'line 4', '/c/httpd.conf', 4);
  assert.match(a, /\*\*Also run here\*\*, through RewriteOptions Inherit:\n\n- `RewriteRule \^\/m\/\(\.\*\)\$` \[P\] → `http:\/\/10\.0\.0\.8:9000\/m\/\$1` \(line 2\): backend timeout 8 s \(Timeout 8 on line 4, which ProxyTimeout inherits\), through httpd's default worker/, a);
  // Without RewriteOptions Inherit the main server's rules do not run in the virtual host.
  assert.doesNotMatch(hoverAt('/c/httpd.conf', text, '<VirtualHost *:81>'), /Also run here/);
});

test('<Proxy url key=value>: the hover names the worker the line\'s parameters configure and the timeout it waits, not only the ProxyTimeout', () => {
  const text = [
    '<VirtualHost *:80>',
    '    ProxyTimeout 8',
    '    <Proxy "fcgi://localhost/" enablereuse=on max=10 timeout=3>',
    '    </Proxy>',
    '    <FilesMatch "\\.php$">',
    '        SetHandler "proxy:unix:/run/php/php8.2-fpm.sock|fcgi://localhost"',
    '    </FilesMatch>',
    '</VirtualHost>',
    '',
  ].join('\n');
  const h = hoverAt('/c/httpd.conf', text, '<Proxy "fcgi');
  assert.match(h, /\*\*Its parameters configure the worker\*\* `fcgi:\/\/localhost\/`: backend timeout 3 s \(timeout=3/);
  // The SetHandler goes through that worker (on 2.4.71, 504 after 3 s with ProxyTimeout 8).
  const sh = hoverAt('/c/httpd.conf', text, 'SetHandler');
  assert.match(sh, /\*\*Backend timeout here:\*\* 3 s \(timeout=3\)/);
  assert.match(sh, /\*\*Through:\*\* the worker of line 3 \(`fcgi:\/\/localhost\/`\)/);
});

// A ProxyPass in <LocationMatch>/<Location ~> reads the section's path as a regex only when it has a wildcard; else as a
// prefix, which on 2.4.71 mapped nothing for "\.php$" and "^/api/" (test/servers/apache-locationmatch-proxypass.test.ts).
test('hover on a ProxyPass in a regex section says when httpd reads the path as a prefix, and when that maps nothing', () => {
  const text = `<VirtualHost *:80>
    <LocationMatch "\\.php$">
        ProxyPass "fcgi://127.0.0.1:9000/"
    </LocationMatch>
    <Location ~ "/api">
        ProxyPass "http://10.0.0.2/"
    </Location>
    <LocationMatch "^/app/(.*)$">
        ProxyPass "http://10.0.0.3/$1"
    </LocationMatch>
    <LocationMatch "^/old/">
        ProxyPassMatch "http://10.0.0.4"
    </LocationMatch>
    <Location "/plain/">
        ProxyPass "http://10.0.0.5/"
    </Location>
</VirtualHost>
`;
  const at = (needle: string) => hoverAt('/etc/apache2/sites-enabled/lm.conf', text, needle, 2);
  assert.match(at('ProxyPass "fcgi:'), /Maps no request:.*`\\\.php\$` here as a plain prefix/);
  assert.match(at('ProxyPass "http://10.0.0.2/"'), /Read as a prefix:.*`\/api`/);
  for (const n of ['ProxyPass "http://10.0.0.3/$1"', 'ProxyPassMatch "http://10.0.0.4"', 'ProxyPass "http://10.0.0.5/"']) assert.doesNotMatch(at(n), /Maps no request|Read as a prefix/, n);
});

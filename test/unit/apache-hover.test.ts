import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheHover } from '../../server/src/core/features/apache';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { assertPlaceLink, memHost, readable } from '../helpers';

const PATH = '/c/app.conf';

/**
 * Hover markdown on the `nth` occurrence (0-based) of `needle` in `text`, one character in, as a reader sees it (links
 * to config lines as their labels); `raw`: with the links' targets.
 */
function hoverAt(text: string, needle: string, nth = 0, raw = false): string {
  const r = lintApache(PATH, text, memHost({ [PATH]: text }), { settings: defaultSettings() });
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} #${nth}`);
  const md = apacheHover(r, PATH, at + 1)?.markdown ?? '';
  return raw ? md : readable(md);
}

const BALANCER_TIMEOUT = /wait for a member to become usable again/;
const WORKER_TIMEOUT = /This backend's I\/O timeout/;

test('timeout= on a balancer is the wait for a usable member, on a worker the backend I/O timeout', () => {
  const text = `<Proxy balancer://pool>
    BalancerMember http://127.0.0.1:19101 timeout=7
    ProxySet timeout=5 lbmethod=byrequests
</Proxy>
<Proxy http://127.0.0.1:19102>
    ProxySet timeout=9
</Proxy>
ProxySet balancer://pool timeout=4
ProxyPass /x balancer://pool/ timeout=3
ProxyPassMatch ^/y(.*)$ balancer://pool/$1 timeout=2
ProxyPass /z http://127.0.0.1:19102/ timeout=8
<Location /w>
    ProxyPass balancer://pool/ timeout=6
</Location>
`;
  const balancer = ['timeout=5', 'timeout=4', 'timeout=3', 'timeout=2', 'timeout=6'];
  for (const needle of balancer) {
    const md = hoverAt(text, needle);
    assert.match(md, BALANCER_TIMEOUT, `${needle}: balancer doc expected\n${md}`);
    assert.doesNotMatch(md, WORKER_TIMEOUT, `${needle}: worker doc shown`);
  }
  for (const needle of ['timeout=7', 'timeout=9', 'timeout=8']) {
    const md = hoverAt(text, needle);
    assert.match(md, WORKER_TIMEOUT, `${needle}: worker doc expected\n${md}`);
    assert.doesNotMatch(md, BALANCER_TIMEOUT, `${needle}: balancer doc shown`);
  }
  // Keys only a balancer has still resolve wherever they are written.
  assert.match(hoverAt(text, 'lbmethod='), /Scheduling method of the balancer/);
});

test('server-scoped directives show the effective value: set here, replaced by a later line, or replacing the main server', () => {
  const text = `Timeout 90
ProxyTimeout 30
<VirtualHost 127.0.0.1:8080>
    ProxyTimeout 10
    ProxyPass /a http://127.0.0.1:9000/
    ProxyTimeout 20
</VirtualHost>
<VirtualHost 127.0.0.1:8081>
    ProxyPass /b http://127.0.0.1:9001/
</VirtualHost>
<Location /c>
    ProxyPass http://127.0.0.1:9002/
</Location>
<IfModule mod_ssl.c>
    Timeout 120
</IfModule>
`;
  assert.match(hoverAt(text, 'ProxyTimeout 30'), /\*\*Effective value here:\*\* `30` — set here, for the main server and every virtual host that does not set its own/);
  assertPlaceLink(hoverAt(text, 'ProxyTimeout 10', 0, true), 'line 6', PATH, 6);
  assertPlaceLink(hoverAt(text, 'ProxyTimeout 20', 0, true), 'line 2', PATH, 2);
  assertPlaceLink(hoverAt(text, 'Timeout 90', 0, true), 'line 15', PATH, 15);
  assert.match(hoverAt(text, 'ProxyTimeout 10'), /\*\*Effective value here:\*\* `20` — line 6 sets ProxyTimeout again for this virtual host, and httpd keeps the last one: this line has no effect/);
  assert.match(hoverAt(text, 'ProxyTimeout 20'), /\*\*Effective value here:\*\* `20` — set here, for this virtual host \(instead of the main server's `30` on line 2\)/);
  // The later Timeout sits in <IfModule>: it wins only when that module is loaded.
  assert.match(hoverAt(text, 'Timeout 90'), /`120` — line 15 sets Timeout again for this server, and httpd keeps the last one: this line has no effect \(if the conditional section around line 15 applies\)/);
  // Multi-valued directives merge differently: no line.
  assert.doesNotMatch(hoverAt(text, 'ProxyPass /b'), /Effective value here/);
});

test('RewriteRule, RewriteCond and RewriteEngine have hovers: when a rule proxies, which worker a [P] request uses, and the official page', () => {
  const text = `RewriteEngine On
RewriteCond %{HTTP:Upgrade} websocket [NC]
RewriteRule "^/api/(.*)$" "http://127.0.0.1:19101/$1" [P,L]
`;
  const rule = hoverAt(text, 'RewriteRule');
  assert.match(rule, /\[P\]/);
  assert.match(rule, /default reverse-proxy worker/);
  assert.match(rule, /ProxyTimeout/);
  assert.match(rule, /SSLProxyEngine On/);
  assert.match(rule, /https:\/\/httpd\.apache\.org\/docs\/2\.4\/mod\/mod_rewrite\.html#rewriterule/);
  assert.match(hoverAt(text, 'RewriteCond'), /mod_rewrite\.html#rewritecond/);
  assert.match(hoverAt(text, 'RewriteEngine'), /mod_rewrite\.html#rewriteengine/);
});

test('a server-level value left out (ProxyTimeout alone, half-typed) is told as missing, not as an empty value', () => {
  // apache2 -t 2.4.71: "ProxyTimeout takes one argument, …": httpd does not start, so no value is in force.
  const text = `ProxyTimeout 30
<VirtualHost 127.0.0.1:18080>
    ProxyTimeout
    Timeout ""
    ProxyPass /a http://127.0.0.1:19101/a
</VirtualHost>
`;
  // An empty code span (not a ``` fence of the directive's docs below).
  const own = hoverAt(text, 'ProxyTimeout', 1);
  assert.doesNotMatch(own, /(^|[^`])``([^`]|$)/m, own);
  assert.match(own, /\*\*Effective value here:\*\* none: the value is missing, so httpd refuses to start — set here, for this virtual host/);
  const section = hoverAt(text, '<VirtualHost');
  const sectionRaw = hoverAt(text, '<VirtualHost', 0, true);
  for (const line of [3, 4, 5]) assertPlaceLink(sectionRaw, `line ${line}`, PATH, line);
  assert.doesNotMatch(section, /(^|[^`])``([^`]|$)/m, section);
  assert.match(section, /\*\*ProxyTimeout in force here:\*\* none: the value is missing, so httpd refuses to start — set here \(line 3\)/);
  assert.match(section, /\*\*Timeout in force here:\*\* none: the value is missing, so httpd refuses to start — set here \(line 4\)/);
  assert.match(section, /`ProxyPass \/a` → `http:\/\/127\.0\.0\.1:19101\/a` \(line 5\): backend timeout none \(Timeout on line 4 has no value, so httpd refuses to start\)/);
});

test('a Timeout or ProxyTimeout with a unit says how httpd reads it on its own line, as the section hover does', () => {
  // httpd reads both with atoi (timeout-value-misread): "5min" is 5 s, "2m" is 2 s.
  const text = `Timeout 5min
<VirtualHost 127.0.0.1:18080>
    ProxyTimeout 2m
    ProxyPass /a http://127.0.0.1:19101/a
</VirtualHost>
`;
  assert.match(hoverAt(text, 'Timeout 5min'), /\*\*Effective value here:\*\* `5min` \(httpd reads it as 5 s\) — set here, for the main server/);
  assert.match(hoverAt(text, 'ProxyTimeout 2m'), /\*\*Effective value here:\*\* `2m` \(httpd reads it as 2 s\) — set here, for this virtual host/);
  assert.match(hoverAt(text, '<VirtualHost'), /\*\*ProxyTimeout in force here:\*\* `2m` \(httpd reads it as 2 s\)/);
});

test('RewriteRule [P]: the backend and connect timeouts of the worker its target reaches, or of the default worker; a longer worker its variables may reach is named', () => {
  const text = `Timeout 40
<VirtualHost *:80>
    ProxyTimeout 7
    ProxyPass /api/ http://10.0.0.9:8080/api/ timeout=9 connectiontimeout=2
    RewriteEngine On
    RewriteRule ^/x/(.*)$ http://10.0.0.9:8080/$1 [P]
    RewriteRule ^/y/(.*)$ http://10.0.0.9:8080/api/y/$1 [P]
    RewriteRule ^/z/(.*)$ balancer://pool/$1 [P]
</VirtualHost>
<VirtualHost *:81>
    RewriteRule ^/off/(.*)$ http://10.0.0.9:8080/$1 [P]
</VirtualHost>
`;
  const x = hoverAt(text, 'RewriteRule ^/x/');
  assertPlaceLink(hoverAt(text, 'RewriteRule ^/x/', 0, true), 'line 3', PATH, 3);
  assertPlaceLink(hoverAt(text, 'RewriteRule ^/x/', 0, true), 'line 4', PATH, 4);
  assertPlaceLink(hoverAt(text, 'RewriteRule ^/y/', 0, true), 'line 4', PATH, 4);
  assert.match(x, /\*\*Backend timeout here:\*\* 7 s \(ProxyTimeout 7, line 3\) {2}\n\*\*Connect timeout here:\*\* 7 s \(ProxyTimeout 7, line 3\) {2}\n\*\*Through:\*\* httpd's default worker/, x);
  assert.match(x, /Unless the URL the rule makes starts with the name of a longer worker, which then takes its requests: `http:\/\/10\.0\.0\.9:8080\/api\/` \(line 4\)\./, x);
  const y = hoverAt(text, 'RewriteRule ^/y/');
  assert.match(y, /\*\*Backend timeout here:\*\* 9 s \(timeout=9\) {2}\n\*\*Connect timeout here:\*\* 2 s \(connectiontimeout=2\) {2}\n\*\*Through:\*\* the worker of line 4 \(`http:\/\/10\.0\.0\.9:8080\/api\/`\)/, y);
  assert.doesNotMatch(y, /Unless/, y);
  // A balancer target gets the balancer's card, not a worker's times; a rule no request runs (no RewriteEngine On) none.
  assert.doesNotMatch(hoverAt(text, 'RewriteRule ^/z/'), /\*\*Through:\*\*/);
  assert.doesNotMatch(hoverAt(text, 'RewriteRule ^/off/'), /\*\*Backend timeout here:\*\*/);
});

test('a worker parameter hover states that parameter in force and what it bounds, not the worker timeouts', () => {
  const text = `Timeout 40
ProxyTimeout 30
<VirtualHost 127.0.0.1:8080>
    Timeout 8
    ProxyPass /v/ http://127.0.0.1:19105/ retry=3
</VirtualHost>
<Proxy balancer://pool>
    BalancerMember http://127.0.0.1:19101 connectiontimeout=0 ping=2 keepalive=On
    BalancerMember http://127.0.0.1:19102 acquire=250 retry=2x
</Proxy>
ProxyPass /x balancer://pool/ timeout=3
ProxyPass /f/ fcgi://127.0.0.1:9000/ timeout=7
ProxyPass /s/ http://127.0.0.1:19106/ connectiontimeout=2
`;
  const retry = hoverAt(text, 'retry=3');
  assert.match(retry, /\*\*`retry` in force here:\*\* 3 s — set here/, retry);
  assert.doesNotMatch(retry, /Backend timeout here/, retry);
  // apache2 -t: "BalancerMember Connectiontimeout must be at least one millisecond." (the words after the directive).
  assert.match(hoverAt(text, 'connectiontimeout=0'), /in force here:\*\* none — httpd refuses `connectiontimeout=0` and does not start \(apache2 -t: "Connectiontimeout must be at least one millisecond\."\)/);
  assert.match(hoverAt(text, 'ping=2'), /\*\*`ping` in force here:\*\* 2 s — set here[\s\S]*\*\*503\*\*: `AH00898: Timeout on 100-Continue/);
  assert.match(hoverAt(text, 'keepalive=On'), /\*\*`keepalive` in force here:\*\* On — set here[\s\S]*decides no status code/);
  assert.match(hoverAt(text, 'acquire=250'), /\*\*`acquire` in force here:\*\* 250 ms — set here[\s\S]*AH00941/);
  assert.match(hoverAt(text, 'retry=2x'), /\*\*`retry` in force here:\*\* 2 s — set here/);
  // A FastCGI backend's timeout is 504 (mod_proxy_fcgi), an HTTP one's 502.
  assert.match(hoverAt(text, 'timeout=7'), /\*\*504\*\* \(mod_proxy_fcgi\): `\(70007\)The timeout specified has expired: AH01075/);
  assert.match(hoverAt(text, 'connectiontimeout=2'), /\*\*`connectiontimeout` in force here:\*\* 2 s — set here[\s\S]*\*\*503\*\* \(not 504\)[\s\S]*AH00957[\s\S]*AH01114/);
  // A balancer's own timeout= is the wait for a free member: its doc, not a worker parameter's note.
  assert.doesNotMatch(hoverAt(text, 'timeout=3'), /in force here/);
});

test('a ProxySet inside <Proxy url> states the value it gives the worker', () => {
  const text = `ProxyTimeout 30
<Proxy http://127.0.0.1:19107/>
    ProxySet retry=4
</Proxy>
ProxyPass /m/ http://127.0.0.1:19107/ connectiontimeout=1
<VirtualHost 127.0.0.1:8080>
    ProxyTimeout 6
</VirtualHost>
`;
  const md = hoverAt(text, 'retry=4');
  assert.match(md, /\*\*`retry` in force here:\*\* 4 s — set here/, md);
});

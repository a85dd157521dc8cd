// What the Apache rules claim about waits and missing modules, message by message: the connect wait is capped
// by the kernel (~130 s on Linux), a fragment linted alone does not know the main configuration's Timeout,
// and each way of naming a backend (ProxyPass, SetHandler, RewriteRule [P]) fails in its own way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { memHost, tempTree } from '../helpers';

const lint = (files: Record<string, string>, entry: string, setup?: (s: ReturnType<typeof defaultSettings>) => void) => {
  const settings = defaultSettings();
  setup?.(settings);
  return lintApache(entry, files[entry], memHost(files), { settings }).findings;
};
const messages = (findings: { ruleId: string; message: string }[], id: string) => findings.filter((f) => f.ruleId === id).map((f) => f.message);

test('no-connectiontimeout: the wait is min(connect timeout, ~130 s on Linux), and a fragment says it inherits Timeout', () => {
  const complete = (timeout: string) => ({ '/c/httpd.conf': `LoadModule mpm_event_module modules/mod_mpm_event.so\n${timeout}ProxyPass "/app/" "http://10.0.0.5:8080/"\n` });
  const [d300] = messages(lint(complete('Timeout 300\n'), '/c/httpd.conf'), 'no-connectiontimeout');
  assert.match(d300, /waits for the TCP connection up to about 130 s: the connect timeout is 300 s \(Timeout 300 on line 2, which ProxyTimeout inherits\), but on Linux the kernel gives up on an unanswered handshake after about 130 s/);
  assert.doesNotMatch(d300, /waits 300 s/);
  const [d60] = messages(lint(complete(''), '/c/httpd.conf'), 'no-connectiontimeout');
  assert.match(d60, /waits for the TCP connection up to 60 s \(the default Timeout, which ProxyTimeout inherits\); then httpd answers 503/);
  const [d90] = messages(lint(complete('ProxyTimeout 90\n'), '/c/httpd.conf'), 'no-connectiontimeout');
  assert.match(d90, /waits for the TCP connection up to 90 s \(ProxyTimeout 90, line 2\)/);
  // A vhost file alone: Timeout is whatever the main configuration says.
  const [frag] = messages(lint({ '/etc/apache2/sites-available/app.conf': '<VirtualHost *:80>\n    ProxyPass "/app/" "http://10.0.0.5:8080/"\n</VirtualHost>\n' }, '/etc/apache2/sites-available/app.conf'), 'no-connectiontimeout');
  assert.match(frag, /waits for the TCP connection up to the Timeout inherited from the main configuration \(60 s unless set\), and at most about 130 s on Linux/);
  assert.doesNotMatch(frag, /default Timeout|waits 60 s|up to 60 s \(/);
});

test('Debian layout: the entry and the fragment alone no longer contradict each other on the timeout', () => {
  const t = tempTree({
    'apache2/apache2.conf': 'Timeout 300\nLoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\nIncludeOptional sites-enabled/*.conf\n',
    'apache2/sites-available/app.conf': '<VirtualHost *:80>\n    ProxyPass "/app/" "http://10.0.0.5:8080/"\n</VirtualHost>\n',
  });
  try {
    mkdirSync(join(t.dir, 'apache2', 'sites-enabled'));
    symlinkSync('../sites-available/app.conf', join(t.dir, 'apache2', 'sites-enabled', 'app.conf'));
    const settings = defaultSettings();
    settings.environment.outerIdleTimeoutMs = 60_000;
    const run = (rel: string) => {
      const p = join(t.dir, 'apache2', rel);
      const r = lintApache(p, readFileSync(p, 'utf8'), createNodeHost(), { settings });
      return r.findings.filter((f) => f.ruleId === 'no-connectiontimeout' || f.ruleId === 'apache-timeout-not-below-outer-timeout').map((f) => `${f.ruleId}: ${f.message}`);
    };
    const viaEntry = run('apache2.conf');
    const alone = run('sites-available/app.conf');
    assert.equal(viaEntry.length, 2, viaEntry.join('\n'));
    assert.equal(alone.length, 2, alone.join('\n'));
    assert.ok(viaEntry.every((m) => /Timeout 300 on line 1 of apache2\.conf/.test(m)), viaEntry.join('\n'));
    // Alone, the file cannot know apache2.conf's Timeout 300: it must not claim 60 s as a fact.
    assert.ok(alone.every((m) => /the Timeout inherited from the main configuration \(60 s unless set\)/.test(m)), alone.join('\n'));
    assert.ok(alone.every((m) => !/\b60 s \(the default Timeout/.test(m)), alone.join('\n'));
  } finally {
    t.cleanup();
  }
});

test('a Timeout set in a fragment is stated with its caveat: the main configuration may set ProxyTimeout', () => {
  const files = { '/etc/apache2/sites-available/app.conf': '<VirtualHost *:80>\n    Timeout 3\n    ProxyPass "/app/" "http://10.0.0.5:8080/"\n</VirtualHost>\n' };
  const [low] = messages(lint(files, '/etc/apache2/sites-available/app.conf'), 'proxy-timeout-too-low');
  assert.match(low, /3 s \(Timeout 3 on line 2, which ProxyTimeout inherits unless the main configuration sets ProxyTimeout\)/);
  const big = { '/etc/apache2/sites-available/app.conf': '<VirtualHost *:80>\n    Timeout 600\n    ProxyPass "/app/" "http://10.0.0.5:8080/"\n</VirtualHost>\n' };
  const [inherits] = messages(lint(big, '/etc/apache2/sites-available/app.conf'), 'proxytimeout-inherits-timeout');
  assert.match(inherits, /waits for backends in <VirtualHost \*:80> \(line 1\), because no ProxyTimeout is set in that virtual host or in the main server \(unless the main configuration, not linted with it, sets one\)/);
  const [whole] = messages(lint({ '/c/httpd.conf': 'LoadModule mpm_event_module modules/mod_mpm_event.so\nTimeout 600\nProxyPass "/app/" "http://10.0.0.5:8080/"\n' }, '/c/httpd.conf'), 'proxytimeout-inherits-timeout');
  assert.match(whole, /waits for backends in the main server, because the main server sets no ProxyTimeout: /);
});

const HEAD = 'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\nLoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so\n';

test('proxy-scheme-module-missing: SetHandler and RewriteRule [P] without mod_proxy at all; each says what a request gets', () => {
  const text = `${HEAD}LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so\n<FilesMatch \\.php$>\n    SetHandler "proxy:fcgi://127.0.0.1:9000"\n</FilesMatch>\nRewriteEngine On\nRewriteRule "^/app/(.*)$" "http://127.0.0.1:8080/$1" [P]\n`;
  const f = lint({ '/c/httpd.conf': text }, '/c/httpd.conf').filter((x) => x.ruleId === 'proxy-scheme-module-missing');
  assert.equal(f.length, 2);
  assert.match(f[0].message, /mod_proxy and mod_proxy_fcgi are not loaded, so no module takes the "proxy:" handler and httpd serves the matching files itself: a request for a \.php file gets 200 with its PHP source code/);
  assert.match(f[1].message, /every request this rule proxies gets 403: "AH00669: attempt to make remote request from mod_rewrite without proxy enabled" because mod_proxy and mod_proxy_http are not loaded/);
  assert.equal(f[0].severity, 'error');
  // One fix loads what both need, once per set of modules.
  assert.match(f[0].fix?.title ?? '', /Load mod_proxy, mod_proxy_fcgi/);
});

test('proxy-scheme-module-missing: RewriteRule [P] counts only where RewriteEngine On is in effect (the nearest one outwards, as httpd 2.4.71 does)', () => {
  const text = [
    'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so',
    'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so',
    'LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so',
    'RewriteEngine On',
    '<VirtualHost *:80>',
    '    # inherits the main server\'s RewriteEngine On: runs',
    '    RewriteRule "^/a/(.*)$" "fcgi://127.0.0.1:9000/$1" [P]',
    '    <Directory /var/www>',
    '        <Files "*.php">',
    '            RewriteRule "^(.*)$" "fcgi://127.0.0.1:9000/$1" [P,L]',
    '        </Files>',
    '    </Directory>',
    '</VirtualHost>',
    '<VirtualHost *:81>',
    '    RewriteEngine Off',
    '    RewriteRule "^/b/(.*)$" "fcgi://127.0.0.1:9000/$1" [P]',
    '    <Location "/c/">',
    '        RewriteEngine On',
    '        RewriteRule "^(.*)$" "fcgi://127.0.0.1:9000/$1" [P]',
    '    </Location>',
    '</VirtualHost>',
    '',
  ].join('\n');
  const f = lint({ '/c/httpd.conf': text }, '/c/httpd.conf').filter((x) => x.ruleId === 'proxy-scheme-module-missing');
  assert.deepEqual(f.map((x) => text.slice(0, x.start).split('\n').length), [7, 10, 19], 'RewriteEngine Off in the second vhost stops line 16');
  assert.match(f[0].message, /500: "AH01144: No protocol handler was valid for the URL … \(scheme 'fcgi'\)"/);
  const none = lint({ '/c/httpd.conf': text.replace('RewriteEngine On\n<VirtualHost *:80>', '<VirtualHost *:80>') }, '/c/httpd.conf').filter((x) => x.ruleId === 'proxy-scheme-module-missing');
  assert.deepEqual(none.map((x) => text.slice(0, x.start).split('\n').length).length, 1, 'without the main server\'s RewriteEngine On only the <Location> rule runs');
});

test('balancer-single-member quotes the lines of a refused member in the order httpd 2.4.71 logs them', () => {
  const files = { '/c/httpd.conf': 'LoadModule mpm_event_module modules/mod_mpm_event.so\n<Proxy "balancer://app">\n    BalancerMember "http://10.0.0.11:8080"\n</Proxy>\nProxyPass "/" "balancer://app/"\n' };
  const [m] = messages(lint(files, '/c/httpd.conf'), 'balancer-single-member');
  assert.ok(m, 'the rule reports the single member');
  // (111)…AH00957 attempt to connect … failed, AH00959 disabling worker, AH01114 failed to make connection: seen on the
  // real server (explain's tried-members tests capture the same sequence).
  const order = ['AH00957', 'AH00959', 'AH01114'].map((code) => m.indexOf(code));
  assert.ok(order.every((i) => i >= 0) && order[0] < order[1] && order[1] < order[2], m);
});

test('apache-timeout-not-below-outer-timeout names the answer httpd would have given: 502 for HTTP backends, 504 for FastCGI', () => {
  const files = { '/c/httpd.conf': `${HEAD}ProxyTimeout 120\nProxyPass "/a/" "http://127.0.0.1:8080/"\nProxyPass "/php/" "fcgi://127.0.0.1:9000/var/www/" timeout=90\n` };
  const msgs = messages(lint(files, '/c/httpd.conf', (s) => (s.environment.outerIdleTimeoutMs = 60_000)), 'apache-timeout-not-below-outer-timeout');
  assert.equal(msgs.length, 2, msgs.join('\n'));
  const http = msgs.find((m) => m.includes('http://127.0.0.1:8080/'))!;
  const fcgi = msgs.find((m) => m.includes('fcgi://127.0.0.1:9000/'))!;
  assert.match(http, /httpd's own 502 \(AH01102\) never reaches the client/);
  assert.match(fcgi, /httpd's own 504 \(AH01075\) never reaches the client/);
  assert.doesNotMatch(fcgi, /502/);
});

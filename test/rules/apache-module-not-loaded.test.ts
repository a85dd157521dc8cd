// apache-module-not-loaded knows every stock httpd 2.4 directive and the modules that define it (apache-directives.json),
// not only mod_proxy's and a few companions'. What httpd does with each case here is checked on the real apache2 -t
// by test/servers/apache-module-not-loaded.test.ts; these pin the rule's side without httpd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../server/src/core/finding';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { parseVersion } from '../../server/src/core/model/version';
import { memHost } from '../helpers';

const PATH = '/c/httpd.conf';
const load = (m: string) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`;

function lint(mods: string[], body: string, ruleId = 'apache-module-not-loaded'): { findings: Finding[]; lines: number[]; text: string } {
  const text = `${mods.map(load).join('\n')}\nServerName localhost\n${body}\n`;
  const findings = lintApache(PATH, text, memHost({ [PATH]: text }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === ruleId);
  return { findings, lines: findings.map((f) => text.slice(0, f.start).split('\n').length), text };
}
const BASE = ['mpm_event', 'authz_core'];
const HEAD = BASE.length + 1;

test('directives of modules beyond the proxy family are reported, naming the module', () => {
  const cases: [string, string][] = [
    ['Order allow,deny', 'mod_access_compat'],
    ['Allow from all', 'mod_access_compat'],
    ['Deny from 10.0.0.1', 'mod_access_compat'],
    ['ExpiresActive On', 'mod_expires'],
    ['RemoteIPHeader X-Forwarded-For', 'mod_remoteip'],
    ['SSLEngine on', 'mod_ssl'],
    ['SSLProtocol all -SSLv3', 'mod_ssl'],
    ['DeflateCompressionLevel 6', 'mod_deflate'],
    ['LDAPTrustedMode NONE', 'mod_ldap'],
  ];
  for (const [line, mod] of cases) {
    // mod_access_compat's lines belong in a per-directory section.
    const r = lint(BASE, mod === 'mod_access_compat' ? `<Directory /srv>\n    ${line}\n</Directory>` : line);
    assert.equal(r.findings.length, 1, `${line}: ${r.findings.map((f) => f.message).join('\n')}`);
    const name = line.split(' ')[0];
    assert.ok(r.findings[0].message.includes(`"Invalid command '${name}', perhaps misspelled or defined by a module not included in the server configuration"`), r.findings[0].message);
    assert.match(r.findings[0].message, new RegExp(`${name} comes from ${mod}, which is not loaded`));
  }
});

test('Order/Allow/Deny: the message also points to 2.4\'s Require', () => {
  const [f] = lint(BASE, '<Directory /srv>\n    Order deny,allow\n</Directory>').findings;
  assert.match(f.message, /Require/);
  assert.match(f.message, /upgrading\.html#access/);
});

test('built-in modules never need a LoadModule: core, http_core, mod_so, mod_log_config, mod_unixd, mod_version…', () => {
  const body = ['KeepAlive On', 'Timeout 60', 'LogFormat "%h" common', 'CustomLog /dev/null common', 'User www-data', 'LoadFile /dev/null', '<IfVersion >= 2.4>', 'ServerSignature Off', '</IfVersion>', 'MaxConnectionsPerChild 0', 'Mutex file:/tmp default'].join('\n');
  assert.deepEqual(lint(BASE, body).findings.map((f) => f.message), []);
});

test('MPM directives: any MPM that has one is enough; another MPM\'s is reported without a LoadModule fix', () => {
  assert.deepEqual(lint(['mpm_prefork', 'authz_core'], 'StartServers 5\nMinSpareServers 5\nMaxSpareServers 10\nMaxRequestWorkers 150').findings, []);
  assert.deepEqual(lint(['mpm_worker', 'authz_core'], 'StartServers 2\nThreadsPerChild 25\nMinSpareThreads 25\nMaxSpareThreads 75\nThreadLimit 64').findings, []);
  // One finding for the two lines of the same MPMs: the first, with the second as related.
  const r = lint(['mpm_prefork', 'authz_core'], 'ThreadsPerChild 25\nMaxSpareThreads 75');
  assert.deepEqual(r.lines, [HEAD + 1]);
  for (const f of r.findings) {
    assert.equal(f.fix, undefined);
    assert.match(f.message, /is a directive of the event and worker MPMs, and this configuration runs mod_mpm_prefork/);
    assert.match(f.message, /<IfModule mpm_event_module>/);
    assert.match(f.message, /\(1 more line of this file needs mod_mpm_event or mod_mpm_worker: listed as related\)$/);
    assert.deepEqual(f.related.map((x) => x.message), ['MaxSpareThreads also needs mod_mpm_event or mod_mpm_worker']);
  }
  const e = lint(BASE, 'MaxSpareServers 10').findings;
  assert.equal(e.length, 1);
  assert.match(e[0].message, /the prefork MPM/);
});

test('MPM directives: no MPM in sight (the list known through mod_authz_core alone) says nothing about them', () => {
  assert.deepEqual(lint(['authz_core'], 'ThreadsPerChild 25\nMaxSpareServers 10\nStartServers 2\nListen 80').findings, []);
  // The other modules are still known.
  assert.deepEqual(lint(['authz_core'], 'Header set X-A b').lines, [3]);
});

test('MPM directives beside an MPM httpd does not ship (mpm_itk) are left alone', () => {
  assert.deepEqual(lint(['mpm_itk', 'authz_core'], 'ThreadsPerChild 25\nMaxSpareServers 10').findings, []);
  assert.deepEqual(lint(['mpm_prefork', 'mpm_itk', 'authz_core'], 'ThreadsPerChild 25').findings, []);
});

test('a target older than 2.4 (apache.version) is left alone: the modules of each name are 2.4\'s', () => {
  const text = `${BASE.map(load).join('\n')}\n<Directory /srv>\n    Order allow,deny\n</Directory>\n`;
  const settings = defaultSettings();
  settings.apache.version = parseVersion('2.2.34');
  assert.equal(lint(BASE, '<Directory /srv>\n    Order allow,deny\n</Directory>').findings.length, 1, 'reported for 2.4');
  assert.deepEqual(lintApache(PATH, text, memHost({ [PATH]: text }), { settings }).findings.filter((f) => f.ruleId === 'apache-module-not-loaded'), []);
});

test('<IfModule> by a module\'s source file name (prefork.c, event.c, util_ldap.c) is read as httpd reads it', () => {
  // Read under prefork: ThreadsPerChild inside stops httpd.
  assert.deepEqual(lint(['mpm_prefork', 'authz_core'], '<IfModule prefork.c>\n    ThreadsPerChild 25\n</IfModule>').lines, [HEAD + 2]);
  // Not read under event.
  assert.deepEqual(lint(BASE, '<IfModule prefork.c>\n    MaxSpareServers 10\n</IfModule>\n<IfModule worker.c>\n    ThreadLimit 64\n</IfModule>').findings, []);
  assert.deepEqual(lint([...BASE, 'ldap'], '<IfModule util_ldap.c>\n    LDAPTrustedMode NONE\n</IfModule>').findings, []);
});

test('guards: <IfModule> for the module, an <IfModule> the loaded modules make false, an <IfDefine> of a -D flag', () => {
  const body = [
    '<IfModule mod_expires.c>', 'ExpiresActive On', '</IfModule>',
    '<IfModule headers_module>', 'Header set X-A b', '</IfModule>',
    '<IfModule mod_nothere.c>', 'RemoteIPHeader X-Forwarded-For', '</IfModule>',
    '<IfDefine WITH_CACHE>', 'CacheEnable disk /', '</IfDefine>',
  ].join('\n');
  assert.deepEqual(lint(BASE, body).findings, []);
  // <IfModule !mod_headers.c> is read exactly when mod_headers is not loaded.
  assert.deepEqual(lint(BASE, '<IfModule !mod_headers.c>\n    SetEnv NO_HEADERS 1\n</IfModule>').lines, [HEAD + 2]);
  // A Define in the file decides the section.
  assert.deepEqual(lint(BASE, 'Define WITH_CACHE\n<IfDefine WITH_CACHE>\n    CacheEnable disk /\n</IfDefine>').lines, [HEAD + 3]);
});

test('the fix loads the modules httpd cannot load the module without, first; none for a name two modules share', () => {
  const cache = lint(BASE, 'CacheRoot /var/cache/apache2').findings[0];
  assert.equal(cache.fix?.title, 'Load mod_cache, mod_cache_disk');
  assert.match(cache.message, /load mod_cache and mod_cache_disk with LoadModule/);
  const cookie = lint(BASE, 'SessionCookieName session path=/').findings[0];
  assert.equal(cookie.fix?.title, 'Load mod_session, mod_session_cookie');
  const hc = lint(BASE, 'ProxyHCExpr ok {%{REQUEST_STATUS} =~ /^2/}').findings[0];
  assert.equal(hc.fix?.title, 'Load mod_proxy, mod_proxy_hcheck');
  // With mod_cache loaded, only mod_cache_disk.
  assert.equal(lint([...BASE, 'cache'], 'CacheRoot /var/cache/apache2').findings[0].fix?.title, 'Load mod_cache_disk');
  const script = lint(BASE, 'ScriptLog /var/log/apache2/cgi.log').findings[0];
  assert.equal(script.fix, undefined);
  assert.match(script.message, /comes from mod_cgi or mod_cgid, and neither is loaded/);
  assert.deepEqual(lint([...BASE, 'cgid'], 'ScriptLog /var/log/apache2/cgi.log').findings, []);
});

test('a section httpd stops at is reported once, not again for the lines inside', () => {
  const r = lint(BASE, '<Proxy balancer://pool>\n    BalancerMember http://127.0.0.1:8080\n    ProxySet lbmethod=byrequests\n</Proxy>');
  assert.deepEqual(r.lines, [HEAD + 1]);
  assert.match(r.findings[0].message, /Invalid command '<Proxy'/);
  // Named as a section, as in httpd's message (it said "Proxy comes from mod_proxy", a name httpd has no directive of).
  assert.match(r.findings[0].message, /: <Proxy> comes from mod_proxy, which is not loaded/);
  const m = lint(BASE, 'ProxyPass /a http://127.0.0.1:1/\n<ProxyMatch "^http://127">\n    ProxySet timeout=5\n</ProxyMatch>');
  assert.deepEqual(m.findings[0].related?.map((x) => x.message), ['<ProxyMatch> also needs mod_proxy']);
});

test('one finding per line: directive-not-allowed-in-section and hcheck-params-without-module leave the lines httpd stops at by name', () => {
  const body = '<Location /a>\n    ProxyTimeout 30\n    RequestReadTimeout header=20\n</Location>\nProxyPass /b http://127.0.0.1:1/ hcmethod=GET';
  const text = `${BASE.map(load).join('\n')}\nServerName localhost\n${body}\n`;
  const all = lintApache(PATH, text, memHost({ [PATH]: text }), { settings: defaultSettings() }).findings;
  const on = (line: number) => all.filter((f) => text.slice(0, f.start).split('\n').length === line).map((f) => f.ruleId).sort();
  assert.deepEqual(on(HEAD + 2), ['apache-module-not-loaded']);
  assert.deepEqual(on(HEAD + 3), ['apache-module-not-loaded']);
  assert.ok(!on(HEAD + 5).includes('hcheck-params-without-module'), on(HEAD + 5).join());
  // With the modules loaded, the placement and the parameter are reported again.
  const loaded = `${[...BASE, 'proxy', 'proxy_http', 'reqtimeout'].map(load).join('\n')}\nServerName localhost\n${body}\n`;
  const ids = lintApache(PATH, loaded, memHost({ [PATH]: loaded }), { settings: defaultSettings() }).findings.map((f) => f.ruleId);
  assert.equal(ids.filter((x) => x === 'directive-not-allowed-in-section').length, 2);
  assert.ok(ids.includes('hcheck-params-without-module'));
  assert.ok(!ids.includes('apache-module-not-loaded'));
});

test('names no stock module defines are not this rule\'s, with or without a third-party module loaded', () => {
  assert.deepEqual(lint(BASE, 'WSGIDaemonProcess app\nSecRuleEngine On').findings, []);
  assert.deepEqual(lint([...BASE, 'security2'], 'SecRuleEngine On\nHeader set X-A b').lines, [HEAD + 3]);
});

test('one finding per line: other rules\' startup errors on a line httpd rejects by name are dropped, and come back with the module', () => {
  const body = 'BalancerMember http://127.0.0.1:8080\nProxyPass /c http://127.0.0.1:1/ bogus=1\nProxyPass /d';
  const ids = (mods: string[]) => {
    const text = `${mods.map(load).join('\n')}\nServerName localhost\n${body}\n`;
    const all = lintApache(PATH, text, memHost({ [PATH]: text }), { settings: defaultSettings() }).findings;
    const head = mods.length + 1;
    return [1, 2, 3].map((k) => all.filter((f) => text.slice(0, f.start).split('\n').length === head + k).map((f) => f.ruleId).filter((id) => id !== 'proxypass-trailing-slash-mismatch' && id !== 'no-connectiontimeout' && id !== 'proxy-scheme-module-missing').sort());
  };
  // One finding for the three lines of mod_proxy, at the first (the others listed as related); nothing else on any.
  assert.deepEqual(ids(BASE), [['apache-module-not-loaded'], [], []]);
  assert.deepEqual(ids([...BASE, 'proxy', 'proxy_http']), [['balancer-member-outside-balancer'], ['invalid-worker-parameter'], ['proxypass-missing-argument']]);
});

test('other rules\' startup errors inside a section httpd stops at are dropped too: it never reads them', () => {
  // apache2 -t 2.4.71 without mod_proxy: "Invalid command '<Proxy'" at the section's line, never "BalancerMember
  // unknown Worker parameter" from the line inside; with mod_proxy loaded, that.
  const body = '<Proxy "balancer://pool">\n  BalancerMember http://127.0.0.1:8080 bogus=1\n</Proxy>';
  const startup = (mods: string[]) => {
    const text = `${mods.map(load).join('\n')}\nServerName localhost\n${body}\n`;
    const all = lintApache(PATH, text, memHost({ [PATH]: text }), { settings: defaultSettings() }).findings;
    const head = mods.length + 1;
    const ids = ['apache-module-not-loaded', 'invalid-worker-parameter'];
    return all.filter((f) => ids.includes(f.ruleId)).map((f) => `${text.slice(0, f.start).split('\n').length - head}:${f.ruleId}`);
  };
  assert.deepEqual(startup(BASE), ['1:apache-module-not-loaded']);
  assert.deepEqual(startup([...BASE, 'proxy', 'proxy_http']), ['2:invalid-worker-parameter']);
});

test('a suppressed apache-module-not-loaded (a module built into this server) leaves the other findings; a suppression of a dropped one is not unused', () => {
  const text = `${BASE.map(load).join('\n')}\nServerName localhost\n# proxylint-disable-next-line apache-module-not-loaded -- mod_proxy is compiled into this build\nBalancerMember http://127.0.0.1:8080\n# proxylint-disable-next-line balancer-member-outside-balancer -- kept for later\nBalancerMember http://127.0.0.1:8081\n`;
  const ids = lintApache(PATH, text, memHost({ [PATH]: text }), { settings: defaultSettings() }).findings.map((f) => `${text.slice(0, f.start).split('\n').length}:${f.ruleId}`);
  assert.ok(!ids.includes('5:apache-module-not-loaded') && ids.includes('5:balancer-member-outside-balancer'), ids.join());
  assert.ok(!ids.some((x) => x.endsWith(':unused-suppression')), ids.join());
  // The finding is one per file and module, at its first line: suppressed there, it is suppressed for line 7 too.
  assert.ok(!ids.includes('7:apache-module-not-loaded'), ids.join());
});

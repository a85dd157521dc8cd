import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { buildModuleView, moduleKey } from '../../server/src/core/model/apache-modules';
import { buildProxyModel, parseBackendUrl } from '../../server/src/core/model/apache-proxy';
import { loadApacheConfig } from '../../server/src/core/model/apache-tree';
import { checkParamValue, parseApacheDuration, parseParams } from '../../server/src/core/model/apache-workers';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const load = (files: Record<string, string>, entry = '/etc/apache2/apache2.conf', serverRoot?: string) =>
  loadApacheConfig(entry, files[entry], memHost(files), { serverRoot });

test('Include and IncludeOptional follow globs relative to ServerRoot, splice files in place, and report what is missing', () => {
  const files = {
    '/etc/apache2/apache2.conf': 'Define APP 127.0.0.1:8080\nIncludeOptional mods-enabled/*.load\nInclude ports.conf\nIncludeOptional conf-enabled/*.conf\n<VirtualHost *:80>\nInclude sites/*.conf\n</VirtualHost>\nInclude missing.conf\nInclude nothing/*.conf\n',
    '/etc/apache2/mods-enabled/proxy.load': 'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so\n',
    '/etc/apache2/mods-enabled/proxy_http.load': 'LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so\n',
    '/etc/apache2/ports.conf': 'Listen 80\n',
    '/etc/apache2/sites/a.conf': 'ProxyPass /a http://${APP}/\n',
    '/etc/apache2/nothing/readme.txt': 'x',
  };
  const c = load(files, '/etc/apache2/apache2.conf', '/etc/apache2');
  assert.deepEqual(c.files.map((f) => f.path.replace('/etc/apache2/', '')), ['apache2.conf', 'mods-enabled/proxy.load', 'mods-enabled/proxy_http.load', 'ports.conf', 'sites/a.conf']);
  const pp = c.all.find((n) => n.lname === 'proxypass')!;
  assert.equal(pp.parent?.lname, 'virtualhost', 'an Include inside a section splices the file into it');
  assert.equal(pp.via?.lname, 'include');
  assert.deepEqual(pp.args, ['/a', 'http://127.0.0.1:8080/'], '${VAR} is replaced by Define');
  assert.deepEqual(c.problems.map((p) => [p.kind, p.message.slice(0, 40)]), [
    ['include-not-found', 'included file "/etc/apache2/missing.conf'],
    ['include-not-found', 'no file matches "/etc/apache2/nothing/*.'],
  ]);
});

test('ServerRoot: relative Includes resolve against it; snippets in sites-*/conf.d resolve against the folder above', () => {
  const files = { '/srv/x/httpd.conf': 'ServerRoot /srv/x\nInclude conf/extra.conf\n', '/srv/x/conf/extra.conf': 'Timeout 30\n' };
  assert.deepEqual(load(files, '/srv/x/httpd.conf').all.map((n) => n.lname), ['serverroot', 'include', 'timeout']);
  const debian = { '/etc/apache2/sites-enabled/app.conf': 'Include snippets/proxy.conf\n', '/etc/apache2/snippets/proxy.conf': 'ProxyTimeout 30\n' };
  assert.deepEqual(load(debian, '/etc/apache2/sites-enabled/app.conf').all.map((n) => n.lname), ['include', 'proxytimeout']);
  // A ServerRoot that only exists on the server maps to the checkout folder of the same name.
  const centos = { '/repo/httpd/conf/httpd.conf': 'ServerRoot "/etc/httpd"\nInclude conf.d/*.conf\n', '/repo/httpd/conf.d/a.conf': 'Timeout 5\n' };
  assert.deepEqual(load(centos, '/repo/httpd/conf/httpd.conf').all.map((n) => n.lname), ['serverroot', 'include', 'timeout']);
});

test('a relative Include in a fragment resolves against ServerRoot, not the fragment folder: without one, the folders above are the likely roots', () => {
  // h5bp/basic.conf says `Include h5bp/security/x.conf`: meant for a ServerRoot that holds h5bp/, one level up.
  const files = {
    '/repo/h5bp/basic.conf': 'Include h5bp/security/x.conf\nInclude h5bp/tls/*.conf\nInclude h5bp/missing.conf\n',
    '/repo/h5bp/security/x.conf': 'Timeout 30\n',
    '/repo/h5bp/tls/a.conf': 'ProxyTimeout 5\n',
  };
  const c = load(files, '/repo/h5bp/basic.conf');
  assert.deepEqual(c.all.map((n) => n.lname), ['include', 'timeout', 'include', 'proxytimeout', 'include']);
  assert.equal(c.serverRoot, '/repo');
  // The one found under no likely ServerRoot is not asserted missing: ServerRoot is unknown.
  assert.deepEqual(c.problems.map((p) => [p.kind, !!p.unverified]), [['include-not-found', true]]);
  assert.match(c.problems[0].message, /^cannot verify this include: "h5bp\/missing\.conf" is not in this checkout/);
  const r = lintApache('/repo/h5bp/basic.conf', files['/repo/h5bp/basic.conf'], memHost(files), { settings: defaultSettings() });
  assert.deepEqual(r.findings.map((f) => [f.ruleId, f.severity]), [['include-not-found', 'info']]);
  assert.doesNotMatch(r.findings[0].message, /httpd refuses to start:/);
  // With apache.serverRoot given, ServerRoot is known: nothing is guessed and a missing file is an error.
  const settings = defaultSettings();
  settings.apache.serverRoot = '/repo/h5bp';
  const sure = lintApache('/repo/h5bp/basic.conf', files['/repo/h5bp/basic.conf'], memHost(files), { settings });
  assert.deepEqual(sure.findings.map((f) => [f.ruleId, f.severity, f.message.slice(0, 60)]), [
    ['include-not-found', 'error', 'included file "/repo/h5bp/h5bp/security/x.conf" does not exi'],
    ['include-not-found', 'error', 'no file matches "/repo/h5bp/h5bp/tls/*.conf"; httpd refuses '],
    ['include-not-found', 'error', 'included file "/repo/h5bp/h5bp/missing.conf" does not exist;'],
  ]);
  // A ServerRoot directive naming a folder in the checkout is not second-guessed either.
  const known = { '/srv/x/conf/httpd.conf': 'ServerRoot /srv/x/conf\nInclude extra/a.conf\n', '/srv/x/extra/a.conf': 'Timeout 5\n' };
  const k = load(known, '/srv/x/conf/httpd.conf');
  assert.deepEqual(k.problems.map((p) => [p.kind, !!p.unverified, !!p.mayExistOnServer]), [['include-not-found', false, true]]);
  // One naming a folder only on the server (/usr/local/apache2): the checkout's copy of it is a folder above.
  const docker = { '/repo/conf/httpd.conf': 'ServerRoot "/usr/local/apache2"\nInclude h5bp/a.conf\n', '/repo/h5bp/a.conf': 'Timeout 5\n' };
  assert.deepEqual(load(docker, '/repo/conf/httpd.conf').all.map((n) => n.lname), ['serverroot', 'include', 'timeout']);
});

test('an absolute Include missing from the checkout is read from the folder that mirrors it, also one named like a folder of the path', () => {
  // webdevops' Docker images copy conf/etc/httpd/ to /opt/docker/etc/httpd/ and include files by that path.
  const files = {
    '/repo/conf/etc/httpd/main.conf': 'Include /opt/docker/etc/httpd/global.conf\nInclude /opt/docker/etc/httpd/php.conf\nIncludeOptional /opt/docker/etc/httpd/conf.d/*.conf\n',
    '/repo/conf/etc/httpd/global.conf': 'Timeout 30\n',
    '/repo/conf/etc/httpd/conf.d/proxy.conf': 'ProxyTimeout 5\n',
  };
  const c = load(files, '/repo/conf/etc/httpd/main.conf');
  assert.deepEqual(c.all.map((n) => n.lname), ['include', 'timeout', 'include', 'includeoptional', 'proxytimeout']);
  // What the checkout does not have at all is still reported, as a file that may exist only on the server.
  assert.deepEqual(c.problems.map((p) => [p.kind, p.message.slice(0, 55), !!p.mayExistOnServer]), [['include-not-found', 'included file "/opt/docker/etc/httpd/php.conf" does not', true]]);
});

test('include cycles are reported and do not recurse', () => {
  const files = { '/c/httpd.conf': 'Include a.conf\n', '/c/a.conf': 'Include httpd.conf\n' };
  const c = load(files, '/c/httpd.conf', '/c');
  assert.deepEqual(c.problems.map((p) => p.kind), ['include-cycle']);
});

test('modules: LoadModule lines, Debian mods-enabled, static modules, IfModule guards, and when the list is known', () => {
  assert.equal(moduleKey('mod_proxy_fcgi.c'), 'proxy_fcgi');
  assert.equal(moduleKey('proxy_fcgi_module'), 'proxy_fcgi');
  assert.equal(moduleKey('/usr/lib/apache2/modules/mod_proxy_fcgi.so'), 'proxy_fcgi');
  const files = {
    '/etc/apache2/apache2.conf': 'IncludeOptional mods-enabled/*.load\n<IfModule mod_proxy_fcgi.c>\nProxyPass /php fcgi://127.0.0.1:9000/\n</IfModule>\n',
    '/etc/apache2/mods-enabled/mpm_event.load': 'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n',
    '/etc/apache2/mods-enabled/proxy.load': 'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so\n',
  };
  const m = buildModuleView(load(files));
  assert.equal(m.known, true);
  assert.ok(m.isLoaded('proxy') && m.isLoaded('mpm_event'));
  assert.ok(m.isLoaded('watchdog') && m.isLoaded('log_config') && m.isLoaded('unixd'), 'built into Debian httpd');
  assert.ok(!m.isLoaded('proxy_fcgi'));
  const pp = load(files).all.find((n) => n.lname === 'proxypass')!;
  assert.ok(m.guardedBy(pp, 'proxy_fcgi'));
  assert.equal(m.loadModuleLine('proxy_fcgi'), 'LoadModule proxy_fcgi_module /usr/lib/apache2/modules/mod_proxy_fcgi.so');
  assert.equal(buildModuleView(load({ '/etc/apache2/sites-enabled/a.conf': 'ProxyPass /a http://b/\n' }, '/etc/apache2/sites-enabled/a.conf')).known, false, 'a vhost file says nothing about modules');
});

test('modules: an IncludeOptional that matches nothing hides the module list only when it is where modules are loaded from', () => {
  // Debian's apache2.conf with an empty (or missing) conf-enabled/: real apache2 -t still fails on hcmethod= without
  // mod_proxy_hcheck, and a SetHandler "proxy:fcgi://…" without mod_proxy_fcgi still serves the PHP source.
  const debian = {
    '/etc/apache2/apache2.conf': 'IncludeOptional mods-enabled/*.load\nIncludeOptional conf-enabled/*.conf\nIncludeOptional sites-enabled/*.conf\n',
    '/etc/apache2/mods-enabled/mpm_event.load': 'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n',
    '/etc/apache2/mods-enabled/proxy.load': 'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so\n',
    '/etc/apache2/sites-enabled/app.conf': '<VirtualHost *:80>\n<FilesMatch "\\.php$">\nSetHandler "proxy:fcgi://127.0.0.1:9000"\n</FilesMatch>\n<Proxy "balancer://app">\nBalancerMember "http://127.0.0.1:8080" hcmethod=GET\n</Proxy>\n</VirtualHost>\n',
  };
  const m = buildModuleView(load(debian));
  assert.equal(m.known, true, 'an empty conf-enabled/ loads no modules');
  assert.equal(m.unknownBecause, undefined);
  const ids = lintApache('/etc/apache2/apache2.conf', debian['/etc/apache2/apache2.conf'], memHost(debian), { settings: defaultSettings() }).findings.map((f) => f.ruleId);
  assert.ok(ids.includes('proxy-scheme-module-missing') && ids.includes('hcheck-params-without-module'), ids.join(', '));
  // Without mods-enabled/ the list is hidden, and a finding says which rules were not applied.
  const bare = { ...debian } as Record<string, string>;
  delete bare['/etc/apache2/mods-enabled/mpm_event.load'];
  delete bare['/etc/apache2/mods-enabled/proxy.load'];
  const u = buildModuleView(load(bare));
  assert.equal(u.known, false);
  assert.match(u.unknownBecause!.reason, /mods-enabled\/\*\.load" matches nothing/);
  const notes = lintApache('/etc/apache2/apache2.conf', bare['/etc/apache2/apache2.conf'], memHost(bare), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'modules-not-known');
  assert.equal(notes.length, 1);
  assert.match(notes[0].message, /proxy-scheme-module-missing, hcheck-params-without-module were not applied/);
  // Red Hat's conf.modules.d and a named file that is missing hide it too.
  assert.equal(buildModuleView(load({ '/etc/httpd/conf/httpd.conf': 'LoadModule mpm_event_module m.so\nIncludeOptional /etc/httpd/conf.modules.d/*.conf\n' }, '/etc/httpd/conf/httpd.conf')).known, false);
  assert.equal(buildModuleView(load({ '/etc/httpd/conf/httpd.conf': 'LoadModule mpm_event_module m.so\nIncludeOptional /etc/httpd/conf.d/*.conf\n' }, '/etc/httpd/conf/httpd.conf')).known, true);
});

test('worker parameters are typed key=value pairs, checked as mod_proxy checks them', () => {
  const c = load({ '/c/httpd.conf': 'ProxyPass /a http://b:8080/ timeout=5 connectiontimeout=500ms retry=0 ttl=0 keepalive=maybe nocanon junk status=+H failonstatus=500,503\n' }, '/c/httpd.conf');
  const node = c.all[0];
  const { params, flags, invalid } = parseParams(node, 2);
  assert.deepEqual(params.map((p) => [p.key, p.value]), [['timeout', '5'], ['connectiontimeout', '500ms'], ['retry', '0'], ['ttl', '0'], ['keepalive', 'maybe'], ['status', '+H'], ['failonstatus', '500,503']]);
  assert.deepEqual(flags.map((a) => a.value), ['nocanon']);
  assert.deepEqual(invalid.map((a) => a.value), ['junk']);
  assert.deepEqual(params.map((p) => checkParamValue(p) ?? 'ok'), ['ok', 'ok', 'ok', 'TTL must be at least one second', 'KeepAlive must be On|Off', 'ok', 'ok']);
  assert.equal(parseApacheDuration('500ms'), 500);
  assert.equal(parseApacheDuration('5'), 5000);
  assert.equal(parseApacheDuration('2mi'), 120000);
  assert.equal(parseApacheDuration('x'), null);
  // ap_timeout_parameter_parse reads the unit by its first letters, case-sensitive (apache2 -t 2.4.71: connectiontimeout=5min,
  // 5sec, 2hours pass; 5m, 5S, -1 are "wrong format").
  assert.equal(parseApacheDuration('5min'), 300000);
  assert.equal(parseApacheDuration('5sec'), 5000);
  assert.equal(parseApacheDuration('2hours'), 7200000);
  for (const bad of ['5m', '5S', '5MS', '-1', 'abc']) assert.equal(parseApacheDuration(bad), null, bad);
  assert.equal(parseApacheDuration('3000', 'ms'), 3000);
});

test('backend URLs: schemes, hosts, ports and UNIX sockets', () => {
  assert.deepEqual(parseBackendUrl('http://127.0.0.1:8080/app'), { scheme: 'http', host: '127.0.0.1', port: '8080', path: '/app', socket: undefined });
  assert.deepEqual(parseBackendUrl('unix:/run/a.sock|fcgi://localhost/x').socket, '/run/a.sock');
  assert.match(parseBackendUrl('unix:/run/a.sock').error!, /URL must be absolute/);
  assert.match(parseBackendUrl('127.0.0.1:8080').error!, /Unable to parse URL/);
  // No scheme before "?": the ":" before the first "/" is still an error for apr_uri_parse.
  assert.match(parseBackendUrl('https?://b/').error!, /Unable to parse URL/);
  assert.equal(parseBackendUrl('http://[::1]:80/').host, '[::1]');
});

test('ProxyPass order, balancers and members, and the timeout chain with its origin', () => {
  const text = [
    'Timeout 120',
    'ProxyPass /main http://10.0.0.1/',
    '<VirtualHost *:80>',
    '  ProxyTimeout 30',
    '  ProxyPass /a http://10.0.0.2/ timeout=7',
    '  ProxyPass /b http://10.0.0.3/',
    '  <Proxy balancer://app>',
    '    BalancerMember http://10.0.0.4:8080 connectiontimeout=2',
    '    ProxySet lbmethod=bytraffic',
    '  </Proxy>',
    '  ProxyPass /c balancer://app/ failonstatus=503',
    '  <Location /d>',
    '    ProxyPass http://10.0.0.5/',
    '  </Location>',
    '</VirtualHost>',
    '',
  ].join('\n');
  const c = load({ '/c/httpd.conf': text }, '/c/httpd.conf');
  const m = buildProxyModel(c);
  const vh = c.all.find((n) => n.lname === 'virtualhost')!;
  assert.deepEqual(m.rulesFor(vh).map((r) => r.path), ['/main', '/a', '/b', '/c'], 'the main server\'s rules come first');
  assert.deepEqual(m.rulesFor(null).map((r) => r.path), ['/main']);
  const loc = m.rules.find((r) => r.location)!;
  assert.equal(loc.path, '/d');
  const app = m.balancerFor(vh, 'balancer://app')!;
  assert.equal(app.members.length, 1);
  assert.deepEqual([...app.params.keys()].sort(), ['failonstatus', 'lbmethod']);
  const w = (url: string) => m.workers.find((x) => x.url === url)!;
  const t = (url: string) => {
    const v = m.backendTimeout(w(url));
    return [v.ms, v.origin];
  };
  assert.deepEqual(t('http://10.0.0.1/'), [120000, 'Timeout']);
  assert.deepEqual(t('http://10.0.0.2/'), [7000, 'worker']);
  assert.deepEqual(t('http://10.0.0.3/'), [30000, 'ProxyTimeout']);
  assert.deepEqual([m.connectTimeout(w('http://10.0.0.4:8080')).ms, m.connectTimeout(w('http://10.0.0.4:8080')).origin], [2000, 'worker']);
  assert.deepEqual([m.connectTimeout(w('http://10.0.0.3/')).ms, m.connectTimeout(w('http://10.0.0.3/')).origin], [30000, 'ProxyTimeout']);
  const bare = load({ '/c/httpd.conf': 'ProxyPass /x http://10.0.0.9/\n' }, '/c/httpd.conf');
  assert.deepEqual(buildProxyModel(bare).backendTimeout(buildProxyModel(bare).workers[0]).origin, 'default');
});

test('lintApache: suppression comments work on the line before; a reason is required', () => {
  const text = '# proxylint-disable-next-line no-connectiontimeout -- backend is on the same host\nProxyPass /a http://10.0.0.1/\n# proxylint-disable-next-line no-connectiontimeout\nProxyPass /b http://10.0.0.2/\n';
  const r = lintApache('/c/app.conf', text, memHost({ '/c/app.conf': text }), { settings: defaultSettings() });
  const ids = r.findings.map((f) => `${f.ruleId}:${text.slice(0, f.start).split('\n').length}`);
  assert.ok(!ids.includes('no-connectiontimeout:2'));
  assert.ok(ids.includes('no-connectiontimeout:4'));
  assert.ok(ids.includes('invalid-suppression:3'));
});

test('lintApache: severity overrides and "off" apply to Apache rules', () => {
  const settings = defaultSettings();
  settings.rules.set('no-connectiontimeout', { level: 'off', options: {} });
  settings.rules.set('proxypass-trailing-slash-mismatch', { level: 'error', options: {} });
  const text = 'ProxyPass /a/ http://10.0.0.1/a\n';
  const r = lintApache('/c/app.conf', text, memHost({ '/c/app.conf': text }), { settings });
  assert.deepEqual(r.findings.map((f) => [f.ruleId, f.severity]), [['proxypass-trailing-slash-mismatch', 'error']]);
});

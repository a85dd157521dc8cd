// apache-unknown-directive: the cases its fixtures cannot show (an .htaccess file, a third-party LoadModule, a fragment
// whose modules are unknown, macro bodies, the suggestions). Facts from apache2 -t / a request on httpd 2.4.71.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const M = '/usr/lib/apache2/modules';
const head = ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'macro'].map((m) => `LoadModule ${m}_module ${M}/mod_${m}.so`).join('\n');
const lint = (text: string, path = '/c/httpd.conf', htaccess?: boolean) =>
  lintApache(path, text, memHost({ [path]: text }), { settings: defaultSettings(), htaccess }).findings.filter((f) => f.ruleId === 'apache-unknown-directive');

test('apache-unknown-directive: a misspelling is an error quoting httpd, with a rename suggestion and no safe fix', () => {
  const text = `${head}\nProxyTimout 60\n`;
  const [f, ...rest] = lint(text);
  assert.equal(rest.length, 0);
  assert.equal(f.severity, 'error');
  assert.equal(f.message, `httpd refuses to start: "Invalid command 'ProxyTimout', perhaps misspelled or defined by a module not included in the server configuration" — did you mean "ProxyTimeout"?`);
  assert.equal(f.fix, undefined);
  assert.equal(f.suggestions[0].title, 'Change to "ProxyTimeout"');
  const e = f.suggestions[0].edits[0];
  assert.equal(text.slice(0, e.start) + e.newText + text.slice(e.end), `${head}\nProxyTimeout 60\n`);
});

test('apache-unknown-directive: a directive 2.4 removed says what 2.4 has instead and offers to remove the line', () => {
  const [f] = lint(`${head}\nRewriteLog /var/log/apache2/rewrite.log\n`);
  assert.match(f.message, /"Invalid command 'RewriteLog',.*" — httpd 2\.4 writes mod_rewrite's trace to the error log: use "LogLevel rewrite:trace3" instead$/);
  assert.equal(f.suggestions[0].title, 'Remove "RewriteLog" (not in httpd 2.4)');
  assert.equal(f.suggestions[0].edits[0].newText, '');
});

test('apache-unknown-directive: in an .htaccess file, 500 for the folder with the path-prefixed log line', () => {
  const [f] = lint('RewriteEngine On\nRewriteLogLevel 3\n', '/srv/www/.htaccess', true);
  assert.match(f.message, /^httpd answers 500 Internal Server Error to every request under this folder and logs "\/srv\/www\/\.htaccess: Invalid command 'RewriteLogLevel'/);
});

test('apache-unknown-directive: in an .htaccess file, the advice for RewriteLog(Level) does not send the user to LogLevel there', () => {
  // httpd 2.4.71, AllowOverride All: an .htaccess with "LogLevel rewrite:trace3" answered 500 and logged
  // "[core:alert] … /srv/www/.htaccess: LogLevel not allowed here": the trace level belongs in the server's files.
  for (const line of ['RewriteLogLevel 3', 'RewriteLog /tmp/rewrite.log']) {
    const [f] = lint(`RewriteEngine On\n${line}\n`, '/srv/www/.htaccess', true);
    assert.match(f.message, /"LogLevel rewrite:trace3" in the virtual host or server configuration \(LogLevel is not allowed in \.htaccess\)$/, line);
  }
  // Outside .htaccess the advice stays as it was.
  assert.match(lint(`${head}\nRewriteLogLevel 3\n`)[0].message, /use "LogLevel rewrite:trace3" instead$/);
});

test('apache-unknown-directive: nginx\'s timeout names written in httpd say what httpd has instead', () => {
  // Each made apache2 -t 2.4.71 fail with "Invalid command"; ProxyTimeout 60 and
  // "ProxyPass /x http://127.0.0.1:9000/ connectiontimeout=5 timeout=60" passed.
  const [connect] = lint(`${head}\nProxyConnectTimeout 5\n`);
  assert.match(connect.message, /— httpd has no such directive \(nginx has proxy_connect_timeout\): httpd's connect timeout is the connectiontimeout= parameter of ProxyPass, BalancerMember or ProxySet$/);
  for (const name of ['ProxyReadTimeout', 'ProxySendTimeout']) {
    const [f] = lint(`${head}\n${name} 60\n`);
    assert.match(f.message, /— httpd has no such directive \(nginx has proxy_(read|send)_timeout\): httpd waits for the backend "ProxyTimeout" seconds \(or timeout= on ProxyPass, BalancerMember or ProxySet\)$/, name);
    assert.deepEqual(f.suggestions, []);
  }
});

test('apache-unknown-directive: says nothing when apache.version is a 2.2 release (RewriteLog, SSLMutex are its directives; the names known are 2.4.71\'s)', () => {
  const settings = defaultSettings();
  settings.apache.version = [2, 2, 34];
  const text = `${head}\nRewriteLog /var/log/apache2/rewrite.log\nSSLMutex default\nProxyTimout 60\n`;
  const only = (s: typeof settings) => lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: s }).findings.filter((f) => f.ruleId === 'apache-unknown-directive');
  assert.deepEqual(only(settings), []);
  settings.apache.version = [2, 4, 62];
  assert.equal(only(settings).length, 3);
});

test('apache-unknown-directive: a module httpd does not ship may define the name, so a warning that names it', () => {
  const [f] = lint(`${head}\nLoadModule foo_module modules/mod_foo.so\nProxyFooTimeout 5\n`);
  assert.equal(f.severity, 'warning');
  // Like nginx's rules, the message names the file the module is loaded from (LoadModule's second argument).
  assert.match(f.message, /^unknown directive "ProxyFooTimeout" unless the module loaded from "modules\/mod_foo\.so" provides it: otherwise httpd refuses to start/);
  // A module of the package (mod_proxy_http defines no directive) is not such a module.
  assert.equal(lint(`${head}\nLoadModule lbmethod_byrequests_module ${M}/mod_lbmethod_byrequests.so\nProxyFooTimeout 5\n`)[0].severity, 'error');
});

test('apache-unknown-directive: a third-party module whose directives all share a prefix (mod_php, mod_security) leaves other names an error', () => {
  // Debian's libapache2-mod-php loads php_module (php_value, php_flag, php_admin_*, PHPINIDir), so a LAMP server's
  // ProxyTimout was only a warning "unless the module loaded from php_module provides it".
  for (const load of ['LoadModule php_module /usr/lib/apache2/modules/libphp8.2.so', 'LoadModule php7_module /usr/lib/apache2/modules/libphp7.4.so', 'LoadModule security2_module /usr/lib/apache2/modules/mod_security2.so']) {
    const [f] = lint(`${head}\n${load}\nProxyTimout 60\n`);
    assert.equal(f.severity, 'error', load);
    assert.match(f.message, /^httpd refuses to start/, load);
  }
  // A name in such a module's family is not judged a typo of a stock name's, whichever module is loaded.
  assert.equal(lint(`${head}\nLoadModule security2_module /usr/lib/apache2/modules/mod_security2.so\nSecRuleEngine On\n`).length, 0);
  // Beside a module whose names are not known, the warning stays, and it names that module.
  const [w] = lint(`${head}\nLoadModule php_module /usr/lib/apache2/modules/libphp8.2.so\nLoadModule foo_module modules/mod_foo.so\nProxyTimout 60\n`);
  assert.equal(w.severity, 'warning');
  assert.match(w.message, /"modules\/mod_foo\.so"/);
});

test('apache-unknown-directive: in a fragment, a line under <IfModule> fails only when that module is loaded', () => {
  const [f] = lint('<IfModule mod_proxy.c>\n    ProxyPreserveHosts On\n</IfModule>\n', '/c/sites-enabled/app.conf');
  assert.match(f.message, /^httpd refuses to start when mod_proxy is loaded \(this <IfModule> section then applies\): "Invalid command 'ProxyPreserveHosts'/);
  assert.match(f.message, /did you mean "ProxyPreserveHost"\?$/);
});

test('apache-unknown-directive: third-party names and prefixes are left alone, near or not', () => {
  const names = ['SecRuleEngine On', 'WSGIDaemonProcess app', 'JkLogLevel info', 'php_value memory_limit 1G', 'PassengerEnabled on', 'RPAFproxy_ips 10.0.0.1'];
  assert.deepEqual(lint(`${head}\n${names.join('\n')}\n`), []);
});

test('apache-unknown-directive: a macro body line is reported once however many Use lines expand it', () => {
  const text = `${head}\n<Macro Site $port>\n  ProxyTimout 60\n</Macro>\nUse Site 8080\nUse Site 8081\n`;
  const f = lint(text);
  assert.equal(f.length, 1);
  assert.equal(text.slice(f[0].start, f[0].start + 11), 'ProxyTimout');
});

test('apache-unknown-directive: a family name that lengthens or shortens a stock one is suggested (RewriteCondition, ProxyPassRev)', () => {
  const suggested = (name: string) => {
    const [f, ...rest] = lint(`${head}\n${name} x\n`);
    assert.equal(rest.length, 0, name);
    return [f.message.replace(/.* — /, ''), f.suggestions.map((s) => s.title).join('|')];
  };
  // Too far in spelling for a near-miss (five and four letters), yet plainly meant: the stock name the written one
  // starts with (the longest such), or the only stock name that starts with it.
  assert.deepEqual(suggested('RewriteCondition'), ['did you mean "RewriteCond"?', 'Change to "RewriteCond"']);
  assert.deepEqual(suggested('ProxyPassRev'), ['did you mean "ProxyPassReverse"?', 'Change to "ProxyPassReverse"']);
  assert.deepEqual(suggested('ProxyPassReverseCookieDomainName'), ['did you mean "ProxyPassReverseCookieDomain"?', 'Change to "ProxyPassReverseCookieDomain"']);
  // A shortening shared by several stock names ("SSLProxyCheck" starts SSLProxyCheckPeerCN, …Expire and …Name) names none.
  assert.deepEqual(suggested('SSLProxyCheck'), ['no module of httpd 2.4.71 defines it', '']);
  // Also when it lengthens another stock name: "ProxyPassReverseCookie" cuts ProxyPassReverseCookieDomain and …Path
  // short; it is not a longer ProxyPassReverse.
  assert.deepEqual(suggested('ProxyPassReverseCookie'), ['no module of httpd 2.4.71 defines it', '']);
  // Outside the families the rule reports, a lengthened stock name is a third-party module's own (mod_foo's HeaderFoo).
  assert.deepEqual(lint(`${head}\nHeaderFooBar x\n`), []);
});

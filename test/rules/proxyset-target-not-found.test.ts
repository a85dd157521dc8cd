// proxyset-target-not-found: what each finding says, its suggestion, and when the rule keeps quiet because the file
// does not show everything httpd would know at that line (a fragment's main server, a missing Include, a condition).
// The lookups themselves are checked against apache2 -t in test/servers/apache-proxyset-lookup.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/fix';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const RULE = 'proxyset-target-not-found';
const lint = (text: string, path = '/etc/apache2/apache2.conf', files: Record<string, string> = {}) =>
  lintApache(path, text, memHost({ [path]: text, ...files }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === RULE);
const lines = (text: string, found: { start: number }[]) => found.map((f) => text.slice(0, f.start).split('\n').length);

test('each kind of miss is reported on the URL with httpd\'s words and what to change', () => {
  const text = [
    '<Proxy "balancer://app">',
    '    BalancerMember "http://127.0.0.1:3001"',
    '</Proxy>',
    'ProxySet "http://127.0.0.1:3001" timeout=30',
    'ProxySet "http://127.0.0.1:3003/" timeout=30',
    'ProxyPass "/later/" "http://127.0.0.1:3003/"',
    '<VirtualHost *:80>',
    '    ProxyPass "/v/" "http://127.0.0.1:3010/"',
    '</VirtualHost>',
    'ProxySet "http://127.0.0.1:3010/" timeout=30',
    'ProxySet "http://127.0.0.1:3011/" timeout=30',
    'ProxySet "balancer://none" lbmethod=byrequests',
    'ProxySet timeout=30',
  ].join('\n');
  const found = lint(text);
  assert.deepEqual(lines(text, found), [4, 5, 10, 11, 12, 13]);
  assert.deepEqual(found.map((f) => text.slice(f.start, f.end)), ['"http://127.0.0.1:3001"', '"http://127.0.0.1:3003/"', '"http://127.0.0.1:3010/"', '"http://127.0.0.1:3011/"', '"balancer://none"', 'timeout=30']);
  const [member, later, vhost, none, balancer, noUrl] = found.map((f) => f.message);
  assert.equal(member, 'httpd refuses to start: "ProxySet can not find \'http://127.0.0.1:3001\' Worker.": http://127.0.0.1:3001 is a BalancerMember of balancer://app (line 2), and ProxySet outside a <Proxy> section finds only workers that ProxyPass defines: put the parameters on the BalancerMember line');
  assert.match(later, /^httpd refuses to start: "ProxySet can not find 'http:\/\/127\.0\.0\.1:3003\/' Worker\.": the ProxyPass on line 6 defines this worker after this line/);
  assert.match(vhost, /the ProxyPass on line 8 defines it in <VirtualHost \*:80> \(line 7\), and each server has its own workers/);
  assert.match(none, /no ProxyPass in the main server defines a worker for it before this line.*<Proxy "http:\/\/127\.0\.0\.1:3011\/">/);
  assert.match(balancer, /^httpd refuses to start: "ProxySet can not find 'balancer:\/\/none' Balancer\.": no ProxyPass, BalancerMember or <Proxy balancer:\/\/none> section in the main server defines it/);
  assert.match(noUrl, /^httpd refuses to start: "ProxySet can not find 'timeout=30' Worker\.": outside a <Proxy> section, ProxySet takes the worker's URL as its first word/);
  assert.ok(found.every((f) => f.severity === 'error' && !f.fix));
});

test('another form of the worker\'s URL: a suggestion (never --fix) names the worker as httpd does', () => {
  for (const [pass, set, name] of [
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080', 'http://127.0.0.1:8080/'],
    ['http://127.0.0.1:80/', 'http://127.0.0.1:80/', 'http://127.0.0.1/'],
    ['HTTP://Backend:8000/api/', 'http://backend:8000/api', 'http://backend:8000/api/'],
  ]) {
    const text = `ProxyPass "/a/" "${pass}"\nProxySet "${set}" timeout=5\n`;
    const [f] = lint(text);
    assert.ok(f, text);
    assert.match(f.message, new RegExp(`defines the worker "${name.replace(/[/.]/g, '\\$&')}"`));
    assert.equal(f.fix, undefined);
    assert.equal(f.suggestions.length, 1);
    assert.equal(applyEdits(text, f.suggestions[0].edits).text, `ProxyPass "/a/" "${pass}"\nProxySet "${name}" timeout=5\n`);
  }
  // A different path is not another form of the same URL: the names are listed, nothing is suggested.
  const text = 'ProxyPass "/a/" "http://127.0.0.1:8080/api/"\nProxySet "http://127.0.0.1:8080/" timeout=5\n';
  const [f] = lint(text);
  assert.match(f.message, /defines the worker "http:\/\/127\.0\.0\.1:8080\/api\/"/);
  assert.deepEqual(f.suggestions, []);
});

test('a file linted alone: at its top level only what the file shows is reported; inside its <VirtualHost>, everything', () => {
  const text = [
    'ProxySet "http://127.0.0.1:4001/" timeout=30',
    'ProxySet "balancer://elsewhere" lbmethod=byrequests',
    'ProxySet retry=5',
    'ProxySet "http://127.0.0.1:4000/" timeout=30',
    'ProxyPass "/m/" "http://127.0.0.1:4000/"',
    '<VirtualHost *:80>',
    '    ProxySet "http://127.0.0.1:4002/" timeout=30',
    '</VirtualHost>',
  ].join('\n');
  assert.deepEqual(lines(text, lint(text, '/etc/apache2/sites-available/app.conf')), [4, 7]);
  assert.deepEqual(lines(text, lint(text)), [1, 2, 3, 4, 7]);
});

test('quiet after what it cannot see: a missing Include or a ${VAR} ProxyPass before the line, in that server', () => {
  const missing = 'Include conf/missing.conf\nProxySet "http://127.0.0.1:4000/" timeout=30\n<VirtualHost *:80>\n    ProxySet "http://127.0.0.1:4000/" timeout=30\n</VirtualHost>\n';
  assert.deepEqual(lines(missing, lint(missing)), [4]);
  const after = 'ProxySet "http://127.0.0.1:4000/" timeout=30\nInclude conf/missing.conf\n';
  assert.deepEqual(lines(after, lint(after)), [1]);
  const variable = 'ProxyPass "/a/" "http://${BACKEND}/"\nProxySet "http://127.0.0.1:4000/" timeout=30\n';
  assert.deepEqual(lint(variable), []);
  const included = 'Include conf/pp.conf\nProxySet "http://127.0.0.1:8080/" timeout=30\n';
  assert.deepEqual(lint(included, '/etc/apache2/apache2.conf', { '/etc/apache2/conf/pp.conf': 'ProxyPass "/a/" "http://127.0.0.1:8080/"\n' }), []);
});

test('conditions: not under <IfDefine>; under <IfModule> only when the module list is known to include it', () => {
  const head = 'LoadModule mpm_event_module modules/mod_mpm_event.so\nLoadModule authz_core_module modules/mod_authz_core.so\nLoadModule proxy_module modules/mod_proxy.so\n';
  const text = `${head}<IfModule mod_nope.c>\n    ProxySet "http://127.0.0.1:1/" timeout=5\n</IfModule>\n<IfModule proxy_module>\n    ProxySet "http://127.0.0.1:2/" timeout=5\n</IfModule>\n<IfModule !proxy_module>\n    ProxySet "http://127.0.0.1:3/" timeout=5\n</IfModule>\n<IfDefine X>\n    ProxySet "http://127.0.0.1:4/" timeout=5\n</IfDefine>\n`;
  assert.deepEqual(lines(text, lint(text)), [8]);
  // Without mod_proxy, ProxySet is an unknown command (apache-module-not-loaded says so).
  const noProxy = 'LoadModule mpm_event_module modules/mod_mpm_event.so\nLoadModule authz_core_module modules/mod_authz_core.so\nProxySet "http://127.0.0.1:2/" timeout=5\n';
  assert.deepEqual(lint(noProxy), []);
});

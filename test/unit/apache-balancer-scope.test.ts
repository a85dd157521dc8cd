// Balancers per server: each server (the main server, each <VirtualHost>) has its own balancers, a virtual host uses the
// main server's of a name before its own, and its own lines add balancer settings for its own requests. What httpd
// 2.4.71 did with these layouts is in test/servers/apache-balancer-scope.test.ts and apache-balancer-scope-rules.test.ts;
// these check that the model and each of its users (the rules, completion, explain) take the balancer the line's
// server uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findApachePlace } from '../../server/src/core/explain/apache-place';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';
import { apacheCompletions } from '../../server/src/core/features/apache-completion';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const PATH = '/c/httpd.conf';
const lint = (text: string) => lintApache(PATH, text, memHost({ [PATH]: text }), { settings: defaultSettings() });
const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** The main server's ProxyPass defines balancer://pool there without members; the virtual host defines members. */
const HIDDEN = [
  'ProxyPass "/m" "balancer://pool"',
  '<VirtualHost *:80>',
  '    <Proxy "balancer://pool">',
  '        BalancerMember "http://127.0.0.1:8001"',
  '    </Proxy>',
  '    ProxyPass "/v" "balancer://pool"',
  '</VirtualHost>',
  '',
].join('\n');

test('the model: one balancer per server and name, the one each server uses, and its users', () => {
  const { proxy, config } = lint(HIDDEN);
  const vh = config.all.find((n) => n.lname === 'virtualhost')!;
  const [main, own] = proxy.balancers;
  assert.deepEqual(proxy.balancers.map((b) => [b.name, b.vhost === null ? 'main' : 'vhost', b.members.length]), [['balancer://pool', 'main', 0], ['balancer://pool', 'vhost', 1]]);
  assert.equal(proxy.balancerFor(null, 'balancer://pool'), main);
  assert.equal(proxy.balancerFor(vh, 'balancer://pool'), main, 'the main server\'s comes first');
  assert.equal(proxy.ownBalancer(vh, 'balancer://pool'), own);
  assert.equal(own.hiddenBy, main);
  assert.equal(main.hiddenBy, undefined);
  assert.deepEqual(main.users.map((r) => r.path), ['/m', '/v']);
  assert.deepEqual(own.users, []);
  assert.equal(own.members[0].balancer, own);

  // Both inheritances Off: the virtual host's own.
  const off = HIDDEN.replace('<VirtualHost *:80>', '<VirtualHost *:80>\n    BalancerInherit Off\n    ProxyPassInherit Off');
  const o = lint(off);
  const ovh = o.config.all.find((n) => n.lname === 'virtualhost')!;
  assert.equal(o.proxy.balancerFor(ovh, 'balancer://pool')?.vhost, ovh);
  assert.equal(o.proxy.balancers.some((b) => b.hiddenBy), false);
});

test('the model: a virtual host\'s settings for the main server\'s balancer hold for its requests, key by key; failonstatus codes add up', () => {
  const text = [
    '<Proxy "balancer://pool">',
    '    BalancerMember "http://127.0.0.1:8001"',
    '    ProxySet failonstatus=503 maxattempts=1',
    '</Proxy>',
    '<VirtualHost *:80>',
    '    ProxyPass "/v" "balancer://pool" failonstatus=500 forcerecovery=Off',
    '</VirtualHost>',
    '',
  ].join('\n');
  const { proxy, config } = lint(text);
  const vh = config.all.find((n) => n.lname === 'virtualhost')!;
  const pool = proxy.balancerFor(vh, 'balancer://pool')!;
  const show = (m: Map<string, { value: string; node: { file: { text: string }; directive: { start: number } } }>) =>
    Object.fromEntries([...m].map(([k, p]) => [k, `${p.value} (line ${lineOf(text, p.node.directive.start)})`]));
  assert.deepEqual(show(proxy.balancerParams(pool, null)), { failonstatus: '503 (line 3)', maxattempts: '1 (line 3)' });
  assert.deepEqual(show(proxy.balancerParams(pool, vh)), { failonstatus: '503,500 (line 6)', maxattempts: '1 (line 3)', forcerecovery: 'Off (line 6)' });
});

test('the balancer rules report the balancer requests use, not a virtual host\'s one that the main server\'s hides, with the settings of each server that uses it', () => {
  // The virtual host's balancer://pool comes first in the file, the main server's is the one used (on 2.4.71 its
  // requests reached the main server's member).
  const text = [
    '<VirtualHost *:80>',
    '    <Proxy "balancer://pool">',
    '        BalancerMember "http://127.0.0.1:8001"',
    '    </Proxy>',
    '    ProxyPass "/v" "balancer://pool" failontimeout=On',
    '</VirtualHost>',
    '<Proxy "balancer://pool">',
    '    BalancerMember "http://127.0.0.1:8002"',
    '    BalancerMember "http://127.0.0.1:8003"',
    '</Proxy>',
    'ProxyPass "/m" "balancer://pool"',
    '',
  ].join('\n');
  const found = lint(text).findings.filter((f) => /^balancer-/.test(f.ruleId)).map((f) => `${f.ruleId}@${lineOf(text, f.start)}`);
  assert.deepEqual(found.sort(), ['balancer-member-without-health-check@7', 'balancer-without-failonstatus@7']);
  const health = lint(text).findings.find((f) => f.ruleId === 'balancer-member-without-health-check')!;
  assert.match(health.message, /^no member of balancer:\/\/pool has a health check \(hcmethod=\), and for requests to the main server: httpd takes a member out only when connecting to it fails/);
  // Without the main server's ProxyPass only the virtual host's requests use it, and its settings cover them.
  const vhostOnly = text.replace('ProxyPass "/m" "balancer://pool"\n', '');
  assert.deepEqual(lint(vhostOnly).findings.filter((f) => f.ruleId === 'balancer-without-failonstatus'), []);
});

test('completion: balancer names a line\'s server would use with members, and the <Proxy> a ProxyPass-only balancer wants in its own server', () => {
  const at = (text: string, needle: string) => {
    const offset = text.indexOf(needle) + needle.length;
    return apacheCompletions(lint(text), PATH, text, offset).items.map((i) => i.label);
  };
  // In the virtual host the main server's balancer (no members) comes first: its own is not offered (503 there).
  const url = HIDDEN.replace('    ProxyPass "/v" "balancer://pool"', '    ProxyPass "/v" "balancer://pool"\n    ProxyPass "/w" balancer://');
  assert.deepEqual(at(url, 'ProxyPass "/w" balancer://'), []);
  const shared = url.replace('ProxyPass "/m" "balancer://pool"', '<Proxy "balancer://pool">\n    BalancerMember "http://127.0.0.1:8002"\n</Proxy>');
  assert.deepEqual(at(shared, 'ProxyPass "/w" balancer://'), ['balancer://pool']);
  // The <Proxy> header for it: in the main server, whose balancer the virtual host uses; not in the virtual host, where
  // a section would be hidden too.
  const header = (where: 'main' | 'vhost') => {
    const text = where === 'main' ? HIDDEN.replace('<VirtualHost', '<Proxy \n<VirtualHost') : HIDDEN.replace('    ProxyPass "/v"', '    <Proxy \n    ProxyPass "/v"');
    return at(text, '<Proxy ');
  };
  assert.deepEqual(header('main'), ['balancer://pool']);
  assert.deepEqual(header('vhost'), []);
});

test('balancer-member-outside-balancer names a balancer the member\'s server would use, each name once', () => {
  const stray = (text: string) => lint(text).findings.find((x) => x.ruleId === 'balancer-member-outside-balancer')!;
  const names = (f: { fix?: { edits: { newText: string }[] }; suggestions?: { edits: { newText: string }[] }[] }) => ({
    fix: f.fix?.edits.map((e) => e.newText),
    suggestions: (f.suggestions ?? []).map((x) => x.edits.map((e) => e.newText).join()),
  });
  const member = 'BalancerMember "http://127.0.0.1:8002"\n';
  // The main server's balancer://pool has no member: naming it there fixes both servers.
  assert.deepEqual(names(stray(HIDDEN + member)), { fix: ['balancer://pool "http://127.0.0.1:8002"'], suggestions: [] });
  // Two virtual hosts that keep to their own balancers each define an empty balancer://pool: one suggestion, and no
  // fix, since the member in the main server would serve neither.
  const own = (port: number) => [`<VirtualHost *:${port}>`, '    BalancerInherit Off', '    ProxyPassInherit Off', '    ProxyPass "/v" "balancer://pool"', '</VirtualHost>'];
  assert.deepEqual(names(stray([...own(80), ...own(81), member].join('\n'))), { fix: undefined, suggestions: ['balancer://pool "http://127.0.0.1:8002"'] });
  // In a virtual host that uses the main server's balancer://pool a member named so would join the virtual host's own,
  // which gets no requests: not offered.
  const inVhost = ['<Proxy "balancer://pool">', '    BalancerMember "http://127.0.0.1:8001"', '</Proxy>', '<VirtualHost *:80>', '    ProxyPass "/v" "balancer://pool"', '    ' + member, '</VirtualHost>', ''].join('\n');
  assert.deepEqual(names(stray(inVhost)), { fix: undefined, suggestions: [] });
});

test('explain: a line about a whole balancer goes to the one of its name that can log it, with the settings of the request\'s server', () => {
  const text = [
    'Listen 80',
    'Listen 81',
    '<Proxy "balancer://pool">',
    '    BalancerMember "http://127.0.0.1:8001"',
    '    ProxySet failonstatus=503',
    '</Proxy>',
    'ProxyPass "/m" "balancer://pool"',
    '<VirtualHost *:81>',
    '    ProxyPass "/v" "balancer://pool" failonstatus=500 forcerecovery=Off',
    '</VirtualHost>',
    '<VirtualHost *:82>',
    '    BalancerInherit Off',
    '    ProxyPassInherit Off',
    '    ProxyPass "/x" "balancer://pool"',
    '</VirtualHost>',
    '',
  ].join('\n');
  const { proxy, config } = lint(text);
  const [v81] = config.all.filter((n) => n.lname === 'virtualhost');
  const place = (line: string, servers?: Set<(typeof v81) | null>) => {
    const e = explainLogLine(line)!;
    const p = findApachePlace(proxy, e.fields, { patternId: e.pattern.id, ...(servers ? { servers: { servers, how: 'test' } } : {}) });
    return p && { line: lineOf(text, p.node.directive.start), values: p.values.map((v) => `${v.name}=${v.value}`) };
  };
  const head = '[Mon Nov 23 03:25:01.576303 2026] [proxy_balancer:error] [pid 10:tid 11] [client 127.0.0.1:5000] ';
  // AH01171 comes from a balancer without members: the :82 virtual host's own, which its ProxyPass defines.
  assert.equal(place(`${head}AH01171: balancer://pool: No workers in balancer`)?.line, 14);
  // AH01170: the main server's, with forcerecovery of the server the request came to.
  assert.deepEqual(place(`${head}AH01170: balancer://pool: All workers are in error state`), { line: 3, values: ['forcerecovery=On', 'members=1'] });
  assert.deepEqual(place(`${head}AH01170: balancer://pool: All workers are in error state`, new Set([v81])), { line: 3, values: ['forcerecovery=Off', 'members=1', 'retry of http://127.0.0.1:8001=60 s'] });
  // AH01174 for a request to the :81 virtual host: its failonstatus codes add to the main server's.
  const failed = `${head}AH01174: balancer://pool: Forcing worker (http://127.0.0.1:8001) into error state due to status code 503 matching 'failonstatus' balancer parameter`;
  assert.ok(place(failed, new Set([v81]))?.values.includes('failonstatus=503,500'));
});

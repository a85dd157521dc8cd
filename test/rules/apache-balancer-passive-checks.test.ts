// balancer-member-without-health-check and balancer-without-failonstatus each accept the protection the other one
// asks for where it covers the case (2.4.71: failonstatus= takes out a member that answers a listed code,
// failontimeout=On one that times out, hcmethod=GET a checked member that does either), and say what is left when
// it covers only part of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const lint = (inner: string, pass = 'ProxyPass "/a/" "balancer://a/"') => {
  const text = `<Proxy "balancer://a">\n${inner}\n</Proxy>\n${pass}\n`;
  return lintApache('/c/a.conf', text, memHost({ '/c/a.conf': text }), { settings: defaultSettings() }).findings;
};
const two = (extra = '', a = '', b = '') => `    BalancerMember "http://10.0.0.1:8080"${a}\n    BalancerMember "http://10.0.0.2:8080"${b}${extra ? `\n    ${extra}` : ''}`;
const of = (id: string, fs: ReturnType<typeof lint>) => fs.filter((f) => f.ruleId === id).map((f) => f.message);

test('balancer-member-without-health-check: quiet with failonstatus= and failontimeout=On', () => {
  assert.deepEqual(of('balancer-member-without-health-check', lint(two('ProxySet failonstatus=502,503,504 failontimeout=On'))), []);
});

test('balancer-member-without-health-check: with failonstatus=503 alone, speaks of the member that hangs, not of 503', () => {
  const [m] = of('balancer-member-without-health-check', lint(two('ProxySet failonstatus=503')));
  assert.match(m, /failonstatus=503 takes a member out after it answers one of those codes \(AH01174\), but a member that hangs keeps getting its share/);
  assert.doesNotMatch(m, /answers 500\/503/);
});

test('balancer-member-without-health-check: with failontimeout=On alone (on the ProxyPass), speaks of the member that answers errors, not of hangs', () => {
  const [m] = of('balancer-member-without-health-check', lint(two(), 'ProxyPass "/a/" "balancer://a/" failontimeout=On'));
  assert.match(m, /failontimeout=On takes a member out after a request to it times out \(AH02460\), but a member that answers 500\/503 keeps getting its share/);
  assert.doesNotMatch(m, /hangs/);
  // failontimeout=Off takes nothing out.
  assert.match(of('balancer-member-without-health-check', lint(two('ProxySet failontimeout=Off')))[0], /answers 500\/503 or hangs/);
});

test('balancer-without-failonstatus: quiet when every member has an HTTP health check (own or through a template)', () => {
  assert.deepEqual(of('balancer-without-failonstatus', lint(two('', ' hcmethod=GET hcuri=/', ' hcmethod=HEAD hcuri=/'))), []);
  const tpl = lintApache('/c/a.conf', `ProxyHCTemplate t hcmethod=OPTIONS\n<Proxy "balancer://a">\n${two('', ' hctemplate=t', ' hctemplate=t')}\n</Proxy>\n`, memHost({}), { settings: defaultSettings() });
  assert.deepEqual(of('balancer-without-failonstatus', tpl.findings), []);
});

test('balancer-without-failonstatus: names the partial cover (one member checked) and a TCP check that sees neither errors nor hangs', () => {
  const [half] = of('balancer-without-failonstatus', lint(two('', ' hcmethod=GET hcuri=/')));
  assert.match(half, /only 1 of its 2 members has a health check that sends requests .*: a member without one that answers 502\/503\/504 or times out keeps its share/);
  const [tcp] = of('balancer-without-failonstatus', lint(two('', ' hcmethod=TCP', ' hcmethod=TCP')));
  assert.match(tcp, /the health checks it has \(hcmethod=TCP\) do not send requests, so they see neither errors nor hangs/);
});

test('health checks through ProxyHCTemplate: the template of the member\'s own server, by name in any case; one without hcmethod checks nothing', () => {
  const run = (text: string) => lintApache('/c/a.conf', text, memHost({}), { settings: defaultSettings() }).findings;
  const balancer = (a: string, b: string) => `<Proxy "balancer://a">\n${two('', a, b)}\n</Proxy>\nProxyPass "/a/" "balancer://a/"\n`;
  // "T" and "t" are one template to httpd (apache2 -t on 2.4.68).
  const cased = run(`ProxyHCTemplate T hcmethod=GET hcuri=/h\n${balancer(' hctemplate=t', ' hctemplate=t')}`);
  assert.deepEqual(of('balancer-without-failonstatus', cased), []);
  assert.deepEqual(of('balancer-member-without-health-check', cased), []);
  // No hcmethod in the template: the default, None, checks nothing (2.4.68: no /health request, the 500 member kept its share).
  const none = run(`ProxyHCTemplate t hcuri=/health\n${balancer(' hctemplate=t', ' hctemplate=t')}`);
  assert.equal(of('balancer-member-without-health-check', none).length, 1);
  assert.match(of('balancer-without-failonstatus', none)[0], /the health checks it has \(hctemplate=t, which sets no hcmethod \(None\)\) do not send requests/);
  // A member whose template httpd does not find stops it (invalid-worker-parameter): not said to be unchecked.
  const elsewhere = run(`<VirtualHost *:80>\nProxyHCTemplate t hcmethod=GET\n</VirtualHost>\n${balancer(' hctemplate=t', ' hctemplate=t')}`);
  assert.deepEqual(of('balancer-member-without-health-check', elsewhere), []);
});

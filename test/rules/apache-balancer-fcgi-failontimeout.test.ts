// balancer-without-failonstatus and fcgi:// members: failontimeout=On does not take out one that times out (mod_proxy_fcgi
// answers 504 without telling the balancer it was a timeout; measured in test/servers/apache-balancer-fcgi-timeout.test.ts),
// so the advice for them is the 504 in failonstatus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/fix';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const PATH = '/etc/apache2/sites-available/app.conf';
function run(members: string[], proxySet?: string) {
  const text = ['<Proxy "balancer://app">', ...members.map((m) => `    BalancerMember "${m}"`), ...(proxySet ? [`    ProxySet ${proxySet}`] : []), '</Proxy>', 'ProxyPass "/app/" "balancer://app/"', ''].join('\n');
  const f = lintApache(PATH, text, memHost({ [PATH]: text }), { settings: defaultSettings() }).findings.filter((x) => x.ruleId === 'balancer-without-failonstatus');
  return { text, f };
}
const FCGI = ['fcgi://10.0.0.1:9000', 'fcgi://10.0.0.2:9000'];

test('fcgi:// members with neither parameter: the advice is failonstatus with 504, without failontimeout=On', () => {
  const { f } = run(FCGI);
  assert.equal(f.length, 1);
  assert.match(f[0].message, /"ProxySet failonstatus=502,503,504" takes such a member out for its retry period \(AH01174\); failontimeout=On would not, as mod_proxy_fcgi does not tell the balancer that the 504 came from a timeout$/);
  assert.equal(f[0].suggestions?.[0]?.title, 'Add "ProxySet failonstatus=502,503,504"');
  // http:// members keep the old advice.
  assert.match(run(['http://10.0.0.1:8080', 'http://10.0.0.2:8080']).f[0].message, /"ProxySet failonstatus=502,503,504 failontimeout=On" takes such a member out for its retry period \(AH01174, AH02460\)$/);
});

test('fcgi:// members with failontimeout=On: reported; with failonstatus lacking 504 the suggestion adds 504 to it', () => {
  assert.match(run(FCGI, 'failontimeout=On').f[0].message, /^balancer:\/\/app sets failontimeout=On without failonstatus=, and its fcgi:\/\/ members are not covered by it/);
  const { text, f } = run(FCGI, 'failonstatus=503 failontimeout=On');
  assert.equal(f.length, 1);
  assert.match(f[0].message, /^balancer:\/\/app sets failontimeout=On and failonstatus=503 without 504, /);
  const s = f[0].suggestions?.[0];
  assert.equal(s?.title, 'Add 504 to failonstatus (failonstatus=503,504)');
  assert.match(applyEdits(text, s!.edits.filter((e) => e.path === PATH)).text, /ProxySet failonstatus=503,504 failontimeout=On/);
  assert.deepEqual(run(FCGI, 'failonstatus=503,504 failontimeout=On').f, []);
  assert.deepEqual(run(FCGI, 'failontimeout=Off').f, [], 'failontimeout=Off: not this case (the rule only asks for one of the two)');
});

test('a balancer of http:// and fcgi:// members with failontimeout=On names how many fcgi:// members it leaves in', () => {
  const { f } = run(['http://10.0.0.1:8080', 'fcgi://10.0.0.2:9000'], 'failontimeout=On');
  assert.equal(f.length, 1);
  assert.match(f[0].message, /and its 1 fcgi:\/\/ member is not covered by it: failontimeout=On does not take out one of those that times out/);
});

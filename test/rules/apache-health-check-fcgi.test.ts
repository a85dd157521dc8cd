// balancer-member-without-health-check and fcgi:// members: mod_proxy_fcgi answers 504 on a timeout without telling
// the balancer, so failontimeout=On does not take out a member that hangs; only a 504 in failonstatus does (measured
// on 2.4.71 in test/servers/apache-balancer-fcgi-timeout.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const PATH = '/c/httpd.conf';
function messages(scheme: string, proxySet: string): string[] {
  const text = [
    '<Proxy "balancer://app">',
    `    BalancerMember "${scheme}://127.0.0.1:9001" timeout=2`,
    `    BalancerMember "${scheme}://127.0.0.1:9002" timeout=2`,
    proxySet ? `    ProxySet ${proxySet}` : '',
    '</Proxy>',
    'ProxyPass "/app/" "balancer://app/"',
    '',
  ].join('\n');
  const r = lintApache(PATH, text, memHost({ [PATH]: text }), { settings: defaultSettings() });
  return r.findings.filter((f) => f.ruleId === 'balancer-member-without-health-check').map((f) => f.message);
}

test('fcgi:// members with failontimeout=On alone: not said to be taken out on a timeout', () => {
  const [m] = messages('fcgi', 'failontimeout=On');
  assert.ok(m);
  assert.doesNotMatch(m, /failontimeout=On takes a member out/);
  assert.match(m, /failontimeout=On does not take out an fcgi:\/\/ member that times out/);
  assert.match(m, /as 504 after the timeout \(failonstatus=502,503,504 would take it out/);
  // http:// members: there it does (AH02460).
  assert.match(messages('http', 'failontimeout=On')[0], /failontimeout=On takes a member out after a request to it times out \(AH02460\)/);
});

test('fcgi:// members with failonstatus and failontimeout=On: reported unless failonstatus has 504', () => {
  const [m] = messages('fcgi', 'failonstatus=502,503 failontimeout=On');
  assert.match(m, /failonstatus=502,503 takes a member out .*which end as 504 after the timeout \(504 in failonstatus would take it out/);
  assert.deepEqual(messages('fcgi', 'failonstatus=502,503,504'), []);
  assert.deepEqual(messages('http', 'failonstatus=502,503 failontimeout=On'), []);
});

// httpd 2.4.71 has no "~" form for <Proxy> (core's <Location ~> and <Files ~> have one): the section's name is "~" and
// a regex after it one more parameter. The model used to read <Proxy ~ "re"> as a regex section, so a BalancerMember
// in it passed as a member of the balancers the regex names, while apache2 -t stops on it.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary } from '../helpers';
import { apacheConfigTestText } from './harness/apache';

requireBinary('apache2');

const MODULES = ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests'];

const CASES = [
  '<Proxy ~ "^balancer://app">\n    BalancerMember http://127.0.0.1:8085\n</Proxy>\nProxyPass "/" "balancer://app/"',
  '<Proxy ~>\n    BalancerMember http://127.0.0.1:8085\n</Proxy>',
];

test('a BalancerMember in <Proxy ~ …> is reported with the name httpd gives it, "~" (real apache2 -t)', async () => {
  for (const c of CASES) {
    const text = c + '\n';
    const found = lintApache('/c/site.conf', text, memHost({ '/c/site.conf': text }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'balancer-member-outside-balancer');
    assert.equal(found.length, 1, c);
    const quoted = /^httpd refuses to start: "(.*?)":/.exec(found[0].message)?.[1];
    assert.equal(quoted, 'BalancerMember Bad syntax for a balancer name (~)', found[0].message);
    const t = await apacheConfigTestText(text, { modules: MODULES });
    assert.ok(!t.ok && t.output.includes(quoted!), `${c}\nhttpd said:\n${t.output}`);
  }
});

test('a lone <Proxy ~> is a section for the name "~", accepted by apache2 -t', async () => {
  const text = '<Proxy ~>\n    Require all granted\n</Proxy>\n';
  const t = await apacheConfigTestText(text, { modules: MODULES });
  assert.ok(t.ok, t.output);
  assert.deepEqual(lintApache('/c/site.conf', text, memHost({ '/c/site.conf': text }), { settings: defaultSettings() }).findings.filter((f) => f.severity === 'error').map((f) => f.message), []);
});

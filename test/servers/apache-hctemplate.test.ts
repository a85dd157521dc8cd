// Members that take their health check from a ProxyHCTemplate: the template's hcmethod decides whether httpd checks
// them. A balancer of a member that answers 500 and one that answers 200, both with hctemplate=t, on the real apache2:
// - "ProxyHCTemplate t hcmethod=GET hcuri=/health hcinterval=1": /health is requested, the 500 member is taken out,
//   and every request gets 200; balancer-member-without-health-check must stay quiet;
// - "ProxyHCTemplate t hcuri=/health hcinterval=1" (no hcmethod: mod_proxy_hcheck's default is None): no check is
//   made, the 500 member keeps its share of requests; balancer-member-without-health-check must report the balancer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { memHost, requireBinary } from '../helpers';
import { fixtureSettings } from '../rules/rule-harness';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { waitFor } from './harness/proc';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

test('balancer-member-without-health-check follows the hcmethod of the ProxyHCTemplate members use: GET checks (the 500 member is taken out), none set checks nothing (real apache2)', async () => {
  for (const [template, checks] of [['hcmethod=GET hcuri=/health hcinterval=1', true], ['hcuri=/health hcinterval=1', false]] as const) {
    const members = await Promise.all([500, 200].map((status) => startHttpStandin({ behaviour: 'ok', status, deadlineMs: 30_000 })));
    const setup = await prepareApache(
      `ProxyHCTemplate t ${template}\n<Proxy "balancer://app">\n${members.map((m) => `    BalancerMember "http://${m.address}" hctemplate=t`).join('\n')}\n</Proxy>\nProxyPass "/app/" "balancer://app/"\n`,
    );
    const httpd = await startApache(setup);
    try {
      const checked = await waitFor(async () => members.every((m) => m.requests.some((r) => r.path === '/health')), 3500);
      assert.equal(checked, checks, `${template}: /health requested`);
      await new Promise((res) => setTimeout(res, 300));
      const got: number[] = [];
      for (let i = 0; i < 4; i++) got.push(Number((await request({ port: setup.port, path: '/app/x', timeoutMs: 5000 })).status));
      assert.deepEqual([...new Set(got)].sort(), checks ? [200] : [200, 500], `${template}: ${got}\n${httpd.errorLog()}`);
      const findings = lintApache(setup.confPath, setup.text, memHost({ [setup.confPath]: setup.text }), { settings: fixtureSettings(setup.text) }).findings.filter((f) => f.ruleId === 'balancer-member-without-health-check');
      assert.equal(findings.length, checks ? 0 : 1, `${template}: ${findings.map((f) => f.message).join('\n')}`);
    } finally {
      await httpd.stop();
      for (const m of members) await m.stop();
      setup.cleanup();
    }
  }
});

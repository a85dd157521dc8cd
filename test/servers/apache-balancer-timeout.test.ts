// balancer-timeout-not-backend-timeout on a real httpd: timeout= on a ProxyPass to balancer://… is the balancer's
// parameter (the wait for a usable member), not the members' backend timeout. With ProxyTimeout 2 and a member that
// answers after 4 s, "timeout=10" on the balancer's ProxyPass still gives 502 after about 2 s, while timeout=10 on the
// BalancerMember line lets the answer through (200). proxylint reports the first configuration and not the second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { apacheConfigTest, prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

const RULE = 'balancer-timeout-not-backend-timeout';

function findings(confPath: string): { ruleId: string; line: number }[] {
  const out = runCli(['--format', 'json', confPath]);
  const j = JSON.parse(out.stdout) as { files: { findings: { ruleId: string; line: number }[] }[] };
  return j.files.flatMap((f) => f.findings).filter((f) => f.ruleId === RULE);
}

for (const where of ['balancer', 'member'] as const) {
  test(`timeout=10 on the ${where === 'balancer' ? "balancer's ProxyPass" : 'BalancerMember'} with ProxyTimeout 2 and a member that answers after 4 s (real apache2)`, async () => {
    const backend = await startHttpStandin({ behaviour: 'ok', delayFor: () => 4000, deadlineMs: 30_000 });
    const setup = await prepareApache(
      [
        'ProxyTimeout 2',
        '<Proxy "balancer://b">',
        `    BalancerMember "http://${backend.address}" connectiontimeout=1${where === 'member' ? ' timeout=10' : ''}`,
        '</Proxy>',
        `ProxyPass "/api/" "balancer://b/"${where === 'balancer' ? ' timeout=10' : ''}`,
        '',
      ].join('\n'),
    );
    const httpd = await startApache(setup);
    try {
      assert.ok(apacheConfigTest(setup).ok);
      const r = await request({ port: setup.port, path: '/api/x', timeoutMs: 15_000 });
      if (where === 'balancer') {
        assert.equal(r.status, 502);
        assert.ok(r.ms >= 1800 && r.ms < 3500, `502 after ${r.ms} ms: ProxyTimeout's 2 s, not the balancer's timeout=10`);
        assert.match(httpd.errorLog(), /AH01102: error reading status line from remote server/);
        assert.deepEqual(findings(setup.confPath).map((f) => f.line), [setup.text.split('\n').findIndex((l) => l.startsWith('ProxyPass "/api/"')) + 1]);
      } else {
        assert.equal(r.status, 200);
        assert.deepEqual(findings(setup.confPath), []);
      }
    } finally {
      await httpd.stop();
      await backend.stop();
      setup.cleanup();
    }
  });
}

// balancer-timeout-not-backend-timeout on a real httpd: timeout= on a ProxyPass to balancer://… is the balancer's
// parameter (the wait for a usable member), not the members' backend timeout. With ProxyTimeout 2 and a member that
// answers after 4 s, "timeout=10" on the balancer's ProxyPass still gives 502 after about 2 s, while timeout=10 on the
// BalancerMember line lets the answer through (200). proxylint reports the first configuration and not the second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { readFileSync, writeFileSync } from 'node:fs';
import { apacheConfigTest, DEFAULT_APACHE_MODULES, prepareApache, startApache } from './harness/apache';
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

// The other direction (review on 2.4.71): timeout=3 on the balancer (ProxySet and its ProxyPass, with
// failontimeout=on) is no 3 s cap either. With Timeout 20 and a member that answers after 5 s the answer gets through
// (200 after about 5 s); timeout=3 on the BalancerMember lines is what caps it (502 after about 3 s), and so is
// ProxyTimeout 3. proxylint reports the first, at both lines, and its quick fix (timeout=3 on each member) passes
// apache2 -t and gives the 502.
for (const where of ['balancer', 'member', 'proxytimeout', 'fix'] as const) {
  test(`timeout=3 on the balancer, Timeout 20, a member that answers after 5 s: ${where} (real apache2)`, async () => {
    const backend = await startHttpStandin({ behaviour: 'ok', delayFor: () => 5000, deadlineMs: 30_000 });
    const other = await startHttpStandin({ behaviour: 'ok', delayFor: () => 5000, deadlineMs: 30_000 });
    const member = where === 'member' ? ' timeout=3' : '';
    const setup = await prepareApache(
      [
        'Timeout 20',
        ...(where === 'proxytimeout' ? ['ProxyTimeout 3'] : []),
        '<Proxy "balancer://reports">',
        `    BalancerMember "http://${backend.address}" retry=0${member}`,
        `    BalancerMember "http://${other.address}" retry=0${member}`,
        '    ProxySet lbmethod=bybusyness timeout=3',
        '</Proxy>',
        'ProxyPass "/r/" "balancer://reports/" timeout=3 failontimeout=on',
        '',
      ].join('\n'),
      { modules: [...DEFAULT_APACHE_MODULES, 'lbmethod_bybusyness'] },
    );
    if (where === 'fix') {
      // The finding's suggestion, applied as the editor would (it is not a --fix: it shortens the members' wait).
      const j = JSON.parse(runCli(['--format', 'json', setup.confPath]).stdout) as { files: { findings: { ruleId: string; suggestions?: { edits: { start: number; end: number; newText: string }[] }[] }[] }[] };
      const edits = j.files.flatMap((f) => f.findings).find((f) => f.ruleId === RULE)!.suggestions![0].edits;
      let text = readFileSync(setup.confPath, 'utf8');
      for (const e of [...edits].sort((a, b) => b.start - a.start)) text = text.slice(0, e.start) + e.newText + text.slice(e.end);
      writeFileSync(setup.confPath, text);
      assert.equal(text.match(/^\s*BalancerMember .* retry=0 timeout=3$/gm)?.length, 2, text);
      setup.text = text;
    }
    const httpd = await startApache(setup);
    try {
      assert.ok(apacheConfigTest(setup).ok);
      const r = await request({ port: setup.port, path: '/r/x', timeoutMs: 15_000 });
      if (where === 'balancer') {
        assert.equal(r.status, 200);
        assert.ok(r.ms >= 4800, `200 after ${r.ms} ms: the member was waited for past the balancer's timeout=3`);
        const lines = setup.text.split('\n');
        const at = (re: RegExp) => lines.findIndex((l) => re.test(l)) + 1;
        assert.deepEqual(findings(setup.confPath).map((f) => f.line).sort((a, b) => a - b), [at(/ProxySet lbmethod/), at(/^ProxyPass "\/r\/"/)]);
      } else {
        assert.equal(r.status, 502);
        assert.ok(r.ms >= 2800 && r.ms < 4800, `502 after ${r.ms} ms: the members' 3 s`);
        assert.match(httpd.errorLog(), /AH01102: error reading status line from remote server/);
        assert.deepEqual(findings(setup.confPath), []);
      }
    } finally {
      await httpd.stop();
      await backend.stop();
      await other.stop();
      setup.cleanup();
    }
  });
}

// failontimeout=On takes a timed-out member out of rotation only when its scheme handler tells the balancer that the
// read timed out: mod_proxy_http does (AH02460), mod_proxy_fcgi does not. A 504 in failonstatus is what takes out an
// fcgi:// member that times out (AH01174). Two members with timeout=2, the first never answers (a FastCGI stand-in
// that holds the answer, or a raw TCP port that accepts and never reads); six requests in a row. The rule
// balancer-without-failonstatus must report exactly the configurations that leave the hanging member in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { sleep } from './harness/proc';
import { startFastcgiStandin } from './standins/fastcgi';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

type Hung = 'fcgi' | 'fcgi-raw-tcp' | 'http';

async function sixRequests(hung: Hung, proxySet: string) {
  const fcgi = hung !== 'http';
  const good = fcgi ? await startFastcgiStandin({ deadlineMs: 40_000 }) : await startHttpStandin({ behaviour: 'ok', deadlineMs: 40_000 });
  const bad =
    hung === 'fcgi' ? await startFastcgiStandin({ delayMs: 15_000, deadlineMs: 40_000 })
      : hung === 'fcgi-raw-tcp' ? await startHttpStandin({ behaviour: 'silent', deadlineMs: 40_000 })
        : await startHttpStandin({ behaviour: 'ok', delayMs: 15_000, deadlineMs: 40_000 });
  const scheme = fcgi ? 'fcgi' : 'http';
  const setup = await prepareApache(
    [
      '<Proxy "balancer://app">',
      `    BalancerMember "${scheme}://${bad.address}" timeout=2`,
      `    BalancerMember "${scheme}://${good.address}" timeout=2`,
      `    ProxySet ${proxySet}`,
      '</Proxy>',
      'ProxyPass "/app/" "balancer://app/"',
      '',
    ].join('\n'),
  );
  const findings = lintApache(setup.confPath, setup.text, createNodeHost(), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'balancer-without-failonstatus');
  const httpd = await startApache(setup);
  try {
    const statuses: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await request({ port: setup.port, path: `/app/${i}`, timeoutMs: 10_000 });
      statuses.push(`${r.status}${r.ms >= 1700 ? ' after ~2 s' : ''}`);
    }
    await sleep(200);
    return { statuses, log: httpd.errorLog(), findings, badAddress: bad.address };
  } finally {
    await httpd.stop();
    await good.stop();
    await bad.stop();
    setup.cleanup();
  }
}

const alternating = (status: number) => [0, 1, 2, 3, 4, 5].map((i) => (i % 2 === 0 ? `${status} after ~2 s` : '200'));
const outAfterFirst = (status: number) => [`${status} after ~2 s`, '200', '200', '200', '200', '200'];

test('failontimeout=On: a hanging http:// member is taken out (AH02460); a hanging fcgi:// member is not, and the rule says so (real apache2)', async (t) => {
  const http = await sixRequests('http', 'failontimeout=On');
  t.diagnostic(`http:// failontimeout=On: ${http.statuses.join(', ')}`);
  assert.deepEqual(http.statuses, outAfterFirst(502), http.log);
  assert.match(http.log, /AH02460: balancer:\/\/app: Forcing worker \(http:\/\/127\.0\.0\.1:\d+\) into error state due to timeout and 'failontimeout' parameter being set/);
  assert.deepEqual(http.findings.map((f) => f.message), []);

  for (const hung of ['fcgi', 'fcgi-raw-tcp'] as const) {
    const r = await sixRequests(hung, 'failontimeout=On');
    t.diagnostic(`${hung} failontimeout=On: ${r.statuses.join(', ')}`);
    assert.deepEqual(r.statuses, alternating(504), `${hung}\n${r.log}`);
    assert.match(r.log, /\(70007\)The timeout specified has expired: \[client [^\]]+\] AH01075: Error dispatching request to [^:]*:\d*: \(polling\)/);
    assert.doesNotMatch(r.log, /AH02460|AH01174/);
    assert.equal(r.findings.length, 1, hung);
    assert.match(r.findings[0].message, /^balancer:\/\/app sets failontimeout=On without failonstatus=, and its fcgi:\/\/ members are not covered by it: failontimeout=On does not take out an fcgi:\/\/ member that times out .*but a 504 in failonstatus does \(AH01174\)/);
    assert.equal(r.findings[0].suggestions?.[0]?.title, 'Add "ProxySet failonstatus=502,503,504"');
  }
});

test('failonstatus=504 takes out a hanging fcgi:// member after its first 504 (AH01174), and the rule is quiet (real apache2)', async (t) => {
  const r = await sixRequests('fcgi', 'failonstatus=502,503,504 failontimeout=On');
  t.diagnostic(`fcgi failonstatus=502,503,504 failontimeout=On: ${r.statuses.join(', ')}`);
  assert.deepEqual(r.statuses, outAfterFirst(504), r.log);
  assert.match(r.log, new RegExp(`AH01174: balancer://app: Forcing worker \\(fcgi://${r.badAddress}\\) into error state due to status code 504 matching 'failonstatus' balancer parameter`), r.log);
  assert.deepEqual(r.findings.map((f) => f.message), []);
});

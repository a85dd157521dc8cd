// forcerecovery-off-prolongs-outage: what the rule and its doc page claim, on the real httpd (Debian 2.4.71).
// Two members refuse one request (both go into error state), then listen again. With forcerecovery=Off the next
// request still gets 503 with "AH01170: balancer://app: All workers are in error state" and reaches no member, and
// once retry= (3 s here, to keep the wait short) has passed a request gets 200. With the default (On) the first
// request after the backends are back gets 200.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { refusedPort } from './standins/http';

requireBinary('apache2');

const RETRY = 3;

async function run(forcerecovery: string | undefined) {
  const members = [await refusedPort(), await refusedPort()];
  const setup = await prepareApache(`<Proxy "balancer://app">
    BalancerMember "http://${members[0].address}" retry=${RETRY}
    BalancerMember "http://${members[1].address}" retry=${RETRY}
${forcerecovery ? `    ProxySet forcerecovery=${forcerecovery}\n` : ''}</Proxy>
ProxyPass "/app/" "balancer://app/"
`);
  const httpd = await startApache(setup);
  try {
    const down = (await request({ port: setup.port, path: '/app/x', timeoutMs: 10_000 })).status;
    for (const m of members) await m.revive();
    const backAt = Date.now();
    const first = (await request({ port: setup.port, path: '/app/x', timeoutMs: 10_000 })).status;
    const reached = members.reduce((n, m) => n + m.requests.length, 0);
    // Past retry=: the members leave error state whatever forcerecovery says.
    await new Promise((r) => setTimeout(r, Math.max(0, RETRY * 1000 + 500 - (Date.now() - backAt))));
    const later = (await request({ port: setup.port, path: '/app/x', timeoutMs: 10_000 })).status;
    await new Promise((r) => setTimeout(r, 300));
    return { down, first, later, reached, log: httpd.errorLog() };
  } finally {
    await httpd.stop();
    for (const m of members) await m.stop();
    setup.cleanup();
  }
}

test('forcerecovery=Off: 503 with AH01170 after the backends are back, until retry= has passed (real httpd)', async () => {
  const r = await run('Off');
  assert.deepEqual([r.down, r.first, r.later], [503, 503, 200], r.log);
  assert.equal(r.reached, 0, 'the request right after recovery reached no member');
  assert.match(r.log, /AH01170: balancer:\/\/app: All workers are in error state/);
});

test('forcerecovery default (On): the first request after the backends are back gets 200 (real httpd)', async () => {
  const r = await run(undefined);
  assert.deepEqual([r.down, r.first, r.later], [503, 200, 200], r.log);
  assert.ok(r.reached >= 1);
  assert.doesNotMatch(r.log, /AH01170/);
});

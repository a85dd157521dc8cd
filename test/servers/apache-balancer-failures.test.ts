// Balancer and pool limits that answer 503 without asking the backend, on the real apache2 (2.4.71):
// - acquire= with max=: a request that finds every pooled connection busy waits at most acquire ms, then gets 503
//   (AH00941); without acquire= it waits for the connection and is served;
// - nofailover=On: a sticky request whose member is down gets 503 (AH01167) instead of moving to a live member;
// - health checks without hcexpr=: a member answering 404 or 500 fails, one answering 3xx passes; with every member
//   disabled clients get 503 (AH01170), and the AH03303 line only shows at LogLevel proxy_hcheck:info.
// Each error log is also put through `proxylint explain`, which must claim the status the client got.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheDirectiveDoc, apacheWorkerParamDoc } from '../../server/src/core/docs/directive-doc';
import { APX_LOG } from '../../server/src/core/docs/log-lines';
import { explainProblems } from '../evidence/explain-check';
import type { Observation } from '../evidence/scenario';
import { requireBinary } from '../helpers';
import { logHasLine, prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { waitFor } from './harness/proc';
import { refusedPort, startHttpStandin, type Standin } from './standins/http';

requireBinary('apache2');

const explainWrong = (log: string, statuses: string[]) => explainProblems({ statuses, errorLog: log } as Observation, 'apache', 'server test');
const settle = () => new Promise((res) => setTimeout(res, 150)); // the error log lines follow the response

/** Two GETs to a backend that takes 2 s per answer, the second sent 200 ms after the first. */
async function twoAtOnce(params: string) {
  const backend = await startHttpStandin({ behaviour: 'ok', delayMs: 2000, deadlineMs: 20_000 });
  const setup = await prepareApache(`ProxyPass "/app/" "http://${backend.address}/" ${params}\n`);
  const httpd = await startApache(setup);
  try {
    const first = request({ port: setup.port, path: '/app/1', timeoutMs: 8000 });
    await new Promise((res) => setTimeout(res, 200));
    const second = await request({ port: setup.port, path: '/app/2', timeoutMs: 8000 });
    await first;
    await settle();
    return { second, seen: backend.requests.map((r) => `${r.path}@${r.connection}`), log: httpd.errorLog() };
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
}

test('max=1 acquire=500: the request that finds the connection busy gets 503 after 0.5 s (AH00941); without acquire it waits (real apache2)', async () => {
  const limited = await twoAtOnce('max=1 acquire=500');
  assert.equal(limited.second.status, 503, limited.log);
  assert.ok(limited.second.ms >= 400 && limited.second.ms < 1500, `503 after ${limited.second.ms} ms`);
  assert.deepEqual(limited.seen, ['/1@1'], 'the backend never saw the second request');
  assert.ok(logHasLine(limited.log, APX_LOG.acquireFailed), limited.log);
  assert.deepEqual(explainWrong(limited.log, ['503']), []);

  const waiting = await twoAtOnce('max=1');
  assert.equal(waiting.second.status, 200, waiting.log);
  assert.ok(waiting.second.ms >= 3000, `served after ${waiting.second.ms} ms: it waited for the first request's connection`);
  assert.deepEqual(waiting.seen, ['/1@1', '/2@1']);
  assert.doesNotMatch(waiting.log, /AH00941/);
});

/** A sticky balancer: route a is a port nothing listens on, route b answers 200. */
async function sticky(extra: string) {
  const dead = await refusedPort();
  const live = await startHttpStandin({ behaviour: 'ok', deadlineMs: 20_000 });
  const setup = await prepareApache(
    `<Proxy "balancer://app">\n    BalancerMember "http://${dead.address}" route=a\n    BalancerMember "http://${live.address}" route=b\n    ProxySet stickysession=ROUTEID ${extra}\n</Proxy>\nProxyPass "/app/" "balancer://app/"\n`,
  );
  const httpd = await startApache(setup);
  try {
    const routed: string[] = [];
    for (let i = 0; i < 3; i++) routed.push(String((await request({ port: setup.port, path: '/app/x', headers: { Cookie: 'ROUTEID=.a' }, timeoutMs: 5000 })).status));
    const plain = String((await request({ port: setup.port, path: '/app/x', timeoutMs: 5000 })).status);
    await settle();
    return { routed, plain, live: live.requests.length, log: httpd.errorLog() };
  } finally {
    await httpd.stop();
    await live.stop();
    await dead.stop();
    setup.cleanup();
  }
}

test('nofailover=On: requests stuck to a dead member get 503 (AH01167), from the first one on; without it they move (real apache2)', async () => {
  const pinned = await sticky('nofailover=On');
  assert.deepEqual(pinned.routed, ['503', '503', '503'], pinned.log);
  assert.equal(pinned.plain, '200', 'a request without the cookie still reaches the live member');
  assert.equal(pinned.live, 1);
  assert.ok(pinned.log.includes(APX_LOG.routeInError), pinned.log);
  assert.deepEqual(explainWrong(pinned.log, ['503']), []);

  const moving = await sticky('');
  assert.deepEqual(moving.routed, ['200', '200', '200'], moving.log);
  assert.equal(moving.live, 4);
  assert.doesNotMatch(moving.log, /AH01167/);
});

/** A balancer whose members answer every request (health checks included) with these statuses; GET checks each second. */
async function checked(statuses: number[], logLevel: string) {
  const members: Standin[] = await Promise.all(statuses.map((status) => startHttpStandin({ behaviour: 'ok', status, deadlineMs: 20_000 })));
  const setup = await prepareApache(
    `<Proxy "balancer://app">\n${members.map((m) => `    BalancerMember "http://${m.address}" hcmethod=GET hcuri=/health hcinterval=1`).join('\n')}\n</Proxy>\nProxyPass "/app/" "balancer://app/"\n`,
    { logLevel },
  );
  const httpd = await startApache(setup);
  try {
    // hcfails is 1: one failed check takes a member out. Wait until every member has been checked once.
    const checkedAll = await waitFor(async () => members.every((m) => m.requests.some((r) => r.path === '/health')), 6000);
    assert.ok(checkedAll, 'the health checks did not run');
    await new Promise((res) => setTimeout(res, 300));
    const got: string[] = [];
    for (let i = 0; i < 3; i++) got.push(String((await request({ port: setup.port, path: '/app/x', timeoutMs: 5000 })).status));
    await settle();
    return { got, served: members.map((m) => m.requests.filter((r) => r.path === '/x').length), log: httpd.errorLog() };
  } finally {
    await httpd.stop();
    for (const m of members) await m.stop();
    setup.cleanup();
  }
}

test('health checks without hcexpr: 404 and 500 members are disabled, clients get 503 (AH01170); AH03303 needs proxy_hcheck:info (real apache2)', async () => {
  const down = await checked([404, 500], 'warn');
  assert.deepEqual(down.got, ['503', '503', '503'], down.log);
  assert.deepEqual(down.served, [0, 0]);
  assert.ok(down.log.includes(APX_LOG.allInError), down.log);
  assert.doesNotMatch(down.log, /AH03303/, 'not at the default LogLevel warn');
  assert.deepEqual(explainWrong(down.log, ['503']), []);

  // A 3xx passes the default check: the 302 member serves everything, the 404 one is out, and says so at info.
  const mixed = await checked([404, 302], 'warn proxy_hcheck:info');
  assert.deepEqual(mixed.got, ['302', '302', '302'], mixed.log);
  assert.deepEqual(mixed.served, [0, 3]);
  assert.ok(logHasLine(mixed.log, APX_LOG.hcDisabling), mixed.log);
  assert.equal((mixed.log.match(/AH03303/g) ?? []).length, 1, mixed.log);
});

test('the acquire, max, nofailover and health-check hovers quote those lines and the info level of AH03303', () => {
  assert.ok(apacheWorkerParamDoc('acquire')!.logLines.includes(APX_LOG.acquireFailed));
  assert.match(apacheWorkerParamDoc('max')!.failure, /waited/);
  const nofailover = apacheWorkerParamDoc('nofailover', 'balancer')!;
  assert.ok(nofailover.logLines.includes(APX_LOG.routeInError));
  assert.match(nofailover.failure, /first request/);
  const hcexpr = apacheWorkerParamDoc('hcexpr')!;
  assert.ok(hcexpr.logLines.includes(APX_LOG.allInError));
  assert.match(hcexpr.failure, /404/);
  for (const doc of [apacheWorkerParamDoc('hcmethod')!, apacheDirectiveDoc('ProxyHCExpr')!]) {
    assert.match(doc.failure, /AH03303[^.]*proxy_hcheck:info/, doc.name);
  }
});

// Which members an httpd balancer tried for one request, and what the client got, on the real apache2 (Debian
// 2.4.71). httpd logs each failed connect (AH00957, AH00959, AH01114) but never the try that answers, and after a
// refused member it goes on to the next while maxattempts allows; a timeout, a reset or a bad answer ends the request.
// `proxylint explain` groups the lines of one request and says, from them and the configuration, the members tried
// in order, what each got, and the client's status: for sure when every try maxattempts allows was used (or AH01170
// says no member was left), else what it cannot know.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { apacheWorkerParamDoc } from '../../server/src/core/docs/directive-doc';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';
import { explainProblems } from '../evidence/explain-check';
import type { Observation } from '../evidence/scenario';
import { requireBinary, runCli } from '../helpers';
import { prepareApache, startApache, type ApacheSetup } from './harness/apache';
import { request } from './harness/client';
import { freePort } from './harness/ports';
import { startBlackhole } from './standins/blackhole';
import { refusedPort, startHttpStandin, type Standin } from './standins/http';

requireBinary('apache2');

interface Outcome {
  status: string | null;
  final: boolean;
  why: string;
}
interface Request {
  count: number;
  client: string | null;
  tried: { server: string; got: string }[];
  outcome: Outcome | null;
  lines: { line: string; explained: number }[];
}
interface Report {
  explained: { id: string; count: number; alone: number; status: string; statuses: string[] }[];
  requests: Request[];
}

function explained(setup: ApacheSetup, withConfig = true): Report {
  const out = runCli(['explain', ...(withConfig ? ['--in', setup.confPath] : []), '--log', setup.errorLogPath, '--format', 'json']);
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout) as Report;
}

/** The requests whose tries were all at these members (by port), in log order. */
const requestsAt = (r: Report, members: { port: number }[]) =>
  r.requests.filter((q) => q.tried.length > 0 && q.tried.every((t) => members.some((m) => t.server === `127.0.0.1:${m.port}`)));

const balancer = (name: string, members: string[], extra = '') =>
  `<Proxy "balancer://${name}">\n${members.map((m) => `    BalancerMember "http://${m}"`).join('\n')}\n${extra ? `    ProxySet ${extra}\n` : ''}</Proxy>\nProxyPass "/${name}/" "balancer://${name}/"\n`;

const settle = () => new Promise((res) => setTimeout(res, 300)); // the error log lines follow the response

/** A backend that resets every connection as soon as it is accepted; it closes itself after `deadlineMs`. */
async function startResetter(deadlineMs = 30_000): Promise<Standin> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    s.on('error', () => undefined);
    // Reset once the request has come in: reset right at accept, httpd sometimes (under load) was still checking the
    // new connection and logged a failed connect instead (AH00957, then the next member), not a reset in reading.
    s.once('data', () => s.resetAndDestroy());
  });
  await new Promise<void>((res) => server.listen(port, '127.0.0.1', () => res()));
  const stop = () => new Promise<void>((res) => {
    for (const s of sockets) s.destroy();
    server.close(() => res());
  });
  const timer = setTimeout(() => void stop(), deadlineMs);
  timer.unref();
  return { port, address: `127.0.0.1:${port}`, connections: 0, requests: [], stop: () => (clearTimeout(timer), stop()) };
}

test('explain: members that refuse are tried in turn until maxattempts is used up (503), or until one answers; AH01170 ends a request with none left (real httpd)', async () => {
  const all = [await refusedPort(), await refusedPort(), await refusedPort()];
  const one = [await refusedPort(), await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 })];
  const again = [await refusedPort(), await refusedPort()];
  const single = [await refusedPort()];
  const off = [await refusedPort(), await refusedPort(), await refusedPort()];
  const standins = [...all, ...one, ...again, ...single, ...off];
  const setup = await prepareApache(
    balancer('all', all.map((m) => m.address)) +
      balancer('one', one.map((m) => m.address)) +
      balancer('again', again.map((m) => m.address), 'maxattempts=4') +
      balancer('single', single.map((m) => m.address)) +
      balancer('off', off.map((m) => m.address), 'forcerecovery=Off maxattempts=5'),
  );
  const httpd = await startApache(setup);
  try {
    const got: Record<string, string[]> = {};
    for (const route of ['all', 'all', 'one', 'one', 'again', 'single', 'off', 'off']) {
      (got[route] ??= []).push(String((await request({ port: setup.port, path: `/${route}/x`, timeoutMs: 10_000 })).status));
    }
    await settle();
    const log = httpd.errorLog();
    assert.deepEqual(got, { all: ['503', '503'], one: ['200', '200'], again: ['503'], single: ['503'], off: ['503', '503'] }, log);
    const attempts = (m: { port: number }) => (log.match(new RegExp(`AH00957: http: attempt to connect to 127\\.0\\.0\\.1:${m.port} `, 'g')) ?? []).length;
    // Each of three members once per request; the refused member of "one" once (then it is in error state for 60 s);
    // two members five times for one request with maxattempts=4; a single member once; with forcerecovery=Off each
    // member once, then AH01170 (in that request, and alone for the next one).
    assert.deepEqual([all, one.slice(0, 1), single, off].map((ms) => ms.map(attempts)), [[2, 2, 2], [1], [1], [1, 1, 1]], log);
    assert.equal(again.map(attempts).reduce((a, b) => a + b), 5, log);
    assert.equal((log.match(/AH01170: balancer:\/\/off: All workers are in error state/g) ?? []).length, 2, log);

    const j = explained(setup);
    const r = requestsAt(j, all);
    assert.equal(r.reduce((n, q) => n + q.count, 0), 2, JSON.stringify(j.requests, null, 1));
    for (const q of r) {
      assert.equal(q.tried.length, 3);
      assert.deepEqual(new Set(q.tried.map((t) => t.server)), new Set(all.map((m) => m.address)));
      assert.ok(q.tried.every((t) => t.got === 'refused'));
      assert.deepEqual(q.outcome, { status: '503', final: true, why: 'maxattempts (not set: one less than its 3 members, so 2) allows 3 tries in balancer://all, and all were used' });
    }
    // The live member's answer is not logged: the lines end with the refused try, and explain says the balancer
    // went on and that what the client got is not in the error log.
    const [first] = requestsAt(j, one);
    assert.deepEqual(first.tried, [{ server: one[0].address, got: 'refused' }]);
    assert.equal(first.outcome?.status, null);
    assert.equal(first.outcome?.final, false);
    assert.match(first.outcome!.why, new RegExp(`^balancer://one had tries left after the last line \\(maxattempts \\(not set: one less than its 2 members, so 1\\): 2 tries, 1 in these lines\\), so httpd went on to another member \\(not tried in these lines: ${one[1].address}\\)`));
    const [five] = requestsAt(j, again);
    assert.equal(five.lines.length, 15, 'one request: the members tried again after both had failed');
    assert.equal(five.tried.length, 5);
    assert.deepEqual(five.outcome, { status: '503', final: true, why: 'maxattempts=4 (ProxySet on the balancer) allows 5 tries in balancer://again, and all were used' });
    const [once] = requestsAt(j, single);
    assert.deepEqual(once.outcome, { status: '503', final: true, why: 'maxattempts (not set: 0 with a single member) allows 1 try in balancer://single, and all were used' });
    const [none] = requestsAt(j, off);
    assert.equal(j.explained[none.lines[none.lines.length - 1].explained].id, 'apache-all-in-error');
    assert.equal(none.tried.length, 3);
    assert.equal(none.outcome?.status, '503');
    assert.equal(none.outcome?.final, true);
    assert.match(none.outcome!.why, /^after these tries no member of balancer:\/\/off was usable \(AH01170/);

    // Without the configuration the lines do not say how many tries the balancer allows: the 503 is hedged, except
    // where AH01170 says that no member was left.
    const bare = explained(setup, false);
    for (const q of requestsAt(bare, all)) assert.deepEqual({ status: q.outcome?.status, final: q.outcome?.final }, { status: '503', final: false });
    assert.deepEqual({ status: requestsAt(bare, off)[0].outcome?.status, final: requestsAt(bare, off)[0].outcome?.final }, { status: '503', final: true });

    // The maxattempts hover says what these requests did (not the manual's "1 with a single worker").
    const doc = apacheWorkerParamDoc('maxattempts')!;
    assert.match(doc.defaultValue!, /with a single member 0 \(it is tried once/);
    assert.match(doc.failure, /three refused members were each tried once/);
    assert.match(doc.failure, /with two members and `maxattempts=4` the request made five tries/);
    assert.match(doc.failure, /with `forcerecovery=Off` a request whose members had all failed ended with `AH01170`/);

    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]).stdout;
    assert.match(text, /\n  Tried: 127\.0\.0\.1:\d+ \(refused\), then 127\.0\.0\.1:\d+ \(refused\), then 127\.0\.0\.1:\d+ \(refused\)\n  The client got 503 \(maxattempts \(not set: one less than its 3 members, so 2\) allows 3 tries in balancer:\/\/all, and all were used\)\.\n/, text);
    assert.match(text, /AH00957[^\n]*\n    Apache httpd: this try failed \(503 had it been the last\); httpd went on with another try after it\.\n/, text);
    assert.doesNotMatch(text.split('\n\n').find((b) => b.includes('balancer://all, and all were used'))!, /unless the balancer then tried another member/);
  } finally {
    await httpd.stop();
    for (const s of standins) await s.stop();
    setup.cleanup();
  }
});

test('explain: a refused member then one that times out is one request with both tries, though its lines are seconds apart; a timeout or a reset ends the request (real httpd)', async () => {
  const ct = [await refusedPort(), await startBlackhole(30_000)];
  const rt = [await refusedPort(), await startHttpStandin({ behaviour: 'silent', deadlineMs: 30_000 })];
  const hang = [await startHttpStandin({ behaviour: 'silent', deadlineMs: 30_000 }), await startHttpStandin({ behaviour: 'silent', deadlineMs: 30_000 })];
  const reset = [await startResetter(), await startResetter()];
  const standins = [...ct, ...rt, ...hang, ...reset];
  const setup = await prepareApache(
    `<Proxy "balancer://ct">\n    BalancerMember "http://${ct[0].address}" connectiontimeout=2\n    BalancerMember "http://${ct[1].address}" connectiontimeout=2\n</Proxy>\nProxyPass "/ct/" "balancer://ct/"\n` +
      `<Proxy "balancer://rt">\n    BalancerMember "http://${rt[0].address}" timeout=2\n    BalancerMember "http://${rt[1].address}" timeout=2\n</Proxy>\nProxyPass "/rt/" "balancer://rt/"\n` +
      `<Proxy "balancer://hang">\n    BalancerMember "http://${hang[0].address}" timeout=1\n    BalancerMember "http://${hang[1].address}" timeout=1\n</Proxy>\nProxyPass "/hang/" "balancer://hang/"\n` +
      balancer('reset', reset.map((m) => m.address)),
  );
  const httpd = await startApache(setup);
  try {
    const got: Record<string, string[]> = {};
    for (const route of ['ct', 'rt', 'hang', 'hang', 'reset', 'reset']) {
      (got[route] ??= []).push(String((await request({ port: setup.port, path: `/${route}/x`, timeoutMs: 15_000 })).status));
    }
    await settle();
    const log = httpd.errorLog();
    assert.deepEqual(got, { ct: ['503'], rt: ['502'], hang: ['502', '502'], reset: ['502', '502'] }, log);
    assert.match(log, new RegExp(`\\(70007\\)The timeout specified has expired: AH00957: http: attempt to connect to ${ct[1].address.replace(/\./g, '\\.')} `), log);
    assert.match(log, new RegExp(`\\(70007\\)The timeout specified has expired: \\[client [^\\]]+\\] AH01102: error reading status line from remote server ${rt[1].address.replace(/\./g, '\\.')}`), log);
    assert.match(log, /\(104\)Connection reset by peer: \[client [^\]]+\] AH01102/, log);
    // A lone AH00957 says which of refused and timed out its error is, not both.
    const connectLines = log.split('\n').filter((l) => l.includes('AH00957:'));
    const refusedLine = connectLines.find((l) => l.includes('(111)Connection refused'));
    const timedOutLine = connectLines.find((l) => l.includes('(70007)The timeout specified has expired'));
    assert.ok(refusedLine && timedOutLine, log);
    assert.match(explainLogLine(refusedLine)!.pattern.meaning, /This line says \(111\) Connection refused: nothing listens on that address and port/);
    assert.doesNotMatch(explainLogLine(refusedLine)!.pattern.meaning, /This line says \(70007\)/);
    assert.match(explainLogLine(timedOutLine)!.pattern.meaning, /This line says \(70007\) The timeout specified has expired: the TCP handshake did not complete within connectiontimeout=/);

    const j = explained(setup);
    // The refused member's lines, then (2 s later: connectiontimeout=2) the other member's connect timeout.
    const [slowConnect] = requestsAt(j, ct);
    assert.deepEqual(slowConnect.tried, [{ server: ct[0].address, got: 'refused' }, { server: ct[1].address, got: 'connect timed out' }], JSON.stringify(j.requests, null, 1));
    assert.equal(slowConnect.lines.length, 6);
    assert.deepEqual(slowConnect.outcome, { status: '503', final: true, why: 'maxattempts (not set: one less than its 2 members, so 1) allows 2 tries in balancer://ct, and all were used' });
    // The refused member, then (2 s later: timeout=2) no status line from the other: 502, not the refused try's 503.
    const [slowRead] = requestsAt(j, rt);
    assert.deepEqual(slowRead.tried, [{ server: rt[0].address, got: 'refused' }, { server: rt[1].address, got: 'no status line within the backend timeout' }]);
    assert.equal(slowRead.outcome?.status, '502');
    assert.equal(slowRead.outcome?.final, true);
    assert.match(slowRead.outcome!.why, /a balancer goes on to another member only after one it gave up before sending the request \(a failed connect, a busy pool\), not after "no status line within the backend timeout"/);
    // A member that does not answer, or resets the connection, is the request's only try: 502, no failover.
    for (const [members, got] of [[hang, 'no status line within the backend timeout'], [reset, 'reset before answering']] as const) {
      const qs = requestsAt(j, members);
      assert.equal(qs.reduce((n, q) => n + q.count, 0), 2);
      for (const q of qs) {
        assert.deepEqual(q.tried.map((t) => t.got), [got]);
        assert.equal(q.outcome?.status, '502');
        assert.equal(q.outcome?.final, true);
      }
    }
    assert.match(apacheWorkerParamDoc('maxattempts')!.failure, /a timeout or a reset ends the request at once \(502\)/);
    // Without the configuration, nothing says that the lines 2 s later are the balancer's next try: each refused try
    // stands alone (the two alike are one entry with a count), and its 503 is hedged (the client got 502 from /rt/).
    const bare = explained(setup, false);
    const refusedAlone = requestsAt(bare, [ct[0], rt[0]]);
    assert.equal(refusedAlone.reduce((n, q) => n + q.count, 0), 2, JSON.stringify(bare.requests, null, 1));
    for (const q of refusedAlone) assert.deepEqual({ tried: q.tried.length, status: q.outcome?.status, final: q.outcome?.final }, { tried: 1, status: '503', final: false });
  } finally {
    await httpd.stop();
    for (const s of standins) await s.stop();
    setup.cleanup();
  }
});

test('explain: AH00941 on a balancer member is not the end of the request: the balancer goes on to a free member (200), or gives up when each is busy (503) (real httpd)', async () => {
  const busy = await startHttpStandin({ behaviour: 'ok', delayMs: 2500, deadlineMs: 30_000 });
  const free = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const slow = [await startHttpStandin({ behaviour: 'ok', delayMs: 2500, deadlineMs: 30_000 }), await startHttpStandin({ behaviour: 'ok', delayMs: 2500, deadlineMs: 30_000 })];
  const pool = (name: string, members: Standin[]) =>
    `<Proxy "balancer://${name}">\n${members.map((m) => `    BalancerMember "http://${m.address}" max=1 acquire=500`).join('\n')}\n</Proxy>\nProxyPass "/${name}/" "balancer://${name}/"\n`;
  const setup = await prepareApache(pool('pool', [busy, free]) + pool('both', slow));
  const httpd = await startApache(setup);
  const get = (path: string) => request({ port: setup.port, path, timeoutMs: 10_000 });
  const pause = () => new Promise((res) => setTimeout(res, 300));
  try {
    // byrequests sends the first request to the slow member (which holds its only connection for 2.5 s), the second
    // to the other; the third to the slow one again, whose pool is still busy.
    const held = get('/pool/1');
    await pause();
    const second = await get('/pool/2');
    const third = await get('/pool/3');
    const statuses = [await held, second, third].map((r) => String(r.status));
    // Both members of "both" busy: the third request gives up on each in turn.
    const holding = [get('/both/1')];
    await pause();
    holding.push(get('/both/2'));
    await pause();
    const refused = await get('/both/3');
    await Promise.all(holding);
    await settle();
    const log = httpd.errorLog();
    assert.deepEqual(statuses, ['200', '200', '200'], log);
    assert.match(log, new RegExp(`AH00941: http: failed to acquire connection for \\(${busy.address.replace(/\./g, '\\.')}\\)`), log);
    assert.deepEqual(free.requests.map((r) => r.path), ['/2', '/3'], 'the third request went on to the free member');
    assert.equal(refused.status, 503, log);
    assert.ok(refused.ms >= 800, `503 after ${refused.ms} ms: acquire=500 on each of the two members`);
    for (const m of slow) assert.equal((log.match(new RegExp(`AH00941: http: failed to acquire connection for \\(${m.address.replace(/\./g, '\\.')}\\)`, 'g')) ?? []).length, 1, log);

    const poolLog = log.split('\n').filter((l) => !slow.some((m) => l.includes(m.address))).join('\n');
    assert.deepEqual(explainProblems({ statuses: ['200'], errorLog: poolLog } as Observation, 'apache', 'server test'), []);
    const acquire = explained(setup).explained.find((e) => e.id === 'apache-acquire-failed')!;
    assert.ok(acquire.statuses.includes('200'), JSON.stringify(acquire));
    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]).stdout;
    assert.match(text, /AH00941[^\n]*\n  Apache httpd: the client got 503, unless the balancer then tried another member\.\n/, text);
    assert.match(apacheWorkerParamDoc('acquire')!.failure, /On a balancer member the balancer first goes on to its next member: there a free member answered 200, and with both members busy the request waited each one's `acquire` \(two `AH00941` lines\) before its 503/);
  } finally {
    await httpd.stop();
    for (const s of [busy, free, ...slow]) await s.stop();
    setup.cleanup();
  }
});

// `proxylint explain --in` on the error logs of a real httpd (Debian 2.4.71), for lines whose worker the line alone does
// not name, and for lines about a balancer or a FastCGI backend:
// - several ProxyPass lines to one host:port: AH01102 names only the backend; the AH00898 line of the same request
//   (same pid:tid) names the path, which says whose timeout= ran out. AH00941 (acquire=) comes from a worker with acquire=:
//   one with max=1 and no acquire= makes the second request wait instead;
// - mod_proxy_fcgi: a backend that closes at once gives 503 (AH01067, then AH01075 with the error), one that never answers
//   504 ("(polling)"); AH01075's ":port" is the port the request came to httpd on, so it tells the virtual host;
// - AH01170 with forcerecovery=Off (503 at once once every member is in error state; with the default the members are
//   tried again), AH01174 (failonstatus: the member's own status reaches the client) and AH02460 (failontimeout: the
//   timeout's 502).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { APX_LOG } from '../../server/src/core/docs/log-lines';
import { explainProblems } from '../evidence/explain-check';
import type { Observation } from '../evidence/scenario';
import { requireBinary, runCli } from '../helpers';
import { logHasLine, prepareApache, startApache, type ApacheSetup } from './harness/apache';
import { request } from './harness/client';
import { explainApacheLog } from './harness/explain';
import { freePort } from './harness/ports';
import { sleep } from './harness/proc';
import { startHttpStandin } from './standins/http';
import { listenLocal, tcpLifecycle } from './standins/lifecycle';

requireBinary('apache2');

interface Entry {
  id: string;
  count: number;
  status: string;
  example: string;
  backend: { line: number; how: string } | null;
  balancer?: { line: number; name: string };
  timeouts: { name: string; value: string; origin: string; for?: { label: string } }[];
}

const explained = (setup: ApacheSetup) => explainApacheLog(setup).report as unknown as { explained: Entry[] };
const lineOf = (setup: ApacheSetup, start: string) => setup.text.split('\n').findIndex((l) => l.trimStart().startsWith(start)) + 1;
const values = (e: Entry | undefined) => e?.timeouts.map((t) => `${t.for ? `${t.for.label}: ` : ''}${t.name} ${t.value} (${t.origin})`);

test('explain: AH01102 goes to the worker whose path the request\'s AH00898 names, AH00941 to the worker with acquire= (real apache2)', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', delayFor: (p) => (p.startsWith('/sleep/') ? 20_000 : p.startsWith('/busy/') ? 1500 : undefined), deadlineMs: 40_000 });
  const setup = await prepareApache(
    [
      `ProxyPass "/fast/" "http://${backend.address}/sleep/a/" timeout=1`,
      `ProxyPass "/ps/" "http://${backend.address}/sleep/b/" timeout=2`,
      `ProxyPass "/acq/" "http://${backend.address}/busy/a/" max=1 acquire=500`,
      `ProxyPass "/wait/" "http://${backend.address}/busy/b/" max=1`,
      '',
    ].join('\n'),
  );
  const httpd = await startApache(setup);
  try {
    const ps = await request({ port: setup.port, path: '/ps/x', timeoutMs: 10_000 });
    assert.equal(ps.status, 502);
    assert.ok(ps.ms >= 1800 && ps.ms < 3500, `/ps/ timed out after ${ps.ms} ms, not its own timeout=2`);
    const two = async (path: string) => {
      const first = request({ port: setup.port, path: `${path}1`, timeoutMs: 10_000 });
      await sleep(200);
      const second = await request({ port: setup.port, path: `${path}2`, timeoutMs: 10_000 });
      return [(await first).status, second.status];
    };
    assert.deepEqual(await two('/acq/'), [200, 503], 'acquire=500: the second request gives up');
    assert.deepEqual(await two('/wait/'), [200, 200], 'max=1 without acquire=: the second request waits for the connection');
    await sleep(200);
    const log = httpd.errorLog();
    assert.equal((log.match(/AH00941/g) ?? []).length, 1, log);
    assert.match(log, /AH00898: Error reading from remote server returned by \/ps\/x/);

    const j = explained(setup);
    const read = j.explained.find((e) => e.id === 'apache-read-timeout');
    const error = j.explained.find((e) => e.id === 'apache-read-error');
    assert.equal(read?.backend?.line, lineOf(setup, 'ProxyPass "/ps/"'), JSON.stringify(j, null, 1));
    assert.equal(error?.backend?.line, lineOf(setup, 'ProxyPass "/ps/"'));
    assert.match(read!.backend!.how, /the path of this rule matches \/ps\/x; the AH00898 line of the same request \(same httpd thread\) names the path/);
    assert.deepEqual(values(read), ['backend timeout 2 s (timeout=2 on the worker)', 'connect timeout 2 s (timeout=2 on the worker)']);
    assert.equal(read!.status, '502');

    const acquire = j.explained.find((e) => e.id === 'apache-acquire-failed');
    assert.equal(acquire?.backend?.line, lineOf(setup, 'ProxyPass "/acq/"'));
    assert.match(acquire!.backend!.how, /of the 4 workers with this backend only this one has acquire=/);
    assert.deepEqual(values(acquire), ['acquire 500 ms (acquire=500 on the worker)', 'max 1 (max=1 on the worker)']);

    // The same AH01102 pasted alone: the line does not say which of the four it was, so each one's timeout is listed.
    const alone = runCli(['explain', '--in', setup.confPath, '--format', 'json', log.split('\n').find((l) => l.includes('AH01102'))!]);
    const lone = (JSON.parse(alone.stdout) as { explained: Entry[] }).explained[0];
    assert.deepEqual(values(lone)?.filter((v) => v.includes('backend timeout')), [
      `ProxyPass http://${backend.address}/sleep/a/: backend timeout 1 s (timeout=1 on the worker)`,
      `ProxyPass http://${backend.address}/sleep/b/: backend timeout 2 s (timeout=2 on the worker)`,
      `ProxyPass http://${backend.address}/busy/a/: backend timeout 60 s (the default (Timeout 60))`,
      `ProxyPass http://${backend.address}/busy/b/: backend timeout 60 s (the default (Timeout 60))`,
    ]);
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
});

test('explain: mod_proxy_fcgi lines (503 for a backend that closes, 504 with "(polling)") are placed at the fcgi:// workers, and AH01075\'s port picks the virtual host (real apache2)', async () => {
  // Resets each connection once httpd has sent its request (100 ms without more of it): httpd then fails reading the
  // answer ("(104)Connection reset by peer" AH01067 and AH01075, 503). Resetting at accept raced httpd's write, and a
  // reset that came first made it "(32)Broken pipe: … AH01074: Failed writing Environment" instead (seen in a CI run),
  // which this test is not about.
  const closer = createServer((s) => {
    if (!life.track(s)) return;
    let quiet: NodeJS.Timeout | undefined;
    s.on('data', () => {
      clearTimeout(quiet);
      quiet = setTimeout(() => s.resetAndDestroy(), 100);
    });
    s.on('close', () => clearTimeout(quiet));
  });
  const life = tcpLifecycle(closer, 40_000);
  const closing = await listenLocal(closer, await freePort());
  const silent = await startHttpStandin({ behaviour: 'silent', deadlineMs: 40_000 });
  const setup = await prepareApache(
    [
      'Listen 8001',
      'Listen 8002',
      'Listen 8003',
      'Timeout 4',
      `ProxyPass "/php/" "fcgi://${silent.address}/srv/"`,
      `ProxyPass "/close/" "fcgi://${closing}/srv/"`,
      `ProxyPass "/http/" "http://${silent.address}/" timeout=1`,
      '<VirtualHost *:8001>',
      '    ServerName a.test',
      '    Timeout 2',
      '</VirtualHost>',
      '<VirtualHost *:8002>',
      '    ServerName b.test',
      '    ProxyTimeout 3',
      '</VirtualHost>',
      '',
    ].join('\n'),
  );
  const [a, b, main] = ['8001', '8002', '8003'].map((p) => setup.ports.get(p)!);
  const httpd = await startApache(setup);
  try {
    const [pa, pb, closed] = await Promise.all([
      request({ port: a, path: '/php/x.php', timeoutMs: 10_000 }),
      request({ port: b, path: '/php/x.php', timeoutMs: 10_000 }),
      request({ port: main, path: '/close/x.php', timeoutMs: 10_000 }),
    ]);
    assert.deepEqual([pa.status, pb.status, closed.status], [504, 504, 503]);
    assert.ok(pa.ms >= 1700 && pa.ms < 3500 && pb.ms >= 2700 && pb.ms < 4500, `${pa.ms} ms through a.test, ${pb.ms} ms through b.test`);
    await sleep(200);
    const log = httpd.errorLog();
    assert.ok(logHasLine(log, APX_LOG.fcgiNoHeader), log);
    // The error before AH01075 is how the backend went away: (104) for a reset here, (70014) End of file for a close
    // after reading (the reviewer's run); AH01075 names httpd's own port, not the backend's.
    assert.ok(logHasLine(log.replace(`AH01075: Error dispatching request to :${main}: \n`, 'AH01075: Error dispatching request to :22161: \n'), APX_LOG.fcgiDispatchFailed), log);
    assert.match(log, new RegExp(`AH01075: Error dispatching request to :${a}: \\(polling\\)`));
    assert.match(log, new RegExp(`AH01075: Error dispatching request to :${b}: \\(polling\\)`));
    assert.deepEqual(explainProblems({ statuses: ['504'], errorLog: log.split('\n').filter((l) => l.includes('(polling)')).join('\n') } as Observation, 'apache', 'server test'), []);
    assert.deepEqual(explainProblems({ statuses: ['503'], errorLog: log.split('\n').filter((l) => /AH01067|AH01075: Error dispatching request to :\d+: $/.test(l)).join('\n') } as Observation, 'apache', 'server test'), []);

    const j = explained(setup);
    // Each (polling) line: the port says which virtual host, so its timeout is the one given (2 s, 3 s as measured).
    const polling = j.explained.filter((e) => e.id === 'apache-fcgi-timeout');
    const php = lineOf(setup, 'ProxyPass "/php/"');
    assert.deepEqual(polling.map((e) => e.backend?.line), [php, php], JSON.stringify(polling, null, 1));
    const timeouts = polling.flatMap((e) => e.timeouts.filter((t) => t.name === 'backend timeout').map((t) => `${t.value} (${t.origin})`)).sort();
    assert.deepEqual(timeouts, ['2 s (Timeout 2)', '3 s (ProxyTimeout 3)'], JSON.stringify(polling, null, 1));
    assert.ok(polling.every((e) => /AH01075 names it/.test(e.backend!.how) && /the fcgi:\/\/ workers are the ones it can be about/.test(e.backend!.how)), JSON.stringify(polling, null, 1));
    // The closed connection: the two fcgi:// workers (never the http:// one), each listed, 503.
    for (const id of ['apache-fcgi-no-header', 'apache-fcgi-dispatch-failed']) {
      const e = j.explained.find((x) => x.id === id);
      assert.equal(e?.status, '503', id);
      assert.ok(e!.backend && [php, lineOf(setup, 'ProxyPass "/close/"')].includes(e!.backend.line), JSON.stringify(e));
      assert.match(e!.backend!.how, /2 workers may have logged it/);
    }

    // Against a configuration without fcgi:// workers the line cannot be placed: it says it names no backend and that no
    // other line of its request is in the log, instead of pointing to lines that are not there.
    const other = `${setup.dir}/other.conf`;
    writeFileSync(other, `ServerRoot ${setup.dir}\nLoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\nProxyPass "/x/" "http://127.0.0.1:9/"\n`);
    const text = runCli(['explain', '--in', other, log.split('\n').find((l) => l.includes('(polling)'))!]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Handled by: this line names no request or backend; no other line of its request \(same \[pid N:tid M\], a moment apart\) is in the log to say it/, text.stdout);
  } finally {
    await httpd.stop();
    await silent.stop();
    await life.stop();
    setup.cleanup();
  }
});

test('explain: AH01170 is placed at the balancer and says forcerecovery=Off; AH01174 gives the member\'s own status, AH02460 the timeout\'s 502 (real apache2)', async () => {
  const fails = await startHttpStandin({ behaviour: 'ok', status: 500, deadlineMs: 30_000 });
  const ok = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const silent = await startHttpStandin({ behaviour: 'silent', deadlineMs: 30_000 });
  const [refused1, refused2] = [await freePort(), await freePort()];
  const setup = await prepareApache(
    [
      '<Proxy "balancer://norecover">',
      `    BalancerMember "http://127.0.0.1:${refused1}"`,
      '    ProxySet forcerecovery=Off',
      '</Proxy>',
      'ProxyPass "/nr/" "balancer://norecover/"',
      '<Proxy "balancer://recover">',
      `    BalancerMember "http://127.0.0.1:${refused2}"`,
      '</Proxy>',
      'ProxyPass "/r/" "balancer://recover/"',
      '<Proxy "balancer://fs">',
      `    BalancerMember "http://${fails.address}"`,
      `    BalancerMember "http://${ok.address}"`,
      '    ProxySet failonstatus=500',
      '</Proxy>',
      'ProxyPass "/fs/" "balancer://fs/"',
      '<Proxy "balancer://ft">',
      `    BalancerMember "http://${silent.address}" timeout=1`,
      `    BalancerMember "http://${ok.address}/"`,
      '    ProxySet failontimeout=On',
      '</Proxy>',
      'ProxyPass "/ft/" "balancer://ft/"',
      '',
    ].join('\n'),
  );
  const httpd = await startApache(setup);
  try {
    const get = async (path: string) => (await request({ port: setup.port, path, timeoutMs: 10_000 })).status;
    const statuses: Record<string, number[]> = { nr: [], r: [], fs: [], ft: [] };
    for (const k of Object.keys(statuses)) for (let i = 0; i < 3; i++) statuses[k].push(await get(`/${k}/x${i}`) as number);
    assert.deepEqual(statuses, { nr: [503, 503, 503], r: [503, 503, 503], fs: [500, 200, 200], ft: [502, 200, 200] });
    await sleep(200);
    const log = httpd.errorLog();
    assert.equal((log.match(/AH01170: balancer:\/\/norecover: All workers are in error state/g) ?? []).length, 2, log);
    assert.doesNotMatch(log, /AH01170: balancer:\/\/recover:/, 'with the default forcerecovery the member is tried again');
    assert.equal((log.match(new RegExp(`attempt to connect to 127\\.0\\.0\\.1:${refused2} `, 'g')) ?? []).length, 3, log);
    assert.ok(logHasLine(log, APX_LOG.allInError.replace('balancer://app', 'balancer://norecover')), log);
    assert.ok(logHasLine(log, APX_LOG.failOnStatusLine), log);
    assert.ok(logHasLine(log, APX_LOG.failOnTimeoutLine), log);

    const j = explained(setup);
    const all = j.explained.find((e) => e.id === 'apache-all-in-error');
    assert.deepEqual(all?.balancer, { path: setup.confPath, line: lineOf(setup, '<Proxy "balancer://norecover">'), name: 'balancer://norecover', how: 'the line names balancer://norecover' } as unknown, JSON.stringify(all));
    assert.equal(all!.count, 2);
    assert.match(values(all)![0], /^forcerecovery Off \(ProxySet on the balancer: members in error state .* stay out until their retry= time has passed, even when none is left; with the default \(On\) httpd would try them again\)$/);
    const text = runCli(['explain', '--in', setup.confPath, log.split('\n').find((l) => l.includes('AH01170'))!]);
    assert.match(text.stdout, /Balancer: balancer:\/\/norecover at .*httpd\.conf:\d+ \(the line names balancer:\/\/norecover\)/, text.stdout);
    assert.doesNotMatch(text.stdout, /names no request or backend/);

    const fs = j.explained.find((e) => e.id === 'apache-failonstatus');
    assert.equal(fs?.status, '500');
    assert.equal(fs!.backend?.line, lineOf(setup, `BalancerMember "http://${fails.address}"`));
    assert.ok(values(fs)!.includes('failonstatus 500 (ProxySet on the balancer)'), JSON.stringify(fs));
    const ft = j.explained.find((e) => e.id === 'apache-failontimeout');
    assert.equal(ft?.status, '502');
    assert.equal(ft!.backend?.line, lineOf(setup, `BalancerMember "http://${silent.address}"`));
    assert.ok(values(ft)!.includes('failontimeout On (ProxySet on the balancer)'), JSON.stringify(ft));
    // Every line of these requests claims the status the client got.
    assert.deepEqual(explainProblems({ statuses: ['500'], errorLog: log.split('\n').filter((l) => l.includes('AH01174')).join('\n') } as Observation, 'apache', 'server test'), []);
    assert.deepEqual(explainProblems({ statuses: ['502'], errorLog: log.split('\n').filter((l) => /AH02460|AH01102|AH00898/.test(l)).join('\n') } as Observation, 'apache', 'server test'), []);
  } finally {
    await httpd.stop();
    await Promise.all([fails.stop(), ok.stop(), silent.stop()]);
    setup.cleanup();
  }
});

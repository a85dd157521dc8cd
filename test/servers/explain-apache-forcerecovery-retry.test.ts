// `proxylint explain --in` on httpd's "AH01170: balancer://…: All workers are in error state" with forcerecovery=Off.
// The on-call question is "the app is back, why do users still get 503?": with forcerecovery Off, members in error
// state stay out for their retry= time even when the backends listen again. Checked on the real httpd (Debian
// 2.4.71): both members refuse, then listen again, and the next request still gets 503 with AH01170. explain lists
// each member's retry= (set or the default 60 s) with the line that sets it, since that is how long it lasts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { refusedPort } from './standins/http';

requireBinary('apache2');

test('explain: AH01170 with forcerecovery=Off lists each member\'s retry=, how long the 503s last after the backends are back (real httpd)', async () => {
  const members = [await refusedPort(), await refusedPort()];
  const setup = await prepareApache(`<Proxy "balancer://app">
    BalancerMember "http://${members[0].address}" retry=30
    BalancerMember "http://${members[1].address}"
    ProxySet forcerecovery=Off
</Proxy>
ProxyPass "/app/" "balancer://app/"
`);
  const httpd = await startApache(setup);
  try {
    const before = (await request({ port: setup.port, path: '/app/x', timeoutMs: 10_000 })).status;
    for (const m of members) await m.revive();
    const after = (await request({ port: setup.port, path: '/app/x', timeoutMs: 10_000 })).status;
    await new Promise((r) => setTimeout(r, 300));
    const log = httpd.errorLog();
    assert.deepEqual([before, after], [503, 503], log);
    assert.equal(members.reduce((n, m) => n + m.requests.length, 0), 0, 'no request reached the revived members');
    const line = log.split('\n').filter((l) => l.includes('AH01170: balancer://app: All workers are in error state')).pop();
    assert.ok(line, log);

    const out = runCli(['explain', '--in', setup.confPath, line!]);
    assert.equal(out.code, 0, out.stderr);
    const lineOf = (s: string) => setup.text.split('\n').findIndex((l) => l.includes(s)) + 1;
    assert.match(out.stdout, new RegExp(`\\n    retry of http://${members[0].address.replace(/\./g, '\\.')} 30 s {2}\\(retry=30 on the worker, [^\\n]*httpd\\.conf:${lineOf(`${members[0].address}" retry=30`)}\\)\\n`), out.stdout);
    assert.match(out.stdout, new RegExp(`\\n    retry of http://${members[1].address.replace(/\./g, '\\.')} 60 s {2}\\(the default \\(no retry= on the member\\), [^\\n]*httpd\\.conf:${lineOf(`${members[1].address}"`)}\\)\\n`), out.stdout);
  } finally {
    await httpd.stop();
    for (const m of members) await m.stop();
    setup.cleanup();
  }
});

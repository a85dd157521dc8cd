// `proxylint explain` on nginx's "… could not be resolved (N: …)" line, from a real nginx (Debian 1.22.1) whose
// per-request lookups fail in the three ways a DNS server can fail them: it says the name does not exist (NXDOMAIN),
// it answers with no address record, or it does not answer. The code in the line tells them apart, and only the last
// has anything to do with resolver_timeout: explain must say which one the line is, not list both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { startDnsStandin } from './standins/dns';

requireBinary('nginx');

test('explain: "could not be resolved" says NXDOMAIN / no address (3) or no answer within resolver_timeout (110) as the line says (real nginx)', async () => {
  const gone = await startDnsStandin({ rcode: 3, deadlineMs: 40_000 });
  const empty = await startDnsStandin({ answer: null, deadlineMs: 40_000 });
  const silent = await startDnsStandin({ silent: true, deadlineMs: 40_000 });
  const setup = await prepareNginx(`http {
    server {
        listen 127.0.0.1:8000;
        location /gone/ {
            resolver ${gone.address};
            set $b gone.svc.internal;
            proxy_pass http://$b:8080;
        }
        location /empty/ {
            resolver ${empty.address};
            set $b empty.svc.internal;
            proxy_pass http://$b:8080;
        }
        location /silent/ {
            resolver ${silent.address};
            resolver_timeout 1s;
            set $b silent.svc.internal;
            proxy_pass http://$b:8080;
        }
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    const got: Record<string, unknown> = {};
    for (const p of ['gone', 'empty', 'silent']) got[p] = (await request({ port: setup.port, path: `/${p}/x`, timeoutMs: 10_000 })).status;
    await new Promise((r) => setTimeout(r, 300));
    const log = nginx.errorLog();
    assert.deepEqual(got, { gone: 502, empty: 502, silent: 502 }, log);
    const line = (p: string) => log.split('\n').find((l) => l.includes(`"GET /${p}/x`)) ?? '';
    assert.match(line('gone'), /gone\.svc\.internal could not be resolved \(3: Host not found\)/, log);
    assert.match(line('empty'), /empty\.svc\.internal could not be resolved \(3: Host not found\)/, log);
    assert.match(line('silent'), /silent\.svc\.internal could not be resolved \(110: Operation timed out\)/, log);

    for (const p of ['gone', 'empty']) {
      const e = explainLogLine(line(p))!;
      assert.equal(e.pattern.id, 'nginx-not-resolved');
      assert.match(e.pattern.meaning, new RegExp(`\\(3: Host not found\\): the DNS server answered, and it has no address for "${p}\\.svc\\.internal"`));
      assert.match(e.pattern.meaning, /resolver_timeout plays no part/);
    }
    const t = explainLogLine(line('silent'))!;
    assert.match(t.pattern.meaning, /\(110: Operation timed out\): the DNS server did not answer within resolver_timeout/);
    assert.doesNotMatch(t.pattern.meaning, /Host not found/);

    // With --in, the (110) line shows the resolver_timeout that made it wait (set in its location).
    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]);
    assert.equal(out.code, 0, out.stderr);
    const timeoutLine = setup.text.split('\n').findIndex((l) => l.includes('resolver_timeout 1s;')) + 1;
    assert.match(out.stdout, new RegExp(`resolver_timeout 1s {2}\\(set here, [^\\n]*nginx\\.conf:${timeoutLine}\\)`), out.stdout);
  } finally {
    await nginx.stop();
    await Promise.all([gone.stop(), empty.stop(), silent.stop()]);
    setup.cleanup();
  }
});

// `proxylint explain --in` on mod_proxy_hcheck's own probe lines, from the real httpd (Debian 2.4.71): two members
// that refuse, one probed with hcmethod=GET and one with hcmethod=TCP (hcinterval=1 hcfails=2). The probes log
// "AH00957: HCOH: …" and "AH00957: HCTCP: …" without [client …], then "AH03303: … Health check DISABLING <member>"
// (LogLevel proxy_hcheck:info); a request after that gets 503 with AH01170. explain says the probe lines involve no
// client, and the request's line is still the client's 503.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary, runCli } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { refusedPort } from './standins/http';

requireBinary('apache2');

test('explain: health check probe lines (HCOH, HCTCP, AH03303) are no client request (real httpd)', async () => {
  const members = [await refusedPort(), await refusedPort()];
  const setup = await prepareApache(
    `<Proxy "balancer://hc">
    BalancerMember "http://${members[0].address}" hcmethod=GET hcuri=/health hcinterval=1 hcfails=2
    BalancerMember "http://${members[1].address}" hcmethod=TCP hcinterval=1 hcfails=2
</Proxy>
ProxyPass "/b/" "balancer://hc/"
`,
    { logLevel: 'warn proxy_hcheck:info' },
  );
  const httpd = await startApache(setup);
  try {
    // hcfails=2 at hcinterval=1: both members are out after about 2 s; wait (bounded) for both AH03303 lines.
    for (let i = 0; i < 50 && (httpd.errorLog().match(/AH03303: .*DISABLING/g) ?? []).length < 2; i++) await new Promise((r) => setTimeout(r, 200));
    const status = (await request({ port: setup.port, path: '/b/x', timeoutMs: 10_000 })).status;
    await new Promise((r) => setTimeout(r, 300));
    const log = httpd.errorLog();
    assert.equal(status, 503, log);
    const esc = (s: string) => s.replace(/\./g, '\\.');
    assert.match(log, new RegExp(`\\(111\\)Connection refused: AH00957: HCOH: attempt to connect to ${esc(members[0].address)} \\(${esc(members[0].address)}\\) failed`));
    assert.match(log, new RegExp(`\\(111\\)Connection refused: AH00957: HCTCP: attempt to connect to ${esc(members[1].address)} \\(`));
    assert.match(log, new RegExp(`AH03303: (Threaded )?Health check DISABLING http://${esc(members[0].address)}`));
    assert.match(log, /\[client [^\]]+\] AH01170: balancer:\/\/hc: All workers are in error state/);

    const logPath = join(setup.dir, 'copy.log');
    writeFileSync(logPath, log);
    const out = runCli(['explain', '--in', setup.confPath, '--log', logPath]);
    assert.equal(out.code, 0, out.stderr);
    const blocks = out.stdout.split('\n\n');
    const about = (re: RegExp) => blocks.filter((b) => re.test(b.split('\n')[0]));
    for (const b of [...about(/AH00957: HC(OH|TCP):/), ...about(/AH03303:/)]) {
      assert.match(b, /\n {2}Apache httpd: no client: this is a health check probe of mod_proxy_hcheck/, b);
      assert.doesNotMatch(b, /the client got|no-connectiontimeout|backend timeout|connect timeout/, b);
    }
    assert.equal(about(/AH00957: HC(OH|TCP):/).length, 2, out.stdout);
    assert.equal(about(/AH03303:/).length, 2, out.stdout);
    assert.match(about(/AH03303:/)[0], /out of rotation/);
    assert.match(about(/AH01170:/)[0] ?? '', /the client got 503/, out.stdout);
  } finally {
    await httpd.stop();
    for (const m of members) await m.stop();
    setup.cleanup();
  }
});

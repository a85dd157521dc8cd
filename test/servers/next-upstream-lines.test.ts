// Several *_next_upstream lines at one level, on a real nginx (Debian 1.22.1): nginx -t accepts them, and nginx ORs
// their flags into one set (ngx_conf_set_bitmask_slot), with "off" on any line winning whatever the order. Each
// location below is checked twice: what nginx did with a request (the servers it tried, from $upstream_addr and
// $upstream_status in an access log), and what proxylint says about it (a finding of the rule or none), and what
// `explain --in` says about its error-log lines. Stand-ins: one that never answers (1 s read timeouts), one that
// answers 502, and good ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary, runCli } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx, tempDir } from './harness/nginx';
import { startHttpStandin } from './standins/http';
import { lintNginx } from '../../server/src/core/lint';
import { createNodeHost } from '../../server/src/node/node-host';
import { defaultSettings } from '../../server/src/core/settings';

requireBinary('nginx');

const RULES = ['failover-ignores-5xx', 'unbounded-retries', 'non-idempotent-retry', 'next-upstream-off-with-spare-servers'];

test('several *_next_upstream lines at one level: nginx ORs them, "off" on any wins, and proxylint reads them the same way', async () => {
  const silent = await startHttpStandin({ behaviour: 'silent', deadlineMs: 30_000 });
  const silent2 = await startHttpStandin({ behaviour: 'silent', deadlineMs: 30_000 });
  const bad = await startHttpStandin({ behaviour: 'ok', status: 502, deadlineMs: 30_000 });
  const good = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const good2 = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const dir = tempDir('proxylint-next-lines-');
  // max_fails=0: each request sees every server, whatever the requests before it did; one group per location, so each
  // request starts at its group's first server (round robin moves on within a group). No connect timeout is set (the
  // stand-ins accept at once): unbounded-retries weighs nginx's 60 s default for it.
  const m = 'max_fails=0';
  const setup = await prepareNginx(
    `http {
    log_format up '$request_method $uri $status "$upstream_addr" "$upstream_status"';
    upstream c { server ${bad.address} ${m}; server ${good.address} ${m}; server ${good2.address} ${m}; }
    upstream d { server ${silent.address} ${m}; server ${good.address} ${m}; server ${good2.address} ${m}; }
    upstream e { server ${silent.address} ${m}; server ${silent2.address} ${m}; server ${good.address} ${m}; }
    upstream n1 { server ${silent.address} ${m}; server ${good.address} ${m}; }
    upstream n2 { server ${silent.address} ${m}; server ${good.address} ${m}; }
    proxy_read_timeout 1s;
    server {
        listen 127.0.0.1:8000;
        access_log ${join(dir, 'logs', 'up.log')} up;
        location /c { proxy_next_upstream http_502; proxy_next_upstream timeout; proxy_pass http://c; }
        location /d { proxy_next_upstream off; proxy_next_upstream error timeout; proxy_pass http://d; }
        location /e { proxy_next_upstream error timeout; proxy_next_upstream http_502 http_503 http_504; proxy_pass http://e; }
        location /n1 { proxy_next_upstream error timeout non_idempotent; proxy_next_upstream_tries 1; proxy_pass http://n1; }
        location /n2 { proxy_next_upstream error non_idempotent; proxy_next_upstream off; proxy_pass http://n2; }
    }
}
`,
    { dir },
  );
  const nginx = await startNginx(setup);
  try {
    const status: Record<string, number | string> = {};
    for (const [method, path] of [['GET', '/c'], ['GET', '/d'], ['GET', '/e'], ['POST', '/n1'], ['POST', '/n2']]) {
      status[path] = (await request({ port: setup.port, path, method, ...(method === 'POST' ? { body: 'x=1' } : {}), timeoutMs: 10_000 })).status;
    }
    await new Promise((r) => setTimeout(r, 200));
    const log = readFileSync(join(dir, 'logs', 'up.log'), 'utf8');
    const tried = (path: string) => {
      const line = log.split('\n').find((l) => l.split(' ')[1] === path);
      assert.ok(line, `${path} in\n${log}`);
      return /"([^"]*)"$/.exec(line)![1];
    };
    // /c: the 502 is passed on (http_502 from the first line), and the next server answers.
    assert.equal(status['/c'], 200, log);
    assert.equal(tried('/c'), '502, 200', log);
    // /d: "off" on the first line wins over the second: one try, its timeout is the answer.
    assert.equal(status['/d'], 504, log);
    assert.equal(tried('/d'), '504', log);
    // /e: "timeout" from the first line is in force beside the second line's codes: both silent servers time out.
    assert.equal(status['/e'], 200, log);
    assert.equal(tried('/e'), '504, 504, 200', log);
    // /n1: one try allowed, so the POST is not sent again; /n2: off (on the later line) wins over non_idempotent.
    assert.equal(status['/n1'], 504, log);
    assert.equal(tried('/n1'), '504', log);
    assert.equal(status['/n2'], 504, log);
    assert.equal(tried('/n2'), '504', log);

    // proxylint, on the same file: the findings of the retry rules by the location they are in.
    const settings = defaultSettings();
    const lint = lintNginx(setup.confPath, setup.text, createNodeHost(), { settings });
    const locationAt = (offset: number) => [...setup.text.slice(0, offset).matchAll(/location (\/\w+)/g)].at(-1)?.[1] ?? '(outside)';
    const found = lint.findings.filter((f) => RULES.includes(f.ruleId)).map((f) => `${locationAt(f.start)} ${f.ruleId}`).sort();
    // /c and /e: nginx retries timeouts with no limit (3 servers, 60 s connect + 1 s read each), and /c's 502 was passed
    // on, so failover-ignores-5xx says nothing there; /d, /n1 and /n2 made one try, so neither unbounded-retries nor
    // non-idempotent-retry speaks. "off" in /d and /n2 is next-upstream-off-with-spare-servers's finding.
    assert.deepEqual(found, ['/c unbounded-retries', '/d next-upstream-off-with-spare-servers', '/e unbounded-retries', '/n2 next-upstream-off-with-spare-servers'], JSON.stringify(lint.findings.map((f) => [f.ruleId, f.message]), null, 1));

    // explain --in: the value in force shown for /d, /e and /n2 is the two lines taken together, and the outcome follows
    // it: /d and /n2 stopped because of "off" (a later line in /n2), /e's timeouts were passed on (not the last try).
    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]);
    assert.equal(out.code, 0, out.stderr);
    const text = out.stdout;
    const block = (req: string) => text.split(/\n(?=\S)/).find((b) => b.includes(`"${req}"`) || b.includes(`, ${req}):`)) ?? '';
    const d = block('GET /d HTTP/1.1');
    assert.match(d, /the client got 504 \(\*_next_upstream is off/, text);
    assert.match(d, /proxy_next_upstream off {2}\(set here, [^\n]* and the 1 line before it at that level, taken together\)/, text);
    const e = block('GET /e HTTP/1.1');
    assert.match(e, /proxy_next_upstream error timeout http_502 http_503 http_504 {2}\(set here/, text);
    assert.match(e, /The client got 504 if nginx tried no other server after the last line/, text);
    assert.doesNotMatch(e, /does not list/, text);
    assert.match(block('POST /n2 HTTP/1.1'), /the client got 504 \(\*_next_upstream is off/, text);
    assert.match(block('POST /n1 HTTP/1.1'), /the client got 504 \(\*_next_upstream_tries 1 reached\)/, text);
  } finally {
    await nginx.stop();
    for (const st of [silent, silent2, bad, good, good2]) await st.stop();
    setup.cleanup();
  }
});

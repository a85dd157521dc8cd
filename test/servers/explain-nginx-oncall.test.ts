// `proxylint explain --in` on what a real nginx (Debian 1.22.1) logs for lone failed tries whose status the
// configuration decides (found by an on-call review):
// - a location with a nested location of its own: the nested location's pass target is not a second server of the
//   outer one, so a hanging backend there is a sure 504 (one server to go to), as for a location without one.
// - a group of one server with keepalive, whose backend closes a reused connection: nginx logs "upstream prematurely
//   closed connection", resends the GET on a new connection without logging it, and the client gets 200. The line
//   alone must not be said to be a 502 that "the next lines with the same *connection number" would contradict.
// - a variable proxy_pass whose name the resolver has no address for: 502 at once, "(3: Host not found)", a line the
//   resolver hover did not show;
// - an idle WebSocket closed by proxy_read_timeout, and a group whose servers are taken out: the hover gave their
//   lines as "not reproduced in the lab", or not at all (max_fails).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nginxDirectiveDoc, nginxServerParamDoc } from '../../server/src/core/docs/directive-doc';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { requireBinary, runCli } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx, type NginxSetup } from './harness/nginx';
import { startDnsStandin } from './standins/dns';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Outcome {
  status: string | null;
  final: boolean;
  why: string;
}
interface Entry {
  example: string;
  outcome: Outcome | null;
  hedge: Outcome | null;
  values: { directive: string; value: string | null; origin: string; upstream?: string }[];
}

/** Runs `conf` on the real nginx, calls `fn`, and gives back explain's text and JSON for the error log. */
async function explainRun(conf: string, fn: (setup: NginxSetup) => Promise<void>): Promise<{ log: string; block(path: string): string; entry(path: string): Entry }> {
  const setup = await prepareNginx(conf);
  const nginx = await startNginx(setup);
  try {
    await fn(setup);
    await sleep(200);
    const log = nginx.errorLog();
    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]);
    assert.equal(text.code, 0, text.stderr);
    const json = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    const entries = (JSON.parse(json.stdout) as { explained: Entry[] }).explained;
    return {
      log,
      block: (path) => text.stdout.split('\n\n').find((b) => b.includes(`request: "GET ${path} `)) ?? `no block for ${path} in:\n${text.stdout}`,
      entry: (path) => entries.find((e) => e.example.includes(`request: "GET ${path} `))!,
    };
  } finally {
    await nginx.stop();
    setup.cleanup();
  }
}

test('explain: a location whose nested location passes elsewhere still has one server to go to: a lone read timeout there is a sure 504 (real nginx)', async () => {
  const silent = await startHttpStandin({ behaviour: 'silent', deadlineMs: 30_000 });
  const spare = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  try {
    const statuses: (number | string)[] = [];
    const run = await explainRun(
      `http {
    server {
        listen 127.0.0.1:8000;
        server_name oncall.test;
        location /api/ {
            proxy_read_timeout 1s;
            proxy_pass http://${silent.address};
            location /api/other/ { proxy_pass http://${spare.address}; }
        }
    }
}
`,
      async (setup) => void statuses.push((await request({ port: setup.port, path: '/api/x', timeoutMs: 5000 })).status),
    );
    assert.deepEqual(statuses, [504], run.log);
    assert.match(run.log, /\[error\] .*upstream timed out \(110: Connection timed out\) while reading response header from upstream, .*request: "GET \/api\/x HTTP\/1\.1"/);
    assert.match(run.block('/api/x'), /\n  nginx: the client got 504 \(the request had one server to go to\)\./);
    const e = run.entry('/api/x');
    assert.deepEqual({ status: e.outcome?.status, final: e.outcome?.final, why: e.outcome?.why }, { status: '504', final: true, why: 'the request had one server to go to' });
  } finally {
    await silent.stop();
    await spare.stop();
  }
});

test('explain: a lone "prematurely closed" on a group with keepalive is hedged by the resend nginx does not log, not by later lines (the client got 200) (real nginx)', async () => {
  // Closes a kept connection that was idle for 300 ms at the moment nginx reuses it (the keep-alive race, forced).
  const racy = await startHttpStandin({ behaviour: 'ok', idleCloseMs: 300, closeOnReuseAfterIdle: true, deadlineMs: 30_000 });
  try {
    const statuses: (number | string)[] = [];
    const run = await explainRun(
      `http {
    upstream kept { server ${racy.address}; keepalive 4; }
    server {
        listen 127.0.0.1:8000;
        server_name oncall.test;
        location /ka/ { proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://kept; }
    }
}
`,
      async (setup) => {
        statuses.push((await request({ port: setup.port, path: '/ka/1', timeoutMs: 5000 })).status);
        await sleep(700);
        statuses.push((await request({ port: setup.port, path: '/ka/2', timeoutMs: 5000 })).status);
      },
    );
    assert.deepEqual(statuses, [200, 200], run.log);
    assert.match(run.log, /\[error\] .*upstream prematurely closed connection while reading response header from upstream, .*request: "GET \/ka\/2 HTTP\/1\.1"/);
    assert.equal(racy.requests.filter((r) => r.path === '/ka/2').length, 2, 'nginx sent /ka/2 twice: on the reused connection, then on a new one');
    const block = run.block('/ka/2');
    assert.doesNotMatch(block, /the next lines with the same \*connection number tell/);
    assert.match(block, /\n  nginx: the client got 502 if nginx tried nothing more after the last line: a failure on a reused keep-alive connection does not count as a try, and nginx sends the request again on a new connection, to the same server \(the only one\); a try that gets an answer is not logged\./);
    const e = run.entry('/ka/2');
    assert.equal(e.outcome, null, 'not sure: the resend is not logged');
    assert.deepEqual({ status: e.hedge?.status, final: e.hedge?.final }, { status: '502', final: false });
    // The group's keep-alive settings are what makes this line the race: they are listed with the location's values.
    assert.match(block, /\n {4}keepalive 4 {2}\(in upstream kept, [^\n]*nginx\.conf:\d+\)\n {4}keepalive_timeout 60s {2}\(default in upstream kept\)\n/, block);
    const groupValues = e.values.filter((v) => v.upstream !== undefined);
    assert.deepEqual(groupValues.map((v) => [v.directive, v.value, v.origin, v.upstream]), [['keepalive', '4', 'here', 'kept'], ['keepalive_timeout', '60s', 'default', 'kept']]);
  } finally {
    await racy.stop();
  }
});

test('resolver: a name the resolver has no address for is a 502 at once, "(3: Host not found)", which the resolver hover shows and explain knows (real nginx)', async () => {
  const dns = await startDnsStandin({ answer: null, deadlineMs: 30_000 });
  try {
    const got: { status: number | string; ms: number }[] = [];
    const run = await explainRun(
      `http {
    server {
        listen 127.0.0.1:8000;
        server_name oncall.test;
        location /dyn/ {
            resolver 127.0.0.1:${dns.port};
            resolver_timeout 5s;
            set $backend nosuch.example;
            proxy_pass http://$backend:8080;
        }
    }
}
`,
      async (setup) => void got.push(await request({ port: setup.port, path: '/dyn/x', timeoutMs: 8000 })),
    );
    assert.equal(got[0].status, 502, run.log);
    assert.ok(got[0].ms < 2000, `answered after ${got[0].ms} ms, not after resolver_timeout`);
    assert.ok(run.log.includes(`[error] `) && run.log.includes(NGX_LOG.resolveNotFound), run.log);
    assert.match(run.block('/dyn/x'), /\n  nginx: the client got 502\.\n/);
    const doc = nginxDirectiveDoc('resolver', 'http')!;
    assert.ok(doc.logLines.includes(NGX_LOG.resolveNotFound));
    assert.match(doc.failure, /\*\*The name has no address\*\*[^\n]*\*\*502\*\* `… could not be resolved \(3: Host not found\)`/);
  } finally {
    await dns.stop();
  }
});

test('proxy_read_timeout on a WebSocket: the idle tunnel is closed after it with "while proxying upgraded connection" at [info], the line the hover shows as logged (real nginx)', async () => {
  const ws = await startHttpStandin({ behaviour: 'websocket', deadlineMs: 30_000 });
  try {
    const got: Awaited<ReturnType<typeof request>>[] = [];
    const run = await explainRun(
      `http {
    server {
        listen 127.0.0.1:8000;
        server_name oncall.test;
        location /ws/ {
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_read_timeout 1s;
            proxy_pass http://${ws.address};
        }
    }
}
`,
      async (setup) => void got.push(await request({ port: setup.port, path: '/ws/x', headers: { Upgrade: 'websocket', Connection: 'Upgrade' }, holdOpenMs: 3000, timeoutMs: 6000 })),
    );
    assert.equal(got[0].status, 101, run.log);
    assert.ok(got[0].closedAfterMs !== undefined && got[0].closedAfterMs >= 900 && got[0].closedAfterMs < 2000, `closed after ${got[0].closedAfterMs} ms`);
    assert.ok(run.log.split('\n').some((l) => l.includes('[info] ') && l.includes(NGX_LOG.upgradedTimeout)), run.log);
    assert.match(run.block('/ws/x'), /\n  nginx: the client got WebSocket closed \(after 101\)\.\n/);
    const doc = nginxDirectiveDoc('proxy_read_timeout', 'location')!;
    assert.ok(doc.logLines.includes(NGX_LOG.upgradedTimeout) && !(doc.expectedLogLines ?? []).includes(NGX_LOG.upgradedTimeout));
  } finally {
    await ws.stop();
  }
});

test('max_fails: a group whose servers refuse logs "upstream server temporarily disabled while connecting to upstream" after each, then "no live upstreams", the lines the max_fails hover shows (real nginx)', async () => {
  const a = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const b = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  await a.stop(); // both ports now refuse connections
  await b.stop();
  const statuses: (number | string)[] = [];
  const run = await explainRun(
    `http {
    upstream pool { server ${a.address} fail_timeout=30s; server ${b.address} fail_timeout=30s; }
    server {
        listen 127.0.0.1:8000;
        server_name oncall.test;
        location /pool/ { proxy_pass http://pool; }
    }
}
`,
    async (setup) => {
      for (const path of ['/pool/1', '/pool/2']) statuses.push((await request({ port: setup.port, path, timeoutMs: 5000 })).status);
    },
  );
  assert.deepEqual(statuses, [502, 502], run.log);
  const warn = run.log.split('\n').filter((l) => l.includes('[warn] ') && l.includes(NGX_LOG.serverDisabledConnect));
  assert.equal(warn.length, 2, run.log);
  assert.ok(run.log.includes(NGX_LOG.noLive), run.log);
  const doc = nginxServerParamDoc('max_fails')!;
  for (const line of [NGX_LOG.refused, NGX_LOG.serverDisabledConnect, NGX_LOG.noLive]) assert.ok(doc.logLines.includes(line), line);
  assert.ok(nginxDirectiveDoc('upstream', 'http')!.logLines.includes(NGX_LOG.serverDisabledConnect));
});

// `proxylint explain --in` on the error log of a real nginx (Debian 1.22.1) in front of groups of stand-in servers:
// refused ports, one that never answers (1 s timeouts) and one that answers 502 (proxy_next_upstream http_502). nginx
// logs one line per failed try with the client connection's *N; explain shows the lines of one request together, the
// servers tried, and what the client got. Each request's group is checked against the status the client really got:
// an outcome given as sure must be that status; one that depends on an unlogged later try must say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { nginxRequestProblems } from '../evidence/explain-check';
import type { Observation } from '../evidence/scenario';
import { requireBinary, runCli } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { refusedPort, startHttpStandin } from './standins/http';
import { lintNginx } from '../../server/src/core/lint';
import { createNodeHost } from '../../server/src/node/node-host';
import { defaultSettings } from '../../server/src/core/settings';

requireBinary('nginx');

interface RequestJson {
  server: string;
  count: number;
  thread: string;
  request: string | null;
  tried: { server: string; got: string }[];
  outcome: { status: string | null; final: boolean; why: string };
  lines: { line: string; explained: number }[];
}

/** Several requests, one after the other, on one keep-alive client connection: the status of each. */
function keepAlive(port: number, paths: string[]): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    const statuses: number[] = [];
    let buf = Buffer.alloc(0);
    const send = () => s.write(`GET ${paths[statuses.length]} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: proxylint-evidence\r\n\r\n`);
    const timer = setTimeout(() => (s.destroy(), reject(new Error(`keep-alive requests timed out after ${statuses.length}`))), 20_000);
    s.on('connect', send);
    s.on('error', reject);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + length) return;
        statuses.push(Number(/^HTTP\/1\.1 (\d{3})/.exec(head)![1]));
        buf = buf.subarray(end + 4 + length);
        if (statuses.length === paths.length) {
          clearTimeout(timer);
          s.destroy();
          return resolve(statuses);
        }
        send();
      }
    });
  });
}

test('explain: the lines a real nginx logs for one request tried on several servers are one request, with the status the client got', async () => {
  const a = await refusedPort();
  const b = await refusedPort();
  const c = await refusedPort();
  const d = await refusedPort();
  const e = await refusedPort();
  const slow = await startHttpStandin({ behaviour: 'silent', deadlineMs: 60_000 });
  const bad = await startHttpStandin({ behaviour: 'ok', status: 502, deadlineMs: 60_000 });
  const good = await startHttpStandin({ behaviour: 'ok', deadlineMs: 60_000 });
  // Each group has its own failure state (max_fails=1 and fail_timeout=10s by default), so the order of requests
  // below decides what nginx tries.
  const setup = await prepareNginx(`http {
    upstream three { server ${a.address}; server ${slow.address}; server ${bad.address}; }
    upstream refused { server ${a.address}; server ${b.address}; }
    upstream mixed { server ${a.address}; server ${good.address}; }
    upstream two { server ${b.address}; server ${slow.address}; }
    upstream ka { server ${a.address} max_fails=0; server ${b.address} max_fails=0; }
    upstream post { server ${slow.address}; server ${good.address}; }
    upstream tries { server ${a.address}; server ${c.address}; server ${good.address}; }
    upstream one { server ${d.address}; }
    upstream off { server ${d.address} max_fails=0; server ${e.address} max_fails=0; }
    proxy_connect_timeout 1s;
    proxy_read_timeout 1s;
    proxy_next_upstream error timeout http_502;
    server {
        listen 127.0.0.1:8000;
        server_name groups.test;
        location /three/ { proxy_pass http://three; }
        location /refused/ { proxy_pass http://refused; }
        location /mixed/ { proxy_pass http://mixed; }
        location /two/ { proxy_pass http://two; }
        location /ka/ { proxy_pass http://ka; }
        location /post/ { proxy_pass http://post; }
        location /tries/ { proxy_pass http://tries; proxy_next_upstream_tries 2; }
        location /one/ { proxy_pass http://one; }
        location /plain/ { proxy_pass http://${d.address}; }
        location /off/ { proxy_pass http://off; proxy_next_upstream off; }
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    const got = new Map<string, number | string>();
    for (const path of ['/three/1', '/three/2', '/refused/1', '/refused/2', '/mixed/1', '/two/1', '/tries/1', '/one/1', '/plain/1', '/off/1']) {
      got.set(`GET ${path} HTTP/1.1`, (await request({ port: setup.port, path, timeoutMs: 10_000 })).status);
    }
    got.set('POST /post/1 HTTP/1.1', (await request({ port: setup.port, path: '/post/1', method: 'POST', body: 'x=1', timeoutMs: 10_000 })).status);
    const ka = await keepAlive(setup.port, ['/ka/1', '/ka/1', '/ka/2']);
    await new Promise((r) => setTimeout(r, 300)); // the log lines of the last request follow its response
    const log = nginx.errorLog();
    const expected: Record<string, number> = {
      'GET /three/1 HTTP/1.1': 502, // refused, timed out, then the 502 answer passed on (not logged)
      'GET /three/2 HTTP/1.1': 502, // the 502 answer counted as a failure, then no live upstreams
      'GET /refused/1 HTTP/1.1': 502,
      'GET /refused/2 HTTP/1.1': 502, // no live upstreams
      'GET /mixed/1 HTTP/1.1': 200, // refused, then the good server (not logged)
      'GET /two/1 HTTP/1.1': 504, // refused, then timed out: the last try decides
      'GET /tries/1 HTTP/1.1': 502, // refused twice, then proxy_next_upstream_tries 2 stops it
      'POST /post/1 HTTP/1.1': 504, // a POST already sent is not passed on
      'GET /one/1 HTTP/1.1': 502, // one line: refused by the group's only server
      'GET /plain/1 HTTP/1.1': 502, // one line: refused by the pass target's own address
      'GET /off/1 HTTP/1.1': 502, // one line: refused, and proxy_next_upstream off tries no other server
    };
    assert.deepEqual(Object.fromEntries(got), expected, log);
    assert.deepEqual(ka, [502, 502, 502], log);

    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as { explained: { id: string; example: string; alone: number; outcome?: RequestJson['outcome'] | null }[]; requests: RequestJson[] };
    const nginxRequests = j.requests.filter((r) => r.server === 'nginx');
    const groupOf = (req: string) => nginxRequests.filter((r) => r.request === req);
    const one = (req: string) => {
      const g = groupOf(req);
      assert.equal(g.length, 1, `one group for ${req}:\n${JSON.stringify(nginxRequests, null, 1)}\n${log}`);
      return g[0];
    };
    const ids = (r: RequestJson) => r.lines.map((l) => j.explained[l.explained].id);
    const port = (st: { port: number }) => `127.0.0.1:${st.port}`;

    // Every outcome given as sure is what the client got; the others say that a later try may have answered.
    const all: Record<string, number> = { ...expected, 'GET /ka/1 HTTP/1.1': 502, 'GET /ka/2 HTTP/1.1': 502 };
    for (const r of nginxRequests) {
      const status = String(all[r.request!]);
      if (r.outcome.final) assert.equal(r.outcome.status, status, `${r.request}: ${JSON.stringify(r.outcome)}`);
      // A failed connect with a server left: nginx went on to it, and its answer (here 200) is what the client got.
      else if (r.outcome.status === 'the answer of another server of the group') assert.equal(status, '200', JSON.stringify(r));
      else assert.match(r.outcome.why, /if nginx tried no other server after the last line/, JSON.stringify(r));
    }

    const three = one('GET /three/1 HTTP/1.1');
    assert.deepEqual(ids(three), ['nginx-refused', 'nginx-server-disabled', 'nginx-server-disabled', 'nginx-header-timeout']);
    assert.deepEqual(three.tried, [{ server: port(a), got: 'refused' }, { server: port(slow), got: 'no response header within the read timeout' }]);
    // The last logged failure is a timeout (504), but the client got the third server's 502: not said as sure.
    assert.deepEqual([three.outcome.status, three.outcome.final], ['504', false]);
    assert.match(three.outcome.why, new RegExp(`not tried in these lines: ${port(bad)}`));

    const three2 = one('GET /three/2 HTTP/1.1');
    assert.deepEqual(ids(three2), ['nginx-server-disabled', 'nginx-no-live-upstreams']);
    assert.deepEqual([three2.outcome.status, three2.outcome.final], ['502', true]);
    assert.match(three2.tried[0].got, /answered with a status \*_next_upstream lists/);

    const refused = one('GET /refused/1 HTTP/1.1');
    assert.deepEqual(refused.tried.map((t) => `${t.server} ${t.got}`), [`${port(a)} refused`, `${port(b)} refused`]);
    assert.deepEqual([refused.outcome.status, refused.outcome.final, refused.outcome.why], ['502', true, 'every server nginx could use (2) was tried']);
    // One line, no group: it stays on its own.
    assert.equal(groupOf('GET /refused/2 HTTP/1.1').length, 0);

    const mixed = one('GET /mixed/1 HTTP/1.1');
    // The refused connect sent nothing, so nginx went on to the good server, which answered the client (200).
    assert.deepEqual([mixed.outcome.status, mixed.outcome.final], ['the answer of another server of the group', false]);
    assert.match(mixed.outcome.why, new RegExp(`passed the request on to ${port(good)}, `));

    const two = one('GET /two/1 HTTP/1.1');
    assert.deepEqual([two.outcome.status, two.outcome.final], ['504', true]);
    const tries = one('GET /tries/1 HTTP/1.1');
    assert.deepEqual([tries.outcome.status, tries.outcome.final, tries.outcome.why], ['502', true, '*_next_upstream_tries 2 reached']);
    const post = one('POST /post/1 HTTP/1.1');
    assert.deepEqual([post.outcome.status, post.outcome.final], ['504', true]);
    assert.match(post.outcome.why, /a POST that was already sent is not passed to another server/);

    // A refused try logged alone where nginx had no other server to try: the status is sure (the client got 502).
    const lone = (path: string) => {
      const e = j.explained.filter((x) => x.alone > 0 && x.example.includes(`request: "GET ${path} HTTP/1.1"`));
      assert.equal(e.length, 1, `one lone line for ${path}:\n${JSON.stringify(j.explained, null, 1)}`);
      assert.equal(groupOf(`GET ${path} HTTP/1.1`).length, 0);
      return `${e[0].id} ${e[0].outcome?.status}${e[0].outcome?.final ? '' : '?'} ${e[0].outcome?.why}`;
    };
    assert.equal(lone('/one/1'), 'nginx-refused 502 the request had one server to go to');
    assert.equal(lone('/plain/1'), 'nginx-refused 502 the request had one server to go to');
    assert.equal(lone('/off/1'), 'nginx-refused 502 *_next_upstream is off: nginx passes no failed request to another server');

    // Keep-alive: three requests of two lines each on one connection (one *N): /ka/1 twice and /ka/2, alike (same
    // location, kinds of line and outcome): the first is shown, with a count.
    const kaGroups = nginxRequests.filter((r) => r.request?.startsWith('GET /ka/'));
    assert.deepEqual(kaGroups.map((r) => `${r.count}× ${r.request} ${r.lines.length} lines ${r.tried.map((t) => t.server).join(' ')} → ${r.outcome.status}${r.outcome.final ? '' : '?'}`), [`3× GET /ka/1 HTTP/1.1 2 lines ${port(a)} ${port(b)} → 502`]);
    const kaConnections = new Set(log.split('\n').filter((l) => l.includes('/ka/')).map((l) => / (\*\d+) /.exec(l)![1]));
    assert.equal(kaConnections.size, 1, 'the keep-alive requests share one connection number');

    // The evidence runner's check agrees: no group claims a status the client did not get.
    const settings = defaultSettings();
    const lint = lintNginx(setup.confPath, setup.text, createNodeHost(), { settings });
    for (const [req, status] of Object.entries(all)) {
      const only = log.split('\n').filter((l) => l.includes(`request: "${req}"`)).join('\n');
      assert.deepEqual(nginxRequestProblems({ statuses: [String(status)], errorLog: only } as Observation, lint, settings.nginx, req), []);
    }

    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]);
    assert.match(text.stdout, new RegExp(`one request, logged in 4 lines by nginx \\(connection \\*\\d+ \\(worker \\d+\\), client 127\\.0\\.0\\.1, GET /refused/1 HTTP/1\\.1\\):\\n  Tried: ${port(a).replace(/\./g, '\\.')} \\(refused\\), then ${port(b).replace(/\./g, '\\.')} \\(refused\\)\\n  The client got 502 \\(every server nginx could use \\(2\\) was tried\\)\\.`), text.stdout);
    assert.match(text.stdout, /nginx requests of several lines/);
    assert.match(text.stdout, /request: "GET \/one\/1 HTTP\/1\.1".*\n  nginx: the client got 502 \(the request had one server to go to\)\.\n/, text.stdout);
  } finally {
    await nginx.stop();
    for (const st of [a, b, c, d, e, slow, bad, good]) await st.stop();
    setup.cleanup();
  }
});

test('explain: with proxy_request_buffering off an upload nginx began to send is not retried, a GET is, and explain says so (real nginx, a PUT of 2 MB)', async () => {
  const closer = await startHttpStandin({ behaviour: 'close', deadlineMs: 30_000 });
  const good = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const setup = await prepareNginx(`http {
    upstream pair { server ${closer.address}; server ${good.address}; }
    upstream pair2 { server ${closer.address}; server ${good.address}; }
    server {
        listen 127.0.0.1:8000;
        client_max_body_size 10m;
        location /nobuf/ { proxy_request_buffering off; proxy_pass http://pair; }
        location /nobufget/ { proxy_request_buffering off; proxy_pass http://pair2; }
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    const r = await request({ port: setup.port, path: '/nobuf/x', method: 'PUT', bodyBytes: 2 * 1024 * 1024, timeoutMs: 15_000 });
    await new Promise((res) => setTimeout(res, 300));
    const log = nginx.errorLog();
    assert.equal(r.status, 502, log);
    assert.equal(good.requests.length, 0, 'the second server of the group was never tried');
    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as { explained: { id: string; alone: number; outcome: RequestJson['outcome'] | null }[]; requests: RequestJson[] };
    // One failure line (maybe with "temporarily disabled"): as a request of two lines or a line alone, the outcome is sure.
    // The log does not say how large the body was, and a body that came whole with the header is passed on as usual:
    // the outcome is told as a condition, not as sure.
    const outcome = j.requests[0]?.outcome;
    assert.deepEqual({ status: outcome?.status, final: outcome?.final }, { status: '502', final: false }, out.stdout);
    assert.match(outcome!.why, /^proxy_request_buffering is off: if the PUT's body was still arriving when nginx began to send it \(an upload\), nginx could not pass it to another server/);

    // A GET to a location of the same kind (its own group, whose first pick is the server that closes): nginx passes it on (no body to stream),
    // and explain does not say that request buffering ended it.
    const before = nginx.errorLog().length;
    const get = await request({ port: setup.port, path: '/nobufget/x', timeoutMs: 15_000 });
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(get.status, 200, nginx.errorLog());
    assert.equal(good.requests.length, 1, 'the GET went on to the second server');
    const getLog = join(setup.dir, 'get.log');
    writeFileSync(getLog, nginx.errorLog().slice(before));
    const got = JSON.parse(runCli(['explain', '--in', setup.confPath, '--log', getLog, '--format', 'json']).stdout) as { requests: RequestJson[] };
    const getOutcome = got.requests.find((q) => q.request?.includes('GET /nobufget/x'))?.outcome;
    assert.ok(getOutcome, JSON.stringify(got));
    assert.doesNotMatch(getOutcome.why, /request_buffering/);
  } finally {
    await nginx.stop();
    await Promise.all([closer.stop(), good.stop()]);
    setup.cleanup();
  }
});

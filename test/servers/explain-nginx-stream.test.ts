// `proxylint explain` on the error log of a real nginx (Debian 1.22.1) stream module: a stream server passing to a
// group (a refused port, then a server that answers) and one passing to a refused address alone. Stream lines end
// with byte counts and name the listen address in `server:`; there is no HTTP status: when the last try fails the
// client connection is closed, and a failed try in a group is passed to the next server (proxy_next_upstream on).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { lintText, requireBinary, runCli } from '../helpers';
import { prepareNginx, startNginx, tempDir } from './harness/nginx';
import { freePort } from './harness/ports';
import { startBlackhole } from './standins/blackhole';
import { startDnsStandin } from './standins/dns';
import { refusedPort, startHttpStandin } from './standins/http';

requireBinary('nginx');

/** Connects, sends a request, and collects what comes back until the server closes (or resets) the connection. */
function talk(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    let got = '';
    const timer = setTimeout(() => (s.destroy(), reject(new Error('no close in 10 s'))), 10_000);
    s.on('connect', () => s.write('GET / HTTP/1.0\r\n\r\n'));
    s.on('data', (d) => (got += d.toString()));
    // nginx closing a connection whose request it has not read sends a reset: that too is the connection closed.
    s.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? (clearTimeout(timer), resolve(got)) : reject(e)));
    s.on('close', () => (clearTimeout(timer), resolve(got)));
  });
}

interface OutcomeJson {
  status: string | null;
  final: boolean;
}

test('explain: stream lines of a real nginx have no HTTP status, are placed at the stream server that listens there, and a lone failure is sure', async () => {
  const dead = await refusedPort();
  const good = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const setup = await prepareNginx(`stream {
    upstream u {
        server ${dead.address};
        server ${good.address};
    }
    server {
        listen 127.0.0.1:18000;
        proxy_pass u;
        proxy_connect_timeout 1s;
    }
    server {
        listen 127.0.0.1:18002;
        proxy_pass ${dead.address};
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    assert.match(await talk(setup.ports.get('127.0.0.1:18000')!), /^HTTP\/1\.[01] 200/, 'the refused server was skipped for the next one');
    assert.equal(await talk(setup.ports.get('127.0.0.1:18002')!), '', 'the client connection was closed with nothing');
    await new Promise((r) => setTimeout(r, 300));
    const log = nginx.errorLog();
    assert.match(log, /connect\(\) failed \(111: Connection refused\) while connecting to upstream, client: 127\.0\.0\.1, server: 127\.0\.0\.1:\d+, upstream: "127\.0\.0\.1:\d+", bytes from\/to client:0\/0/);

    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as {
      explained: { id: string; alone: number; status: string; outcome: OutcomeJson | null; place: { server: { line: number }; location: unknown } | null }[];
      requests: { outcome?: OutcomeJson }[];
    };
    const lineOf = (needle: string) => setup.text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const refused = j.explained.filter((e) => e.id === 'nginx-refused');
    assert.ok(refused.length >= 1, JSON.stringify(j.explained, null, 1));
    for (const e of refused) assert.doesNotMatch(e.status, /^\d{3}$/, 'no HTTP status for a stream line');
    // The lone line of the server with one address: placed there, and sure.
    const lone = refused.find((e) => e.alone > 0 && e.place?.server.line === lineOf(`listen 127.0.0.1:${setup.ports.get('127.0.0.1:18002')}`) - 1);
    assert.ok(lone, JSON.stringify(refused, null, 1));
    assert.equal(lone!.outcome?.final, true);
    assert.match(lone!.outcome!.status!, /closed the client connection/);
    assert.equal(lone!.place!.location, null);
    // The group's request: the refused try then the answering server (not logged): not given as sure.
    const grouped = j.requests.filter((r) => r.outcome);
    assert.equal(grouped.length, 1, JSON.stringify(j.requests, null, 1));
    assert.equal(grouped[0].outcome!.final, false);

    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]).stdout;
    assert.doesNotMatch(text, /the client got 502/);
    assert.match(text, /Handled by: stream server at \S+nginx\.conf:\d+ \(the stream server that listens on 127\.0\.0\.1:\d+\)\n/);
  } finally {
    await nginx.stop();
    await dead.stop();
    await good.stop();
    setup.cleanup();
  }
});

test('explain: a stream session nginx gave up on names the $status of the stream access log; a session closed by proxy_timeout with the client\'s request unanswered is known (real nginx)', async () => {
  const dead = await refusedPort();
  const hole = await startBlackhole(30_000);
  const quiet = await startHttpStandin({ behaviour: 'silent', deadlineMs: 30_000 });
  // A DNS server that knows no address for the name: the per-connection lookup fails ("could not be resolved").
  const dns = await startDnsStandin({ answer: null, deadlineMs: 30_000 });
  const dir = tempDir('proxylint-stream-status-');
  const setup = await prepareNginx(
    `stream {
    log_format st '$server_port $status';
    access_log ${join(dir, 'logs', 'stream.log')} st;
    server {
        listen 127.0.0.1:18010;
        proxy_pass ${dead.address};
    }
    server {
        listen 127.0.0.1:18011;
        proxy_connect_timeout 1s;
        proxy_pass ${hole.address};
    }
    server {
        listen 127.0.0.1:18012;
        proxy_timeout 1s;
        proxy_pass ${quiet.address};
    }
    server {
        listen 127.0.0.1:18013;
        set $target backend.example:80;
        proxy_pass $target;
    }
    server {
        listen 127.0.0.1:18014;
        resolver ${dns.address};
        set $named backend.example:80;
        proxy_pass $named;
    }
}
`,
    { dir },
  );
  const nginx = await startNginx(setup);
  try {
    const port = (p: number) => setup.ports.get(`127.0.0.1:${p}`)!;
    for (const p of [18010, 18011, 18012, 18013, 18014]) await talk(port(p));
    await new Promise((r) => setTimeout(r, 300));
    const log = nginx.errorLog();
    const access = readFileSync(join(dir, 'logs', 'stream.log'), 'utf8');
    const status = (p: number) => new RegExp(`^${port(p)} (\\d+)$`, 'm').exec(access)?.[1];
    // A stream server has no 504: a connect timeout is logged as 502, like a refused connect.
    assert.deepEqual([18010, 18011, 18012, 18013, 18014].map(status), ['502', '502', '200', '500', '500'], `${access}\n${log}`);
    assert.ok(log.includes(NGX_LOG.connectTimeout), log);
    assert.ok(log.includes(`[info]`) && log.includes(NGX_LOG.streamIdle), log);

    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as { explained: { id: string; status: string; meaning: string; fields: { serverName?: string } }[] };
    const at = (p: number) => j.explained.find((e) => e.fields.serverName === `127.0.0.1:${port(p)}`);
    // 18012: talk() sends a request the silent backend never answers (bytes from/to upstream:0/N), a query cut off
    // by proxy_timeout rather than an idle session.
    for (const [p, id, code] of [[18010, 'nginx-refused', '502'], [18011, 'nginx-connect-timeout', '502'], [18013, 'nginx-no-resolver', '500'], [18014, 'nginx-not-resolved', '500'], [18012, 'nginx-stream-reply-timeout', '200']] as const) {
      const e = at(p);
      assert.equal(e?.id, id, JSON.stringify(j.explained, null, 1));
      assert.match(e!.status, new RegExp(`^no HTTP status: .*\\$status says ${code}\\)$`), e!.status);
    }
    assert.doesNotMatch(at(18011)!.meaning, /gets 504/);
    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]).stdout;
    assert.doesNotMatch(text, /the client got 50\d/);
    assert.doesNotMatch(text, /http_50\d|next_upstream lists/);
  } finally {
    await nginx.stop();
    await Promise.all([dead.stop(), hole.stop(), quiet.stop(), dns.stop()]);
    setup.cleanup();
  }
});

/** Sends one datagram and collects what comes back within `waitMs`. */
function datagram(port: number, text: string, waitMs: number): Promise<string[]> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const got: string[] = [];
    s.on('message', (m) => got.push(m.toString()));
    s.on('error', () => undefined);
    s.send(text, port, '127.0.0.1');
    setTimeout(() => (s.close(), resolve(got)), waitMs);
  });
}

test('explain: stream sessions that failed after they began (a backend reset, a UDP port nobody listens on, a UDP backend that never answers) are known, with what the client got (real nginx)', async () => {
  // TCP: accepts, then resets the connection when the client's first bytes arrive.
  const resetter = createServer((c) => {
    c.on('data', () => c.resetAndDestroy());
    c.on('error', () => undefined);
  });
  await new Promise<void>((r) => resetter.listen(0, '127.0.0.1', r));
  const resetPort = (resetter.address() as AddressInfo).port;
  // UDP: one port nobody listens on, one socket that reads and never answers.
  const unreachable = await freePort();
  const mute = createSocket('udp4');
  await new Promise<void>((r) => mute.bind(0, '127.0.0.1', r));
  const mutePort = mute.address().port;
  // UDP: a server that answers every datagram (with its own text), second in a group after the unused port.
  const echo = createSocket('udp4');
  echo.on('message', (m, from) => echo.send(`echo ${m}`, from.port, from.address));
  await new Promise<void>((r) => echo.bind(0, '127.0.0.1', r));
  const echoPort = echo.address().port;
  const dir = tempDir('proxylint-stream-session-');
  const setup = await prepareNginx(
    `stream {
    log_format st '$server_port $status';
    access_log ${join(dir, 'logs', 'stream.log')} st;
    server {
        listen 127.0.0.1:18020;
        proxy_pass 127.0.0.1:${resetPort};
    }
    # proxy_next_upstream is on (the default), and the group has a server that answers: round robin sends the
    # first session to the unused port all the same, and nginx does not pass it on.
    upstream udp_pair {
        server 127.0.0.1:${unreachable};
        server 127.0.0.1:${echoPort};
    }
    server {
        listen 127.0.0.1:18021 udp;
        proxy_responses 1;
        proxy_timeout 1s;
        proxy_pass udp_pair;
    }
    server {
        listen 127.0.0.1:18022 udp;
        proxy_responses 1;
        proxy_timeout 1s;
        proxy_pass 127.0.0.1:${mutePort};
    }
    server {
        listen 127.0.0.1:18023 udp;
        proxy_timeout 1s;
        proxy_pass 127.0.0.1:${mutePort};
    }
}
`,
    { dir },
  );
  const ports = new Map(setup.ports);
  const port = (p: number) => ports.get(`127.0.0.1:${p}`)!;
  // startNginx waits until every listen port accepts a TCP connection: the UDP ones never do.
  for (const p of [18021, 18022, 18023]) setup.ports.delete(`127.0.0.1:${p}`);
  const nginx = await startNginx(setup);
  try {
    assert.equal(await talk(port(18020)), '', 'the client connection was closed with nothing');
    assert.deepEqual(await datagram(port(18021), 'q1', 1500), [''], 'an empty datagram came back, not the answer of the group\'s other server');
    assert.deepEqual(await datagram(port(18021), 'q1b', 1500), ['echo q1b'], 'the next session went to the other server');
    assert.deepEqual(await datagram(port(18022), 'q2', 2000), [], 'nothing came back');
    assert.deepEqual(await datagram(port(18023), 'q3', 2000), [], 'nothing came back');
    await new Promise((r) => setTimeout(r, 300));
    const log = nginx.errorLog();
    const access = readFileSync(join(dir, 'logs', 'stream.log'), 'utf8');
    const status = (p: number) => new RegExp(`^${port(p)} (\\d+)$`, 'm').exec(access)?.[1];
    // proxy_responses makes a missing answer a failure: 502, where a session without it ends as a success.
    assert.deepEqual([18020, 18021, 18022, 18023].map(status), ['200', '200', '502', '200'], `${access}\n${log}`);
    // The rule that would have "off" turned back on has nothing to offer for a UDP server: "on" did not pass it on.
    const off = setup.text.replace('proxy_pass udp_pair;', 'proxy_next_upstream off;\n        proxy_pass udp_pair;');
    assert.deepEqual(lintText(off).findings.filter((f) => f.ruleId === 'next-upstream-off-with-spare-servers'), []);

    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as { explained: { id: string; status: string; fields: { serverName?: string } }[] };
    const ids = new Set(j.explained.map((e) => e.id));
    for (const id of ['nginx-stream-upstream-reset', 'nginx-stream-udp-refused', 'nginx-stream-udp-timeout', 'nginx-stream-udp-unanswered']) assert.ok(ids.has(id), `${id} in ${JSON.stringify(j.explained, null, 1)}\n${log}`);
    for (const e of j.explained.filter((x) => x.id.startsWith('nginx-stream-'))) {
      assert.match(e.status, new RegExp(`^no HTTP status: .*\\$status says ${e.id === 'nginx-stream-udp-timeout' ? '502' : '200'}\\)$`), e.status);
    }
    assert.equal(j.explained.find((e) => e.id === 'nginx-stream-udp-timeout')!.fields.serverName, `127.0.0.1:${port(18022)}`);
    assert.equal(j.explained.find((e) => e.id === 'nginx-stream-upstream-reset')!.fields.serverName, `127.0.0.1:${port(18020)}`);
    assert.equal(j.explained.find((e) => e.id === 'nginx-stream-udp-refused')!.fields.serverName, `127.0.0.1:${port(18021)}`);
    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]).stdout;
    assert.doesNotMatch(text, /the client got 50\d/);
  } finally {
    await nginx.stop();
    resetter.close();
    mute.close();
    echo.close();
    setup.cleanup();
  }
});

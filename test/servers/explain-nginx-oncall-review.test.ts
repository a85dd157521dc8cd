// What an on-call review found `proxylint explain` getting wrong for nginx error-log lines, run again on the real
// nginx (Debian 1.22.1) with stand-in backends on 127.0.0.1, and real php-fpm 8.2 where it is installed:
// - "no live upstreams" right after the request had tried every server of its group (no server was at max_fails);
// - a stream session whose first server was refused and whose backup then carried it;
// - two stream proxy_timeout closes, one of an idle session and one of a query that never got its reply;
// - php-fpm killing a request at request_terminate_timeout, seen by nginx as a reset (twice for one GET with
//   fastcgi_keep_conn, which is one request sent again, not two requests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary, runCli } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { FPM, hasFpm, startPhpFpm } from './standins/php-fpm';
import { refusedPort, startHttpStandin } from './standins/http';

requireBinary('nginx');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Json {
  explained: { id: string; status: string; meaning: string; alone: number; nextStep?: string; hedge: { status: string | null; final: boolean; why: string } | null }[];
  requests: { count: number; tried: { server: string; got: string }[]; outcome: { status: string | null; final: boolean; why: string } | null; lines: { line: string }[] }[];
}
function explainJson(conf: string, log: string): Json {
  const out = runCli(['explain', '--in', conf, '--log', log, '--format', 'json']);
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout) as Json;
}
function explainText(conf: string, log: string): string {
  const out = runCli(['explain', '--in', conf, '--log', log]);
  assert.equal(out.code, 0, out.stderr);
  return out.stdout;
}

test('no live upstreams after each server of the group failed once on a stale kept-alive connection: the servers were used up by the request, not marked failed (real nginx)', async () => {
  // Both backends answer a request on a connection idle for 1 s or more by closing it: the keep-alive race, forced.
  const a = await startHttpStandin({ behaviour: 'ok', idleCloseMs: 1000, closeOnReuseAfterIdle: true, deadlineMs: 30_000 });
  const b = await startHttpStandin({ behaviour: 'ok', idleCloseMs: 1000, closeOnReuseAfterIdle: true, deadlineMs: 30_000 });
  const setup = await prepareNginx(`http {
    upstream api {
        server ${a.address} max_fails=3 fail_timeout=10s;
        server ${b.address} max_fails=3 fail_timeout=10s;
        keepalive 16;
    }
    server {
        listen 127.0.0.1:18600;
        location / {
            proxy_pass http://api;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    const port = setup.ports.get('127.0.0.1:18600')!;
    // One parked connection to each server (round robin), then both go stale.
    assert.deepEqual([(await request({ port, path: '/warm/1' })).status, (await request({ port, path: '/warm/2' })).status], [200, 200]);
    await sleep(1500);
    // A GET is not saved by nginx's retry on a new connection: the other server's parked connection is stale too, and
    // nginx does not go back to the first one for this request.
    assert.equal((await request({ port, path: '/x' })).status, 502);
    await sleep(200);
    const log = nginx.errorLog();
    const lines = log.split('\n').filter((l) => l.includes('GET /x '));
    assert.equal(lines.length, 3, log);
    assert.match(lines[0], /upstream prematurely closed connection while reading response header/);
    assert.match(lines[1], /upstream prematurely closed connection while reading response header/);
    assert.match(lines[2], /no live upstreams while connecting to upstream/);
    assert.notEqual(/upstream: "([^"]*)"/.exec(lines[0])![1], /upstream: "([^"]*)"/.exec(lines[1])![1], 'two servers, one try each');
    assert.doesNotMatch(log, /temporarily disabled/, 'no server reached max_fails=3');

    const j = explainJson(setup.confPath, setup.errorLogPath);
    const r = j.requests.find((q) => q.lines.some((l) => l.line.includes('no live upstreams')))!;
    assert.ok(r, JSON.stringify(j.requests, null, 1));
    assert.equal(r.tried.length, 2);
    assert.deepEqual([r.outcome!.status, r.outcome!.final], ['502', true]);
    assert.match(r.outcome!.why, /every server of the group \(2\) had already been tried for this request/);
    assert.match(r.outcome!.why, /the cause is what those tries logged/);
    const text = explainText(setup.confPath, setup.errorLogPath);
    assert.match(text, /no live upstreams[^\n]*\n {4}nginx: the client got 502: every server of the group had been tried above for this request/);
    // The old words, "every server of the group is marked failed", are gone.
    assert.doesNotMatch(text, /every server of the group is marked failed/);
    assert.doesNotMatch(text, /the same server too/);
  } finally {
    await nginx.stop();
    await a.stop();
    await b.stop();
    setup.cleanup();
  }
});

/** Connects, sends `send` (if any), and closes after `closeAfterMs`, or when nginx closes first; what came back. */
function talk(port: number, send: string, closeAfterMs: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    let got = '';
    s.on('connect', () => {
      if (send) s.write(send);
      setTimeout(() => s.end(), closeAfterMs).unref();
    });
    s.on('data', (d) => (got += d.toString()));
    s.on('error', () => resolve(got));
    s.on('close', () => resolve(got));
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

test('stream: a refused server then a backup that carried the session, and two proxy_timeout closes (an idle session, an unanswered query) told apart (real nginx)', async () => {
  const dead = await refusedPort();
  // The backup answers every chunk with 9 bytes; the silent backend reads and never writes.
  const answering = createServer((s) => {
    s.on('data', () => s.write('123456789'));
    s.on('error', () => undefined);
  });
  const silent = createServer((s) => {
    s.on('data', () => undefined);
    s.on('error', () => undefined);
  });
  const answeringPort = await listen(answering);
  const silentPort = await listen(silent);
  // max_fails=2: the harness's own check that nginx listens makes the first failed connect, the session below the
  // second, so that its lines show the refused try, "temporarily disabled", and then the backup's session.
  const setup = await prepareNginx(`stream {
    upstream postgres {
        server ${dead.address} max_fails=2;
        server 127.0.0.1:${answeringPort} backup;
    }
    server {
        listen 127.0.0.1:18610;
        proxy_pass postgres;
    }
    server {
        listen 127.0.0.1:18611;
        proxy_timeout 3s;
        proxy_pass 127.0.0.1:${silentPort};
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    assert.equal(await talk(setup.ports.get('127.0.0.1:18610')!, 'abc', 500), '123456789', 'the backup answered the client');
    const quiet = setup.ports.get('127.0.0.1:18611')!;
    // An idle pool connection (nothing sent) and a query that gets no reply: both closed by nginx after 3 s.
    assert.deepEqual(await Promise.all([talk(quiet, '', 10_000), talk(quiet, 'hello', 10_000)]), ['', '']);
    await sleep(300);
    const log = nginx.errorLog();
    const served = /\*(\d+) client disconnected, bytes from\/to client:3\/9, bytes from\/to upstream:9\/3/.exec(log);
    assert.ok(served, log);
    const session = log.split('\n').filter((l) => l.includes(`*${served[1]} `));
    assert.ok(session.some((l) => /connect\(\) failed \(111: Connection refused\)/.test(l)), session.join('\n'));
    assert.ok(session.some((l) => /upstream server temporarily disabled/.test(l)), session.join('\n'));
    assert.match(log, /connection timed out \(110: Connection timed out\) while proxying connection, .*bytes from\/to client:0\/0, bytes from\/to upstream:0\/0/);
    assert.match(log, /connection timed out \(110: Connection timed out\) while proxying connection, .*bytes from\/to client:5\/0, bytes from\/to upstream:0\/5/);

    const j = explainJson(setup.confPath, setup.errorLogPath);
    const r = j.requests.find((q) => q.lines.some((l) => l.line.includes(`*${served[1]} connect() failed`)))!;
    assert.ok(r, JSON.stringify(j.requests, null, 1));
    assert.equal(r.outcome!.final, true);
    assert.match(r.outcome!.status!, /^a working session from a later server/);
    const text = explainText(setup.confPath, setup.errorLogPath);
    const block = text.split('\n\n').find((b) => b.includes(`*${served[1]} connect() failed`))!;
    assert.doesNotMatch(block, /which decided what the client got/);
    assert.match(block, /nginx went on to a later server, which took the session/);
    // The two timeouts: two entries, not "2 ×" of one; the unanswered query is not called "nothing failed".
    const idle = j.explained.find((e) => e.id === 'nginx-stream-idle-timeout');
    const cut = j.explained.find((e) => e.id === 'nginx-stream-reply-timeout');
    assert.ok(idle && cut, JSON.stringify(j.explained.map((e) => e.id)));
    assert.match(cut!.status, /waited for a reply that never came/);
    assert.doesNotMatch(cut!.meaning, /Nothing failed/);
    assert.doesNotMatch(text, /2 × [^\n]*connection timed out/);
  } finally {
    await nginx.stop();
    await dead.stop();
    answering.close();
    silent.close();
    setup.cleanup();
  }
});

test('php-fpm behind fastcgi_pass: request_terminate_timeout and a crashed worker reach nginx as a reset, max_execution_time as a 500; explain names php-fpm\'s causes, and a GET sent again after a reused connection failed is one request (real nginx, real php-fpm)', { skip: !hasFpm && `${FPM} is not installed` }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'proxylint-fpm-reset-'));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'fast.php'), '<?php echo "fast\\n";\n');
  writeFileSync(join(dir, 'slow.php'), '<?php sleep(10); echo "done\\n";\n');
  writeFileSync(join(dir, 'busy.php'), '<?php ini_set("max_execution_time", "1"); while (true) {}\n');
  writeFileSync(join(dir, 'crash.php'), '<?php posix_kill(getmypid(), 11); echo "not reached\\n";\n');
  const fpm = await startPhpFpm(dir, { maxChildren: 2, pool: ['request_terminate_timeout = 4s'] });
  const setup = await prepareNginx(`http {
    upstream php {
        server ${fpm.address};
        keepalive 8;
    }
    server {
        listen 127.0.0.1:18620;
        location ~ \\.php$ {
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME ${dir}$fastcgi_script_name;
            fastcgi_keep_conn on;
            fastcgi_pass php;
        }
    }
}
`);
  try {
    const nginx = await startNginx(setup);
    try {
      const np = setup.ports.get('127.0.0.1:18620')!;
      assert.equal((await request({ port: np, path: '/busy.php', timeoutMs: 20_000 })).status, 500);
      assert.equal((await request({ port: np, path: '/crash.php', timeoutMs: 20_000 })).status, 502);
      // A quick answer right before parks a connection, which the slow GET's first try then reuses.
      assert.equal((await request({ port: np, path: '/fast.php' })).status, 200);
      const started = Date.now();
      assert.equal((await request({ port: np, path: '/slow.php', timeoutMs: 30_000 })).status, 502);
      assert.ok(Date.now() - started < 12_000, 'killed before the script ended');
      await sleep(300);
      const log = nginx.errorLog();
      assert.match(log, /FastCGI sent in stderr: "PHP message: PHP Fatal error: {2}Maximum execution time of 1 second exceeded/);
      assert.match(log, /recv\(\) failed \(104: Connection reset by peer\) while reading response header from upstream, [^\n]*GET \/crash\.php/);
      const slow = log.split('\n').filter((l) => l.includes('GET /slow.php'));
      // The first try went out on a kept-alive connection, so nginx sent the GET again on a new one: two resets, one *N.
      assert.equal(slow.length, 2, log);
      for (const l of slow) assert.match(l, /recv\(\) failed \(104: Connection reset by peer\) while reading response header from upstream/);
      assert.equal(/\*\d+ /.exec(slow[0])![0], /\*\d+ /.exec(slow[1])![0]);
      const fpmLog = readFileSync(join(dir, 'fpm.log'), 'utf8');
      assert.match(fpmLog, /slow\.php' \(request: "GET \/slow\.php"\) execution timed out \([\d.]+ sec\), terminating/);
      assert.match(fpmLog, /exited on signal 11 \(SIGSEGV/);

      const j = explainJson(setup.confPath, setup.errorLogPath);
      const reset = j.explained.find((e) => e.id === 'nginx-reset')!;
      assert.match(reset.nextStep ?? '', /request_terminate_timeout/);
      assert.match(reset.nextStep ?? '', /exited on signal 11/);
      assert.match(reset.nextStep ?? '', /max_execution_time does not end a request this way/);
      // The keep-alive race stays one of the causes named.
      assert.match(reset.nextStep ?? '', /nginx reused a kept-alive connection/);
      // Each GET whose resets share a connection number is one request of two tries, not two requests of one ("2 ×"
      // the same line). The crash's GET may have gone out on a new connection (one try) or a parked one (two): when
      // it had two tries too, both requests are counted as one kind.
      const crashTries = log.split('\n').filter((l) => l.includes('GET /crash.php')).length;
      const r = j.requests.find((q) => q.tried.length === 2 && q.tried.every((t) => t.got === 'reset'));
      assert.ok(r, JSON.stringify(j.requests, null, 1));
      assert.deepEqual([r!.count, r!.lines.length], [crashTries === 2 ? 2 : 1, 2]);
      assert.equal(r!.outcome!.status, '502');
      assert.equal(reset.alone, crashTries === 2 ? 0 : 1, JSON.stringify(j.explained, null, 1));
    } finally {
      await nginx.stop();
    }
  } finally {
    await fpm.stop();
    setup.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('gRPC: a refused connect logged alone, in a group of two with grpc_next_upstream error, is said to have gone on to the other server (real nginx)', async () => {
  const { createServer: h2server } = await import('node:http2');
  const { h2request } = await import('./harness/client');
  const dead = await refusedPort();
  const good = h2server();
  good.on('stream', (stream) => {
    stream.on('error', () => undefined);
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
    stream.end('ok');
  });
  await new Promise<void>((r) => good.listen(0, '127.0.0.1', r));
  const goodPort = (good.address() as AddressInfo).port;
  // max_fails=0: the refused server is never taken out, so round robin sends one of the two calls to it.
  const setup = await prepareNginx(`http {
    upstream grpcs {
        server ${dead.address} max_fails=0;
        server 127.0.0.1:${goodPort};
    }
    server {
        listen 127.0.0.1:18630 http2;
        location / {
            grpc_next_upstream error;
            grpc_pass grpc://grpcs;
        }
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    const port = setup.ports.get('127.0.0.1:18630')!;
    const call = () => h2request(port, '/svc/Method', 'POST', { 'content-type': 'application/grpc' }, 'x');
    assert.deepEqual([await call(), await call()], [200, 200]);
    await sleep(200);
    const log = nginx.errorLog();
    const refused = log.split('\n').filter((l) => /connect\(\) failed \(111: Connection refused\) while connecting to upstream/.test(l));
    assert.equal(refused.length, 1, log);
    const n = /\*\d+ /.exec(refused[0])![0];
    assert.equal(log.split('\n').filter((l) => l.includes(n) && /\[(error|warn)\]/.test(l)).length, 1, 'nothing else logged for that request');

    const j = explainJson(setup.confPath, setup.errorLogPath);
    const e = j.explained.find((x) => x.id === 'nginx-refused')!;
    assert.equal(e.alone, 1);
    assert.equal(e.hedge?.status, 'the answer of another server of the group');
    assert.match(e.hedge!.why, /passed the request on to another server/);
    const text = explainText(setup.confPath, setup.errorLogPath);
    assert.match(text, /nginx: the client got the answer of another server of the group \(not logged\)/);
    assert.doesNotMatch(text, /if no other server of the group was tried/);
  } finally {
    await nginx.stop();
    await dead.stop();
    good.close();
    setup.cleanup();
  }
});

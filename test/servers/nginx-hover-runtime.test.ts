// Second round of hover claims about what nginx 1.22.1 does at run time: each test runs the situation on the real
// server (timeouts scaled to about 1 s) and then checks that the hover says what the server did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { nginxDirectiveDoc } from '../../server/src/core/docs/directive-doc';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { requireBinary } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx, type NginxSetup } from './harness/nginx';
import { freePort } from './harness/ports';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `conf` on the real nginx, calls `fn` with the setup, and returns the error and access logs afterwards. */
async function onNginx(conf: string, fn: (setup: NginxSetup) => Promise<void>): Promise<{ errorLog: string; accessLog: string }> {
  const setup = await prepareNginx(conf);
  const nginx = await startNginx(setup);
  try {
    await fn(setup);
    await sleep(200); // the access log line is written as the request ends
    const access = join(setup.dir, 'logs', 'access.log'); // a stream-only configuration has none
    return { errorLog: nginx.errorLog(), accessLog: existsSync(access) ? readFileSync(access, 'utf8') : '' };
  } finally {
    await nginx.stop();
    setup.cleanup();
  }
}

/** A raw TCP backend on 127.0.0.1 for behaviour the HTTP stand-in does not have. */
async function rawBackend(onConn: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    s.on('error', () => undefined);
    onConn(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port };
}
const closeServer = (s: Server) => new Promise((r) => s.close(r));
const errorLines = (log: string, path: string) => log.split('\n').filter((l) => l.includes(`${path} HTTP/1.1"`) && l.includes('[error]'));

test('send_timeout: a client that stops reading holds the backend connection until it fires with proxy_buffering off; logged at info (real nginx)', async () => {
  // The backend streams 64 MiB and notes when nginx closes its connection; the clients send a request and never read.
  const t0 = Date.now();
  const closedAt: Record<string, number> = {};
  const backend = await rawBackend((s) => {
    s.once('data', (d) => {
      const path = / (\S+) /.exec(d.toString('latin1'))![1];
      s.on('close', () => (closedAt[path] = Date.now() - t0));
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${64 << 20}\r\nConnection: close\r\n\r\n`);
      const chunk = Buffer.alloc(64 << 10, 'x');
      let sent = 0;
      const pump = () => {
        while (sent < 64 << 20 && !s.destroyed) {
          sent += chunk.length;
          if (!s.write(chunk)) return void s.once('drain', pump);
        }
      };
      pump();
    });
  });
  const clients: Socket[] = [];
  try {
    const logs = await onNginx(
      `http {\n    server {\n        listen 127.0.0.1:8000;\n        proxy_read_timeout 10s;\n        location /off1/ { proxy_buffering off; send_timeout 1s; proxy_pass http://127.0.0.1:${backend.port}; }\n        location /off3/ { proxy_buffering off; send_timeout 3s; proxy_pass http://127.0.0.1:${backend.port}; }\n        location /on1/ { proxy_buffering on; proxy_max_temp_file_size 0; send_timeout 1s; proxy_pass http://127.0.0.1:${backend.port}; }\n    }\n}\n`,
      async (setup) => {
        for (const p of ['/off1/', '/off3/', '/on1/']) {
          const s = connect({ port: setup.port, host: '127.0.0.1' });
          s.on('error', () => undefined);
          s.on('connect', () => {
            s.write(`GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
            s.pause();
          });
          clients.push(s);
        }
        await sleep(4000);
      },
    );
    assert.ok(closedAt['/off1/'] >= 900 && closedAt['/off1/'] < 2500, `send_timeout 1s: backend closed after ${closedAt['/off1/']} ms`);
    assert.ok(closedAt['/off3/'] >= 2900 && closedAt['/off3/'] < 4000, `send_timeout 3s: backend closed after ${closedAt['/off3/']} ms`);
    // Buffering on, but no temporary file allowed: once the buffers are full the backend waits just the same.
    assert.ok(closedAt['/on1/'] >= 900 && closedAt['/on1/'] < 2500, `buffering on, no temp file: backend closed after ${closedAt['/on1/']} ms`);
    const timedOut = logs.errorLog.split('\n').filter((l) => l.includes(NGX_LOG.clientSendTimeout));
    assert.equal(timedOut.length, 3, logs.errorLog);
    assert.ok(timedOut.every((l) => l.includes('[info]')), 'logged at info');
    // The access log has the 200 with fewer bytes than the 64 MiB body.
    const sizes = [...logs.accessLog.matchAll(/"GET \/o(?:ff|n)\d\/ HTTP\/1\.1" 200 (\d+) /g)].map((m) => Number(m[1]));
    assert.equal(sizes.length, 3, logs.accessLog);
    assert.ok(sizes.every((n) => n < 64 << 20), logs.accessLog);
  } finally {
    for (const c of clients) c.destroy();
    await closeServer(backend.server);
  }
  const doc = nginxDirectiveDoc('send_timeout')!;
  assert.match(doc.failure, /With `proxy_buffering off` a stalled client also holds the backend connection until this fires/);
  assert.match(doc.failure, /logged at level `info`/);
  assert.match(doc.failure, /with buffering on the same happens once the buffers are full and `proxy_max_temp_file_size` allows no \(more\) temporary file/);
  assert.ok(doc.logLines.includes(NGX_LOG.clientSendTimeout));
});

test('*_buffer_size: a too-big header counts towards max_fails but goes to the next server only with invalid_header listed (real nginx)', async () => {
  const big = await startHttpStandin({ behaviour: 'big-header', headerKiB: 12, deadlineMs: 20_000 });
  const ok = await startHttpStandin({ behaviour: 'ok', deadlineMs: 20_000 });
  const seen: Record<string, unknown[]> = { default: [], retry: [] };
  try {
    // Round robin starts with the first server: the one whose header does not fit.
    const logs = await onNginx(
      `http {\n    upstream app { server ${big.address} max_fails=1 fail_timeout=10s; server ${ok.address}; }\n    upstream app2 { server ${big.address}; server ${ok.address}; }\n    server {\n        listen 127.0.0.1:8000;\n        location /default/ { proxy_pass http://app; }\n        location /retry/ { proxy_next_upstream error timeout invalid_header; proxy_pass http://app2; }\n    }\n}\n`,
      async (setup) => {
        for (let i = 0; i < 3; i++) seen.default.push((await request({ port: setup.port, path: '/default/' })).status);
        seen.retry.push((await request({ port: setup.port, path: '/retry/' })).status);
      },
    );
    // Default next_upstream (error timeout): the first request gets the 502, and the server is then skipped.
    assert.deepEqual(seen, { default: [502, 200, 200], retry: [200] }, logs.errorLog);
    assert.equal(big.requests.filter((r) => r.path === '/default/').length, 1, 'the failed server was skipped for fail_timeout');
    for (const p of ['/default/', '/retry/']) {
      assert.ok(errorLines(logs.errorLog, p).some((l) => l.includes(NGX_LOG.tooBig)), logs.errorLog);
      assert.ok(logs.errorLog.split('\n').some((l) => l.includes('[warn]') && l.includes(NGX_LOG.serverDisabledHeader) && l.includes(`GET ${p} `)), `${p}: ${logs.errorLog}`);
    }
  } finally {
    await big.stop();
    await ok.stop();
  }
  for (const m of ['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc']) {
    const doc = nginxDirectiveDoc(`${m}_buffer_size`)!;
    assert.match(doc.failure, /counts a failed attempt towards `max_fails`/, m);
    assert.match(doc.failure, new RegExp(`only when \`${m}_next_upstream\` lists \`invalid_header\``), m);
    assert.ok(doc.logLines.includes(NGX_LOG.serverDisabledHeader), m);
  }
});

test('proxy_set_header: several lines for one header send every non-empty one (real nginx)', async () => {
  const heads: string[] = [];
  const backend = await rawBackend((s) => {
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      if (!buf.includes('\r\n\r\n')) return;
      heads.push(buf.split('\r\n\r\n')[0]);
      s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    });
  });
  let status: unknown;
  try {
    await onNginx(
      `http {\n    server {\n        listen 127.0.0.1:8000;\n        location / {\n            proxy_set_header X-Test one;\n            proxy_set_header X-Test "";\n            proxy_set_header X-Test two;\n            proxy_set_header Connection "";\n            proxy_set_header Connection upgrade;\n            proxy_pass http://127.0.0.1:${backend.port};\n        }\n    }\n}\n`,
      async (setup) => {
        status = (await request({ port: setup.port })).status;
      },
    );
  } finally {
    await closeServer(backend.server);
  }
  assert.equal(status, 200);
  const lines = heads[0].split('\r\n');
  assert.deepEqual(lines.filter((l) => /^x-test:/i.test(l)), ['X-Test: one', 'X-Test: two'], heads[0]);
  assert.deepEqual(lines.filter((l) => /^connection:/i.test(l)), ['Connection: upgrade'], heads[0]);
  assert.match(nginxDirectiveDoc('proxy_set_header')!.failure, /nginx sends every line whose value is not empty, so `Connection ""` next to `Connection \$connection_upgrade` sends only the latter/);
});

test('proxy_request_buffering off: a chunked upload is buffered with proxy_http_version 1.0 and streamed with 1.1 (real nginx)', async () => {
  const t0 = Date.now();
  const got: Record<string, { headAt: number; head: string }> = {};
  const backend = await rawBackend((s) => {
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.slice(0, end);
      const path = / (\S+) /.exec(head)![1];
      got[path] ??= { headAt: Date.now() - t0, head };
      const cl = /content-length: (\d+)/i.exec(head);
      if (buf.endsWith('\r\n0\r\n\r\n') || (cl && buf.length - end - 4 >= Number(cl[1]))) s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    });
  });
  const sentLast: Record<string, number> = {};
  const statuses: Record<string, string> = {};
  let logs: { errorLog: string };
  try {
    logs = await onNginx(
      `http {\n    server {\n        listen 127.0.0.1:8000;\n        client_body_buffer_size 1k;\n        location /v10/ { proxy_request_buffering off; proxy_pass http://127.0.0.1:${backend.port}; }\n        location /v11/ { proxy_request_buffering off; proxy_http_version 1.1; proxy_pass http://127.0.0.1:${backend.port}; }\n    }\n}\n`,
      async (setup) => {
        for (const p of ['/v10/', '/v11/']) {
          // One 4000-byte chunk, a 1 s pause, then the last chunk.
          const s = connect({ port: setup.port, host: '127.0.0.1' });
          let answer = '';
          s.on('data', (d) => (answer += d));
          s.on('error', () => undefined);
          await new Promise<void>((r) => s.on('connect', () => r()));
          s.write(`POST ${p} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nfa0\r\n${'x'.repeat(4000)}\r\n`);
          await sleep(1000);
          sentLast[p] = Date.now() - t0;
          s.write('0\r\n\r\n');
          await sleep(300);
          statuses[p] = answer.slice(9, 12);
          s.destroy();
        }
      },
    );
  } finally {
    await closeServer(backend.server);
  }
  assert.deepEqual(statuses, { '/v10/': '200', '/v11/': '200' });
  // 1.0: nothing reaches the backend before the last chunk, and then with a Content-Length.
  assert.ok(got['/v10/'].headAt >= sentLast['/v10/'], JSON.stringify({ got, sentLast }));
  assert.match(got['/v10/'].head, /^POST \/v10\/ HTTP\/1\.0\r\n/);
  assert.match(got['/v10/'].head, /\r\nContent-Length: 4000(\r\n|$)/);
  assert.match(logs!.errorLog, /\[warn\] .*a client request body is buffered to a temporary file .*POST \/v10\//);
  // 1.1: the backend has the head (chunked) while the client is still pausing.
  assert.ok(got['/v11/'].headAt < sentLast['/v11/'] - 500, JSON.stringify({ got, sentLast }));
  assert.match(got['/v11/'].head, /\r\nTransfer-Encoding: chunked(\r\n|$)/);
  assert.doesNotMatch(logs!.errorLog, /buffered to a temporary file .*POST \/v11\//);
  const doc = nginxDirectiveDoc('proxy_request_buffering')!;
  assert.match(doc.failure, /Chunked uploads are buffered anyway unless `proxy_http_version` is 1\.1/);
  assert.match(doc.failure, /a client request body is buffered to a temporary file/);
});

test('error_page: an error URI proxied to the failing backend gives the client the error of that second request (real nginx)', async () => {
  const silent = await startHttpStandin({ behaviour: 'silent', deadlineMs: 20_000 });
  const dead = await freePort();
  let r: Awaited<ReturnType<typeof request>> | undefined;
  try {
    // The first request times out (504); its error page is proxied to a port that refuses (502).
    const logs = await onNginx(
      `http {\n    server {\n        listen 127.0.0.1:8000;\n        location / { proxy_read_timeout 1s; error_page 504 /oops; proxy_pass http://${silent.address}; }\n        location = /oops { proxy_pass http://127.0.0.1:${dead}; }\n    }\n}\n`,
      async (setup) => {
        r = await request({ port: setup.port, path: '/app' });
      },
    );
    assert.equal(r!.status, 502, logs.errorLog);
    assert.ok(errorLines(logs.errorLog, '/app').some((l) => l.includes(NGX_LOG.headerTimeout)), logs.errorLog);
    assert.ok(errorLines(logs.errorLog, '/app').some((l) => l.includes(NGX_LOG.refused) && l.includes('/oops"')), logs.errorLog);
    assert.match(logs.accessLog, /"GET \/app HTTP\/1\.1" 502 /);
  } finally {
    await silent.stop();
  }
  assert.match(nginxDirectiveDoc('error_page')!.failure, /If the error URI itself is proxied to the failing backend, that second request fails too and users get nginx's own error page with the status of that second failure/);
});

test('upstream keep-alive: a reset on a reused connection logs recv() failed (104); GET is sent again (200), POST gets 502 (real nginx)', async () => {
  // The first request on a connection is answered and the connection kept; a later request on it is met by a reset,
  // which is what a backend's close() sends when the new request already sits unread in its socket.
  const backend = await rawBackend((s) => {
    let n = 0;
    s.on('data', () => {
      if (++n === 1) s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
      else s.resetAndDestroy();
    });
  });
  const seen: string[] = [];
  let logs: { errorLog: string };
  try {
    logs = await onNginx(
      `http {\n    upstream app { server 127.0.0.1:${backend.port}; keepalive 4; }\n    server {\n        listen 127.0.0.1:8000;\n        location / { proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://app; }\n    }\n}\n`,
      async (setup) => {
        for (const [m, p] of [['GET', '/a'], ['GET', '/b'], ['GET', '/c'], ['POST', '/d']]) seen.push(`${m} ${(await request({ port: setup.port, method: m, path: p, body: m === 'POST' ? 'x' : undefined })).status}`);
      },
    );
  } finally {
    await closeServer(backend.server);
  }
  // /a opens the connection; /b meets the reset and is resent on a new one; /c reuses that and is resent too; /d is a POST.
  assert.deepEqual(seen, ['GET 200', 'GET 200', 'GET 200', 'POST 502'], logs!.errorLog);
  for (const p of ['/b', '/c', '/d']) assert.ok(errorLines(logs!.errorLog, p).some((l) => l.includes(NGX_LOG.resetBeforeHeader)), `${p}: ${logs!.errorLog}`);
  for (const [name, ctx] of [['keepalive', 'upstream'], ['keepalive_timeout', 'upstream'], ['proxy_socket_keepalive', undefined]] as const) {
    assert.ok(nginxDirectiveDoc(name, ctx)!.logLines.includes(NGX_LOG.resetBeforeHeader), name);
  }
  assert.match(nginxDirectiveDoc('proxy_socket_keepalive')!.failure, /GET and other idempotent requests again on a new connection \(200\) while POST, PATCH and LOCK get \*\*502\*\*/);
  assert.match(nginxDirectiveDoc('keepalive_timeout', 'upstream')!.failure, /a POST got \*\*502\*\* and a GET to a group of one server was sent again/);
});

test('stream proxy_pass: a refused connect closes the client connection at once, with no byte: an EOF, or a reset when its data was unread (real nginx)', async () => {
  const dead = await freePort();
  /** Connects, optionally sends a line, and notes how the connection ended. */
  const probe = (port: number, data?: string) =>
    new Promise<{ how: string; ms: number; bytes: number }>((resolve) => {
      const t0 = Date.now();
      let bytes = 0;
      let how = 'close';
      const s = connect({ port, host: '127.0.0.1' }, () => data && s.write(data));
      s.on('data', (d) => (bytes += d.length));
      s.on('end', () => (how = 'eof'));
      s.on('error', (e) => (how = (e as NodeJS.ErrnoException).code ?? e.message));
      s.on('close', () => resolve({ how, ms: Date.now() - t0, bytes }));
      setTimeout(() => s.destroy(), 5000);
    });
  const seen: Record<string, { how: string; ms: number; bytes: number }> = {};
  const logs = await onNginx(`stream {\n    server {\n        listen 127.0.0.1:8001;\n        proxy_pass 127.0.0.1:${dead};\n    }\n}\n`, async (setup) => {
    seen.sent = await probe(setup.port, 'hello\n');
    seen.silent = await probe(setup.port);
  });
  // Whether the client's bytes reach nginx before it closes is a race: unread bytes make the close a reset (seen in a
  // lab run), otherwise it is an EOF (seen here too). A client that sent nothing always gets the EOF.
  assert.ok(['ECONNRESET', 'eof'].includes(seen.sent.how), JSON.stringify(seen));
  assert.equal(seen.silent.how, 'eof', JSON.stringify(seen));
  for (const v of Object.values(seen)) assert.ok(v.bytes === 0 && v.ms < 1000, JSON.stringify(seen));
  assert.ok(logs.errorLog.split('\n').filter((l) => l.includes(NGX_LOG.refused)).length >= 2, logs.errorLog);
  const doc = nginxDirectiveDoc('proxy_pass', 'stream')!;
  assert.match(doc.failure, /clients see a reset or an immediate EOF, not a 502\/504/);
  assert.ok(doc.logLines.includes(NGX_LOG.refused));
});

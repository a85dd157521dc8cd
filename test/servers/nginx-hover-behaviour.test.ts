// Hover claims about what nginx does at run time that an audit against the real nginx 1.22.1 found wrong or only half
// true. Each test runs the situation on the real server and then checks that the hover says what the server did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { nginxDirectiveDoc } from '../../server/src/core/docs/directive-doc';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { requireBinary, ROOT } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { freePort } from './harness/ports';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `conf` on the real nginx, calls `fn` with its first port, and returns the error and access logs afterwards. */
async function onNginx(conf: string, fn: (port: number) => Promise<void>): Promise<{ errorLog: string; accessLog: string }> {
  const setup = await prepareNginx(conf);
  const nginx = await startNginx(setup);
  try {
    await fn(setup.port);
    await sleep(200); // the access log line is written as the request ends
    return { errorLog: nginx.errorLog(), accessLog: readFileSync(join(setup.dir, 'logs', 'access.log'), 'utf8') };
  } finally {
    await nginx.stop();
    setup.cleanup();
  }
}

test('*_bind to an address the host does not have: 500 and a [crit] bind() line, no other server tried (real nginx)', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', deadlineMs: 20_000 });
  const statuses: unknown[] = [];
  try {
    // 192.0.2.77 (TEST-NET-1) is configured on no host; the group has a second server nginx could fail over to.
    const logs = await onNginx(
      `http {\n    upstream app { server ${backend.address}; server ${backend.address}; }\n    server {\n        listen 127.0.0.1:8000;\n        location / {\n            proxy_bind 192.0.2.77;\n            proxy_pass http://app;\n        }\n    }\n}\n`,
      async (port) => {
        statuses.push((await request({ port })).status);
      },
    );
    assert.deepEqual(statuses, [500], logs.errorLog);
    assert.match(logs.errorLog, new RegExp(`\\[crit\\] .*${NGX_LOG.bindFailed.replace(/[()]/g, '\\$&')}`));
    assert.equal(logs.errorLog.split('bind(').length - 1, 1, 'one attempt only: the failure is not passed to the next server');
    assert.equal(backend.requests.length, 0);
  } finally {
    await backend.stop();
  }
  for (const m of ['proxy', 'fastcgi', 'grpc']) {
    const doc = nginxDirectiveDoc(`${m}_bind`)!;
    assert.match(doc.failure, /\*\*500\*\*/, `${m}_bind`);
    assert.doesNotMatch(doc.failure, /clients get \*\*502\*\*/, `${m}_bind`);
    assert.ok(doc.statusCodes.includes('500') && !doc.statusCodes.includes('502'), `${m}_bind: ${doc.statusCodes}`);
    assert.ok(doc.logLines.includes(NGX_LOG.bindFailed), `${m}_bind`);
  }
});

/** Runs netns/kernel-limits.ts in a private network namespace (its own TCP settings; the machine's stay as they are). */
function kernelLimits(): { backend: string; errorLog: string; http: { status: unknown; ms: number }; stream: { closedAfterMs: number; bytes: number }; ports: { status: unknown } } {
  const r = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" --import tsx test/servers/netns/kernel-limits.ts', process.execPath], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  assert.ok(last.startsWith('{'), `netns run failed: ${r.stdout}\n${r.stderr}`);
  return JSON.parse(last);
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const lines = (log: string, re: RegExp) => log.split('\n').filter((l) => re.test(l));

test('the kernel gives up on the handshake before *_connect_timeout: 502 connect() failed (110), not 504; and the port-exhaustion line (real nginx, private netns)', { skip: asRoot ? false : 'needs root for unshare -n and the namespace sysctls' }, () => {
  requireBinary('unshare');
  requireBinary('ip');
  const o = kernelLimits();
  // tcp_syn_retries 1: the kernel stops after ~3 s, long before proxy_connect_timeout 10s.
  assert.equal(o.http.status, 502, o.errorLog);
  assert.ok(o.http.ms < 9000, `answered after ${o.http.ms} ms`);
  assert.equal(lines(o.errorLog, /GET \/hole/).filter((l) => l.includes(NGX_LOG.kernelConnectTimeout)).length, 1, o.errorLog);
  assert.doesNotMatch(o.errorLog, /upstream timed out/);
  // The stream module: the client connection is closed after the same wait, with the same line.
  assert.ok(o.stream.closedAfterMs < 9000 && o.stream.bytes === 0, JSON.stringify(o.stream));
  assert.ok(lines(o.errorLog, /bytes from\/to client/).some((l) => l.includes(NGX_LOG.kernelConnectTimeout)), o.errorLog);
  // No local port left toward the backend: connect() fails at once, logged at crit in the "connect() to <addr>" form.
  assert.equal(o.ports.status, 502, o.errorLog);
  const exhausted = NGX_LOG.portsExhausted.replace('127.0.0.1:8080', o.backend);
  assert.ok(lines(o.errorLog, /\[crit\] .*GET \/silent/).some((l) => l.includes(exhausted)), o.errorLog);

  for (const m of ['proxy', 'fastcgi', 'grpc']) {
    const doc = nginxDirectiveDoc(`${m}_connect_timeout`)!;
    assert.doesNotMatch(doc.failure, /usually abandons a TCP handshake after about 75 seconds/, `${m}_connect_timeout`);
    assert.match(doc.failure, /130 s[^.]*Linux/, `${m}_connect_timeout`);
    assert.match(doc.failure, /\*\*502\*\* `connect\(\) failed \(110: Connection timed out\)`/, `${m}_connect_timeout`);
  }
  const stream = nginxDirectiveDoc('proxy_connect_timeout', 'stream')!;
  assert.doesNotMatch(stream.failure, /roughly 75 seconds/);
  assert.ok(stream.logLines.includes(NGX_LOG.kernelConnectTimeout));
  for (const name of ['proxy_http_version', 'fastcgi_keep_conn']) {
    const doc = nginxDirectiveDoc(name)!;
    assert.ok(doc.logLines.includes(NGX_LOG.portsExhausted), name);
    assert.ok(!(doc.expectedLogLines ?? []).some((l) => l.startsWith('connect() failed (99')), `${name} still quotes the wrong form`);
  }
});

/** A FastCGI record (version 1, request id 1). */
function fcgiRecord(type: number, content: Buffer): Buffer {
  const pad = (8 - (content.length % 8)) % 8;
  const head = Buffer.from([1, type, 0, 1, content.length >> 8, content.length & 0xff, pad, 0]);
  return Buffer.concat([head, content, Buffer.alloc(pad)]);
}

test('a FastCGI worker that dies mid-request: 502 "prematurely closed connection" (or a reset); "FastCGI stdout" only for a request ended in order without header (real nginx)', async () => {
  // Once the request is complete (empty FCGI_STDIN record) the responder does what the path says: /close as a killed
  // worker whose socket the kernel closes, /reset as one whose socket is reset, /ended as a server that ends stdout and
  // the request properly without having written a header.
  const responder = createServer((s) => {
    let buf = Buffer.alloc(0);
    s.on('error', () => undefined);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const text = buf.toString('latin1');
      if (!text.includes('\x01\x05\x00\x01\x00\x00')) return;
      const mode = /\/(close|reset|ended)/.exec(text)?.[1];
      if (mode === 'close') s.end();
      else if (mode === 'reset') s.resetAndDestroy();
      else s.end(Buffer.concat([fcgiRecord(6, Buffer.alloc(0)), fcgiRecord(3, Buffer.alloc(8))]));
    });
  });
  await new Promise<void>((r) => responder.listen(0, '127.0.0.1', () => r()));
  const statuses: Record<string, unknown> = {};
  let logs: { errorLog: string };
  try {
    const fport = (responder.address() as AddressInfo).port;
    logs = await onNginx(`http {\n    server {\n        listen 127.0.0.1:8000;\n        location / {\n            fastcgi_param REQUEST_URI $request_uri;\n            fastcgi_pass 127.0.0.1:${fport};\n        }\n    }\n}\n`, async (port) => {
      for (const p of ['close', 'reset', 'ended']) statuses[p] = (await request({ port, path: `/${p}` })).status;
    });
  } finally {
    await new Promise((r) => responder.close(r));
  }
  assert.deepEqual(statuses, { close: 502, reset: 502, ended: 502 }, logs.errorLog);
  const line = (p: string) => logs.errorLog.split('\n').find((l) => l.includes(`GET /${p} `) && l.includes('[error]')) ?? '';
  assert.ok(line('close').includes(NGX_LOG.premature), line('close'));
  assert.ok(line('reset').includes(NGX_LOG.resetBeforeHeader), line('reset'));
  assert.ok(line('ended').includes(NGX_LOG.fcgiStdoutClosed), line('ended'));

  const doc = nginxDirectiveDoc('fastcgi_pass')!;
  assert.ok(doc.logLines.includes(NGX_LOG.premature) && doc.logLines.includes(NGX_LOG.resetBeforeHeader));
  assert.ok(!(doc.expectedLogLines ?? []).includes(NGX_LOG.fcgiStdoutClosed), 'the FastCGI stdout line is not what a killed worker gives');
  assert.match(doc.failure, /killing a slow worker[^\n]*upstream prematurely closed connection/);
});

test('client_header_timeout: nginx closes without answering; 408 only in the access log, and nothing at all for a silent connection (real nginx)', async () => {
  /** Sends `data`, then waits for the server to close: how long it took and how many bytes came back. */
  const sendAndWait = (port: number, data: string) =>
    new Promise<{ ms: number; bytes: number }>((resolve) => {
      const t0 = Date.now();
      let bytes = 0;
      const s = connect({ port, host: '127.0.0.1' }, () => s.write(data));
      s.on('data', (d) => (bytes += d.length));
      s.on('error', () => undefined);
      s.on('close', () => resolve({ ms: Date.now() - t0, bytes }));
      setTimeout(() => s.destroy(), 5000);
    });
  const seen: { partial?: { ms: number; bytes: number }; silent?: { ms: number; bytes: number } } = {};
  const logs = await onNginx(`http {\n    server {\n        listen 127.0.0.1:8000;\n        client_header_timeout 1s;\n        location / { return 204; }\n    }\n}\n`, async (port) => {
    seen.partial = await sendAndWait(port, 'GET /partial HTTP/1.1\r\nHost: x\r\n');
    seen.silent = await sendAndWait(port, '');
  });
  for (const [k, v] of Object.entries(seen)) {
    assert.ok(v.ms >= 900 && v.ms < 4000, `${k}: closed after ${v.ms} ms`);
    assert.equal(v.bytes, 0, `${k}: nginx sent something`);
  }
  const accessLines = logs.accessLog.trim().split('\n').filter(Boolean);
  assert.equal(accessLines.length, 1, logs.accessLog);
  assert.match(accessLines[0], /"GET \/partial HTTP\/1\.1" 408 0 /);

  const doc = nginxDirectiveDoc('client_header_timeout')!;
  assert.doesNotMatch(doc.failure, /the request ends with \*\*408\*\*/);
  assert.match(doc.failure, /without sending anything/);
  assert.match(doc.failure, /access log/);
});

// Claims the audit found right, pinned where it is cheap.

test('auth_request: an auth service that is down or sends too big a header gives the user 500, logged as "auth request unexpected status: 502" (real nginx)', async () => {
  const app = await startHttpStandin({ behaviour: 'ok', deadlineMs: 20_000 });
  const big = await startHttpStandin({ behaviour: 'big-header', headerKiB: 12, deadlineMs: 20_000 });
  const down = await freePort();
  const statuses: unknown[] = [];
  try {
    const logs = await onNginx(
      `http {\n    server {\n        listen 127.0.0.1:8000;\n        location /down/ { auth_request /auth-down; proxy_pass http://${app.address}; }\n        location /big/ { auth_request /auth-big; proxy_pass http://${app.address}; }\n        location = /auth-down { internal; proxy_pass http://127.0.0.1:${down}; }\n        location = /auth-big { internal; proxy_pass http://${big.address}; }\n    }\n}\n`,
      async (port) => {
        for (const p of ['/down/', '/big/']) statuses.push((await request({ port, path: p })).status);
      },
    );
    assert.deepEqual(statuses, [500, 500], logs.errorLog);
    assert.equal(logs.errorLog.split(NGX_LOG.authUnexpected).length - 1, 2, logs.errorLog);
    assert.ok(logs.errorLog.includes(NGX_LOG.refused) && logs.errorLog.includes(NGX_LOG.tooBig), logs.errorLog);
    assert.equal(app.requests.length, 0, 'the protected backend is never asked');
  } finally {
    await app.stop();
    await big.stop();
  }
  const doc = nginxDirectiveDoc('auth_request')!;
  assert.deepEqual(doc.statusCodes, ['500']);
  assert.ok(doc.logLines.includes(NGX_LOG.authUnexpected));
});

test('*_next_upstream_timeout stops further tries but does not cut short the attempt in progress (real nginx)', async () => {
  const silent = await startHttpStandin({ behaviour: 'silent', deadlineMs: 20_000 });
  const ok = await startHttpStandin({ behaviour: 'ok', deadlineMs: 20_000 });
  let r: Awaited<ReturnType<typeof request>> | undefined;
  try {
    // The silent server is tried first (round robin starts with the first one); read timeout 1s, retry budget 300ms.
    const logs = await onNginx(
      `http {\n    upstream app { server ${silent.address}; server ${ok.address}; }\n    server {\n        listen 127.0.0.1:8000;\n        location / {\n            proxy_read_timeout 1s;\n            proxy_next_upstream_timeout 300ms;\n            proxy_pass http://app;\n        }\n    }\n}\n`,
      async (port) => {
        r = await request({ port });
      },
    );
    assert.equal(r!.status, 504, logs.errorLog);
    assert.ok(r!.ms >= 950, `answered after ${r!.ms} ms: the running attempt was cut short`);
    assert.equal(ok.requests.length, 0, 'a further server was tried after the budget ran out');
  } finally {
    await silent.stop();
    await ok.stop();
  }
  assert.match(nginxDirectiveDoc('proxy_next_upstream_timeout')!.failure, /does not cut short the attempt in progress/);
});

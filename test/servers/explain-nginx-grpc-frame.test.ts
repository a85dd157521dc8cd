// "upstream sent too large http2 frame: N" on a real nginx (Debian 1.22.1) from gRPC backends that do speak HTTP/2 but
// send frames over 16384 bytes, the most nginx's gRPC module accepts (NGX_HTTP_V2_DEFAULT_FRAME_SIZE). N is the
// frame's own length here, and grpc_buffer_size does not lift the limit. Before the response header the client gets
// 502; after it, a 200 whose stream nginx resets. A 16384-byte frame passes. (explain-nginx-grpc.test.ts has the
// HTTP/1 backend, whose "HTT" reads as 4740180.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as h2connect } from 'node:http2';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { requireBinary, runCli } from '../helpers';
import { prepareNginx, startNginx } from './harness/nginx';

requireBinary('nginx');

function frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream, 5);
  return Buffer.concat([h, payload]);
}
const SETTINGS = frame(4, 0, 0, Buffer.alloc(0));
// HPACK: ":status: 200" (static index 8), "content-type: application/grpc" (literal, static name 31).
const RESPONSE_HEADER = frame(1, 0x4, 1, Buffer.concat([Buffer.from([0x88, 0x5f, 16]), Buffer.from('application/grpc')]));
// Trailers "grpc-status: 0" (literal, new name), ending the stream.
const TRAILERS = frame(1, 0x5, 1, Buffer.concat([Buffer.from([0x00, 11]), Buffer.from('grpc-status'), Buffer.from([1]), Buffer.from('0')]));

/**
 * A raw HTTP/2 backend: once nginx has sent its preface and request, it answers with `first`, then `later` 200 ms
 * after (a separate read for nginx). Node's own http2 server keeps to the peer's frame size, so it cannot stand in.
 */
async function backend(first: Buffer[], later: Buffer[] = []): Promise<{ address: string; close(): void }> {
  const server = createServer((s: Socket) => {
    let answered = false;
    s.on('error', () => undefined);
    s.on('data', () => {
      if (answered) return;
      answered = true;
      s.write(Buffer.concat([SETTINGS, ...first]));
      if (later.length) setTimeout(() => s.writable && s.write(Buffer.concat(later)), 200);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

/** One gRPC-like call through nginx: the status, the body bytes and the HTTP/2 code the stream ended with. */
function call(port: number, path: string): Promise<{ status: number; bytes: number; rst: number }> {
  return new Promise((resolve, reject) => {
    const session = h2connect(`http://127.0.0.1:${port}`);
    const timer = setTimeout(() => (session.destroy(), reject(new Error('no answer in 10 s'))), 10_000);
    session.on('error', reject);
    const req = session.request({ ':path': path, ':method': 'POST', 'content-type': 'application/grpc', te: 'trailers' });
    let status = 0;
    let bytes = 0;
    req.on('response', (h) => (status = Number(h[':status'])));
    req.on('data', (d: Buffer) => (bytes += d.length));
    req.on('error', () => undefined);
    req.on('close', () => {
      clearTimeout(timer);
      session.close();
      resolve({ status, bytes, rst: req.rstCode ?? -1 });
    });
    req.end('x');
  });
}

interface EntryJson {
  id: string;
  status: string;
  meaning: string;
  fields: { path?: string };
}

test('gRPC backends sending frames over 16384 bytes: what the client gets, the log line, and explain on it (real nginx)', async () => {
  const early = await backend([frame(0, 0, 1, Buffer.alloc(32768))]);
  const late = await backend([RESPONSE_HEADER, frame(0, 0, 1, Buffer.alloc(100))], [frame(0, 0, 1, Buffer.alloc(20000))]);
  const limit = await backend([RESPONSE_HEADER, frame(0, 0, 1, Buffer.alloc(16384)), TRAILERS]);
  const setup = await prepareNginx(`http {
    server {
        listen 127.0.0.1:8000 http2;
        location /early/ { grpc_pass grpc://${early.address}; }
        location /buffer/ { grpc_buffer_size 1m; grpc_pass grpc://${early.address}; }
        location /late/ { grpc_pass grpc://${late.address}; }
        location /limit/ { grpc_pass grpc://${limit.address}; }
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    const got = {
      early: await call(setup.port, '/early/Svc/Call'),
      buffer: await call(setup.port, '/buffer/Svc/Call'),
      late: await call(setup.port, '/late/Svc/Call'),
      limit: await call(setup.port, '/limit/Svc/Call'),
    };
    await new Promise((r) => setTimeout(r, 300));
    const log = nginx.errorLog();
    assert.equal(got.early.status, 502, log);
    assert.equal(got.buffer.status, 502, log);
    // The header went out before the long frame: 200 and the first 100 bytes, then RST_STREAM INTERNAL_ERROR (2).
    assert.deepEqual(got.late, { status: 200, bytes: 100, rst: 2 }, log);
    // Exactly 16384 bytes is within the limit: the whole answer, a clean end (NO_ERROR).
    assert.deepEqual(got.limit, { status: 200, bytes: 16384, rst: 0 }, log);

    assert.match(log, /\[error\] .*upstream sent too large http2 frame: 32768 while reading response header from upstream, .*"POST \/early\/Svc\/Call HTTP\/2\.0"/);
    assert.match(log, /\[error\] .*upstream sent too large http2 frame: 32768 while reading response header from upstream, .*"POST \/buffer\/Svc\/Call HTTP\/2\.0"/);
    assert.match(log, /\[error\] .*upstream sent too large http2 frame: 20000 while reading upstream, .*"POST \/late\/Svc\/Call HTTP\/2\.0"/);
    assert.doesNotMatch(log, /\/limit\//);

    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as { explained: EntryJson[] };
    const at = (path: string) => j.explained.find((e) => e.fields.path === path && e.id !== 'nginx-server-disabled');
    const e = at('/early/Svc/Call');
    assert.equal(e?.id, 'nginx-grpc-frame-too-large', JSON.stringify(j.explained, null, 1));
    assert.equal(e!.status, '502');
    assert.match(e!.meaning, /at most 16384 bytes/);
    assert.match(e!.meaning, /grpc_buffer_size does not change it/);
    assert.match(e!.meaning, /32768 is not text: an HTTP\/2 backend sending a 32768-byte frame/);
    const l = at('/late/Svc/Call');
    assert.equal(l?.id, 'nginx-grpc-frame-too-large-body', JSON.stringify(j.explained, null, 1));
    assert.equal(l!.status, 'response cut short (200 already sent)');
    assert.match(l!.meaning, /RST_STREAM INTERNAL_ERROR/);
  } finally {
    await nginx.stop();
    early.close();
    late.close();
    limit.close();
    setup.cleanup();
  }
});

// gRPC requests are never passed to another server once nginx has begun to send them: grpc_pass streams every
// request body (there is no grpc_request_buffering), and ngx_http_upstream_next stops at `request_sent &&
// request_body_no_buffering` whatever grpc_next_upstream lists. On a real nginx (Debian 1.22.1), groups of two with
// `grpc_next_upstream error timeout invalid_header non_idempotent`: a first server that closes the connection after the
// request, or resets the request's HTTP/2 stream (RST_STREAM, "upstream rejected request with error 2"), gives the
// client 502 with the healthy second server untried. explain used to hedge ("502 if nginx tried no other server"),
// and knew nothing of the RST_STREAM line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createServer, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { requireBinary, runCli } from '../helpers';
import { h2request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

/** One gRPC-like POST (a body, content-type application/grpc): the status nginx answered. */
const grpcCall = (port: number, path: string) => h2request(port, path, 'POST', { 'content-type': 'application/grpc' }, 'x');

/** An HTTP/2 backend that answers 200 (or `status`), or resets every stream with INTERNAL_ERROR. */
async function h2backend(reset: boolean, status = 200): Promise<{ server: Http2Server; address: string; streams: number }> {
  const server = createServer();
  const st = { server, address: '', streams: 0 };
  server.on('stream', (stream) => {
    st.streams++;
    stream.on('error', () => undefined);
    if (reset) return void stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    stream.respond({ ':status': status, 'content-type': 'application/grpc' });
    stream.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  st.address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return st;
}

interface EntryJson {
  id: string;
  fields: { path?: string };
  outcome: { status: string | null; final: boolean; why: string } | null;
}

test('explain: a gRPC request nginx began to send is not passed to another server, so its 502 is sure (real nginx)', async () => {
  const closer = await startHttpStandin({ behaviour: 'close', deadlineMs: 30_000 });
  const rst = await h2backend(true);
  const ok = await h2backend(false);
  const setup = await prepareNginx(`http {
    upstream closes { server ${closer.address}; server ${ok.address}; }
    upstream resets { server ${rst.address}; server ${ok.address}; }
    server {
        listen 127.0.0.1:8000 http2;
        grpc_next_upstream error timeout invalid_header non_idempotent;
        location /c/ { grpc_pass grpc://closes; }
        location /r/ { grpc_pass grpc://resets; }
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    // The first request to each group goes to its first server (round robin from the start).
    const got = { c: await grpcCall(setup.port, '/c/Svc/Call'), r: await grpcCall(setup.port, '/r/Svc/Call') };
    await new Promise((r) => setTimeout(r, 300));
    const log = nginx.errorLog();
    assert.deepEqual(got, { c: 502, r: 502 }, log);
    assert.equal(ok.streams, 0, 'the healthy second server was never tried');
    assert.match(log, /\[error\] .*upstream rejected request with error 2 while reading response header from upstream, .*request: "POST \/r\/Svc\/Call HTTP\/2\.0", upstream: "grpc:\/\//);

    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as { explained: EntryJson[]; requests: { request: string | null; outcome: EntryJson['outcome'] }[] };
    const r = j.explained.find((e) => e.fields.path === '/r/Svc/Call' && e.id !== 'nginx-server-disabled');
    assert.equal(r?.id, 'nginx-grpc-rejected', JSON.stringify(j.explained, null, 1));
    // Each failure is logged with the "temporarily disabled" line after it: one request of two lines each.
    for (const path of ['/c/Svc/Call', '/r/Svc/Call']) {
      const req = j.requests.find((x) => x.request?.includes(path));
      assert.ok(req, JSON.stringify(j.requests, null, 1));
      assert.deepEqual({ status: req!.outcome?.status, final: req!.outcome?.final }, { status: '502', final: true }, JSON.stringify(req));
      assert.match(req!.outcome!.why, /grpc_pass streams the request/);
    }
  } finally {
    await nginx.stop();
    await closer.stop();
    for (const b of [rst, ok]) await new Promise((r) => b.server.close(r));
    setup.cleanup();
  }
});

// failover-ignores-5xx used to advise adding http_502 http_503 http_504 to grpc_next_upstream. Listed, they change
// nothing: the 503 of the first server reaches the client, the request is not passed on, and the server is not
// counted as failed (max_fails 1): it gets its next turn of the round robin again.
test('grpc_next_upstream http_503 neither passes a 503 on nor takes the server out (real nginx)', async () => {
  const busy = await h2backend(false, 503);
  const ok = await h2backend(false);
  const setup = await prepareNginx(`http {
    upstream g { server ${busy.address}; server ${ok.address}; }
    server {
        listen 127.0.0.1:8000 http2;
        location / {
            grpc_next_upstream error timeout http_503 non_idempotent;
            grpc_pass grpc://g;
        }
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    const got = [await grpcCall(setup.port, '/Svc/Call'), await grpcCall(setup.port, '/Svc/Call'), await grpcCall(setup.port, '/Svc/Call')];
    assert.deepEqual(got, [503, 200, 503], nginx.errorLog());
    assert.equal(busy.streams, 2);
    assert.equal(ok.streams, 1);
  } finally {
    await nginx.stop();
    for (const b of [busy, ok]) await new Promise((r) => b.server.close(r));
    setup.cleanup();
  }
});

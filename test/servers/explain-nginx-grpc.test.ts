// `proxylint explain` on grpc_pass failures of a real nginx (Debian 1.22.1), reached by an HTTP/2 client with prior
// knowledge (as gRPC clients are): a backend that speaks HTTP/1.1 makes nginx read "HTT" as the length of an HTTP/2
// frame, and a backend that closes at once ends the request there. Both are literal addresses: one server, so
// what the client got is sure, and said the same way for both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { h2request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

interface EntryJson {
  id: string;
  status: string;
  meaning: string;
  fields: { path?: string };
  outcome: { status: string | null; final: boolean; why: string } | null;
}

test('explain: grpc_pass to an HTTP/1 backend ("too large http2 frame") and to one that closes, on a real nginx', async () => {
  const http1 = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const closer = await startHttpStandin({ behaviour: 'close', deadlineMs: 30_000 });
  const setup = await prepareNginx(`http {
    server {
        listen 127.0.0.1:8000 http2;
        location /h1 { grpc_pass grpc://${http1.address}; }
        location /closer { grpc_pass ${closer.address}; }
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    const got = { h1: await h2request(setup.port, '/h1'), closer: await h2request(setup.port, '/closer') };
    await new Promise((r) => setTimeout(r, 300));
    const log = nginx.errorLog();
    assert.deepEqual(got, { h1: 502, closer: 502 }, log);
    // 4740180 = 0x485454: "HTT", the start of the backend's status line.
    assert.match(log, /\[error\] .*upstream sent too large http2 frame: 4740180 while reading response header from upstream, .*request: "GET \/h1 HTTP\/2\.0", upstream: "grpc:\/\//);

    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as { explained: EntryJson[] };
    const h1 = j.explained.find((e) => e.fields.path === '/h1');
    assert.equal(h1?.id, 'nginx-grpc-frame-too-large', JSON.stringify(j.explained, null, 1));
    assert.equal(h1!.status, '502');
    assert.match(h1!.meaning, /does not speak HTTP\/2/);
    assert.deepEqual({ status: h1!.outcome?.status, final: h1!.outcome?.final }, { status: '502', final: true });
    // The closer's line, whatever its kind: a literal address is one server, with no keep-alive to reuse.
    const closed = j.explained.filter((e) => e.fields.path === '/closer' && e.id !== 'nginx-server-disabled');
    assert.equal(closed.length, 1, JSON.stringify(j.explained, null, 1));
    assert.deepEqual({ status: closed[0].outcome?.status, final: closed[0].outcome?.final, why: closed[0].outcome?.why }, { status: '502', final: true, why: 'the request had one server to go to' });
    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]).stdout;
    assert.doesNotMatch(text, /if no other server of the group was tried/);
  } finally {
    await nginx.stop();
    await Promise.all([http1.stop(), closer.stop()]);
    setup.cleanup();
  }
});

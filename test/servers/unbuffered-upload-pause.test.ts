// With *_request_buffering off nginx streams the upload to the backend, and it is tempting to think that a client
// pausing mid-body then runs out *_send_timeout (504). It does not: nginx arms the backend's write timer only while the
// backend's socket is full (request_body_blocked); while it waits for more body from the client, the client's own
// client_body_timeout is the only timer (408). The hovers of the three directives say so; this pins it on the real nginx.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nginxDirectiveDoc } from '../../server/src/core/docs/directive-doc';
import { requireBinary } from '../helpers';
import { prepareNginx, startNginx } from './harness/nginx';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

const TOTAL = 20_000;
const FIRST = 4_000;

/** POSTs TOTAL bytes: FIRST of them, a pause, the rest. Resolves with the status line's code, or "no-response". */
function pausedUpload(port: number, pauseMs: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(guard);
      s.destroy();
      resolve(/^HTTP\/1\.\d (\d+)/.exec(Buffer.concat(chunks).toString('latin1'))?.[1] ?? 'no-response');
    };
    const guard = setTimeout(finish, 15_000);
    s.on('connect', () => {
      s.write(`POST /up HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: ${TOTAL}\r\n\r\n` + 'x'.repeat(FIRST));
      setTimeout(() => !s.destroyed && s.write('x'.repeat(TOTAL - FIRST)), pauseMs);
    });
    s.on('data', (d) => chunks.push(d));
    s.on('close', finish);
    s.on('error', finish);
  });
}

async function run(timeouts: string): Promise<{ status: string; errorLog: string; accessLog: string; bodyBytes: number[] }> {
  const backend = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const setup = await prepareNginx(`http {\n    server {\n        listen 127.0.0.1:8000;\n        location / {\n            proxy_request_buffering off;\n            ${timeouts}\n            proxy_pass http://${backend.address};\n        }\n    }\n}\n`);
  const nginx = await startNginx(setup);
  try {
    const status = await pausedUpload(setup.port, 2500);
    await new Promise((r) => setTimeout(r, 200)); // the access log line is written as the request ends
    return { status, errorLog: nginx.errorLog(), accessLog: readFileSync(join(setup.dir, 'logs', 'access.log'), 'utf8'), bodyBytes: backend.requests.map((r) => r.bodyBytes) };
  } finally {
    await nginx.stop();
    await backend.stop();
    setup.cleanup();
  }
}

test('request buffering off: a client pausing 2.5 s mid-upload is not cut by proxy_send_timeout 1s (200), but by client_body_timeout 1s (408) (real nginx)', async () => {
  const slowClient = await run('proxy_send_timeout 1s;\n            client_body_timeout 10s;');
  assert.equal(slowClient.status, '200', slowClient.errorLog);
  assert.deepEqual(slowClient.bodyBytes, [TOTAL], 'the backend got the whole body');
  assert.doesNotMatch(slowClient.errorLog, /while sending request to upstream/);

  const clientTimer = await run('proxy_send_timeout 10s;\n            client_body_timeout 1s;');
  assert.equal(clientTimer.status, 'no-response', 'nginx closes the connection without an answer');
  assert.match(clientTimer.accessLog, /"POST \/up HTTP\/1\.1" 408 /);
  assert.doesNotMatch(clientTimer.errorLog, /while sending request to upstream/);
});

test('the hovers do not promise a 504 for slow uploads with request buffering off', () => {
  const body = nginxDirectiveDoc('client_body_timeout', 'location')!;
  assert.match(body.failure, /408/);
  assert.doesNotMatch(body.failure, /504/);
  for (const name of ['proxy_request_buffering', 'proxy_send_timeout', 'fastcgi_request_buffering', 'fastcgi_send_timeout']) {
    const doc = nginxDirectiveDoc(name, 'location')!;
    assert.ok(doc, name);
    assert.doesNotMatch(doc.failure, /slow (upload|client)[^.]*(504|stall)/i, `${name}: ${doc.failure}`);
    assert.match(doc.failure, /client_body_timeout/, `${name} says which timer a pausing client meets`);
  }
});

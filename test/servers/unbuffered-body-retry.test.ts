// With proxy_request_buffering off, ngx_http_upstream_next and ngx_http_upstream_test_next stop at `request_sent &&
// request_body_no_buffering`, before they look at what *_next_upstream lists: neither `non_idempotent` nor
// `http_502 http_503 http_504` makes nginx pass an upload on to the next server once it began sending it, and a 5xx
// answer to such a request is not even counted towards max_fails. Requests whose whole body came with the headers
// (nginx then turns request_body_no_buffering back off) and requests without a body are retried as usual. The rules
// unbuffered-body-disables-retry, failover-ignores-5xx and non-idempotent-retry and the hovers of
// proxy_request_buffering and proxy_next_upstream rely on this; it is pinned here on the real nginx (Debian 1.22.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nginxDirectiveDoc } from '../../server/src/core/docs/directive-doc';
import { lintText, requireBinary } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { startHttpStandin, type HttpStandinOptions } from './standins/http';

requireBinary('nginx');

/** Larger than what nginx reads with the request header (client_header_buffer_size 1k): the body is still arriving. */
const UPLOAD = 200 * 1024;

interface Outcome {
  status: number | string;
  /** Requests the first (failing) server and the second (healthy) one received. */
  first: number;
  second: number;
  errorLog: string;
}

/** A group of two, the first server failing as `first` says; one request; which server got it. */
async function once(first: HttpStandinOptions, buffering: 'on' | 'off', nextUpstream: string, method: string, bodyBytes: number): Promise<Outcome> {
  const a = await startHttpStandin({ deadlineMs: 20_000, ...first });
  const b = await startHttpStandin({ behaviour: 'ok', deadlineMs: 20_000 });
  const setup = await prepareNginx(
    `http {\n    upstream two {\n        server ${a.address};\n        server ${b.address};\n    }\n    server {\n        listen 127.0.0.1:8000;\n        location / {\n` +
      `            proxy_pass http://two;\n            proxy_http_version 1.1;\n            proxy_request_buffering ${buffering};\n            proxy_read_timeout 1s;\n            proxy_next_upstream ${nextUpstream};\n        }\n    }\n}\n`,
  );
  const nginx = await startNginx(setup);
  try {
    const r = await request({ port: setup.port, path: '/x', method, bodyBytes: bodyBytes || undefined });
    return { status: r.status, first: a.requests.length, second: b.requests.length, errorLog: nginx.errorLog() };
  } finally {
    await nginx.stop();
    await a.stop();
    await b.stop();
    setup.cleanup();
  }
}

const NON_IDEMPOTENT = 'error timeout non_idempotent';
const FIVE_XX = 'error timeout http_502 http_503 http_504 non_idempotent';

test('request buffering off: an upload POST is not passed on after a failure, even with non_idempotent (real nginx)', async () => {
  const closed = await once({ behaviour: 'close' }, 'off', NON_IDEMPOTENT, 'POST', UPLOAD);
  assert.deepEqual([closed.status, closed.first, closed.second], [502, 1, 0], closed.errorLog);
  assert.match(closed.errorLog, /upstream prematurely closed connection while reading response header from upstream/);

  const slow = await once({ behaviour: 'ok', delayMs: 3000 }, 'off', NON_IDEMPOTENT, 'POST', UPLOAD);
  assert.deepEqual([slow.status, slow.first, slow.second], [504, 1, 0], slow.errorLog);

  // The same POST with buffering on: non_idempotent passes it on, and both servers got it.
  const buffered = await once({ behaviour: 'close' }, 'on', NON_IDEMPOTENT, 'POST', UPLOAD);
  assert.deepEqual([buffered.status, buffered.first, buffered.second], [200, 1, 1], buffered.errorLog);

  // A small POST arrives whole with its header: nginx buffers it anyway, and non_idempotent still sends it twice.
  const small = await once({ behaviour: 'close' }, 'off', NON_IDEMPOTENT, 'POST', 10);
  assert.deepEqual([small.status, small.first, small.second], [200, 1, 1], small.errorLog);
});

test('request buffering off: a 502/503/504 answer to an upload reaches the client whatever proxy_next_upstream lists, and does not count towards max_fails (real nginx)', async () => {
  for (const code of [502, 503, 504]) {
    for (const method of ['PUT', 'POST']) {
      const o = await once({ behaviour: 'ok', status: code }, 'off', FIVE_XX, method, UPLOAD);
      assert.deepEqual([o.status, o.first, o.second], [code, 1, 0], `${method} answered ${code}:\n${o.errorLog}`);
      assert.doesNotMatch(o.errorLog, /upstream server temporarily disabled/, `${method} ${code}: not counted as a failure`);
    }
  }
  // Controls: the same PUT with buffering on, and a GET without a body with buffering off, go on to the second server.
  const buffered = await once({ behaviour: 'ok', status: 503 }, 'on', FIVE_XX, 'PUT', UPLOAD);
  assert.deepEqual([buffered.status, buffered.first, buffered.second], [200, 1, 1], buffered.errorLog);
  assert.match(buffered.errorLog, /upstream server temporarily disabled while reading response header from upstream/);
  const get = await once({ behaviour: 'ok', status: 503 }, 'off', FIVE_XX, 'GET', 0);
  assert.deepEqual([get.status, get.first, get.second], [200, 1, 1], get.errorLog);
});

test('the hovers say that non_idempotent and http_5xx do not bring back retries of unbuffered uploads', () => {
  for (const family of ['proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    const buffering = nginxDirectiveDoc(`${family}_request_buffering`, 'location')!;
    assert.match(buffering.failure, /non_idempotent/, `${family}_request_buffering`);
    assert.match(buffering.failure, /max_fails/, `${family}_request_buffering`);
    assert.match(buffering.failure, /without a body|with the headers/, `${family}_request_buffering: what is still retried`);
    const next = nginxDirectiveDoc(`${family}_next_upstream`, 'location')!;
    assert.match(next.failure, new RegExp(`${family}_request_buffering off`), `${family}_next_upstream`);
  }
});

test('the retry rules say what request buffering off leaves out', () => {
  const conf = (buffering: string) =>
    `http {\n    upstream two {\n        server 10.0.0.1:8080;\n        server 10.0.0.2:8080;\n    }\n    server {\n        listen 80;\n        location /upload/ {\n${buffering}            proxy_pass http://two;\n        }\n    }\n}\n`;
  const messages = (text: string, id: string) => lintText(text).findings.filter((f) => f.ruleId === id).map((f) => f.message);

  const unbuffered = conf('            proxy_request_buffering off;\n');
  const [fiveXx] = messages(unbuffered, 'failover-ignores-5xx');
  assert.match(fiveXx, /proxy_request_buffering off here, listing the codes helps only requests without a body/);
  const [disables] = messages(unbuffered, 'unbuffered-body-disables-retry');
  assert.match(disables, /or the 500\/502\/503\/504 it answered, whatever proxy_next_upstream lists \(non_idempotent/);

  // With buffering on (the default, or written), the 5xx finding keeps its plain message.
  for (const text of [conf(''), conf('            proxy_request_buffering on;\n')]) {
    const [plain] = messages(text, 'failover-ignores-5xx');
    assert.ok(plain);
    assert.doesNotMatch(plain, /request_buffering/);
  }
});

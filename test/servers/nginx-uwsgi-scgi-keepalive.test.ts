// keepalive-ignored-for-uwsgi-scgi says that `keepalive N` in a group used only through uwsgi_pass or scgi_pass does
// nothing. Pinned on the real nginx with uwsgi and SCGI stand-ins that leave the connection open after answering
// (the only way a connection could be reused), against proxy_pass with keepalive as the control. The second test
// records what a backend that keeps the connection open costs: neither protocol frames the response, so without a
// Content-Length nginx knows the response is over only when the backend closes, or when *_read_timeout runs out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';
import { lintText, requireBinary } from '../helpers';
import { request, type Response } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { sleep } from './harness/proc';
import { startHttpStandin } from './standins/http';
import { startCgiLikeStandin, type CgiLikeOptions } from './standins/uwsgi-scgi';

requireBinary('nginx');

const READ_TIMEOUT_MS = 2000;

/** The location body for each way of passing, with the group `app` (keepalive 8) behind it. */
function passLines(via: 'proxy' | 'uwsgi' | 'scgi', extra: string): string {
  if (via === 'proxy') return 'proxy_http_version 1.1;\n            proxy_set_header Connection "";\n            proxy_pass http://app;';
  return [`${via}_param REQUEST_URI $request_uri;`, `${via}_param REQUEST_METHOD $request_method;`, `${via}_read_timeout ${READ_TIMEOUT_MS / 1000}s;`, extra, `${via}_pass app;`].filter(Boolean).join('\n            ');
}

interface Run {
  text: string;
  responses: Response[];
  connections: number;
  /** How long after the backend's answer nginx closed each connection (uwsgi/SCGI only). */
  closeDelaysMs: number[];
  errorLog: string;
  accessLog: string;
}

/** `count` requests in a row through nginx, with `keepalive 8;` in the group; what the backend saw. */
async function through(via: 'proxy' | 'uwsgi' | 'scgi', backendOpts: Omit<CgiLikeOptions, 'protocol'>, count: number, extra = ''): Promise<Run> {
  const backend = via === 'proxy' ? await startHttpStandin({ behaviour: 'ok', deadlineMs: 40_000 }) : await startCgiLikeStandin({ protocol: via, ...backendOpts, deadlineMs: 40_000 });
  const text = `http {\n    upstream app {\n        server ${backend.address};\n        keepalive 8;\n    }\n    server {\n        listen 127.0.0.1:8000;\n        location / {\n            ${passLines(via, extra)}\n        }\n    }\n}\n`;
  const setup = await prepareNginx(text);
  const nginx = await startNginx(setup);
  try {
    const responses: Response[] = [];
    // holdOpenMs: the client notes when the header came and when nginx closed (Connection: close is sent).
    for (let i = 0; i < count; i++) responses.push(await request({ port: setup.port, path: `/r${i}`, timeoutMs: 8000, holdOpenMs: 6000 }));
    await sleep(200); // the access log line and the backend's view of the close
    const closeDelaysMs = 'closeDelaysMs' in backend ? [...backend.closeDelaysMs] : [];
    return { text, responses, connections: backend.connections, closeDelaysMs, errorLog: nginx.errorLog(), accessLog: readFileSync(join(setup.dir, 'logs', 'access.log'), 'utf8') };
  } finally {
    await nginx.stop();
    await backend.stop();
    setup.cleanup();
  }
}

const show = (r: Run) => r.responses.map((x) => `${x.status}${x.truncated ? ' truncated' : ''} ${x.ms} ms ${JSON.stringify(x.body.toString('latin1').slice(0, 40))}`).join('; ') + '\n' + r.errorLog;

test('keepalive 8: proxy_pass reuses one connection for 5 requests, uwsgi_pass and scgi_pass open 5 even when the backend leaves them open (real nginx)', async () => {
  const http = await through('proxy', { closeAfterResponse: false }, 5);
  assert.deepEqual(http.responses.map((r) => r.status), [200, 200, 200, 200, 200], show(http));
  assert.equal(http.connections, 1, 'the control: HTTP/1.1 with Connection "" is pooled');
  assert.deepEqual(lintText(http.text).findings.filter((f) => f.ruleId === 'keepalive-ignored-for-uwsgi-scgi'), []);

  for (const via of ['uwsgi', 'scgi'] as const) {
    // What uWSGI and SCGI servers do: answer, then close.
    const closing = await through(via, { closeAfterResponse: true }, 5);
    assert.deepEqual(closing.responses.map((r) => `${r.status}${r.truncated ? ' truncated' : ''}`), ['200', '200', '200', '200', '200'], show(closing));
    assert.equal(closing.connections, 5, `${via}: one connection per request`);
    assert.deepEqual(lintText(closing.text).findings.map((f) => f.ruleId).filter((id) => id === 'keepalive-ignored-for-uwsgi-scgi'), ['keepalive-ignored-for-uwsgi-scgi']);

    // A backend that would allow reuse: it leaves the connection open and says how long the body is. nginx reads the
    // body, answers the client at once, and closes the connection itself rather than keep it.
    const open = await through(via, { closeAfterResponse: false, contentLength: true }, 5);
    assert.deepEqual(open.responses.map((r) => `${r.status}${r.truncated ? ' truncated' : ''}`), ['200', '200', '200', '200', '200'], show(open));
    for (const r of open.responses) {
      assert.match(r.body.toString(), new RegExp(`^${via} stand-in ok /r\\d\\n$`));
      assert.ok(r.ms < 1000, `${via}: answered in ${r.ms} ms`);
    }
    assert.equal(open.connections, 5, `${via}: nginx did not reuse the connections the backend left open`);
    assert.equal(open.closeDelaysMs.length, 5, `${via}: nginx closed every connection`);
    assert.ok(open.closeDelaysMs.every((ms) => ms < 1000), `${via}: nginx closed them right after the response (${open.closeDelaysMs} ms)`);
  }
});

test('a uwsgi/SCGI backend that leaves the connection open without Content-Length: the client waits for *_read_timeout (2 s) and gets 200 with an unfinished body (real nginx)', async () => {
  for (const via of ['uwsgi', 'scgi'] as const) {
    const buffered = await through(via, { closeAfterResponse: false }, 2);
    for (const r of buffered.responses) {
      assert.equal(r.status, 200, show(buffered));
      // The header waits for the timeout too; the body nginx had read is not sent; the chunked body has no end.
      assert.ok(r.ms >= READ_TIMEOUT_MS - 100 && r.ms < READ_TIMEOUT_MS + 1500, `${via}: ${r.ms} ms`);
      assert.ok(r.ms - (r.closedAfterMs ?? 0) >= READ_TIMEOUT_MS - 100, `${via}: the header came after ${r.ms - (r.closedAfterMs ?? 0)} ms`);
      assert.equal(r.headers['transfer-encoding'], 'chunked');
      assert.equal(r.body.length, 0, `${via}: ${JSON.stringify(r.body.toString())}`);
      assert.ok(r.truncated);
    }
    assert.equal(buffered.connections, 2);
    assert.match(buffered.errorLog, new RegExp(`\\[error\\] .*upstream timed out \\(110: Connection timed out\\) while reading upstream, .*request: "GET /r0 HTTP/1\\.1", upstream: "${via}://127\\.0\\.0\\.1:\\d+"`));
    assert.match(buffered.accessLog, /"GET \/r0 HTTP\/1\.1" 200 0 /, 'logged as 200, not 504');
    // `proxylint explain` on this real line: a cut-short 200 (never 504), and it names this cause for uwsgi/SCGI.
    const line = buffered.errorLog.split('\n').find((l) => l.includes('while reading upstream'))!;
    const explained = explainLogLine(line);
    assert.equal(explained?.pattern.id, 'nginx-body-timeout', line);
    assert.ok(explained.pattern.statuses.includes('200') && !explained.pattern.statuses.includes('504'));
    assert.match(explained.pattern.meaning, /uwsgi_pass or scgi_pass .* kept the connection open/);
    assert.deepEqual(explained.directives, [`${via}_read_timeout`]);

    const unbuffered = await through(via, { closeAfterResponse: false }, 1, `${via}_buffering off;`);
    const [r] = unbuffered.responses;
    assert.equal(r.status, 200, show(unbuffered));
    // Without buffering the header and the body arrive at once; the end of the chunked body never does.
    assert.ok(r.ms - (r.closedAfterMs ?? 0) < 1000, `${via}: the header came after ${r.ms - (r.closedAfterMs ?? 0)} ms`);
    assert.match(r.body.toString(), new RegExp(`${via} stand-in ok /r0`));
    assert.ok(r.truncated, `${via}: ${JSON.stringify(r.body.toString())}`);
    assert.ok(r.ms >= READ_TIMEOUT_MS - 100, `${via}: closed after ${r.ms} ms`);
    assert.match(unbuffered.errorLog, /upstream timed out \(110: Connection timed out\) while reading upstream/);
  }
});

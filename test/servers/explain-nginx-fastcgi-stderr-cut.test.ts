// A FastCGI application's stderr record longer than nginx's 2,048-byte limit for one error-log record (a PHP fatal
// error with a long stack trace): nginx 1.22.1 cuts the record there, in the middle of a stack-trace line, without the
// closing quote and without the part that names the request. With fastcgi_catch_stderr matching, the client gets 502
// and that cut record is the only line the request leaves. explain used to say "No line explained" for such a log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { explainLog } from '../../server/src/core/explain/explain';
import { requireBinary } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';

requireBinary('nginx');

function record(type: number, content: Buffer): Buffer {
  const pad = (8 - (content.length % 8)) % 8;
  return Buffer.concat([Buffer.from([1, type, 0, 1, content.length >> 8, content.length & 0xff, pad, 0]), content, Buffer.alloc(pad)]);
}
const STDOUT = 6;
const STDERR = 7;
const END = 3;
// About 3,400 bytes over 42 lines: the record is cut near the 24th.
const TRACE =
  'PHP Fatal error:  Uncaught Exception: boom in /app/index.php:3\nStack trace:\n' +
  Array.from({ length: 40 }, (_, i) => `#${i} /app/vendor/framework/src/Kernel.php(${100 + i}): App\\Kernel->handle(Object(Request))`).join('\n');
const SHORT = 'PHP Warning:  Undefined array key "id" in /app/index.php on line 7\nPHP Stack trace:\nPHP   1. {main}() /app/index.php:0';

test('a stderr record over 2,048 bytes: nginx cuts it and the 502 leaves only that; explain reads it as a cut FastCGI stderr record (real nginx)', { timeout: 60_000 }, async () => {
  // A responder that writes the stack trace (or, for /short, a three-line warning) to stderr, then a 200 answer.
  const server = createServer((s) => {
    let buf = '';
    s.on('error', () => undefined);
    s.on('data', (d) => {
      buf += d.toString('latin1');
      if (!buf.includes('\x01\x05\x00\x01\x00\x00')) return;
      const err = buf.includes('/short') ? SHORT : TRACE;
      s.end(Buffer.concat([record(STDERR, Buffer.from(err)), record(STDOUT, Buffer.from('Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nbody\n')), record(STDOUT, Buffer.alloc(0)), record(END, Buffer.alloc(8))]));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const setup = await prepareNginx(`http {
    server {
        listen 127.0.0.1:8000;
        fastcgi_param REQUEST_URI $request_uri;
        location / { fastcgi_catch_stderr "PHP Fatal error"; fastcgi_pass 127.0.0.1:${port}; }
        location /nocatch/ { fastcgi_pass 127.0.0.1:${port}; }
    }
}
`);
  const nginx = await startNginx(setup);
  let log: string;
  try {
    assert.equal((await request({ port: setup.port, path: '/caught' })).status, 502);
    assert.equal((await request({ port: setup.port, path: '/nocatch/x' })).status, 200);
    assert.equal((await request({ port: setup.port, path: '/nocatch/short' })).status, 200);
    await new Promise((r) => setTimeout(r, 200));
    log = nginx.errorLog();
  } finally {
    await nginx.stop();
    setup.cleanup();
    server.close();
  }
  // The facts: each long record is exactly 2,047 bytes (2,048 with its line feed), ends inside the trace, and nothing
  // else names the 502's request.
  const records = log.split(/\n(?=\d{4}\/\d\d\/\d\d )/).filter((r) => r.includes('FastCGI sent in stderr'));
  assert.equal(records.length, 3, log);
  const cut = records.filter((r) => !r.includes('" while reading'));
  assert.equal(cut.length, 2, log);
  for (const r of cut) {
    assert.equal(Buffer.byteLength(r.replace(/\n$/, '')), 2047, r);
    assert.ok(!r.includes('request: "GET'), r);
  }
  assert.ok(!log.split('\n').some((l) => l.includes('GET /caught')), 'no line names the 502 request');

  const lines = log.split('\n');
  const x = explainLog(lines, []);
  const ids = x.entries.map((e) => [e.explanation.pattern.id, e.count]);
  assert.deepEqual(
    ids.sort(),
    [
      ['nginx-fastcgi-stderr', 1],
      ['nginx-fastcgi-stderr-cut', 2],
    ],
    JSON.stringify(ids),
  );
  const cutEntry = x.entries.find((e) => e.explanation.pattern.id === 'nginx-fastcgi-stderr-cut')!;
  const p = cutEntry.explanation.pattern;
  // What the clients got (502 with the catch, 200 without) is among what the entry says is possible.
  for (const s of ['502', '200']) assert.ok(p.statuses.includes(s), s);
  assert.match(p.meaning, /cut it at its limit of 2,048 bytes/);
  assert.match(p.meaning, /connection number \(\*N\)/);
  assert.deepEqual(cutEntry.explanation.directives, ['fastcgi_catch_stderr']);
  // The stack-trace lines of each record are read as part of it, not as lines of their own: only nginx's start-up
  // lines and the client's idle close are left unknown.
  const unknown = lines.filter((l) => /^\d{4}\/\d\d\/\d\d /.test(l) && !l.includes('FastCGI sent in stderr')).length;
  assert.equal(x.unknown, unknown, `unknown ${x.unknown}, nginx's other records ${unknown}`);
});

test('a record whose end is missing but that is far under 2,048 bytes (a paste that stopped early): explained, and said to stop early', () => {
  const lines = ['2026/11/24 20:20:03 [error] 12541#12541: *2 FastCGI sent in stderr: "PHP Fatal error:  Uncaught Exception: boom', 'Stack trace:', '#0 /app/index.php(3): main()'];
  const x = explainLog(lines, []);
  assert.deepEqual(x.entries.map((e) => e.explanation.pattern.id), ['nginx-fastcgi-stderr-cut']);
  assert.match(x.entries[0].explanation.pattern.meaning, /The lines given stop before the record's end/);
  assert.equal(x.unknown, 0);
  // Lines after a stretch longer than one nginx record are not nginx's: nothing is joined, and the first line alone is
  // still read.
  const long = [lines[0], ...Array.from({ length: 30 }, () => 'x'.repeat(100))];
  const y = explainLog(long, []);
  assert.deepEqual(y.entries.map((e) => [e.explanation.pattern.id, e.count]), [['nginx-fastcgi-stderr-cut', 1]]);
  assert.equal(y.unknown, 30);
  // Nor after more lines than a record is read over (64), however short.
  const many = explainLog([lines[0], ...Array.from({ length: 70 }, (_, i) => `#${i}`)], []);
  assert.deepEqual(many.entries.map((e) => [e.explanation.pattern.id, e.count]), [['nginx-fastcgi-stderr-cut', 1]]);
  assert.equal(many.unknown, 70);
});

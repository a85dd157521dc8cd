// Error logs copied out of containers: docker's json-file lines, Kubernetes' CRI lines, `docker compose logs` and
// `kubectl logs` prefixes. explain reads the nginx or httpd line inside, and places it as it would the bare line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainLog } from '../../server/src/core/explain/explain';
import { unwrapLogLines } from '../../server/src/core/explain/log-wrappers';
import { runCli, tempTree } from '../helpers';

const NGINX_LINE =
  '2026/11/22 13:40:01 [error] 31#31: *17 connect() failed (111: Connection refused) while connecting to upstream, client: 10.1.2.3, server: shop.example.com, request: "GET /api/orders?id=7 HTTP/1.1", upstream: "http://127.0.0.1:9101/api/orders?id=7", host: "shop.example.com"';
const APACHE_LINE = '[Sun Nov 22 14:39:46.222158 2026] [proxy_http:error] [pid 11347:tid 11367] [client 127.0.0.1:50542] AH01114: HTTP: failed to make connection to backend: 127.0.0.1';
const json = (log: string, stream = 'stderr') => JSON.stringify({ log, stream, time: '2026-11-22T13:40:01.123456789Z' });

test('explain: docker json-file, CRI, compose, kubectl and timestamp wrappers are taken off; anything else is left as it is', () => {
  const texts = (lines: string[]) => unwrapLogLines(lines).map((l) => (l.source ? `${l.source}: ${l.text}` : l.text));
  assert.deepEqual(texts([json(NGINX_LINE + '\n')]), [NGINX_LINE]);
  assert.deepEqual(texts([json(APACHE_LINE + '\r\n')]), [APACHE_LINE]);
  assert.deepEqual(texts([`2026-11-22T13:40:01.123456789Z stderr F ${NGINX_LINE}`, `2026-11-22T13:40:01.123456789+01:00 stdout F ${APACHE_LINE}`]), [NGINX_LINE, APACHE_LINE]);
  // A part of a line over 16 KiB (a "log" without its "\n", the CRI tag P) is read as a line of its own: one line
  // out for each line in, as explain counts them.
  assert.deepEqual(texts([json(NGINX_LINE.slice(0, 50)), `2026-11-22T13:40:01.1Z stderr P ${NGINX_LINE.slice(0, 40)}`]), [NGINX_LINE.slice(0, 50), NGINX_LINE.slice(0, 40)]);
  // docker compose logs (v2 "web-1", v1 "web_1"), in colour as copied from a terminal, and with -t.
  assert.deepEqual(texts([`web-1  | ${NGINX_LINE}`]), [`web-1: ${NGINX_LINE}`]);
  assert.deepEqual(texts([`\x1b[36mproxy_1  |\x1b[0m ${APACHE_LINE}`]), [`proxy_1: ${APACHE_LINE}`]);
  assert.deepEqual(texts([`web-1  | 2026-11-22T13:40:01.123456789Z ${NGINX_LINE}`]), [`web-1: ${NGINX_LINE}`]);
  // kubectl logs --prefix, --timestamps; docker logs -t.
  assert.deepEqual(texts([`[pod/web-5d9c7b-abcde/nginx] ${NGINX_LINE}`]), [`pod/web-5d9c7b-abcde/nginx: ${NGINX_LINE}`]);
  assert.deepEqual(texts([`2026-11-22T13:40:01.123456789Z ${NGINX_LINE}`]), [NGINX_LINE]);
  // Not wrappers: bare lines, a "|" in a message, JSON that does not parse or has no "log" string. Nothing throws.
  const plain = [NGINX_LINE, APACHE_LINE, 'upstream timed out | retrying', `{"log":"${NGINX_LINE.slice(0, 60)}`, '{"msg":"hello"}', '{"log":5}', '{', '{}}', 'null', ''];
  assert.deepEqual(texts(plain), plain);
});

test('explain --log: lines in docker json-file, CRI and compose form are explained and placed like the bare line; a broken JSON line is only not known', () => {
  const tree = tempTree({
    'nginx.conf': 'events {}\nhttp {\n    server {\n        listen 80;\n        server_name shop.example.com;\n        location / { proxy_pass http://127.0.0.1:9100; }\n        location /api/ { proxy_pass http://127.0.0.1:9101; }\n    }\n}\n',
  });
  try {
    const log = join(tree.dir, 'container.log');
    writeFileSync(log, [json(NGINX_LINE + '\n'), `2026-11-22T13:40:01.123456789Z stderr F ${NGINX_LINE}`, `web-1  | ${NGINX_LINE}`, `{"log":"${NGINX_LINE.slice(0, 80)}`, ''].join('\n'));
    const out = runCli(['explain', '--in', join(tree.dir, 'nginx.conf'), '--log', log, '--format', 'json'], { cwd: tree.dir });
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout);
    assert.deepEqual(j.explained.map((e: { id: string; count: number }) => `${e.id}×${e.count}`), ['nginx-refused×3']);
    assert.equal(j.explained[0].example, NGINX_LINE);
    assert.deepEqual(j.explained[0].fields, { client: '10.1.2.3', serverName: 'shop.example.com', method: 'GET', path: '/api/orders', upstream: 'http://127.0.0.1:9101/api/orders?id=7', host: 'shop.example.com', family: 'proxy' });
    assert.deepEqual(j.explained[0].place.location, { path: join(tree.dir, 'nginx.conf'), line: 7, match: '/api/' });
    assert.equal(j.unknownLines, 1, 'the cut JSON line');
    // One line given on the command line, as pasted from `docker logs` of the json-file driver's file.
    const one = runCli(['explain', json(NGINX_LINE + '\n')], { cwd: tree.dir });
    assert.equal(one.code, 0);
    assert.match(one.stdout, /^2026\/11\/22 13:40:01 \[error\] 31#31: \*17 connect\(\) failed/);
    assert.match(one.stdout, /Request: GET \/api\/orders, backend http:\/\/127\.0\.0\.1:9101\/api\/orders\?id=7/);
  } finally {
    tree.cleanup();
  }
});

test('explain: httpd lines in docker json-file form are paired by thread like bare ones', () => {
  const first = '[Sun Nov 22 14:39:46.222088 2026] [proxy:error] [pid 11347:tid 11367] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:41059 (127.0.0.1:41059) failed';
  const pair = explainLog([json(first + '\n'), json(APACHE_LINE + '\n')], [], []);
  assert.deepEqual(pair.requests.map((r) => r.lines.map((l) => l.entry.explanation.pattern.id)), [['apache-connect-failed', 'apache-no-connection']]);
});

test('explain: any text, JSON-looking or not, is read without throwing and counted once; any docker json-file line gives back its log', () => {
  const jsonish = fc.oneof(fc.string(), fc.json(), fc.string().map((t) => `{"log":${t}`), fc.string().map((t) => `{${t}`));
  fc.assert(
    fc.property(fc.array(jsonish, { maxLength: 20 }), (lines) => {
      // Every line given is accounted for once: explained, not known, or blank.
      const r = explainLog(lines, [], []);
      assert.equal(r.entries.reduce((n, e) => n + e.count, 0) + r.unknown + r.blank, lines.length);
    }),
    { numRuns: 300 },
  );
  const line = fc.string().filter((t) => !/[\r\n]/.test(t));
  fc.assert(
    fc.property(line, (text) => {
      assert.deepEqual(unwrapLogLines([json(text + '\n')]), [{ text }]);
    }),
    { numRuns: 300 },
  );
});

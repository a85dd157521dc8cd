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

// Recorded on this machine (host "vm") from nginx 1.22.1 and httpd 2.4.71 logging to syslog, as received on the
// socket and as journalctl (systemd 252) printed them after systemd-journald received them (see
// test/servers/explain-syslog.test.ts, which checks the forms on every run).
const NGX_SYSLOG = '2026/11/22 15:33:38 [error] 6673#6673: *2 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: syslog.test, request: "GET /pair/x HTTP/1.1", upstream: "http://127.0.0.1:33007/pair/x", host: "127.0.0.1:46329"';
const APX_SYSLOG = [
  '[proxy:error] [pid 6682:tid 6699] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:33007 (127.0.0.1:33007) failed',
  '[proxy_http:error] [pid 6682:tid 6699] [client 127.0.0.1:58818] AH01114: HTTP: failed to make connection to backend: 127.0.0.1',
];

test('explain: syslog datagrams, rsyslog files and journalctl lines are read inside their syslog header; other syslog lines are left alone', () => {
  const texts = (lines: string[]) => unwrapLogLines(lines).map((l) => (l.source ? `${l.source}: ${l.text}` : l.text));
  // The datagram nginx sends ("<PRI>time host tag: "); the host is empty in what it logs while it starts.
  assert.deepEqual(texts([`<187>Nov 22 15:33:38 vm nginx: ${NGX_SYSLOG}`]), [`vm: ${NGX_SYSLOG}`]);
  assert.deepEqual(texts(['<189>Nov 22 15:33:28  nginx: 2026/11/22 15:33:28 [notice] 6522#6522: nginx/1.22.1']), ['2026/11/22 15:33:28 [notice] 6522#6522: nginx/1.22.1']);
  // The datagram httpd sends through libc's syslog(): no host, the pid after the tag, and no time of httpd's own.
  assert.deepEqual(texts([`<187>Nov 22 15:33:38 apache2[6682]: ${APX_SYSLOG[0]}`]), [APX_SYSLOG[0]]);
  // rsyslog's files: RSYSLOG_FileFormat (Debian 12's default) and RSYSLOG_TraditionalFileFormat ("Nov  2": day padded).
  assert.deepEqual(texts([`2026-11-22T15:33:38.123456+00:00 vm nginx: ${NGX_SYSLOG}`, `Nov  2 15:33:38 vm nginx: ${NGX_SYSLOG}`]), [`vm: ${NGX_SYSLOG}`, `vm: ${NGX_SYSLOG}`]);
  // journalctl: nginx logging to stderr under systemd, nginx to /dev/log (journald keeps nginx's "host nginx: " in
  // the message), httpd to /dev/log; -o short-iso and short-precise.
  assert.deepEqual(
    texts([`Nov 22 15:33:38 vm nginx[6673]: ${NGX_SYSLOG}`, `Nov 22 15:33:38 vm nginx[6673]: vm nginx: ${NGX_SYSLOG}`, `Nov 22 15:33:38 vm apache2[6682]: ${APX_SYSLOG[1]}`, `2026-11-22T15:33:38+0000 vm nginx[6673]: ${NGX_SYSLOG}`, `Nov 22 15:33:38.412345 vm nginx[6673]: ${NGX_SYSLOG}`]),
    [`vm: ${NGX_SYSLOG}`, `vm: ${NGX_SYSLOG}`, `vm: ${APX_SYSLOG[1]}`, `vm: ${NGX_SYSLOG}`, `vm: ${NGX_SYSLOG}`],
  );
  // The header's time, for httpd lines (which have none of their own): relative, in ms.
  const [a, b] = unwrapLogLines([`Nov 22 15:33:38 vm apache2[6682]: ${APX_SYSLOG[0]}`, `Nov 22 15:33:39.5 vm apache2[6682]: ${APX_SYSLOG[1]}`]);
  assert.equal(b.time! - a.time!, 1500);
  const [z, p] = unwrapLogLines([`2026-11-22T15:33:38Z vm nginx: ${NGX_SYSLOG}`, `2026-11-22T16:33:38.25+01:00 vm nginx: ${NGX_SYSLOG}`]);
  assert.equal(p.time! - z.time!, 250);
  // Not a log line after the header: left as it is. So are headers that are not syslog's.
  const others = ['Nov 22 15:33:38 vm sshd[811]: Accepted publickey for root from 10.0.0.1 port 50000', '<13>Nov 22 15:33:38 vm logger: hello', 'Nov 22 15:33:38 vm nginx[1]: vm nginx: hello', 'Nov 31 vm nginx: 2026/11/22 15:33:38 [error] 1#1: x', '<187>Nov 22 15:33:38 vm nginx 2026/11/22 15:33:38 [error] 1#1: x'];
  assert.deepEqual(texts(others), others);
});

test('explain: httpd lines from syslog are paired by thread with the header\'s time; nginx lines of one host by connection', () => {
  const journal = [`Nov 22 15:33:38 vm apache2[6682]: ${APX_SYSLOG[0]}`, `Nov 22 15:33:38 vm apache2[6682]: ${APX_SYSLOG[1]}`];
  assert.deepEqual(explainLog(journal, [], []).requests.map((r) => [r.thread, r.lines.map((l) => l.entry.explanation.pattern.id)]), [['vm pid 6682:tid 6699', ['apache-connect-failed', 'apache-no-connection']]]);
  // Two seconds apart: not one request. Two hosts: not one thread.
  assert.equal(explainLog([journal[0], journal[1].replace('15:33:38', '15:33:40')], [], []).requests.length, 0);
  assert.equal(explainLog([journal[0], journal[1].replace(' vm ', ' web2 ')], [], []).requests.length, 0);
  const second = NGX_SYSLOG.replace('127.0.0.1:33007', '127.0.0.1:41667');
  const datagrams = [`<187>Nov 22 15:33:38 vm nginx: ${NGX_SYSLOG}`, `<187>Nov 22 15:33:38 vm nginx: ${second}`];
  assert.deepEqual(explainLog(datagrams, [], []).requests.map((r) => [r.thread, r.tried!.map((t) => t.server)]), [['vm *2 (worker 6673)', ['127.0.0.1:33007', '127.0.0.1:41667']]]);
});

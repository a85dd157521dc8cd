// nginx's lines for one request, grouped by the connection number (*N) and worker, and what the client got. The log
// in fixtures/explain is what a real nginx 1.22.1 (Debian) wrote in test/servers/explain-nginx-requests.test.ts, with
// the status each client got written next to its request below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainLog, type ExplainedRequest } from '../../server/src/core/explain/explain';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';
import { nginxLineHead, nginxRequests } from '../../server/src/core/explain/nginx-requests';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, runCli, tempTree } from '../helpers';

const FIXTURES = join(__dirname, 'fixtures', 'explain');
const LOG = readFileSync(join(FIXTURES, 'nginx-1.22.1-requests.log'), 'utf8').split('\n');
const CONF = readFileSync(join(FIXTURES, 'nginx-1.22.1-requests.conf'), 'utf8');
const CONF_PATH = '/etc/nginx/nginx.conf';

function checked(text = CONF) {
  const settings = defaultSettings();
  const r = lintNginx(CONF_PATH, text, memHost({ [CONF_PATH]: text }), { settings });
  return { config: r.config, findings: r.findings, target: settings.nginx, upstreams: r.upstreams };
}

/** "3× GET /ka/1 HTTP/1.1: 43675 refused, 35591 refused → 502", "?" after a status that is not sure. */
const shown = (r: ExplainedRequest) =>
  `${r.count}× ${r.request}: ${r.tried!.map((t) => `${t.server.replace('127.0.0.1:', '')} ${t.got}`).join(', ')} → ${r.outcome!.status ?? 'not said'}${r.outcome!.final ? '' : '?'}`;

test('explain: a real nginx log is read as requests, with the servers tried and what the client got', () => {
  const r = explainLog(LOG, [checked()]);
  const timedOut = 'no response header within the read timeout';
  assert.deepEqual(r.requests.map(shown), [
    // The client got 502: the third server's 502 answer, passed on and not logged. The last line is a timeout.
    `1× GET /three/1 HTTP/1.1: 43675 refused, 39469 ${timedOut} → 504?`,
    // 502: the 502 answer counted as a failure (only "temporarily disabled" says so), then no live upstreams.
    '1× GET /three/2 HTTP/1.1: 34855 answered with a status *_next_upstream lists, such as 502, not logged → 502',
    '1× GET /refused/1 HTTP/1.1: 43675 refused, 35591 refused → 502', // 502
    // 200, from 41123 (not logged): a refused connect sends nothing, so nginx went on to the server left.
    '1× GET /mixed/1 HTTP/1.1: 43675 refused → the answer of another server of the group?',
    `1× GET /two/1 HTTP/1.1: 35591 refused, 39469 ${timedOut} → 504`, // 504
    '1× GET /tries/1 HTTP/1.1: 43675 refused, 39073 refused → 502', // 502 (proxy_next_upstream_tries 2)
    `1× POST /post/1 HTTP/1.1: 39469 ${timedOut} → 504`, // 504
    // Three requests on one keep-alive connection (*23), 502 each: /ka/1, /ka/1 again (35591 first), and /ka/2:
    // another path, but the same location, kinds of line and outcome, so counted with them (a log of one failure
    // over many URLs is one entry).
    '3× GET /ka/1 HTTP/1.1: 43675 refused, 35591 refused → 502',
  ]);
  assert.deepEqual(r.requests.map((q) => q.outcome!.why).slice(0, 3), [
    'if nginx tried no other server after the last line (not tried in these lines: 127.0.0.1:34855); a try that gets an answer is not logged',
    'after "no live upstreams" nginx tries no server and answers 502',
    'every server nginx could use (2) was tried',
  ]);
  assert.match(r.requests[5].outcome!.why, /^\*_next_upstream_tries 2 reached$/);
  assert.match(r.requests[6].outcome!.why, /^a POST that was already sent is not passed to another server without non_idempotent/);
  // /refused/2 got "no live upstreams" alone: one line, no request of several lines.
  const alone = r.entries.filter((e) => e.alone > 0);
  assert.deepEqual(alone.map((e) => `${e.explanation.pattern.id} ${e.alone}`), ['nginx-no-live-upstreams 1']);
  assert.match(alone[0].example, /\*11 no live upstreams .*GET \/refused\/2/);
  assert.equal(r.requests[0].thread, '*2 (worker 16711)');
  // Each line of a request keeps what it says itself (the entries are shared by lines of one kind and location).
  assert.deepEqual(r.requests[2].lines.map((l) => l.explanation.fields.upstream), ['43675', '43675', '35591', '35591'].map((p) => `http://127.0.0.1:${p}/refused/1`));
});

test('explain: without the configuration, only "no live upstreams" makes the status sure', () => {
  const r = explainLog(LOG, []);
  // Not placed, requests with the same method and kinds of line are alike, whatever their paths: /two/1 is counted
  // with /three/1, /tries/1 with /refused/1, /ka/2 with /ka/1. Another method (the POST) is apart.
  assert.deepEqual(r.requests.map((q) => `${q.count}× ${q.request} ${q.outcome!.status}${q.outcome!.final ? '' : '?'}`), [
    '2× GET /three/1 HTTP/1.1 504?',
    '1× GET /three/2 HTTP/1.1 502',
    '2× GET /refused/1 HTTP/1.1 502?',
    '1× GET /mixed/1 HTTP/1.1 502?',
    '1× POST /post/1 HTTP/1.1 504?',
    '3× GET /ka/1 HTTP/1.1 502?',
  ]);
  assert.equal(r.requests[0].outcome!.why, 'if nginx tried no other server after the last line; a try that gets an answer is not logged');
});

const line = (time: string, conn: string, message: string, request = 'GET /api/x HTTP/1.1', upstream = 'http://10.0.0.1:8080/api/x', pid = '31') =>
  `2026/11/22 ${time} [error] ${pid}#${pid}: ${conn} ${message} while connecting to upstream, client: 10.1.2.3, server: shop.test, request: "${request}", upstream: "${upstream}", host: "shop.test"`;
const REFUSED = 'connect() failed (111: Connection refused)';
const groups = (lines: string[]) => nginxRequests(lines.map((text) => ({ text, explanation: explainLogLine(text) }))).map((r) => r.lines);

test('explain: one connection\'s lines are split where they cannot be one request', () => {
  const a = line('13:40:01', '*7', REFUSED);
  const b = line('13:40:01', '*7', REFUSED, undefined, 'http://10.0.0.2:8080/api/x');
  assert.deepEqual(groups([a, b]), [[0, 1]]);
  // Another connection, another worker, another container: not the same request.
  assert.deepEqual(groups([a, b.replace('*7', '*8')]), []);
  assert.deepEqual(groups([a, b.replace(/31#31/, '32#32')]), []);
  const lines = explainLog([`web-1  | ${a}`, `web-2  | ${b}`], []);
  assert.equal(lines.requests.length, 0);
  assert.equal(explainLog([`web-1  | ${a}`, `web-1  | ${b}`], []).requests[0].thread, 'web-1 *7 (worker 31)');
  // Keep-alive: a second try at 10.0.0.1 is the next request; so is another request line.
  assert.deepEqual(groups([a, b, a, b]), [[0, 1], [2, 3]]);
  assert.deepEqual(groups([a, line('13:40:01', '*7', REFUSED, 'GET /api/y HTTP/1.1', 'http://10.0.0.2:8080/api/y')]), []);
  // A refused connect follows the line before it at once: two seconds later it is another request.
  assert.deepEqual(groups([a, b.replace('13:40:01', '13:40:02')]), [[0, 1]]);
  assert.deepEqual(groups([a, b.replace('13:40:01', '13:40:03')]), []);
  // A timeout takes its time: 60 s after the line before, still the same request.
  const timeout = line('13:41:01', '*7', 'upstream timed out (110: Connection timed out)', undefined, 'http://10.0.0.2:8080/api/x');
  assert.deepEqual(groups([a, timeout]), [[0, 1]]);
  // Time going backwards (two logs concatenated), or anything after "no live upstreams": another request.
  assert.deepEqual(groups([b, a.replace('13:40:01', '13:40:00')]), []);
  const noLive = line('13:40:01', '*7', 'no live upstreams', undefined, 'http://app/api/x');
  assert.deepEqual(groups([a, noLive, b]), [[0, 1]]);
  // Lines without a connection number (nginx logs start-up errors without one) are no part of a request.
  assert.deepEqual(nginxLineHead(a), { worker: '31', connection: '*7', time: Date.UTC(2026, 10, 22, 13, 40, 1), request: 'GET /api/x HTTP/1.1' });
  assert.equal(nginxLineHead('2026/11/22 13:40:01 [emerg] 31#31: host not found in upstream "app.internal" in /etc/nginx/nginx.conf:12'), undefined);
});

test('explain: "temporarily disabled" joins the try it is about, before a timeout\'s line or after a refused one\'s', () => {
  const disabled = (time: string, port: string, action = 'connecting to') => line(time, '*7', 'upstream server temporarily disabled', undefined, `http://10.0.0.${port}:8080/api/x`).replace('while connecting to', `while ${action}`).replace('[error]', '[warn]');
  const refused = line('13:40:01', '*7', REFUSED, undefined, 'http://10.0.0.1:8080/api/x');
  const timedOut = line('13:40:03', '*7', 'upstream timed out (110: Connection timed out)', undefined, 'http://10.0.0.2:8080/api/x').replace('while connecting to', 'while reading response header from');
  const lines = [refused, disabled('13:40:01', '1'), disabled('13:40:03', '2', 'reading response header from'), timedOut];
  const [r] = nginxRequests(lines.map((text) => ({ text, explanation: explainLogLine(text) })));
  assert.deepEqual(r.tries, [{ server: '10.0.0.1:8080', lines: [0, 1], failure: 0 }, { server: '10.0.0.2:8080', lines: [2, 3], failure: 3 }]);
});

test('explain: *_next_upstream decides whether a failure was the last try', () => {
  const conf = (extra: string) => `events {}\nhttp {\n  upstream app { server 10.0.0.1:8080; server 10.0.0.2:8080; server 10.0.0.3:8080; }\n  server {\n    listen 80;\n    server_name shop.test;\n    location /api/ { proxy_pass http://app; ${extra} }\n  }\n}\n`;
  const refused = line('13:40:01', '*7', REFUSED);
  const disabled = refused.replace(REFUSED, 'upstream server temporarily disabled').replace('[error]', '[warn]');
  const outcome = (extra: string, lines = [refused, disabled]) => {
    const r = explainLog(lines, [checked(conf(extra))]).requests[0].outcome!;
    return `${r.status}${r.final ? '' : '?'} ${r.why}`;
  };
  // Nothing was sent to the refused server, and proxy_next_upstream passes "error" on by default: one of the others answered.
  assert.match(outcome(''), /^the answer of another server of the group\? \(not logged\): a failed connect sends nothing, so \*_next_upstream \(error\) passed the request on to another server \(not tried in these lines: 10\.0\.0\.2:8080, 10\.0\.0\.3:8080\)/);
  // A last try that may have sent the request (a read timeout) keeps the condition: /three/1 of the first test.
  assert.equal(outcome('proxy_next_upstream off;'), '502 *_next_upstream is off: nginx passes no failed request to another server');
  assert.equal(outcome('proxy_next_upstream timeout;'), '502 *_next_upstream does not list "error", so nginx did not pass this failure to another server');
  assert.equal(outcome('proxy_next_upstream_tries 1;'), '502 *_next_upstream_tries 1 reached');
  // A host name can stand for several addresses: which servers are left cannot be told.
  const named = conf('').replace('server 10.0.0.3:8080;', 'server app3.internal:8080;');
  const r = explainLog([refused, disabled], [checked(named)]).requests[0].outcome!;
  assert.equal(r.why, 'if nginx tried no other server after the last line; a try that gets an answer is not logged');
  // A pass target of its own address (no group): one server to go to.
  const direct = conf('').replace('proxy_pass http://app;', 'proxy_pass http://10.0.0.1:8080;');
  assert.equal(explainLog([refused, disabled], [checked(direct)]).requests[0].outcome!.why, 'the request had one server to go to');
});

test('explain --log: an nginx request in text and JSON', () => {
  const tree = tempTree({ 'nginx.conf': CONF, 'error.log': LOG.join('\n') });
  try {
    const text = runCli(['explain', '--in', join(tree.dir, 'nginx.conf'), '--log', join(tree.dir, 'error.log')], { cwd: tree.dir });
    assert.equal(text.code, 0, text.stderr);
    const block = text.stdout.split('\n\n').find((b) => b.includes('GET /refused/1'))!;
    assert.match(block, /^one request, logged in 4 lines by nginx \(connection \*8 \(worker 16711\), client 127\.0\.0\.1, GET \/refused\/1 HTTP\/1\.1\):\n  Tried: 127\.0\.0\.1:43675 \(refused\), then 127\.0\.0\.1:35591 \(refused\)\n  The client got 502 \(every server nginx could use \(2\) was tried\)\.\n/);
    assert.match(block, /nginx: this try failed \(502 had it been the last\); nginx went on with the request after it\./);
    assert.match(block, /nginx: the request's last failed try, which decided what the client got \(above\)\./);
    // The place is said once for the request, and each line names its own backend.
    assert.equal(block.match(/Handled by:/g)?.length, 1, block);
    assert.match(block, /Request: GET \/refused\/1, backend http:\/\/127\.0\.0\.1:35591\/refused\/1/);
    assert.match(text.stdout, /29 lines explained \(\d+ distinct; 10 nginx requests of several lines\), 8 not about/);

    const json = JSON.parse(runCli(['explain', '--in', join(tree.dir, 'nginx.conf'), '--log', join(tree.dir, 'error.log'), '--format', 'json'], { cwd: tree.dir }).stdout);
    const refused = json.requests.find((r: { request: string }) => r.request === 'GET /refused/1 HTTP/1.1');
    assert.deepEqual(
      { ...refused, lines: refused.lines.map((l: { explained: number }) => json.explained[l.explained].id) },
      {
        server: 'nginx',
        count: 1,
        thread: '*8 (worker 16711)',
        client: '127.0.0.1',
        request: 'GET /refused/1 HTTP/1.1',
        tried: [{ server: '127.0.0.1:43675', got: 'refused' }, { server: '127.0.0.1:35591', got: 'refused' }],
        outcome: { status: '502', final: true, why: 'every server nginx could use (2) was tried' },
        lines: ['nginx-refused', 'nginx-server-disabled', 'nginx-refused', 'nginx-server-disabled'],
      },
    );
  } finally {
    tree.cleanup();
  }
});

test('explain: a line shown on its own is placed in its own words, also when a request of several lines had the same kind of line there first', () => {
  // *2 (GET /three/1) logs "temporarily disabled" inside a request of four lines; *6 (GET /three/2) logs the same kind
  // at the same location on its own. The entry shows *6's line, so how it was placed must speak of /three/2.
  // *6's own next line (no live upstreams) is left out, so its first line stands alone, as in a log cut there.
  const lines = [...LOG.filter((l) => / \*2 /.test(l)), LOG.find((l) => / \*6 /.test(l))!];
  const r = explainLog(lines, [checked()]);
  assert.equal(r.requests.length, 1);
  const disabled = r.entries.filter((e) => e.alone > 0 && e.example.includes('temporarily disabled') && e.example.includes('/three/'));
  assert.ok(disabled.length > 0, 'the fixture has a lone "temporarily disabled" line for /three/');
  for (const e of disabled) {
    const path = / request: "GET (\S+) /.exec(e.example)![1];
    assert.match(e.place!.how, new RegExp(`its location for ${path.replace(/\//g, '\\/')} `), `${e.example}\n${e.place!.how}`);
  }
});

test('explain: a failed try logged alone is sure when the configuration leaves nginx no other server to try', () => {
  const conf = (pass: string, extra = '', group = 'server 10.0.0.1:8080;') =>
    `events {}\nhttp {\n  upstream app { ${group} }\n  server {\n    listen 80;\n    server_name shop.test;\n    location /api/ { proxy_pass ${pass}; ${extra} }\n  }\n}\n`;
  const refused = line('13:40:01', '*7', REFUSED);
  const said = (text: string, lines = [refused]) => {
    const e = explainLog(lines, [checked(text)]).entries.filter((x) => x.alone > 0);
    assert.equal(e.length, 1);
    return e[0].outcome ? `${e[0].outcome.status} ${e[0].outcome.why}` : 'not sure';
  };
  // The reviewer's case: a group of one server, or a pass target's own address.
  assert.equal(said(conf('http://app')), '502 the request had one server to go to');
  assert.equal(said(conf('http://10.0.0.1:8080')), '502 the request had one server to go to');
  // More servers (a backup counts: nginx goes on to it), or a host name that may stand for several: another try may have answered.
  assert.equal(said(conf('http://app', '', 'server 10.0.0.1:8080; server 10.0.0.2:8080;')), 'not sure');
  assert.equal(said(conf('http://app', '', 'server 10.0.0.1:8080; server 10.0.0.2:8080 backup;')), 'not sure');
  assert.equal(said(conf('http://app', '', 'server 10.0.0.1:8080; server 10.0.0.2:8080 down;')), '502 the request had one server to go to');
  assert.equal(said(conf('http://app', '', 'server app1.internal:8080;')), 'not sure');
  // *_next_upstream and its tries, as for a request of several lines.
  const two = 'server 10.0.0.1:8080; server 10.0.0.2:8080;';
  assert.equal(said(conf('http://app', 'proxy_next_upstream off;', two)), '502 *_next_upstream is off: nginx passes no failed request to another server');
  assert.equal(said(conf('http://app', 'proxy_next_upstream timeout;', two)), '502 *_next_upstream does not list "error", so nginx did not pass this failure to another server');
  assert.equal(said(conf('http://app', 'proxy_next_upstream_tries 1;', two)), '502 *_next_upstream_tries 1 reached');
  assert.equal(said(conf('http://app', 'proxy_next_upstream_tries 2;', two)), 'not sure');
  // The line's server is not the location's: it was placed by path alone, so nothing is sure.
  assert.equal(said(conf('http://10.0.0.9:8080')), 'not sure');
  // Lines of one kind, request and place are shown once: sure only when every lone line is.
  const other = line('13:40:05', '*9', REFUSED, 'GET /api/x HTTP/1.1', 'http://10.0.0.2:8080/api/x');
  assert.equal(said(conf('http://app', '', two), [refused, other]), 'not sure');
  assert.equal(said(conf('http://app', 'proxy_next_upstream off;', two), [refused, other]), '502 *_next_upstream is off: nginx passes no failed request to another server');
  // Without the configuration the line cannot tell.
  assert.equal(explainLog([refused], []).entries[0].outcome, undefined);
  // "no live upstreams" alone says its sure status itself.
  assert.equal(explainLog([line('13:40:01', '*7', 'no live upstreams', undefined, 'http://app/api/x')], [checked(conf('http://app'))]).entries[0].outcome, undefined);
});

test('explain --log: a lone refused line for a group of one server says the status for sure, in text and JSON', () => {
  const conf = `events {}\nhttp {\n  upstream one { server 127.0.0.1:9000; }\n  server {\n    listen 127.0.0.1:18080;\n    server_name a.example.com;\n    location /g/ { proxy_pass http://one; }\n    location /l/ { proxy_pass http://127.0.0.1:9001; }\n    location /m/ { proxy_pass http://two; }\n  }\n  upstream two { server 127.0.0.1:9000; server 127.0.0.1:9002; }\n}\n`;
  const at = (conn: string, path: string, port: string) => line('13:40:01', conn, REFUSED, `GET ${path} HTTP/1.1`, `http://127.0.0.1:${port}${path}`).replace(/shop\.test/g, 'a.example.com');
  const log = [at('*4', '/g/x', '9000'), at('*9', '/l/x', '9001'), at('*12', '/m/x', '9002')].join('\n');
  const tree = tempTree({ 'nginx.conf': conf, 'error.log': log });
  try {
    const text = runCli(['explain', '--in', join(tree.dir, 'nginx.conf'), '--log', join(tree.dir, 'error.log')], { cwd: tree.dir }).stdout;
    const block = (path: string) => text.split('\n\n').find((b) => b.includes(`GET ${path} `))!;
    assert.match(block('/g/x'), /\n  nginx: the client got 502 \(the request had one server to go to\)\.\n/);
    assert.match(block('/l/x'), /\n  nginx: the client got 502 \(the request had one server to go to\)\.\n/);
    // A group of two: nothing was sent to the refused server, so proxy_next_upstream (error, by default) passed the
    // request on to the other, and no line says that try failed (test/servers/explain-nginx-oncall-review.test.ts).
    assert.match(block('/m/x'), /\n  nginx: the client got the answer of another server of the group \(not logged\): a failed connect sends nothing/);
    const json = JSON.parse(runCli(['explain', '--in', join(tree.dir, 'nginx.conf'), '--log', join(tree.dir, 'error.log'), '--format', 'json'], { cwd: tree.dir }).stdout);
    assert.deepEqual(json.explained.map((e: { outcome: unknown }) => e.outcome), [
      { status: '502', final: true, why: 'the request had one server to go to' },
      { status: '502', final: true, why: 'the request had one server to go to' },
      null,
    ]);
  } finally {
    tree.cleanup();
  }
});

test('explain: a failure on a reused keep-alive connection is not sure from the servers tried: nginx retries it without counting a try', () => {
  // The evidence scenario keepalive-timeout-races-backend (GET retried) on nginx 1.22.1: "upstream prematurely closed
  // connection" for a group of one server with keepalive, and the client got 200 from the retry on a new connection.
  const conf = (group: string, extra = '') => `events {}\nhttp {\n  upstream app { server 10.0.0.1:8080; ${group} }\n  server {\n    listen 80;\n    server_name shop.test;\n    location /api/ { proxy_pass http://app; ${extra} }\n  }\n}\n`;
  const closed = line('13:40:01', '*7', 'upstream prematurely closed connection').replace('while connecting to', 'while reading response header from');
  const said = (text: string, version?: string) => {
    const settings = defaultSettings();
    if (version) settings.nginx.version = version.split('.').map(Number) as typeof settings.nginx.version;
    const r = lintNginx(CONF_PATH, text, memHost({ [CONF_PATH]: text }), { settings });
    const e = explainLog([closed], [{ config: r.config, findings: r.findings, target: settings.nginx, upstreams: r.upstreams }]).entries[0];
    return e.outcome ? `${e.outcome.status} ${e.outcome.why}` : 'not sure';
  };
  assert.equal(said(conf('keepalive 8;')), 'not sure');
  // From 1.29.7 every group keeps connections; with no version set, a group without keepalive is taken not to (the
  // caveat would otherwise hang on every such line). Known older, without keepalive: one try, sure.
  assert.equal(said(conf('')), '502 the request had one server to go to');
  assert.equal(said(conf(''), '1.29.7'), 'not sure');
  assert.equal(said(conf(''), '1.22.1'), '502 the request had one server to go to');
  assert.equal(said(conf('keepalive 8;'), '1.22.1'), 'not sure');
  // proxy_next_upstream off passes nothing on, reused connection or not.
  assert.equal(said(conf('keepalive 8;', 'proxy_next_upstream off;')), '502 *_next_upstream is off: nginx passes no failed request to another server');
});

test('explain: one kind of failure at one location over many URLs is one entry with a count; another method is apart', () => {
  const conf = 'events {}\nhttp {\n    upstream app { server 127.0.0.1:9001; }\n    server {\n        listen 80;\n        location / { proxy_pass http://app; proxy_read_timeout 5s; }\n    }\n}\n';
  const timeout = (n: number, method = 'GET') =>
    `2026/11/22 10:00:0${n % 10} [error] 12#12: *${n} upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.1, server: , request: "${method} /item/${n} HTTP/1.1", upstream: "http://127.0.0.1:9001/item/${n}", host: "x"`;
  const log = [...Array.from({ length: 200 }, (_, k) => timeout(k + 1)), timeout(201, 'POST')];
  const r = explainLog(log, [checked(conf)]);
  assert.deepEqual(r.entries.map((e) => `${e.count} ${e.explanation.fields.method}`), ['200 GET', '1 POST']);
});

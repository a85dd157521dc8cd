// The on-call review's nginx cases, on the lines real nginx 1.22.1 wrote for them (the ports as they were; the runs
// are in test/servers/explain-nginx-oncall-review.test.ts, which checks what the clients got).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLog } from '../../server/src/core/explain/explain';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const PATH = '/etc/nginx/nginx.conf';
function checked(text: string) {
  const settings = defaultSettings();
  const r = lintNginx(PATH, text, memHost({ [PATH]: text }), { settings });
  return { config: r.config, findings: r.findings, target: settings.nginx, upstreams: r.upstreams };
}

const HTTP = (group: string, pass = 'proxy_pass http://api;') => `events {}
http {
    upstream api {
${group}
    }
    server {
        listen 18600;
        location / {
            ${pass}
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
`;
const TWO = HTTP('        server 127.0.0.1:40481 max_fails=3 fail_timeout=10s;\n        server 127.0.0.1:36417 max_fails=3 fail_timeout=10s;\n        keepalive 16;');

const HEAD = '2026/11/25 02:03:23 [error] 6788#6788: *6';
const TAIL = (port: number) => `client: 127.0.0.1, server: , request: "GET /x HTTP/1.1", upstream: "http://127.0.0.1:${port}/x", host: "127.0.0.1:41407"`;
const CLOSED = (port: number) => `${HEAD} upstream prematurely closed connection while reading response header from upstream, ${TAIL(port)}`;
const NO_LIVE = `${HEAD} no live upstreams while connecting to upstream, client: 127.0.0.1, server: , request: "GET /x HTTP/1.1", upstream: "http://api/x", host: "127.0.0.1:41407"`;

test('explain: "no live upstreams" right after a failed try at each server of the group: the request used them up', () => {
  const log = [CLOSED(40481), CLOSED(36417), NO_LIVE];
  const [sure] = explainLog(log, [checked(TWO)]).requests;
  assert.deepEqual([sure.outcome!.status, sure.outcome!.final, sure.outcome!.usedUp], ['502', true, { sure: true }]);
  assert.match(sure.outcome!.why, /^every server of the group \(2\) had already been tried for this request/);
  // Without the configuration the group's size is not known: said under a condition.
  const [open] = explainLog(log, []).requests;
  assert.deepEqual(open.outcome!.usedUp, { sure: false });
  assert.match(open.outcome!.why, /if the group has no other server, none was left/);
  // A third server the request did not try: it was out for another reason (marked failed, down), not used up.
  const three = HTTP('        server 127.0.0.1:40481;\n        server 127.0.0.1:36417;\n        server 127.0.0.1:9;\n        keepalive 16;');
  assert.equal(explainLog(log, [checked(three)]).requests[0].outcome!.usedUp?.sure, false);
  // "no live upstreams" alone keeps its own meaning, which names each reason.
  const alone = explainLog([NO_LIVE], [checked(TWO)]);
  assert.equal(alone.requests.length, 0);
  assert.match(alone.entries[0].explanation.pattern.meaning, /already been tried for it .*marked failed .*`down`/);
});

test('explain: a failure on a reused connection in a group of several servers: the servers tried still tell, nginx does not go back to the same one', () => {
  // One stale connection, the other server untried in these lines: not sure, and it names the untried server.
  const [lone] = explainLog([CLOSED(40481)], [checked(TWO)]).entries;
  assert.equal(lone.hedge?.final, false);
  assert.match(lone.hedge!.why, /not tried in these lines: 127\.0\.0\.1:36417/);
  assert.doesNotMatch(lone.hedge!.why, /same server/);
  // Both servers failed, and no line follows (the last try was not on a reused connection): 502 for sure.
  const [both] = explainLog([CLOSED(40481), CLOSED(36417)], [checked(TWO)]).requests;
  assert.deepEqual([both.outcome!.final, both.outcome!.why], [true, 'every server nginx could use (2) was tried']);
  // A group of one server: nginx sends the GET again to it, unlogged when it works (the evidence scenario).
  const one = HTTP('        server 127.0.0.1:40481;\n        keepalive 16;');
  const [single] = explainLog([CLOSED(40481)], [checked(one)]).entries;
  assert.equal(single.hedge?.final, false);
  assert.match(single.hedge!.why, /sends the request again on a new connection, to the same server \(the only one\)/);
});

const FCGI = (keep: boolean) => `events {}
http {
    upstream php {
        server 127.0.0.1:39047;
${keep ? '        keepalive 8;\n' : ''}    }
    server {
        listen 18620;
        location ~ \\.php$ {
            include fastcgi_params;
${keep ? '            fastcgi_keep_conn on;\n' : ''}            fastcgi_pass php;
        }
    }
}
`;
const RESET = (time: string) =>
  `2026/11/25 ${time} [error] 10797#10797: *4 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 127.0.0.1, server: , request: "GET /slow.php HTTP/1.1", upstream: "fastcgi://127.0.0.1:39047", host: "127.0.0.1:46039"`;

test('explain: two resets of one GET at a group of one server that keeps connections are one request sent again; php-fpm\'s causes are named', () => {
  const log = [RESET('02:05:05'), RESET('02:05:09')];
  const kept = explainLog(log, [checked(FCGI(true))]);
  assert.equal(kept.requests.length, 1);
  assert.deepEqual([kept.requests[0].count, kept.requests[0].tried!.length], [1, 2]);
  assert.equal(kept.entries[0].alone, 0);
  const step = kept.entries[0].nextStep!;
  assert.match(step, /request_terminate_timeout/);
  assert.match(step, /max_execution_time does not end a request this way/);
  assert.match(step, /; else, if these lines come after idle moments, nginx reused a kept-alive connection/);
  // Without keepalive nginx opens a new connection for every request and never sends one twice to the same server:
  // the lines are two requests, and the keep-alive race is no cause.
  const plain = explainLog(log, [checked(FCGI(false))]);
  assert.equal(plain.requests.length, 0);
  assert.equal(plain.entries[0].alone, 2);
  assert.match(plain.entries[0].nextStep!, /request_terminate_timeout/);
  assert.doesNotMatch(plain.entries[0].nextStep!, /kept-alive/);
  // Not for proxy_pass: php-fpm is no HTTP server.
  const proxied = RESET('02:05:05').replace('fastcgi://', 'http://');
  assert.doesNotMatch(explainLog([proxied], []).entries[0].nextStep ?? '', /php-fpm/);
});

const STREAM_HEAD = (n: number, level = 'info') => `2026/11/25 02:04:09 [${level}] 8945#8945: *${n}`;

test('explain: a stream session whose later server carried it (bytes to and from a backend after the failed connect) is not decided by the failure', () => {
  const where = 'client: 127.0.0.1, server: 127.0.0.1:37135, upstream: "127.0.0.1:38049", bytes from/to client:0/0, bytes from/to upstream:0/0';
  const log = [
    `${STREAM_HEAD(9)} client 127.0.0.1:35176 connected to 127.0.0.1:37135`,
    `${STREAM_HEAD(9, 'error')} connect() failed (111: Connection refused) while connecting to upstream, ${where}`,
    `${STREAM_HEAD(9, 'warn')} upstream server temporarily disabled while connecting to upstream, ${where}`,
    `${STREAM_HEAD(9)} proxy 127.0.0.1:44612 connected to 127.0.0.1:46085`,
    `${STREAM_HEAD(9)} client disconnected, bytes from/to client:3/9, bytes from/to upstream:9/3`,
  ];
  const [r] = explainLog(log, []).requests;
  assert.equal(r.outcome!.final, true);
  assert.equal(r.outcome!.servedLater, true);
  assert.match(r.outcome!.status!, /^a working session from a later server/);
  // A session that ended with nothing exchanged (the client gave up at once) says nothing of a later try.
  const empty = log.map((l) => l.replace('client:3/9, bytes from/to upstream:9/3', 'client:0/0, bytes from/to upstream:0/0'));
  assert.equal(explainLog(empty, []).requests[0].outcome!.servedLater, undefined);
});

test('explain: stream proxy_timeout closes of an idle session and of an unanswered query are two entries', () => {
  const line = (n: number, bytes: string) =>
    `2026/11/25 02:04:13 [info] 8945#8945: *${n} connection timed out (110: Connection timed out) while proxying connection, client: 127.0.0.1, server: 127.0.0.1:34277, upstream: "127.0.0.1:34023", ${bytes}`;
  const r = explainLog([line(3, 'bytes from/to client:0/0, bytes from/to upstream:0/0'), line(5, 'bytes from/to client:5/0, bytes from/to upstream:0/5')], []);
  assert.deepEqual(r.entries.map((e) => `${e.explanation.pattern.id} ${e.count}`), ['nginx-stream-idle-timeout 1', 'nginx-stream-reply-timeout 1']);
  assert.match(r.entries[1].explanation.pattern.status, /waited for a reply that never came/);
  // Answers both ways before the silence: no sign of a query left unanswered.
  assert.equal(explainLog([line(7, 'bytes from/to client:10/200, bytes from/to upstream:200/10')], []).entries[0].explanation.pattern.id, 'nginx-stream-idle-timeout');
});

test('explain: a refused connect logged alone, with another server in the group and *_next_upstream passing errors on: the other server answered', () => {
  const conf = (next: string, servers = '        server 127.0.0.1:9001;\n        server 127.0.0.1:9002;') => `events {}
http {
    upstream g {
${servers}
    }
    server {
        listen 18630 http2;
        location / {
            ${next}
            grpc_pass grpc://g;
        }
    }
}
`;
  const line = '2026/11/25 02:20:01 [error] 77#77: *3 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: , request: "POST /svc/Method HTTP/2.0", upstream: "grpc://127.0.0.1:9001", host: "127.0.0.1:18630"';
  const hedge = (text: string) => explainLog([line], [checked(text)]).entries[0].hedge;
  assert.equal(hedge(conf('grpc_next_upstream error;'))?.status, 'the answer of another server of the group');
  // Not passed on: the client got 502 from this line, said for sure by the line's own outcome.
  assert.equal(hedge(conf('grpc_next_upstream timeout;')), undefined);
  assert.equal(hedge(conf('grpc_next_upstream off;')), undefined);
  assert.equal(hedge(conf('grpc_next_upstream error; grpc_next_upstream_tries 1;')), undefined);
  // No other server to go to.
  assert.equal(hedge(conf('grpc_next_upstream error;', '        server 127.0.0.1:9001;')), undefined);
  assert.equal(explainLog([line], [checked(conf('grpc_next_upstream error;', '        server 127.0.0.1:9001;'))]).entries[0].outcome?.status, '502');
  // Without the configuration nothing is known of the group.
  assert.equal(explainLog([line], []).entries[0].hedge, undefined);
});

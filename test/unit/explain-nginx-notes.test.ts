// explain's smaller nginx judgements, on lines as nginx 1.22.1 writes them (the reviewer's runs, and the server
// tests named below): a unix socket backend named whole, "no live upstreams" for a group whose servers are all
// `down`, and the stream wording of "temporarily disabled".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLog, nginxNotes } from '../../server/src/core/explain/explain';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const CONF_PATH = '/etc/nginx/nginx.conf';

function checked(text: string) {
  const settings = defaultSettings();
  const r = lintNginx(CONF_PATH, text, memHost({ [CONF_PATH]: text }), { settings });
  return { config: r.config, findings: r.findings, target: settings.nginx, upstreams: r.upstreams };
}

const CONF = `events {}
http {
    upstream alldown {
        server 127.0.0.1:37401 down;
        server 127.0.0.1:37402 down;
    }
    upstream somedown {
        server 127.0.0.1:37401 down;
        server 127.0.0.1:37402;
    }
    server {
        listen 127.0.0.1:37518;
        location /nosock/ { proxy_pass http://unix:/run/app/nope.sock; }
        location /alldown/ { proxy_pass http://alldown; }
        location /somedown/ { proxy_pass http://somedown; }
    }
}
`;

const at = (conn: string, level: string, message: string, path: string, upstream: string) =>
  `2026/11/22 20:13:25 [${level}] 31745#31745: ${conn} ${message} while connecting to upstream, client: 127.0.0.1, server: , request: "GET ${path} HTTP/1.1", upstream: "${upstream}", host: "127.0.0.1:37518"`;

test('explain: a unix socket backend is named by its whole path where the line is placed', () => {
  const line = at('*1', 'crit', 'connect() to unix:/run/app/nope.sock failed (2: No such file or directory)', '/nosock/', 'http://unix:/run/app/nope.sock:/nosock/');
  const [e] = explainLog([line], [checked(CONF)]).entries;
  assert.match(e.place!.how, /passes to http:\/\/unix:\/run\/app\/nope\.sock(?:;|$)/, e.place!.how);
  assert.equal(e.outcome?.why, 'the request had one server to go to');
});

test('explain: "no live upstreams" for a group whose servers are all down points at the down lines, not at earlier lines', () => {
  const lines = [
    at('*7', 'error', 'no live upstreams', '/alldown/', 'http://alldown/alldown/'),
    at('*9', 'error', 'no live upstreams', '/somedown/', 'http://somedown/somedown/'),
  ];
  const { entries } = explainLog(lines, [checked(CONF)]);
  const where = (n: { file: { lines: { positionAt(o: number): { line: number } } }; directive: { start: number } }) => `nginx.conf:${n.file.lines.positionAt(n.directive.start).line + 1}`;
  const notes = entries.map((e) => nginxNotes(e, where));
  assert.deepEqual(notes[0], ['every server of this group is marked down (nginx.conf:4, nginx.conf:5): nginx has none to try, so no earlier line is the cause; the configuration is.']);
  // One server is not down: it was marked failed by earlier failures, which the meaning sends the reader to.
  assert.deepEqual(notes[1], []);
  assert.match(entries[1].explanation.pattern.meaning, /earlier failures, logged in earlier lines/);
});

test('explain: stream lines speak of the stream module: no 504, no http_5xx, the access log\'s $status', () => {
  const stream = (message: string) => `2026/11/22 20:09:23 [warn] 23023#23023: *1 ${message}, client: 127.0.0.1, server: 127.0.0.1:37510, upstream: "127.0.0.1:37450", bytes from/to client:0/0, bytes from/to upstream:0/0`;
  const disabled = explainLogLine(stream('upstream server temporarily disabled while connecting to upstream'))!;
  assert.doesNotMatch(disabled.pattern.meaning, /http_50\d|requests get 502/);
  const timeout = explainLogLine(stream('upstream timed out (110: Connection timed out) while connecting to upstream'))!;
  assert.doesNotMatch(timeout.pattern.meaning, /gets 504/);
  assert.match(timeout.pattern.status, /\$status says 502\)$/);
  // The same lines of the http module keep their own wording.
  const http = explainLogLine(at('*3', 'error', 'upstream timed out (110: Connection timed out)', '/x', 'http://127.0.0.1:1/x'))!;
  assert.equal(http.pattern.status, '504');
});

test('explain: an error page that is proxied answers only if its own try works; a lone line says so', () => {
  const conf = `events {}
http {
    server {
        listen 127.0.0.1:37514;
        error_page 502 /err502;
        location /err502 { proxy_pass http://127.0.0.1:37498; }
        location / { proxy_pass http://127.0.0.1:37497; }
    }
}
`;
  const line = at('*10', 'error', 'connect() failed (111: Connection refused)', '/x', 'http://127.0.0.1:37497/x').replace('37518', '37514');
  const [e] = explainLog([line], [checked(conf)]).entries;
  assert.equal(e.outcome?.errorPage?.answer, "502 with the page /err502 as its body, if that location's own proxy_pass worked (had it failed, a line for the same connection would follow)");
  // The line of that failure, on the same connection: one request, and nginx's own 502.
  const second = at('*10', 'error', 'connect() failed (111: Connection refused)', '/x', 'http://127.0.0.1:37498/err502').replace('37518', '37514');
  const r = explainLog([line, second], [checked(conf)]).requests;
  assert.equal(r.length, 1);
  assert.equal(r[0].outcome?.errorPage, undefined);
  assert.match(r[0].outcome!.why, /^the error page failed in its turn/);
});

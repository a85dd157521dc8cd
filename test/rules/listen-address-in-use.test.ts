// listen-address-in-use where the fixtures do not show it: which block nginx binds second (the finding's
// place and the bind() address it quotes), mail servers, unix sockets, the *:80 of an http server with no listen, a
// listen read twice through one snippet, what one module folds into its wildcard socket, and fragments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText, type LintTextOptions } from '../helpers';

const RULE = 'listen-address-in-use';
const found = (text: string, opts: LintTextOptions = {}) => {
  const r = lintText(text, opts);
  return r.findings.filter((f) => f.ruleId === RULE).map((f) => ({ ...f, line: r.at(f).line }));
};
const http = (...listens: string[]) => `http {\n${listens.map((l) => `    server {\n        ${l}\n        return 204;\n    }\n`).join('')}}\n`;
const stream = (...listens: string[]) => `stream {\n${listens.map((l) => `    server {\n        ${l}\n        proxy_pass 127.0.0.1:9;\n    }\n`).join('')}}\n`;
const mail = (...listens: string[]) => `mail {\n    server_name mail.example;\n    auth_http 127.0.0.1:9/auth;\n${listens.map((l) => `    server {\n        ${l}\n        protocol smtp;\n    }\n`).join('')}}\n`;

test(`${RULE}: reported at the later block's listen, quoting the bind() nginx logs, with the earlier listen as related`, () => {
  const f = found(`events {}\n${http('listen 8080;')}${stream('listen 127.0.0.1:8080;')}`);
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 10);
  assert.equal(f[0].severity, 'error');
  assert.match(f[0].message, /^nginx -t passes, but nginx will not start: this stream listen and the http "listen 8080;" at nginx\.conf:4 /);
  assert.ok(f[0].message.includes('"bind() to 127.0.0.1:8080 failed (98: Address already in use)"'), f[0].message);
  assert.ok(f[0].message.includes('(0.0.0.0:8080 covers every IPv4 address of the port, 127.0.0.1:8080 included)'), f[0].message);
  assert.deepEqual(f[0].related.map((r) => r.message), ['the http listen that binds 0.0.0.0:8080 first']);
  // Stream first: nginx binds the stream socket first and fails at http's.
  const g = found(`events {}\n${stream('listen 127.0.0.1:8080;')}${http('listen 8080;')}`);
  assert.equal(g.length, 1);
  assert.equal(g[0].line, 10);
  assert.ok(g[0].message.includes('"bind() to 0.0.0.0:8080 failed (98: Address already in use)"'), g[0].message);
});

test(`${RULE}: mail servers clash with http and stream the same way`, () => {
  const f = found(`events {}\n${http('listen 127.0.0.1:2525;')}${mail('listen 2525;')}`);
  assert.equal(f.length, 1);
  assert.match(f[0].message, /this mail listen and the http "listen 127\.0\.0\.1:2525;"/);
  assert.deepEqual(found(`events {}\n${http('listen 127.0.0.1:2525;')}${mail('listen 2526;')}`), []);
});

test(`${RULE}: unix sockets clash on the same path only`, () => {
  assert.equal(found(`events {}\n${http('listen unix:/run/app.sock;')}${stream('listen unix:/run/app.sock;')}`).length, 1);
  assert.deepEqual(found(`events {}\n${http('listen unix:/run/app.sock;')}${stream('listen unix:/run/other.sock;')}`), []);
});

test(`${RULE}: an http server with no listen is on *:80 (as root)`, () => {
  const text = `events {}\nhttp {\n    server {\n        return 204;\n    }\n}\n${stream('listen 80;')}`;
  const f = found(text);
  assert.equal(f.length, 1);
  assert.match(f[0].message, /the http server block with no listen line \(nginx gives it \*:80 when started as root\) at nginx\.conf:3/);
  assert.equal(f[0].related[0].end - f[0].related[0].start, 'server'.length, 'the related location is the word "server", not the whole block');
  // With stream first, the finding goes on that server's name.
  const g = found(`events {}\n${stream('listen 80;')}http {\n    server {\n        return 204;\n    }\n}\n`);
  assert.equal(g.length, 1);
  assert.equal(g[0].end - g[0].start, 'server'.length);
  assert.match(g[0].message, /this http server block \(no listen line: nginx gives it \*:80 when started as root\)/);
  // The listen may be in an include proxylint could not read: then nothing is said.
  assert.deepEqual(found(`events {}\nhttp {\n    server {\n        include missing/listen.conf;\n    }\n}\n${stream('listen 80;')}`), []);
});

test(`${RULE}: a plain specific address beside its module's wildcard has no socket of its own; with bind or a socket option it has`, () => {
  // http binds only 0.0.0.0:8080 (127.0.0.1:8080 is served through it): one finding, at the stream line, against the wildcard.
  const f = found(`events {}\n${stream('listen 127.0.0.1:8080;')}${http('listen 8080;', 'listen 127.0.0.1:8080;')}`);
  assert.equal(f.length, 1);
  assert.ok(f[0].message.includes('bind() to 0.0.0.0:8080 failed'), f[0].message);
  const g = found(`events {}\n${stream('listen 127.0.0.1:8080;')}${http('listen 8080;', 'listen 127.0.0.1:8080 backlog=512;')}`);
  // (and the wildcard clashes with http's own 127.0.0.1:8080 socket too: a finding at the backlog= line)
  assert.deepEqual(g.map((x) => /bind\(\) to (\S+) failed/.exec(x.message)![1]), ['0.0.0.0:8080', '0.0.0.0:8080', '127.0.0.1:8080']);
  assert.ok(g.some((x) => x.message.includes('"backlog=512" gives this http listen a socket of its own')));
});

test(`${RULE}: left alone: udp, quic, [::] beside IPv4, reuseport on both, host names, variables, other ports`, () => {
  const quiet = [
    [http('listen 53;'), stream('listen 53 udp;')],
    [http('listen 127.0.0.1:443 quic;'), stream('listen 127.0.0.1:443;')],
    [http('listen [::]:8080;'), stream('listen 8080;')],
    [http('listen [::1]:8080;'), stream('listen 8080;')],
    [http('listen 8080 reuseport;'), stream('listen 127.0.0.1:8080 reuseport;')],
    [http('listen localhost:8080;'), stream('listen localhost:8080;')],
    [http('listen $port;'), stream('listen 8080;')],
    [http('listen 127.0.0.1:8080;'), stream('listen 127.0.0.2:8080;')],
  ];
  for (const [a, b] of quiet) assert.deepEqual(found(`events {}\n${a}${b}`).map((f) => f.message), [], `${a}${b}`);
  // Dual-stack [::] takes IPv4, and two [::] clash.
  assert.equal(found(`events {}\n${http('listen [::]:8080 ipv6only=off;')}${stream('listen 127.0.0.1:8080;')}`).length, 1);
  assert.equal(found(`events {}\n${http('listen [::]:8080;')}${stream('listen [0:0::0]:8080;')}`).length, 1);
});

test(`${RULE}: a snippet included in an http and a stream server is reported at the second include`, () => {
  const text = `events {}\nhttp {\n    server {\n        include listen.conf;\n    }\n}\nstream {\n    server {\n        include listen.conf;\n        proxy_pass 127.0.0.1:9;\n    }\n}\n`;
  const f = found(text, { files: { 'listen.conf': 'listen 127.0.0.1:8443;\n' } });
  assert.equal(f.length, 1);
  assert.equal(f[0].path, '/cfg/nginx.conf');
  assert.equal(f[0].line, 9);
});

test(`${RULE}: silent in a fragment (it shows one module) and where nginx binds each address once`, () => {
  assert.deepEqual(found(stream('listen 8080;'), { path: 'conf.d/tcp.conf', rootContext: 'stream' }), []);
  // Two http servers on one address share a socket: not this rule's business (nor a problem).
  assert.deepEqual(found(`events {}\n${http('listen 8080;', 'listen 8080;')}`), []);
});

test(`${RULE}: inside one module, the wildcard and an address with bind or a socket option of its own clash: reported at that address's line, quoting the wildcard's bind()`, () => {
  const one = (...l: string[]) => found(`events {}\n${http(...l)}`);
  const f = one('listen 8080;', 'listen 127.0.0.1:8080 bind;');
  assert.equal(f.length, 1);
  assert.equal(f[0].line, 8);
  assert.match(f[0].message, /^nginx -t passes, but nginx will not start: "bind" gives this http listen a socket of its own for 127\.0\.0\.1:8080, beside the http wildcard "listen 8080;" at nginx\.conf:4/);
  assert.ok(f[0].message.includes('"bind() to 0.0.0.0:8080 failed (98: Address already in use)"'), f[0].message);
  assert.ok(f[0].message.includes('Drop "bind" from this line'), f[0].message);
  assert.deepEqual(f[0].related.map((r) => r.message), ['the http listen whose 0.0.0.0:8080 nginx cannot bind then']);
  // The wildcard's bind() fails whichever line comes first (nginx binds specific addresses first); a socket option does the same.
  const g = one('listen 127.0.0.1:8080 backlog=64 so_keepalive=on;', 'listen 8080;');
  assert.equal(g.length, 1);
  assert.equal(g[0].line, 4);
  assert.ok(g[0].message.includes('the parameters "backlog=64 so_keepalive=on" gives') && g[0].message.includes('bind() to 0.0.0.0:8080 failed'), g[0].message);
  // IPv6, stream, and the option on another listen line of the address (the finding goes to the line with it).
  assert.ok(one('listen [::]:8080;', 'listen [::1]:8080 bind;')[0].message.includes('bind() to [::]:8080 failed'));
  assert.equal(found(`events {}\n${stream('listen 8080;', 'listen 127.0.0.1:8080 bind;')}`).length, 1);
  const h = one('listen 8080;', 'listen 127.0.0.1:8080;', 'listen 127.0.0.1:8080 bind;');
  assert.deepEqual(h.map((x) => x.line), [12]);
  // A dual-stack [::] and an IPv4 socket of the port: the one nginx binds second (first seen family and port first) fails.
  const d = one('listen [::]:8080 ipv6only=off;', 'listen 127.0.0.1:8080;');
  assert.deepEqual(d.map((x) => [x.line, /bind\(\) to (\S+) failed/.exec(x.message)![1]]), [[8, '127.0.0.1:8080']]);
  assert.deepEqual(one('listen 8080;', 'listen [::]:8080 ipv6only=off;').map((x) => /bind\(\) to (\S+) failed/.exec(x.message)![1]), ['[::]:8080']);
  // Left alone: no bind, reuseport on both, bind on the wildcard only, [::] (IPv6 only) beside IPv4, other ports.
  for (const l of [
    ['listen 8080;', 'listen 127.0.0.1:8080;'],
    ['listen 8080 reuseport;', 'listen 127.0.0.1:8080 reuseport;'],
    ['listen 8080 bind;', 'listen 127.0.0.1:8080;'],
    ['listen [::]:8080;', 'listen 127.0.0.1:8080 bind;'],
    ['listen 8080;', 'listen 127.0.0.1:8081 bind;'],
    ['listen 127.0.0.1:8080 bind;', 'listen 127.0.0.2:8080 bind;'],
  ])
    assert.deepEqual(one(...l).map((x) => x.message), [], l.join(' '));
});

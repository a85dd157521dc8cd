// wrong-protocol-to-local-listener: how it reads the listeners (merged options, http2, fragments, versions), and the
// error-log lines of its outcomes as `proxylint explain` reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';
import { parseVersion } from '../../server/src/core/model/version';
import { lintText } from '../helpers';

const ID = 'wrong-protocol-to-local-listener';
const CERT = 'ssl_certificate /etc/ssl/certs/ssl-cert-snakeoil.pem; ssl_certificate_key /etc/ssl/private/ssl-cert-snakeoil.key;';

function mine(http: string, opts: { version?: string; path?: string; rootContext?: 'main' | 'http' } = {}) {
  const text = opts.rootContext === 'http' ? http : `events {}\nhttp {\n${http}\n}\n`;
  return lintText(text, {
    path: opts.path,
    rootContext: opts.rootContext,
    settings: (s) => {
      if (opts.version) s.nginx.version = parseVersion(opts.version);
    },
  }).findings.filter((f) => f.ruleId === ID);
}

const front = (pass: string) => `server { listen 127.0.0.1:18000; location / { ${pass}; } }`;

test('http2 on one listen line of an address counts for the other server blocks on it, as nginx merges them', () => {
  assert.deepEqual(mine(`${front('grpc_pass 127.0.0.1:18100')}\nserver { listen 127.0.0.1:18100; }\nserver { listen 127.0.0.1:18100 http2; server_name b; }`), []);
  assert.equal(mine(`${front('grpc_pass 127.0.0.1:18100')}\nserver { listen 127.0.0.1:18100; }`).length, 1);
  // …and ssl likewise: grpcs:// then meets TLS, with HTTP/2 offered by the other line.
  assert.deepEqual(mine(`${front('grpc_pass grpcs://127.0.0.1:18101')}\nserver { listen 127.0.0.1:18101 ssl; ${CERT} }\nserver { listen 127.0.0.1:18101 http2; server_name b; }`), []);
});

test('"http2 on" (nginx 1.25.1) in the listener\'s server block or at http level makes it speak HTTP/2', () => {
  assert.deepEqual(mine(`${front('grpc_pass 127.0.0.1:18102')}\nserver { listen 127.0.0.1:18102; http2 on; }`, { version: '1.25.1' }), []);
  assert.deepEqual(mine(`http2 on;\n${front('grpc_pass 127.0.0.1:18103')}\nserver { listen 127.0.0.1:18103; }`, { version: '1.25.1' }), []);
});

test('a plain listener with http2: the outcome said for the target version (HTTP/2 only before 1.25.1), both when it is unknown', () => {
  const conf = `${front('fastcgi_pass 127.0.0.1:18104')}\nserver { listen 127.0.0.1:18104 http2; }`;
  const old = mine(conf, { version: '1.22.1' });
  assert.equal(old.length, 1);
  assert.match(old[0].message, /protocol version: 0/);
  assert.doesNotMatch(old[0].message, /version: 72/);
  const newer = mine(conf, { version: '1.27.0' });
  assert.match(newer[0].message, /version: 72/);
  assert.doesNotMatch(newer[0].message, /version: 0/);
  const unknown = mine(conf);
  assert.match(unknown[0].message, /version: 72.*before nginx 1\.25\.1.*version: 0/);
  // uwsgi: the relayed 400, or a 502 from an HTTP/2-only listener.
  const uwsgi = mine(`${front('uwsgi_pass 127.0.0.1:18105')}\nserver { listen 127.0.0.1:18105 http2; }`, { version: '1.22.1' });
  assert.match(uwsgi[0].message, /502 \("upstream sent invalid header/);
});

test('in a fragment, outcomes that hang on ssl or http2 (which an unseen listen line could add) are warnings; FastCGI to any HTTP listener stays an error', () => {
  const text = `${front('grpc_pass 127.0.0.1:18106')}\n${front('fastcgi_pass 127.0.0.1:18106')}\nserver { listen 127.0.0.1:18106; }\n`;
  const found = mine(text, { path: 'sites-enabled/app.conf', rootContext: 'http' });
  assert.deepEqual(found.map((f) => [f.message.split(' ')[0], f.severity]), [['grpc_pass', 'warning'], ['fastcgi_pass', 'error']]);
  assert.deepEqual(mine(text).map((f) => f.severity), ['error', 'error']);
});

test('groups: only the servers on a local listener count, "down" ones not at all, and the message says the share', () => {
  const found = mine(`upstream php { server 127.0.0.1:9000; server 127.0.0.1:18107; server 127.0.0.1:18108 down; }\n${front('fastcgi_pass php')}\nserver { listen 127.0.0.1:18107; listen 127.0.0.1:18108; }`);
  assert.equal(found.length, 1);
  assert.match(found[0].message, /1 of its 3 servers\) to 127\.0\.0\.1:18107,/);
  // The group's line and the listen line are both pointed at.
  assert.equal(found[0].related.length, 2);
});

test('a stream listener: without ssl it relays (nothing said), with ssl a pass without TLS fails the handshake', () => {
  const stream = (ssl: string) => `events {}\nhttp {\n${front('scgi_pass 127.0.0.1:18109')}\n}\nstream {\n    server { listen 127.0.0.1:18109${ssl}; ${ssl ? CERT : ''} proxy_pass 10.0.0.9:4000; }\n}\n`;
  const plain = lintText(stream('')).findings.filter((f) => f.ruleId === ID);
  assert.deepEqual(plain, []);
  const tls = lintText(stream(' ssl')).findings.filter((f) => f.ruleId === ID);
  assert.equal(tls.length, 1);
  assert.match(tls[0].message, /upstream prematurely closed connection while reading response header from upstream/);
});

test('proxy_pass is left to scheme-port-mismatch; a host that is not loopback reaches no wildcard listener', () => {
  assert.deepEqual(mine(`${front('proxy_pass https://127.0.0.1:18110')}\nserver { listen 127.0.0.1:18110; }`), []);
  assert.deepEqual(mine(`${front('fastcgi_pass 192.0.2.10:18111')}\nserver { listen 18111; }`), []);
  // A loopback address other than 127.0.0.1 reaches the IPv4 wildcard too.
  assert.equal(mine(`${front('fastcgi_pass 127.0.0.2:18111')}\nserver { listen 18111; }`).length, 1);
});

// The lines as nginx 1.22.1 wrote them in test/servers/wrong-protocol-to-local-listener.test.ts.
const LINE = (message: string, upstream: string) =>
  `2026/11/24 08:19:01 [error] 19449#19449: *52 ${message} while reading response header from upstream, client: 127.0.0.1, server: , request: "GET /x HTTP/1.1", upstream: "${upstream}", host: "127.0.0.1:18800"`;

test('explain: the outcomes\' log lines are explained as 502 and name the rule', () => {
  const cases: [string, string][] = [
    [LINE('upstream sent unsupported FastCGI protocol version: 72', 'fastcgi://127.0.0.1:18801'), 'nginx-fastcgi-not-fastcgi'],
    [LINE('memcached sent invalid response: "HTTP/1.1 400 Bad Request"', 'memcached://127.0.0.1:18801'), 'nginx-memcached-invalid-response'],
    [LINE('upstream sent too large http2 frame: 4740180', 'grpc://127.0.0.1:18801'), 'nginx-grpc-frame-too-large'],
    [LINE('upstream sent invalid header: "\\x00..."', 'uwsgi://127.0.0.1:18802'), 'nginx-invalid-header'],
    [
      '2026/11/24 08:19:01 [error] 19449#19449: *88 SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream, client: 127.0.0.1, server: , request: "GET /x HTTP/1.1", upstream: "grpcs://127.0.0.1:18801", host: "127.0.0.1:18800"',
      'nginx-tls-wrong-version',
    ],
    [
      '2026/11/24 08:19:01 [crit] 19449#19449: *46 SSL_do_handshake() failed (SSL: error:0A000460:SSL routines::tlsv1 alert no application protocol:SSL alert number 120) while SSL handshaking to upstream, client: 127.0.0.1, server: , request: "GET /x HTTP/1.1", upstream: "grpcs://127.0.0.1:18803", host: "127.0.0.1:18800"',
      'nginx-tls-no-alpn',
    ],
  ];
  for (const [line, id] of cases) {
    const e = explainLogLine(line);
    assert.equal(e?.pattern.id, id, line);
    assert.equal(e?.pattern.status, '502', line);
    assert.ok(e?.pattern.rules.includes(ID), `${id} names ${ID}`);
  }
  // Another TLS handshake failure is still the general pattern.
  assert.equal(explainLogLine(LINE('SSL_do_handshake() failed (SSL: error:0A000410:SSL routines::sslv3 alert handshake failure:SSL alert number 40)', 'https://10.0.0.1:443').replace('reading response header from upstream', 'SSL handshaking to upstream'))?.pattern.id, 'nginx-tls-handshake');
});

// wrong-protocol-to-local-listener on a real nginx (Debian 1.22.1): every kind of pass the rule judges, sent to this
// same nginx's own listeners (plain HTTP, HTTP/2 without TLS, TLS, TLS with HTTP/2, a UNIX socket, a stream listener
// with TLS, listeners with proxy_protocol, and stream proxies with and without the PROXY protocol header). For each, the status the client got and the error-log line must be the ones the finding's message
// quotes; the passes that work (grpc to an HTTP/2 listener, grpcs to TLS with HTTP/2) must get 200 and no finding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText, requireBinary, runCli } from '../helpers';
import { parseVersion } from '../../server/src/core/model/version';
import { request } from './harness/client';
import { prepareNginx, rewriteNginx, startNginx } from './harness/nginx';
import { testPki } from './standins/tls';

requireBinary('nginx');

interface Case {
  path: string;
  pass: string;
  status: number;
  /** In the error log, on the request's own line (undefined: nothing at error level or above). */
  log?: RegExp;
  /** What the finding's message must quote; undefined: the rule must not flag it. */
  says?: RegExp;
}

const CASES: Case[] = [
  { path: '/fcgi', pass: 'fastcgi_pass 127.0.0.1:18801', status: 502, log: /\[error\] .*upstream sent unsupported FastCGI protocol version: 72 while reading response header from upstream/, says: /502 .*protocol version: 72/ },
  { path: '/fcgi-tls', pass: 'fastcgi_pass 127.0.0.1:18803', status: 502, log: /\[error\] .*unsupported FastCGI protocol version: 72/, says: /protocol version: 72/ },
  { path: '/fcgi-h2', pass: 'fastcgi_pass 127.0.0.1:18802', status: 502, log: /\[error\] .*unsupported FastCGI protocol version: 0 while/, says: /protocol version: 0/ },
  { path: '/fcgi-unix', pass: 'fastcgi_pass unix:{{sock}}', status: 502, log: /\[error\] .*unsupported FastCGI protocol version: 72/, says: /version: 72/ },
  { path: '/fcgi-group', pass: 'fastcgi_pass local_http', status: 502, log: /\[error\] .*unsupported FastCGI protocol version: 72/, says: /upstream "local_http" sends them to 127\.0\.0\.1:\d+, which is served by an http server/ },
  { path: '/uwsgi', pass: 'uwsgi_pass 127.0.0.1:18801', status: 400, says: /passes the 400 on/ },
  { path: '/uwsgi-tls', pass: 'uwsgi_pass 127.0.0.1:18803', status: 400, says: /passes the 400 on/ },
  { path: '/uwsgi-h2', pass: 'uwsgi_pass 127.0.0.1:18802', status: 502, log: /\[error\] .*upstream sent invalid header: "\\x00\.\.\." while reading response header from upstream/, says: /upstream sent invalid header: "\\x00\.\.\."/ },
  { path: '/suwsgi', pass: 'uwsgi_pass suwsgi://127.0.0.1:18801', status: 502, log: /\[error\] .*SSL_do_handshake\(\) failed \(SSL: error:0A00010B:SSL routines::wrong version number\) while SSL handshaking to upstream/, says: /wrong version number/ },
  { path: '/suwsgi-tls', pass: 'uwsgi_pass suwsgi://127.0.0.1:18803', status: 400, says: /passes the 400 on/ },
  { path: '/scgi', pass: 'scgi_pass 127.0.0.1:18801', status: 400, says: /passes the 400 on/ },
  { path: '/scgi-h2', pass: 'scgi_pass 127.0.0.1:18802', status: 502, log: /\[error\] .*upstream sent invalid header: "\\x00\.\.\."/, says: /invalid header/ },
  { path: '/mc', pass: 'memcached_pass 127.0.0.1:18801', status: 502, log: /\[error\] .*memcached sent invalid response: "HTTP\/1\.1 400 Bad Request" while reading response header from upstream/, says: /memcached sent invalid response: "HTTP\/1\.1 400 Bad Request"/ },
  { path: '/mc-h2', pass: 'memcached_read_timeout 1s; memcached_pass 127.0.0.1:18802', status: 504, log: /\[error\] .*upstream timed out \(110: Connection timed out\) while reading response header from upstream/, says: /504 once memcached_read_timeout runs out/ },
  { path: '/grpc', pass: 'grpc_pass 127.0.0.1:18801', status: 502, log: /\[error\] .*upstream sent too large http2 frame: 4740180 while reading response header from upstream/, says: /too large http2 frame: 4740180/ },
  { path: '/grpc-tls', pass: 'grpc_pass grpc://127.0.0.1:18804', status: 502, log: /\[error\] .*too large http2 frame: 4740180/, says: /which expects TLS.*4740180/ },
  { path: '/grpcs', pass: 'grpc_pass grpcs://127.0.0.1:18801', status: 502, log: /\[error\] .*wrong version number\) while SSL handshaking to upstream/, says: /wrong version number/ },
  { path: '/grpcs-no-h2', pass: 'grpc_pass grpcs://127.0.0.1:18803', status: 502, log: /\[crit\] .*SSL_do_handshake\(\) failed \(SSL: error:0A000460:SSL routines::tlsv1 alert no application protocol:SSL alert number 120\) while SSL handshaking to upstream/, says: /no application protocol.*logged at crit/ },
  { path: '/stream-tls', pass: 'fastcgi_pass 127.0.0.1:18805', status: 502, log: /\[error\] .*upstream prematurely closed connection while reading response header from upstream/, says: /upstream prematurely closed connection/ },
  // A listener with proxy_protocol (18808: on one of its two listen lines) closes on whatever comes without the header.
  { path: '/pp-fcgi', pass: 'fastcgi_pass 127.0.0.1:18806', status: 502, log: /\[error\] .*upstream prematurely closed connection while reading response header from upstream/, says: /proxy_protocol.*upstream prematurely closed connection/ },
  { path: '/pp-uwsgi', pass: 'uwsgi_pass 127.0.0.1:18806', status: 502, log: /\[error\] .*upstream prematurely closed connection while reading response header/, says: /broken header/ },
  { path: '/pp-proxy', pass: 'proxy_pass http://127.0.0.1:18806', status: 502, log: /\[error\] .*upstream prematurely closed connection while reading response header/, says: /speaks HTTP, but .*proxy_protocol/ },
  { path: '/pp-merged', pass: 'proxy_set_header Host a; proxy_pass http://127.0.0.1:18808', status: 502, log: /\[error\] .*upstream prematurely closed connection while reading response header/, says: /proxy_protocol/ },
  { path: '/pp-grpcs', pass: 'grpc_pass grpcs://127.0.0.1:18807', status: 502, log: /\[error\] .*peer closed connection in SSL handshake \(104: Connection reset by peer\) while SSL handshaking to upstream/, says: /peer closed connection in SSL handshake/ },
  // What works, and is not flagged.
  { path: '/grpc-h2', pass: 'grpc_pass 127.0.0.1:18802', status: 200 },
  { path: '/grpcs-h2', pass: 'grpc_pass grpcs://127.0.0.1:18804', status: 200 },
];

test('every pass the rule flags gets, from this nginx\'s own listener, the status and log line its message quotes; the ones it does not flag work', { timeout: 60_000 }, async () => {
  const pki = testPki();
  const cert = pki.certs.get('localhost')!;
  const tls = `ssl_certificate ${cert.certPath}; ssl_certificate_key ${cert.keyPath};`;
  // One listen line per line: the harness moves only lines that start with "listen".
  const setup = await prepareNginx(`stream {
    server {
        listen 127.0.0.1:18805 ssl;
        ${tls} proxy_pass 127.0.0.1:18801;
    }
    # The PROXY protocol header sent where it is not expected, and not sent where it is.
    server {
        listen 127.0.0.1:18810;
        proxy_protocol on;
        proxy_pass 127.0.0.1:18801;
    }
    server {
        listen 127.0.0.1:18811;
        proxy_pass 127.0.0.1:18806;
    }
}
http {
    upstream local_http { server 127.0.0.1:18801; }
    # The same listeners through groups of two, to see whether nginx passes the failure on.
    upstream retried { server 127.0.0.1:18801; server 127.0.0.1:18803; }
    upstream not_retried { server 127.0.0.1:18801; server 127.0.0.1:18803; }
    server {
        listen 127.0.0.1:18801;
        listen unix:{{sock}};
        location / { return 200 "plain\\n"; }
    }
    server {
        listen 127.0.0.1:18802 http2;
        location / { return 200 "h2c\\n"; }
    }
    server {
        listen 127.0.0.1:18803 ssl;
        ${tls} location / { return 200 "tls\\n"; }
    }
    server {
        listen 127.0.0.1:18804 ssl http2;
        ${tls} location / { return 200 "tls h2\\n"; }
    }
    server {
        listen 127.0.0.1:18806 proxy_protocol;
        location / { return 200 "pp\\n"; }
    }
    server {
        listen 127.0.0.1:18807 ssl http2 proxy_protocol;
        ${tls} location / { return 200 "pp tls h2\\n"; }
    }
    server {
        listen 127.0.0.1:18808;
        server_name a;
        location / { return 200 "a\\n"; }
    }
    server {
        listen 127.0.0.1:18808 proxy_protocol;
        server_name b;
    }
    server {
        listen 127.0.0.1:18800;
${CASES.map((c) => `        location ${c.path} { ${c.path.startsWith('/mc') ? 'set $memcached_key $uri; ' : ''}${c.pass}; }`).join('\n')}
        location /fcgi-retried { fastcgi_pass retried; fastcgi_next_upstream error timeout invalid_header; }
        location /fcgi-not-retried { fastcgi_pass not_retried; }
    }
}
`);
  // The harness moved the listen lines to free ports; the passes that name them follow, and the socket goes in the prefix.
  let text = setup.text.split('{{sock}}').join(`${setup.dir}/web.sock`);
  for (const [orig, port] of setup.ports) text = text.split(orig).join(`127.0.0.1:${port}`);
  rewriteNginx(setup, text);
  const front = setup.ports.get('127.0.0.1:18800')!;
  const findings = lintText(text, { settings: (s) => (s.nginx.version = parseVersion('1.22.1')) }).findings.filter((f) => f.ruleId === 'wrong-protocol-to-local-listener');
  const lines = text.split('\n');
  const lineOf = (path: string) => lines.findIndex((l) => l.includes(`location ${path} {`));
  const nginx = await startNginx(setup);
  try {
    let seen = 0;
    for (const c of CASES) {
      const r = await request({ port: front, path: c.path, timeoutMs: 5000 });
      await new Promise((res) => setTimeout(res, 100));
      const log = nginx.errorLog().slice(seen);
      seen += log.length;
      const mine = log.split('\n').filter((l) => l.includes(`"GET ${c.path} HTTP/1.1"`));
      assert.equal(r.status, c.status, `${c.path}: ${log}`);
      if (c.log) assert.ok(mine.some((l) => c.log!.test(l)), `${c.path}: no line like ${c.log} in\n${mine.join('\n')}`);
      else assert.deepEqual(mine.filter((l) => /\[(error|crit|alert|emerg)\]/.test(l)), [], c.path);
      const flagged = findings.filter((f) => text.slice(0, f.start).split('\n').length - 1 === lineOf(c.path));
      if (!c.says) {
        assert.deepEqual(flagged.map((f) => f.message), [], c.path);
        continue;
      }
      assert.equal(flagged.length, 1, `${c.path} is flagged once`);
      assert.match(flagged[0].message, c.says, c.path);
      assert.match(flagged[0].message, new RegExp(`\\b${c.status}\\b`), `${c.path}: the message names the status the client got`);
    }

    // stream's proxy_pass: the HTTP request goes through as it is, the PROXY protocol header is the difference.
    const streamCases = [
      { listen: '127.0.0.1:18810', status: 400, says: /starts each connection with a PROXY protocol header .*reads the "PROXY TCP4 …" line as the request line and answers 400/, log: /\[info\] .*client sent invalid request while reading client request line, .*request: "PROXY TCP4 / },
      { listen: '127.0.0.1:18811', status: 'no-response', says: /sends no PROXY protocol header, .*clients get no answer at all/, log: /\[error\] .*broken header: "GET \/ HTTP\/1\.1/ },
    ] as const;
    for (const c of streamCases) {
      const r = await request({ port: setup.ports.get(c.listen)!, path: '/', timeoutMs: 5000 });
      await new Promise((res) => setTimeout(res, 100));
      const log = nginx.errorLog().slice(seen);
      seen += log.length;
      assert.equal(r.status, c.status, `${c.listen}: ${log}`);
      assert.match(log, c.log, c.listen);
      assert.equal(findings.filter((f) => c.says.test(f.message)).length, 1, `${c.listen}: one finding says ${c.says}`);
    }

    // FastCGI's version byte is an invalid header to nginx: passed to the next server only when *_next_upstream says so.
    for (const [path, tries] of [['/fcgi-retried', 2], ['/fcgi-not-retried', 1]] as const) {
      const r = await request({ port: front, path, timeoutMs: 5000 });
      await new Promise((res) => setTimeout(res, 100));
      const log = nginx.errorLog().slice(seen);
      seen += log.length;
      assert.equal(r.status, 502, path);
      assert.equal(log.split('\n').filter((l) => l.includes(`"GET ${path} HTTP/1.1"`) && l.includes('unsupported FastCGI protocol version: 72')).length, tries, `${path}:\n${log}`);
    }

    // explain reads the run's log as 502s, though the log holds NUL bytes: nginx wrote the junk request lines its own
    // listeners got as they came ("client sent invalid method" at info, "broken header" at error).
    assert.ok(nginx.errorLog().includes('\0'), 'the log has NUL bytes');
    const out = runCli(['explain', '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as { explained: { id: string; status: string; rules: string[]; fields: { path?: string } }[] };
    for (const id of ['nginx-fastcgi-not-fastcgi', 'nginx-memcached-invalid-response', 'nginx-tls-no-alpn', 'nginx-grpc-frame-too-large']) {
      const e = j.explained.find((x) => x.id === id);
      assert.ok(e, `${id} explained`);
      assert.equal(e!.status, '502', id);
    }
  } finally {
    await nginx.stop();
    setup.cleanup();
  }
});

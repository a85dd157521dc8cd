// grpc-pass-without-http2 against the real nginx 1.22.1: what a gRPC client gets from a server without HTTP/2, over
// cleartext and over TLS, and that a second server block with `http2` on the same address turns HTTP/2 on for the
// first one too (so the rule is silent there). The backend is never reached: this is about what nginx speaks to clients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { requireBinary, lintText } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { testPki } from './standins/tls';

requireBinary('nginx');
requireBinary('openssl');

/** The ALPN protocol nginx picks for a client that offers only h2 (as gRPC clients do), or the handshake's error. */
function alpnH2(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ALPNProtocols: ['h2'], rejectUnauthorized: false, servername: 'localhost' });
    s.on('secureConnect', () => {
      resolve(`alpn ${s.alpnProtocol}`);
      s.destroy();
    });
    s.on('error', (e) => resolve(`error ${e.message}`));
  });
}

test('gRPC clients and a server without http2: 400 over cleartext, a failed handshake over TLS, nothing at [error]; http2 on a sibling server counts', { timeout: 60_000 }, async () => {
  const local = testPki().certs.get('localhost')!;
  const tls = `ssl_certificate ${local.certPath}; ssl_certificate_key ${local.keyPath};`;
  const grpc = 'location / { grpc_pass grpc://127.0.0.1:9; }';
  // Listen lines on lines of their own: the harness moves them to free ports.
  const server = (listen: string, body: string) => `    server {\n        listen ${listen};\n        ${body}\n    }`;
  const text = [
    'http {',
    server('127.0.0.1:8000', grpc),
    server('127.0.0.1:8001 ssl', `${tls} ${grpc}`),
    server('127.0.0.1:8002 http2', 'server_name a; location / { return 204; }'),
    server('127.0.0.1:8002', `server_name b; ${grpc}`),
    server('127.0.0.1:8003 ssl http2', `${tls} ${grpc}`),
    '}',
    '',
  ].join('\n');
  // proxylint: the first two servers only.
  const r = lintText(`events {}\n${text}`);
  assert.deepEqual(r.findings.filter((f) => f.ruleId === 'grpc-pass-without-http2').map((f) => r.at(f).line), [5, 9]);

  const setup = await prepareNginx(text);
  const nginx = await startNginx(setup);
  try {
    const port = (a: string) => setup.ports.get(a)!;
    const plain = await request({ port: port('127.0.0.1:8000'), h2Preface: true, timeoutMs: 1500 });
    assert.equal(plain.status, 400);
    const handshake = await alpnH2(port('127.0.0.1:8001'));
    assert.match(handshake, /^error .*no application protocol/);
    // The sibling's http2 is the address's: server b answers the preface with HTTP/2 frames (SETTINGS first).
    const sibling = await request({ port: port('127.0.0.1:8002'), h2Preface: true, timeoutMs: 1500 });
    assert.equal(sibling.status, 'non-http');
    assert.equal(sibling.body[3], 0x04);
    assert.equal(await alpnH2(port('127.0.0.1:8003')), 'alpn h2');
    await new Promise((res) => setTimeout(res, 200));
    const log = nginx.errorLog();
    assert.doesNotMatch(log, /\[(error|crit|alert|emerg)\]/, log);
    assert.match(log, /\[info\] .*SSL_do_handshake\(\) failed \(SSL: error:0A0000EB:SSL routines::no application protocol\)/, log);
  } finally {
    await nginx.stop();
    setup.cleanup();
  }
});

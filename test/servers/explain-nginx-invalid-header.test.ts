// What "upstream sent invalid header" means, on the real nginx (Debian 1.22.1). explain said it was "often the wrong
// protocol for the port (proxy_pass to a FastCGI or uwsgi port, plain HTTP to a TLS port, …)", but plain HTTP sent to a
// TLS port is not logged so: a Node.js TLS server closes the connection ("upstream prematurely closed connection while
// reading response header from upstream"), and php-fpm behind proxy_pass resets it ("recv() failed (104: Connection
// reset by peer)", test fastcgi-settings-without-fastcgi-pass). The line comes from a header line nginx cannot read,
// here one with a NUL byte in its value, which nginx quotes up to that byte ("X-A: a\x00...").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { requireBinary } from '../helpers';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { startTlsStandin } from './standins/tls';

requireBinary('nginx');

/** A backend whose answer has a header line with a NUL byte in it. */
async function nulHeaderBackend() {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    let buf = '';
    s.on('data', (d) => {
      buf += d;
      if (buf.includes('\r\n\r\n')) s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: a\0b\r\n\r\nok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { port, stop: () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))) };
}

test('explain: "upstream sent invalid header" is a header line nginx cannot read; plain HTTP to a TLS port logs something else (real nginx)', async () => {
  const tls = await startTlsStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const nul = await nulHeaderBackend();
  const setup = await prepareNginx(`http {
    server {
        listen 127.0.0.1:8000;
        location /tls/ { proxy_pass http://127.0.0.1:${tls.port}; }
        location /nul/ { proxy_pass http://127.0.0.1:${nul.port}; }
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    assert.equal((await request({ port: setup.port, path: '/tls/x', timeoutMs: 5000 })).status, 502);
    assert.equal((await request({ port: setup.port, path: '/nul/x', timeoutMs: 5000 })).status, 502);
    await new Promise((r) => setTimeout(r, 300));
    const log = nginx.errorLog().split('\n');
    const tlsLine = log.find((l) => l.includes('"GET /tls/x') && l.includes('[error]'));
    assert.match(tlsLine ?? '', /upstream prematurely closed connection while reading response header from upstream/, log.join('\n'));
    const nulLine = log.find((l) => l.includes('"GET /nul/x') && l.includes('[error]'));
    assert.match(nulLine ?? '', /upstream sent invalid header: "X-A: a\\x00\.\.\." while reading response header from upstream/, log.join('\n'));
    const meaning = explainLogLine(nulLine!)!.pattern.meaning;
    assert.doesNotMatch(meaning, /TLS port|FastCGI/, meaning);
    assert.match(meaning, /header line/);
    // The line for the TLS port names that cause.
    assert.match(explainLogLine(tlsLine!)!.pattern.meaning, /TLS handshake/);
  } finally {
    await nginx.stop();
    await tls.stop();
    await nul.stop();
    setup.cleanup();
  }
});

// "upstream SSL certificate verify error: (N:reason)" was explained for every N as "the backend's certificate does
// not chain to a CA in proxy_ssl_trusted_certificate". For an expired certificate from a CA the file does hold, that
// sends the reader to the wrong file. The lines with 9, 10 and 18 are what a real nginx 1.22.1 wrote here
// (a Node.js TLS backend with a certificate from a CA in proxy_ssl_trusted_certificate, dated 2020, or 2030 on;
// and one with a self-signed certificate against the system CA bundle); 23, 3 and 12 are the lab's lines of
// test/servers/nginx-tls-upstream.test.ts (proxy_ssl_crl).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';

const line = (reason: string) => `2026/11/24 14:43:48 [error] 4797#4797: *7 upstream SSL certificate verify error: (${reason}) while SSL handshaking to upstream, client: 127.0.0.1, server: tls2.local, request: "GET /x HTTP/1.1", upstream: "https://127.0.0.1:9604/x", host: "127.0.0.1:18096"`;

test('explain: a TLS verify error is said by its reason, not always as a missing CA', () => {
  const cases: [string, RegExp][] = [
    [line('10:certificate has expired'), /\(10:certificate has expired\)[^;]*dates/],
    [line('9:certificate is not yet valid'), /\(9:certificate is not yet valid\)/],
    [line('18:self-signed certificate'), /\(18:self-signed certificate\): the backend's certificate is signed by itself/],
    [NGX_LOG.tlsVerifyRevoked, /\(23:certificate revoked\)[^;]*_ssl_crl/],
    [NGX_LOG.tlsVerifyNoCrl, /\(3:unable to get certificate CRL\)/],
    [NGX_LOG.tlsVerifyCrlExpired, /\(12:CRL has expired\)/],
    [NGX_LOG.tlsVerifyLeaf, /\(21:unable to verify the first certificate\): the backend sent only its own certificate/],
  ];
  for (const [l, says] of cases) {
    const e = explainLogLine(l)!;
    assert.equal(e.pattern.id, 'nginx-tls-verify', l);
    assert.match(e.pattern.meaning, says, l);
    assert.doesNotMatch(e.pattern.meaning, /^verification is on and the backend's certificate does not chain/, l);
  }
  assert.ok(explainLogLine(line('10:certificate has expired'))!.directives.includes('proxy_ssl_crl'));
});

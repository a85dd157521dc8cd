// The meaning of a TLS line names the *_ssl_name / *_ssl_trusted_certificate of the line's module. It used to print
// the table's placeholder as it was: "the name nginx checks ({f}_ssl_name, …)".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLogLine, LOG_PATTERNS } from '../../server/src/core/explain/log-patterns';
import { runCli } from '../helpers';

const line = (message: string, upstream: string) =>
  `2026/11/24 03:10:05 [error] 811#811: *64 ${message}, client: 10.1.2.3, server: chat.example.com, request: "GET / HTTP/1.1", upstream: "${upstream}", host: "chat.example.com"`;
const MISMATCH = 'upstream SSL certificate does not match "app.internal" while SSL handshaking to upstream';
const UNTRUSTED = 'upstream SSL certificate verify error: (21:unable to verify the first certificate) while SSL handshaking to upstream';

test('explain: a meaning names the directive of the line\'s module, never the {f} placeholder', () => {
  assert.ok(LOG_PATTERNS.some((p) => p.meaning.includes('{f}')), 'the table still uses the placeholder in meanings');
  assert.match(explainLogLine(line(MISMATCH, 'https://10.0.0.5:443/'))!.pattern.meaning, /\(proxy_ssl_name, by default/);
  assert.match(explainLogLine(line(MISMATCH, 'grpcs://10.0.0.5:443'))!.pattern.meaning, /\(grpc_ssl_name, by default/);
  assert.match(explainLogLine(line(UNTRUSTED, 'https://10.0.0.5:443/'))!.pattern.meaning, /proxy_ssl_trusted_certificate/);
  const r = runCli(['explain', line(UNTRUSTED, 'grpcs://10.0.0.5:443')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /grpc_ssl_trusted_certificate/);
  assert.doesNotMatch(r.stdout, /\{f\}/, r.stdout);
});

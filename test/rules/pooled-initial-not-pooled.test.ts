// SetEnv proxy-initial-not-pooled keeps pooled-connection-outlives-backend-keepalive quiet because mod_proxy_http then
// sends the first request of each client connection on a new backend connection. mod_proxy_fcgi does not read it: on
// Apache 2.4.71, an fcgi:// worker with enablereuse=On served three clients over one backend connection with it set,
// while an http:// worker opened three (test/servers/apache-reuse-and-address-cache.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApacheExample } from './rule-harness';

const conf = `# proxylint-test: backendKeepaliveTimeout=5
SetEnv proxy-initial-not-pooled 1
ProxyPass "/api/" "http://127.0.0.1:3000/"
ProxyPass "/php/" "fcgi://127.0.0.1:9000/" enablereuse=On
`;

test('pooled-connection-outlives-backend-keepalive: proxy-initial-not-pooled covers http:// workers, not fcgi:// ones', () => {
  const got = lintApacheExample(conf).filter((f) => f.ruleId === 'pooled-connection-outlives-backend-keepalive');
  assert.deepEqual(got.map((f) => conf.slice(0, f.start).split('\n').length), [4]);
  assert.match(got[0].message, /idle connections to fcgi:\/\/127\.0\.0\.1:9000\/ open until the backend closes them/);
});

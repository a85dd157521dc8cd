// keepalive-param-is-tcp-keepalive says how the worker reuses connections. A ProxyPassMatch whose URL holds $1 (or a
// ProxyPass in a <LocationMatch> with one) is not pooled unless enablereuse=On: httpd 2.4.71 opened a connection per
// request for it (test/servers/apache-keepalive-param.test.ts), so "reuse is on by default" would be wrong there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const messages = (text: string) =>
  lintApache('/c/site.conf', text, memHost({ '/c/site.conf': text }), { settings: defaultSettings() })
    .findings.filter((f) => f.ruleId === 'keepalive-param-is-tcp-keepalive')
    .map((f) => f.message);

const NOT_POOLED = /it does not make httpd reuse connections to this worker: its URL holds \$1, and for such a worker httpd opens a new connection for every request unless enablereuse=On is set$/;

test('keepalive=On on a worker whose URL holds $1: not pooled unless enablereuse=On, and the message says so', () => {
  for (const text of [
    'ProxyPassMatch "^/app/(.*)$" "http://127.0.0.1:3000/$1" keepalive=On\n',
    'ProxyPassMatch "^/app/(.*)$" "http://127.0.0.1:3000/$1" keepalive=On disablereuse=On\n',
    '<LocationMatch "^/app/(.*)$">\n    ProxyPass "http://127.0.0.1:3000/$1" keepalive=On\n</LocationMatch>\n',
    // ProxySet on the same worker, by its URL.
    'ProxyPassMatch "^/app/(.*)$" "http://127.0.0.1:3000/$1"\nProxySet "http://127.0.0.1:3000/$1" keepalive=On\n',
  ]) {
    const m = messages(text);
    assert.equal(m.length, 1, text);
    assert.match(m[0], NOT_POOLED, text);
    assert.doesNotMatch(m[0], /on by default/, text);
  }
});

test('keepalive=On on a worker whose URL holds $1 and reuse turned on: reused because of that parameter', () => {
  assert.match(messages('ProxyPassMatch "^/app/(.*)$" "http://127.0.0.1:3000/$1" enablereuse=On keepalive=On\n')[0], /; connections to this worker are reused because of enablereuse=On \(httpd 2\.4\.47 and later\), not because of this: a worker whose URL holds \$1 is not pooled without it$/);
  assert.match(messages('ProxyPassMatch "^/app/(.*)$" "http://127.0.0.1:3000/$1" keepalive=On disablereuse=Off\n')[0], /reused because of disablereuse=Off/);
  // httpd reads the last of the two: reuse is off again.
  assert.match(messages('ProxyPassMatch "^/app/(.*)$" "http://127.0.0.1:3000/$1" enablereuse=On disablereuse=On keepalive=On\n')[0], NOT_POOLED);
});

test('keepalive=On on a regex worker without $ or a plain one: reuse is on by default for http://', () => {
  for (const text of ['ProxyPassMatch "^/app/" "http://127.0.0.1:3000/" keepalive=On\n', 'ProxyPass "/app/" "http://127.0.0.1:3000/" keepalive=On\n']) {
    assert.match(messages(text)[0], /connection reuse is on by default for http:\/\/ and is tuned with ttl= and disablereuse=, not with this$/, text);
  }
  assert.match(messages('ProxyPass "/php/" "fcgi://127.0.0.1:9000/" keepalive=On\n')[0], /unless enablereuse=On is set$/);
});

// The settings explain shows for an httpd TLS handshake line placed at a worker (apache-tls-values.ts): where each is
// set, from a <Proxy> section that covers the worker, and left out where proxylint cannot tell (a <ProxyMatch>).
// test/servers/explain-apache-tls-sni-step.test.ts shows them for a real httpd's AH00898.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLog } from '../../server/src/core/explain/explain';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const PATH = '/etc/apache2/apache2.conf';
const AH00898 = '[Wed Nov 25 01:54:05.531475 2026] [proxy:error] [pid 7442:tid 7457] [client 127.0.0.1:44496] AH00898: Error during SSL Handshake with remote server returned by /app/x';
const shown = (conf: string) => {
  const e = explainLog([AH00898], [], [lintApache(PATH, conf, memHost({ [PATH]: conf }), { settings: defaultSettings() })]).entries[0];
  return { values: Object.fromEntries(e.apache!.values.map((v) => [v.name, `${v.value} | ${v.origin}`])), step: e.nextStep };
};

test('the defaults, said as defaults; the SNI step stays while ProxyPreserveHost is off', () => {
  const { values, step } = shown('SSLProxyEngine On\nProxyPass "/app/" "https://10.0.0.5:8443/"\n');
  assert.match(values.SSLProxyCheckPeerName, /^on \| the default/);
  assert.match(values.SSLProxyVerify, /^none \| the default/);
  assert.match(values.ProxyPreserveHost, /^Off \| the default: the URL's host, 10\.0\.0\.5, is the name sent/);
  assert.match(step ?? '', /never sends as SNI/);
});

test('a <Proxy> section that covers the worker decides; ProxyPreserveHost On in the <Location> drops the SNI step', () => {
  const { values, step } = shown(`SSLProxyEngine On
SSLProxyVerify require
<Proxy "https://10.0.0.5:8443/*">
    SSLProxyCheckPeerName off
</Proxy>
<Location "/app/">
    ProxyPreserveHost On
    ProxyPass "https://10.0.0.5:8443/"
</Location>
`);
  assert.match(values.SSLProxyCheckPeerName, /^off \| set in <Proxy "?https:\/\/10\.0\.0\.5:8443\/\*"?>/);
  assert.match(values.SSLProxyVerify, /^require \| set in the main server/);
  assert.match(values.ProxyPreserveHost, /^On \| set in <Location "?\/app\/"?>: the client's Host is the name sent/);
  assert.equal(step, undefined);
});

test('a <ProxyMatch> that sets SSLProxyCheckPeerName leaves it out (not matched here); the others are still shown', () => {
  const { values } = shown(`SSLProxyEngine On
<ProxyMatch "^https://10\\.0\\.0\\.5">
    SSLProxyCheckPeerName off
</ProxyMatch>
ProxyPass "/app/" "https://10.0.0.5:8443/"
`);
  assert.equal(values.SSLProxyCheckPeerName, undefined);
  assert.ok(values.SSLProxyVerify && values.ProxyPreserveHost);
});

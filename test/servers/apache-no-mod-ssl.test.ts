// Without mod_ssl, the hovers and https-backend-without-sslproxyengine once quoted AH00961 ("failed to enable ssl
// support") for https:// backends. On the real apache2 (2.4.71) mod_proxy_http declines https:// and wss:// when no
// TLS provider is loaded, so the request ends as a missing protocol handler: 500 with AH01144 (scheme 'https').
// AH00961 is what httpd logs when mod_ssl is loaded and SSLProxyEngine is off, and (always) for h2:// backends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheDirectiveDoc, apacheModuleDoc } from '../../server/src/core/docs/directive-doc';
import { APX_LOG } from '../../server/src/core/docs/log-lines';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startTlsStandin } from './standins/tls';

requireBinary('apache2');

const BASE = ['mpm_event', 'authz_core', 'proxy', 'proxy_http'];
const WS = { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' };

async function once(scheme: string, modules: string[]): Promise<{ status: string; log: string }> {
  const backend = await startTlsStandin({ behaviour: 'websocket', deadlineMs: 20_000 });
  const setup = await prepareApache(`ProxyPass "/app/" "${scheme}://localhost:${backend.port}/"\n`, { modules });
  const httpd = await startApache(setup);
  try {
    const r = await request({ port: setup.port, path: '/app/x', headers: scheme === 'wss' ? WS : {}, headOnly: true, timeoutMs: 5000 });
    await new Promise((res) => setTimeout(res, 150)); // the error log line follows the response
    return { status: String(r.status), log: httpd.errorLog() };
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
}

test('mod_ssl not loaded: https:// and wss:// get 500 with AH01144, h2:// with AH00961; with mod_ssl it is AH00961 (real apache2)', async () => {
  const https = await once('https', BASE);
  assert.equal(https.status, '500', https.log);
  assert.ok(https.log.includes(APX_LOG.noHandlerHttps), https.log);
  assert.doesNotMatch(https.log, /AH00961/);
  const wss = await once('wss', BASE);
  assert.equal(wss.status, '500', wss.log);
  assert.ok(wss.log.includes("AH01144: No protocol handler was valid for the URL /app/x (scheme 'wss')"), wss.log);
  const h2 = await once('h2', [...BASE, 'http2', 'proxy_http2']);
  assert.equal(h2.status, '500', h2.log);
  assert.match(h2.log, /AH00961: H2: failed to enable ssl support for 127\.0\.0\.1:\d+ \(localhost\)/);
  // The other half of the difference: mod_ssl loaded, SSLProxyEngine off.
  const engineOff = await once('https', [...BASE, 'ssl']);
  assert.equal(engineOff.status, '500', engineOff.log);
  assert.match(engineOff.log, /AH00961: https: failed to enable ssl support/);
  assert.doesNotMatch(engineOff.log, /AH01144/);
});

test('the mod_ssl and LoadModule hovers, and the rule message without mod_ssl, quote AH01144', () => {
  const ssl = apacheModuleDoc('ssl_module')!;
  assert.ok(ssl.logLines.includes(APX_LOG.noHandlerHttps));
  assert.ok(!ssl.logLines.includes(APX_LOG.noSsl));
  assert.match(ssl.failure, /logged as a missing protocol handler \(`AH01144 … \(scheme 'https'\)`\), not as `AH00961`/);
  assert.match(apacheDirectiveDoc('LoadModule')!.failure, /without mod_ssl the same `AH01144 … \(scheme 'https'\)`/);

  const load = (m: string) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so\n`;
  const message = (extra: string, url: string) => {
    const text = BASE.map(load).join('') + extra + `ProxyPass "/app/" "${url}"\n`;
    const f = lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: defaultSettings() }).findings.filter((x) => x.ruleId === 'https-backend-without-sslproxyengine');
    assert.equal(f.length, 1, text);
    return f[0].message;
  };
  assert.match(message('', 'https://localhost:8443/'), /every request to it gets 500 \("AH01144: No protocol handler was valid for the URL … \(scheme 'https'\)"\)/);
  assert.match(message('', 'wss://localhost:8443/'), /\(scheme 'wss'\)/);
  assert.match(message(load('http2') + load('proxy_http2'), 'h2://localhost:8443/'), /"AH00961: H2: failed to enable ssl support for localhost…"/);
  assert.match(message(load('ssl'), 'https://localhost:8443/'), /"AH00961: https: failed to enable ssl support for localhost…"/);
});

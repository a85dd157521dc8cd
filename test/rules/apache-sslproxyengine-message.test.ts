// AH00961 names the scheme as the proxy module does: "https:" and "wss:" (mod_proxy_http), "H2:" (mod_proxy_http2),
// each seen on httpd 2.4.71 with SSLProxyEngine off; the finding quotes that, not "HTTPS:".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

test('https-backend-without-sslproxyengine quotes AH00961 with the scheme in the case httpd writes it', () => {
  for (const [url, said] of [['https://127.0.0.1:19100/', 'https'], ['wss://127.0.0.1:19100/', 'wss'], ['h2://127.0.0.1:19100/', 'H2']]) {
    const text = `ProxyPass /a/ ${url}\n`;
    const f = lintApache('/c/app.conf', text, memHost({ '/c/app.conf': text }), { settings: defaultSettings() }).findings.filter((x) => x.ruleId === 'https-backend-without-sslproxyengine');
    assert.equal(f.length, 1, url);
    assert.ok(f[0].message.includes(`"AH00961: ${said}: failed to enable ssl support for 127.0.0.1…"`), f[0].message);
  }
});

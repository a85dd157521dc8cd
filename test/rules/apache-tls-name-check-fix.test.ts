// tls-backend-ip-name-check's suggestion turns off every name check httpd would still make, in the virtual host
// it names: SSLProxyCheckPeerName off alone leaves the common-name comparison of SSLProxyCheckPeerCN on (seen on
// 2.4.71: 500 with AH02005), and a line of the main server is overridden in the virtual host, not changed for all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/fix';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const RULE = 'tls-backend-ip-name-check';

function fixed(text: string): string {
  const f = lintApache('/c/app.conf', text, memHost({ '/c/app.conf': text }), { settings: defaultSettings() }).findings.filter((x) => x.ruleId === RULE);
  assert.equal(f.length, 1, text);
  return applyEdits(text, f[0].suggestions[0].edits).text;
}

test(`${RULE}: with SSLProxyCheckPeerCN on in the main server, the suggestion turns both checks off in the virtual host`, () => {
  const text = 'SSLProxyCheckPeerCN on\n<VirtualHost *:80>\n    SSLProxyEngine On\n    ProxyPass "/app/" "https://127.0.0.1:8443/"\n</VirtualHost>\n';
  assert.equal(fixed(text), 'SSLProxyCheckPeerCN on\n<VirtualHost *:80>\n    SSLProxyEngine On\n    SSLProxyCheckPeerName off\n    SSLProxyCheckPeerCN off\n    ProxyPass "/app/" "https://127.0.0.1:8443/"\n</VirtualHost>\n');
});

test(`${RULE}: SSLProxyCheckPeerName off with SSLProxyCheckPeerCN on is reported, and the suggestion turns CN off`, () => {
  const text = '<VirtualHost *:80>\n    SSLProxyEngine On\n    SSLProxyCheckPeerCN on\n    SSLProxyCheckPeerName off\n    ProxyPass "/app/" "https://127.0.0.1:8443/"\n</VirtualHost>\n';
  assert.equal(fixed(text), text.replace('SSLProxyCheckPeerCN on', 'SSLProxyCheckPeerCN off'));
});

test(`${RULE}: SSLProxyCheckPeerCN off alone turns the check off (200 on 2.4.71): nothing to report`, () => {
  const text = '<VirtualHost *:80>\n    SSLProxyEngine On\n    SSLProxyCheckPeerCN off\n    ProxyPass "/app/" "https://127.0.0.1:8443/"\n</VirtualHost>\n';
  const f = lintApache('/c/app.conf', text, memHost({ '/c/app.conf': text }), { settings: defaultSettings() }).findings.filter((x) => x.ruleId === RULE);
  assert.deepEqual(f, []);
});

// ProxyWebsocketIdleTimeout and its two siblings exist only in httpd trunk: on 2.4.71 apache2 -t rejects them with or
// without mod_proxy_wstunnel. They were in the module table as mod_proxy_wstunnel directives, so proxylint said nothing
// where the module was loaded and offered to load it where it was not, after which httpd still refused to start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { parseVersion } from '../../server/src/core/model/version';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const M = '/usr/lib/apache2/modules';
const head = (wstunnel: boolean) =>
  ['mpm_event', 'authz_core', 'proxy', 'proxy_http', ...(wstunnel ? ['proxy_wstunnel'] : [])].map((m) => `LoadModule ${m}_module ${M}/mod_${m}.so`).join('\n');
const lint = (text: string, version?: string) => {
  const settings = defaultSettings();
  if (version) settings.apache.version = parseVersion(version);
  return lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings }).findings.filter((f) => f.severity === 'error');
};
const body = 'ProxyWebsocketIdleTimeout 30\nProxyPass "/ws/" "ws://127.0.0.1:21008/ws/"\n';

for (const version of [undefined, '2.4.71']) {
  test(`trunk-only-directive: an error where mod_proxy_wstunnel is loaded (apache.version ${version ?? 'unset'}), with what 2.4 does instead`, () => {
    const f = lint(`${head(true)}\n${body}`, version);
    assert.deepEqual(f.map((x) => x.ruleId), ['trunk-only-directive']);
    assert.match(f[0].message, /^httpd 2\.4 refuses to start: "Invalid command 'ProxyWebsocketIdleTimeout'/);
    assert.match(f[0].message, /larger of Timeout and the backend timeout \(timeout= on its ProxyPass, else ProxyTimeout\)/);
    assert.equal(f[0].fix, undefined);
    assert.equal(f[0].suggestions[0].edits[0].newText, '');
  });
}

test('trunk-only-directive: without mod_proxy_wstunnel, apache-module-not-loaded does not offer to load it for these directives', () => {
  const f = lint(`${head(false)}\nProxyWebsocketAsync On\nProxyWebsocketAsyncDelay 1\n`);
  assert.deepEqual(f.map((x) => x.ruleId), ['trunk-only-directive', 'trunk-only-directive']);
  assert.match(f[0].message, /no setting for asynchronous WebSocket tunnels/);
  // The directive 2.4 does have still needs the module.
  assert.deepEqual(lint(`${head(false)}\nProxyWebsocketFallbackToProxyHttp Off\n`).map((x) => x.ruleId), ['apache-module-not-loaded']);
});

test('trunk-only-directive: quiet for a trunk build (apache.version 2.5.0) and inside <IfDirective>', () => {
  assert.deepEqual(lint(`${head(true)}\n${body}`, '2.5.0'), []);
  assert.deepEqual(lint(`${head(true)}\n<IfDirective ProxyWebsocketIdleTimeout>\n    ProxyWebsocketIdleTimeout 30\n</IfDirective>\n`), []);
});

test('trunk-only-directive: in a fragment inside <IfModule mod_proxy_wstunnel.c>, says it fails when the module is loaded', () => {
  const f = lint('<IfModule mod_proxy_wstunnel.c>\n    ProxyWebsocketIdleTimeout 30\n</IfModule>\n');
  assert.equal(f.length, 1);
  assert.match(f[0].message, /^httpd 2\.4 refuses to start when mod_proxy_wstunnel is loaded/);
});

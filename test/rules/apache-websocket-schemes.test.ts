// ws:// and wss:// need a module that speaks them: mod_proxy_wstunnel on every 2.4 release, or mod_proxy_http from
// 2.4.47 on (on 2.4.71: 101 with either module alone, 500 AH01144 with neither; evidence scenario in runtime-500.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { parseVersion } from '../../server/src/core/model/version';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

function findings(mods: string[], version: string | null, url = 'ws://127.0.0.1:18403/ws/'): string[] {
  const text = [...['mpm_event', 'authz_core', 'proxy', ...mods].map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`), 'ServerName localhost', `ProxyPass "/ws/" "${url}"`, ''].join('\n');
  const settings = defaultSettings();
  settings.apache.version = version ? parseVersion(version) : null;
  return lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings }).findings.filter((f) => f.ruleId === 'proxy-scheme-module-missing').map((f) => f.message);
}

test('proxy-scheme-module-missing: ws:// is fine with either mod_proxy_http (2.4.47 and later, or version unknown) or mod_proxy_wstunnel', () => {
  for (const v of [null, '2.4.47', '2.4.71']) assert.deepEqual(findings(['proxy_http'], v), [], `proxy_http, ${v}`);
  for (const v of [null, '2.4.46', '2.4.71']) assert.deepEqual(findings(['proxy_wstunnel'], v), [], `proxy_wstunnel, ${v}`);
  assert.deepEqual(findings(['proxy_http'], null, 'wss://127.0.0.1:18403/ws/'), []);
});

test('proxy-scheme-module-missing: ws:// with neither module says mod_proxy_http would do from 2.4.47 on; before 2.4.47 only mod_proxy_wstunnel', () => {
  for (const v of [null, '2.4.71']) {
    const [m, ...rest] = findings([], v);
    assert.equal(rest.length, 0);
    assert.match(m, /every request here gets 500: "AH01144: No protocol handler was valid for the URL … \(scheme 'ws'\)" because mod_proxy_wstunnel is not loaded and neither is mod_proxy_http, which handles ws:\/\/ itself on httpd 2\.4\.47 and later/);
  }
  const [old] = findings([], '2.4.46');
  assert.match(old, /because mod_proxy_wstunnel is not loaded;/, 'before 2.4.47 mod_proxy_http is no alternative');
  const [oldHttp] = findings(['proxy_http'], '2.4.46');
  assert.match(oldHttp, /because mod_proxy_wstunnel is not loaded \(the mod_proxy_http that is loaded takes ws:\/\/ only from httpd 2\.4\.47 on\)/);
});

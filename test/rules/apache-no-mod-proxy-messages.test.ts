// Without mod_proxy a ProxyPass or BalancerMember line stops httpd itself ("Invalid command 'ProxyPass'",
// apache-module-not-loaded). The rules about what such a line's requests would get (a scheme module missing, an
// https:// backend without SSLProxyEngine) used to say "httpd starts" there; they now say what happens once mod_proxy
// is loaded. A RewriteRule [P] without mod_proxy gets 403 (AH00669, proxy-scheme-module-missing), so
// https-backend-without-sslproxyengine does not claim a 500 for it. The real apache2 -t shows the first part.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary } from '../helpers';
import { apacheConfigTestText, loadModuleLine } from '../servers/harness/apache';

const PATH = '/c/httpd.conf';
// Loads an MPM and mod_authz_core (so the module list is known) and mod_rewrite, not mod_proxy.
const TEXT = `${['mpm_event', 'authz_core', 'rewrite'].map(loadModuleLine).join('\n')}
<VirtualHost *:80>
    ProxyPass /secure/ https://127.0.0.1:19443/
    RewriteEngine On
    RewriteRule ^/old/(.*)$ https://127.0.0.1:19443/$1 [P]
</VirtualHost>
`;

function findings() {
  return lintApache(PATH, TEXT, memHost({ [PATH]: TEXT }), { settings: defaultSettings() }).findings;
}
const lineOf = (offset: number) => TEXT.slice(0, offset).split('\n').length;

test('without mod_proxy, the findings on a ProxyPass line do not say that httpd starts', () => {
  const f = findings();
  const onPass = f.filter((x) => lineOf(x.start) === 5);
  assert.ok(onPass.some((x) => x.ruleId === 'apache-module-not-loaded'), onPass.map((x) => x.ruleId).join());
  for (const id of ['proxy-scheme-module-missing', 'https-backend-without-sslproxyengine']) {
    const x = onPass.find((y) => y.ruleId === id);
    assert.ok(x, id);
    assert.doesNotMatch(x.message, /httpd starts/, x.message);
    assert.match(x.message, /once mod_proxy is loaded \(without it httpd refuses to start at this line\),? every request/, x.message);
  }
  // The [P] rule: 403 from mod_rewrite (proxy-scheme-module-missing), not a 500 about SSLProxyEngine.
  const onRule = f.filter((x) => lineOf(x.start) === 7);
  assert.ok(onRule.some((x) => x.ruleId === 'proxy-scheme-module-missing' && /403: "AH00669/.test(x.message)), onRule.map((x) => x.message).join('\n'));
  assert.ok(!onRule.some((x) => x.ruleId === 'https-backend-without-sslproxyengine'), onRule.map((x) => x.message).join('\n'));
});

test('with mod_proxy loaded the messages still say httpd starts', () => {
  const text = TEXT.replace('\n<VirtualHost', `\n${loadModuleLine('proxy')}\n<VirtualHost`);
  const f = lintApache(PATH, text, memHost({ [PATH]: text }), { settings: defaultSettings() }).findings;
  for (const id of ['proxy-scheme-module-missing', 'https-backend-without-sslproxyengine']) {
    const x = f.find((y) => y.ruleId === id && /ProxyPass|19443\/:/.test(text.slice(y.start - 40, y.end)));
    assert.ok(x, id);
    assert.match(x.message, /httpd starts/, x.message);
  }
});

test('apache2 -t stops at the ProxyPass line without mod_proxy (real apache2)', async () => {
  requireBinary('apache2');
  const r = await apacheConfigTestText(TEXT);
  assert.equal(r.ok, false, r.output);
  assert.match(r.output, /Invalid command 'ProxyPass'/);
});

// invalid-worker-parameter: hcexpr= must name a ProxyHCExpr. Real httpd 2.4.71 (Debian), mod_proxy_hcheck loaded:
// "BalancerMember … hcexpr=ok234" with only "ProxyHCExpr ok2xx {…}" made apache2 -t fail with
// "AH00526: Syntax error on line 17 …: BalancerMember Unknown health check condition expr: ok234"; with hcexpr=ok2xx, Syntax OK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const conf = (expr: string, mods = ['proxy_hcheck']) =>
  [
    ...['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests', ...mods].map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`),
    'ProxyHCExpr ok2xx {%{REQUEST_STATUS} =~ /^[23]/}',
    '<Proxy "balancer://a">',
    `    BalancerMember "http://127.0.0.1:8080" hcmethod=GET hcexpr=${expr}`,
    '    BalancerMember "http://127.0.0.1:8081" hcmethod=GET',
    '</Proxy>',
    'ProxyPass "/" "balancer://a/"',
    '',
  ].join('\n');
const found = (text: string) =>
  lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'invalid-worker-parameter').map((f) => f.message);

test('invalid-worker-parameter: an hcexpr= no ProxyHCExpr defines stops httpd, with its own message', () => {
  const [m, ...rest] = found(conf('ok234'));
  assert.equal(rest.length, 0);
  assert.match(m, /^httpd refuses to start: "BalancerMember Unknown health check condition expr: ok234": no ProxyHCExpr defines "ok234" \(defined: ok2xx\)/);
  assert.deepEqual(found(conf('ok2xx')), []);
  // Without mod_proxy_hcheck, hcheck-params-without-module reports the parameters instead.
  assert.deepEqual(found(conf('ok234', [])), []);
});

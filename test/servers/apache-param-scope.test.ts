// The words after a balancer:// URL are balancer parameters, all others worker parameters, and httpd rejects each
// kind where the other belongs (set_balancer_param / set_worker_param in mod_proxy.c): keepalive=On on a ProxyPass to
// a balancer stops httpd from starting. invalid-worker-parameter reports these lines with httpd's own words; this
// runs the real apache2 -t on each, and on the fixture's ok.conf, where the same parameters sit where they belong.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary, ROOT } from '../helpers';
import { apacheConfigTestText } from './harness/apache';

requireBinary('apache2');

// Without mod_proxy_hcheck: with it loaded httpd says "unknown Worker hcheck parameter" (see the rule's page).
const MODULES = ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests'];
const BALANCER = '<Proxy "balancer://app">\n    BalancerMember "http://127.0.0.1:8084"\n</Proxy>\n';

const CASES = [
  'ProxyPass "/app/" "balancer://app/" keepalive=On',
  'ProxyPassMatch "^/m/(.*)$" "balancer://app/$1" ttl=4',
  '<Location "/f/">\n    ProxyPass "balancer://app/" keepalive=On\n</Location>',
  'ProxySet "balancer://app" disablereuse=On',
  '<Proxy "balancer://other">\n    BalancerMember "http://127.0.0.1:8085"\n    ProxySet retry=5\n</Proxy>',
  '<Proxy "balancer://other">\n    BalancerMember "http://127.0.0.1:8085" stickysession=JSESSIONID\n</Proxy>',
  'ProxyPass "/e/" "http://127.0.0.1:8086/" lbmethod=byrequests',
  'ProxyPass "/e/" "http://127.0.0.1:8086/"\nProxySet "http://127.0.0.1:8086/" failonstatus=500',
];

const findings = (text: string) => lintApache('/c/site.conf', text, memHost({ '/c/site.conf': text }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'invalid-worker-parameter');

test('a worker parameter on a balancer:// line, or a balancer parameter on a worker line, stops apache2 with the words the finding quotes (real apache2 -t)', async () => {
  for (const c of CASES) {
    const text = BALANCER + c + '\n';
    const found = findings(text);
    assert.equal(found.length, 1, `${c}\n${found.map((f) => f.message).join('\n')}`);
    const quoted = /^httpd refuses to start: "(.*?)": /.exec(found[0].message)?.[1];
    assert.ok(quoted, found[0].message);
    const t = await apacheConfigTestText(text, { modules: MODULES });
    assert.ok(!t.ok, `apache2 -t accepted:\n${c}`);
    assert.ok(t.output.includes(quoted!), `${c}\nhttpd said:\n${t.output}\nthe finding quotes: ${quoted}`);
  }
});

test('the same parameters where they belong (the fixture ok.conf) load, and are not reported (real apache2 -t)', async () => {
  const text = readFileSync(join(ROOT, 'test/rules/apache/invalid-worker-parameter/ok.conf'), 'utf8');
  assert.deepEqual(findings(text).map((f) => f.message), []);
  const t = await apacheConfigTestText(text);
  assert.ok(t.ok, t.output);
});

// Two parameters whose place matters beyond "worker or balancer", found while checking what completion offers:
// - mapping= is read by ProxyPass and ProxyPassMatch themselves, on a worker or a balancer:// URL alike, and
//   BalancerMember and ProxySet refuse it;
// - hcexpr= names a ProxyHCExpr that its own server (main server or virtual host) has defined above the line: one
//   of the main server is not seen from a virtual host, nor one written further down.
// invalid-worker-parameter must report a line exactly when the real apache2 -t refuses it, quoting its words.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary } from '../helpers';
import { apacheConfigTestText, DEFAULT_APACHE_MODULES, loadModuleLine } from './harness/apache';

requireBinary('apache2');

const EXPR = 'ProxyHCExpr ok {%{REQUEST_STATUS} =~ /^[23]/}';
const MEMBER = '<Proxy "balancer://x">\n    BalancerMember "http://127.0.0.1:8091" hcmethod=GET hcexpr=ok\n</Proxy>';
const vhost = (body: string) => `<VirtualHost 127.0.0.1:8090>\n${body}\n</VirtualHost>`;
const BALANCER = '<Proxy "balancer://b">\n    BalancerMember "http://127.0.0.1:8092"\n</Proxy>';

const CASES: { name: string; text: string }[] = [
  { name: 'mapping= on ProxyPass to a backend', text: 'ProxyPass "/a/" "http://127.0.0.1:8093/" mapping=servlet' },
  { name: 'mapping= on ProxyPass to a balancer', text: `${BALANCER}\nProxyPass "/b/" "balancer://b/" mapping=encoded` },
  { name: 'mapping= on ProxyPassMatch', text: 'ProxyPassMatch "^/m/(.*)$" "http://127.0.0.1:8093/$1" mapping=servlet' },
  { name: 'mapping= with a value httpd does not know', text: 'ProxyPass "/a/" "http://127.0.0.1:8093/" mapping=decoded' },
  { name: 'mapping= on BalancerMember', text: '<Proxy "balancer://b">\n    BalancerMember "http://127.0.0.1:8092" mapping=servlet\n</Proxy>' },
  { name: 'mapping= on ProxySet for a backend', text: '<Proxy "http://127.0.0.1:8093/">\n    ProxySet mapping=servlet\n</Proxy>' },
  { name: 'mapping= on ProxySet for a balancer', text: '<Proxy "balancer://b">\n    BalancerMember "http://127.0.0.1:8092"\n    ProxySet mapping=servlet\n</Proxy>' },
  { name: 'hcexpr= and ProxyHCExpr in the main server', text: `${EXPR}\n${MEMBER}` },
  { name: 'hcexpr= and ProxyHCExpr in one virtual host', text: vhost(`${EXPR}\n${MEMBER}`) },
  { name: 'hcexpr= in a virtual host, ProxyHCExpr in the main server', text: `${EXPR}\n${vhost(MEMBER)}` },
  { name: 'hcexpr= in the main server, ProxyHCExpr in a virtual host', text: `${vhost(EXPR)}\n${MEMBER}` },
  { name: 'hcexpr= in a virtual host, ProxyHCExpr in another', text: `${vhost(EXPR)}\n${vhost(MEMBER)}` },
  { name: 'hcexpr= above its ProxyHCExpr', text: `${MEMBER}\n${EXPR}` },
];

const MODULES = DEFAULT_APACHE_MODULES.map(loadModuleLine).join('\n');

test('invalid-worker-parameter reports mapping= and hcexpr= exactly where apache2 -t refuses them, with its words (real apache2 -t)', async () => {
  const wrong: string[] = [];
  for (const c of CASES) {
    const text = `${MODULES}\n${c.text}\n`;
    const found = lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'invalid-worker-parameter');
    const t = await apacheConfigTestText(text);
    if (t.ok !== (found.length === 0)) {
      wrong.push(`${c.name}: apache2 -t ${t.ok ? 'accepts it' : `refuses it (${t.output.trim().split('\n').at(-1)})`}, proxylint ${found.length ? `reports: ${found[0].message}` : 'reports nothing'}`);
      continue;
    }
    if (found.length) {
      const quoted = /^httpd refuses to start: "(.*?)"/.exec(found[0].message)?.[1];
      if (!quoted || !t.output.includes(quoted)) wrong.push(`${c.name}: httpd said ${t.output.trim().split('\n').at(-1)}, the finding quotes ${quoted}`);
    }
  }
  assert.deepEqual(wrong, []);
});

// Two parameters whose place matters beyond "worker or balancer", found while checking what completion offers:
// - mapping= is read by ProxyPass and ProxyPassMatch themselves, on a worker or a balancer:// URL alike, and
//   BalancerMember and ProxySet refuse it;
// - hcexpr= names a ProxyHCExpr that its own server (main server or virtual host) has defined above the line: one
//   of the main server is not seen from a virtual host, nor one written further down; hctemplate= and ProxyHCTemplate
//   the same (in any case); and the words of a ProxyHCTemplate line are checked as httpd reads them.
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
const TEMPLATE = 'ProxyHCTemplate t1 hcmethod=GET hcuri=/h';
const TMEMBER = '<Proxy "balancer://t">\n    BalancerMember "http://127.0.0.1:8094" hctemplate=t1\n</Proxy>';
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
  { name: 'hctemplate= and ProxyHCTemplate in the main server', text: `${TEMPLATE}\n${TMEMBER}` },
  { name: 'hctemplate= naming the template in another case', text: `ProxyHCTemplate T1 hcmethod=GET hcuri=/h\n${TMEMBER}` },
  { name: 'hctemplate= and ProxyHCTemplate in one virtual host', text: vhost(`${TEMPLATE}\n${TMEMBER}`) },
  { name: 'hctemplate= in a virtual host, ProxyHCTemplate in the main server', text: `${TEMPLATE}\n${vhost(TMEMBER)}` },
  { name: 'hctemplate= in the main server, ProxyHCTemplate in a virtual host', text: `${vhost(TEMPLATE)}\n${TMEMBER}` },
  { name: 'hctemplate= above its ProxyHCTemplate', text: `${TMEMBER}\n${TEMPLATE}` },
  { name: 'hctemplate= naming no ProxyHCTemplate', text: TMEMBER.replace('hctemplate=t1', 'hctemplate=nope') },
  { name: 'hctemplate= on a ProxyPass worker', text: `${TEMPLATE}\nProxyPass "/a/" "http://127.0.0.1:8093/" hctemplate=t1` },
  { name: 'hctemplate= on a ProxyPass worker, no template', text: 'ProxyPass "/a/" "http://127.0.0.1:8093/" hctemplate=t1' },
  { name: 'ProxyHCTemplate with a hcexpr= of its server above it', text: `${EXPR}\nProxyHCTemplate t1 hcmethod=GET hcexpr=ok\n${TMEMBER}` },
  { name: 'ProxyHCTemplate with a hcexpr= of the main server, in a virtual host', text: `${EXPR}\n${vhost('ProxyHCTemplate t1 hcmethod=GET hcexpr=ok')}` },
  { name: 'ProxyHCTemplate with an unknown hcexpr=', text: 'ProxyHCTemplate t1 hcmethod=GET hcexpr=nope' },
  { name: 'ProxyHCTemplate with hctemplate= of another above it', text: `ProxyHCTemplate t0 hcmethod=GET\nProxyHCTemplate t1 hctemplate=t0 hcuri=/x` },
  { name: 'ProxyHCTemplate with an unknown hctemplate=', text: 'ProxyHCTemplate t1 hcuri=/x hctemplate=t0' },
  { name: 'ProxyHCTemplate with a worker parameter', text: 'ProxyHCTemplate t1 timeout=5' },
  { name: 'ProxyHCTemplate with an unknown key', text: 'ProxyHCTemplate t1 bogus=1' },
  { name: 'ProxyHCTemplate with an unknown method', text: 'ProxyHCTemplate t1 hcmethod=BOGUS' },
  { name: 'ProxyHCTemplate with a lower-case method', text: 'ProxyHCTemplate t1 hcmethod=get hcpasses=x' },
  { name: 'ProxyHCTemplate with an hcinterval= httpd cannot read', text: 'ProxyHCTemplate t1 hcinterval=abc' },
  { name: 'ProxyHCTemplate with a word without "="', text: 'ProxyHCTemplate t1 hcmethod' },
  { name: 'ProxyHCTemplate without parameters, twice', text: 'ProxyHCTemplate t1\nProxyHCTemplate t1 hcmethod=GET' },
];

const MODULES = DEFAULT_APACHE_MODULES.map(loadModuleLine).join('\n');

test('invalid-worker-parameter reports mapping=, hcexpr=, hctemplate= and ProxyHCTemplate lines exactly where apache2 -t refuses them, with its words (real apache2 -t)', async () => {
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

// How httpd 2.4.71 reads worker-parameter values: invalid-worker-parameter quotes httpd's own words for every value it
// refuses, and accepts what httpd accepts. Each line runs through the real apache2 -t, and the text the finding quotes
// must be in what httpd printed. mod_proxy_hcheck is loaded for the hc* cases only (without it they are unknown keys).
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary } from '../helpers';
import { apacheConfigTestText, loadModuleLine } from './harness/apache';

requireBinary('apache2');

const MODULES = ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests'];
const BALANCER = (member: string) => `<Proxy "balancer://app">\n    BalancerMember "http://127.0.0.1:8084" ${member}\n</Proxy>\nProxyPass "/b/" "balancer://app/"`;
const PASS = (param: string) => `ProxyPass "/a/" "http://127.0.0.1:8080/" ${param}`;

const REFUSED = [
  PASS('retry=-1'),
  PASS('disablereuse=yes'),
  PASS('enablereuse=1'),
  PASS('keepalive=yes'),
  PASS('connectiontimeout=abc'),
  PASS('connectiontimeout=5m'),
  PASS('connectiontimeout=-1'),
  PASS('connectiontimeout=0'),
  PASS('ping=abc'),
  PASS('ping=0'),
  PASS('acquire=-5'),
  PASS('acquire=0'),
  PASS('responsefieldsize=-1'),
  PASS('addressttl=abc'),
  PASS('addressttl=1500ms'),
  PASS('max=-1'),
  PASS('min=-1'),
  PASS('smax=-1'),
  PASS('flushpackets=maybe'),
  PASS('flushwait=2000'),
  PASS('loadfactor=0'),
  PASS('loadfactor=101'),
  PASS('loadfactor=abc'),
  PASS('receivebuffersize=100'),
  PASS('iobuffersize=100'),
  PASS('lbset=100'),
  PASS('timeout=abc'),
  PASS('ttl=0'),
  PASS(`route=${'r'.repeat(64)}`),
  BALANCER('loadfactor=0.5'),
  'ProxyPass "/a/" "http://127.0.0.1:8080/"\nProxySet "http://127.0.0.1:8080/" ttl=0',
  '<Proxy "http://127.0.0.1:8080/">\n    ProxySet retry=-1\n</Proxy>',
  '<Proxy "balancer://app">\n    BalancerMember "http://127.0.0.1:8084"\n    ProxySet growth=0\n</Proxy>',
  '<Proxy "balancer://app">\n    BalancerMember "http://127.0.0.1:8084"\n    ProxySet timeout=0\n</Proxy>',
  '<Proxy "balancer://app">\n    BalancerMember "http://127.0.0.1:8084"\n    ProxySet maxattempts=-1\n</Proxy>',
  '<Proxy "balancer://app">\n    BalancerMember "http://127.0.0.1:8084"\n    ProxySet nofailover=yes\n</Proxy>',
];

const HCHECK_REFUSED = [BALANCER('hcmethod=HTTP'), BALANCER('hcmethod=cping'), BALANCER('hcinterval=abc'), BALANCER('hcinterval=50ms'), BALANCER('hcpasses=-1')];

const ACCEPTED = [
  PASS('connectiontimeout=5min ping=2sec acquire=3000 retry=abc flushpackets=auto flushwait=1000 lbset=99 iobuffersize=0 receivebuffersize=0 responsefieldsize=0 addressttl=5min timeout=2min ttl=5m'),
  BALANCER('loadfactor=1.5'),
];

const findings = (text: string) => lintApache('/c/site.conf', text, memHost({ '/c/site.conf': text }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'invalid-worker-parameter');

async function refused(cases: string[], modules: string[]) {
  const text = (c: string) => modules.map(loadModuleLine).join('\n') + '\n' + c + '\n';
  for (const c of cases) {
    const found = findings(text(c));
    assert.equal(found.length, 1, `${c}\n${found.map((f) => f.message).join('\n')}`);
    const quoted = /^httpd refuses to start: "(.*?)"(?::| \()/.exec(found[0].message)?.[1];
    assert.ok(quoted, found[0].message);
    const t = await apacheConfigTestText(text(c), { modules });
    assert.ok(!t.ok, `apache2 -t accepted:\n${c}`);
    assert.ok(t.output.includes(quoted!), `${c}\nhttpd said:\n${t.output}\nthe finding quotes: ${quoted}`);
  }
}

test('every value invalid-worker-parameter refuses stops apache2 -t with the words the finding quotes (real apache2 -t)', async () => {
  await refused(REFUSED, MODULES);
});

test('with mod_proxy_hcheck loaded, bad hc* values stop apache2 -t with the words the finding quotes (real apache2 -t)', async () => {
  await refused(HCHECK_REFUSED, [...MODULES, 'proxy_hcheck']);
});

test('values httpd accepts (units by their first letters, 0 for a system default, atoi numbers) are not reported (real apache2 -t)', async () => {
  for (const c of ACCEPTED) {
    const text = MODULES.map(loadModuleLine).join('\n') + '\n' + c + '\n';
    assert.deepEqual(findings(text).map((f) => f.message), [], c);
    const t = await apacheConfigTestText(text, { modules: MODULES });
    assert.ok(t.ok, `${c}\n${t.output}`);
  }
});

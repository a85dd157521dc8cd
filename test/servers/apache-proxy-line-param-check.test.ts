// Worker and balancer parameters on a <Proxy> line (<Proxy "fcgi://localhost/" enablereuse=on>): proxysection in
// mod_proxy.c refuses them for <ProxyMatch>, a wildcard URL and a name without ":", and checks each as ProxySet does,
// with "<Proxy" before its words. invalid-worker-parameter used to skip section lines, so each of these passed
// proxylint and stopped apache2. This runs the real apache2 -t on each, and on lines it accepts.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary } from '../helpers';
import { apacheConfigTestText } from './harness/apache';

requireBinary('apache2');

const MODULES = ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'proxy_fcgi', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests'];

const REFUSED = [
  '<Proxy * timeout=3>\n</Proxy>',
  '<ProxyMatch "^http://x" timeout=3>\n</ProxyMatch>',
  '<Proxy /local timeout=3>\n</Proxy>',
  '<Proxy http://127.0.0.1:8086/ timeout>\n</Proxy>',
  '<Proxy http://127.0.0.1:8086/ bogus=1>\n</Proxy>',
  '<Proxy balancer://b bogus=1>\n    BalancerMember http://127.0.0.1:8085\n</Proxy>',
  '<Proxy http://127.0.0.1:8086/ timeout=0>\n</Proxy>',
  '<Proxy balancer://b timeout=5 retry=3>\n    BalancerMember http://127.0.0.1:8085\n</Proxy>',
  '<Proxy http://127.0.0.1:8086/ lbmethod=byrequests>\n</Proxy>',
  // httpd 2.4.71 has no "~" form for <Proxy>: "~" is the section's name and every word after it (the regex too) a
  // parameter, refused because "~" holds no ":". With or without key=value words after the regex.
  '<Proxy ~ "^http://127.0.0.1:8086/" timeout=5>\n</Proxy>',
  '<Proxy ~ "^http://127.0.0.1:8086/" bogus>\n</Proxy>',
  '<Proxy ~ "^balancer://b" lbmethod=byrequests>\n</Proxy>',
  '<Proxy ~ "^http://127.0.0.1:8086/">\n    Require all granted\n</Proxy>',
  '<ProxyMatch "^http://127.0.0.1:8086/" bogus>\n</ProxyMatch>',
];

const ACCEPTED = [
  '<Proxy balancer://b lbmethod=byrequests failonstatus=503 timeout=5>\n    BalancerMember http://127.0.0.1:8085\n</Proxy>',
  '<Proxy "fcgi://localhost/" enablereuse=on max=10 timeout=300>\n</Proxy>',
  '<Proxy "unix:/run/php/php8.2-fpm.sock|fcgi://localhost" timeout=5>\n</Proxy>',
  '<Proxy *>\n    Require all granted\n</Proxy>',
  // "~" glued to the pattern is one word: a name with "~" in it (a wildcard-free name that matches no URL), no parameter.
  '<Proxy ~^http://x/>\n    Require all granted\n</Proxy>',
  '<ProxyMatch "^http://127.0.0.1:8086/">\n    Require all granted\n</ProxyMatch>',
];

const findings = (text: string) => lintApache('/c/site.conf', text, memHost({ '/c/site.conf': text }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'invalid-worker-parameter');

test('a <Proxy> line parameter apache2 -t refuses is reported once, quoting what httpd says (real apache2 -t)', async () => {
  for (const c of REFUSED) {
    const text = c + '\n';
    const found = findings(text);
    assert.equal(found.length, 1, `${c}\n${found.map((f) => f.message).join('\n')}`);
    const quoted = /^httpd refuses to start: "(.*?)"(?::| \()/.exec(found[0].message)?.[1];
    assert.ok(quoted, found[0].message);
    const t = await apacheConfigTestText(text, { modules: MODULES });
    assert.ok(!t.ok, `apache2 -t accepted:\n${c}`);
    assert.ok(t.output.includes(quoted!), `${c}\nhttpd said:\n${t.output}\nthe finding quotes: ${quoted}`);
  }
});

test('<Proxy> lines with parameters apache2 -t accepts are not reported (real apache2 -t)', async () => {
  for (const c of ACCEPTED) {
    const text = c + '\n';
    assert.deepEqual(findings(text).map((f) => f.message), [], c);
    const t = await apacheConfigTestText(text, { modules: MODULES });
    assert.ok(t.ok, `${c}\n${t.output}`);
  }
});

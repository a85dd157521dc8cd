// directive-not-allowed-in-section on a ProxyTimeout or Timeout in a per-directory section: the advice carries the
// line's own value, read as httpd reads both directives (atoi(): whole seconds, a unit after the digits ignored),
// and the suggestion writes it where httpd takes it (the section's ProxyPass, or ProxySet in a <Proxy>). The
// suggested configurations pass the real apache2 -t: test/servers/apache-placement.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/fix';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const RULE = 'directive-not-allowed-in-section';
const LOAD = 'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so\nLoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so\n';

function misplacedTimeout(text: string) {
  const f = lintApache('/c/app.conf', text, memHost({ '/c/app.conf': text }), { settings: defaultSettings() }).findings.filter((x) => x.ruleId === RULE);
  assert.equal(f.length, 1, text);
  return { message: f[0].message, fixed: f[0].suggestions.map((s) => applyEdits(text, s.edits).text), titles: f[0].suggestions.map((s) => s.title) };
}

const LOCATION_30 = `${LOAD}<Location /loc/>\n    ProxyPass http://127.0.0.1:9300/\n    ProxyTimeout 30\n</Location>\n`;

test(`${RULE}: ProxyTimeout 30 in a <Location> suggests timeout=30 on that section's ProxyPass, not a fixed 300`, () => {
  const r = misplacedTimeout(LOCATION_30);
  assert.match(r.message, /give its ProxyPass \(line 4\) the timeout instead: "ProxyPass http:\/\/127\.0\.0\.1:9300\/ timeout=30"$/);
  assert.doesNotMatch(r.message, /timeout=300/);
  assert.deepEqual(r.titles, ['Add timeout=30 to the ProxyPass on line 4 and remove this line']);
  assert.equal(r.fixed[0], `${LOAD}<Location /loc/>\n    ProxyPass http://127.0.0.1:9300/ timeout=30\n</Location>\n`);
});

test(`${RULE}: ProxyTimeout reads whole seconds with atoi(): "2mi" is 2 s, and the advice says so`, () => {
  const r = misplacedTimeout(LOCATION_30.replace('ProxyTimeout 30', 'ProxyTimeout 2mi'));
  assert.match(r.message, /"ProxyPass http:\/\/127\.0\.0\.1:9300\/ timeout=2" \(ProxyTimeout reads whole seconds and ignores what follows the digits: httpd takes "2mi" as 2 s\)$/);
});

test(`${RULE}: Timeout is read with atoi() too (2mi is 2 s, 1500ms is 1500 s; real httpd 2.4.71 gave the 502 after 2 s for Timeout 2min)`, () => {
  assert.match(misplacedTimeout(LOCATION_30.replace('ProxyTimeout 30', 'Timeout 2mi')).message, /timeout=2" \(Timeout reads whole seconds and ignores what follows the digits: httpd takes "2mi" as 2 s\)$/);
  const r = misplacedTimeout(LOCATION_30.replace('ProxyTimeout 30', 'Timeout 1500ms'));
  assert.match(r.message, /timeout=1500" \(Timeout reads whole seconds and ignores what follows the digits: httpd takes "1500ms" as 1500 s\)$/);
  assert.match(r.fixed[0], /ProxyPass http:\/\/127\.0\.0\.1:9300\/ timeout=1500\n/);
});

test(`${RULE}: a ProxyPass that already has timeout= is named, and nothing is suggested`, () => {
  const r = misplacedTimeout(LOCATION_30.replace('9300/', '9300/ timeout=5'));
  assert.match(r.message, /this section's ProxyPass \(line 4\) already sets timeout=5: change that to timeout=30 and remove this line$/);
  assert.deepEqual(r.fixed, []);
});

test(`${RULE}: in a <Proxy> for one backend the suggestion is ProxySet with the line's value`, () => {
  const text = `${LOAD}<Proxy http://127.0.0.1:9300>\n    Timeout 45\n</Proxy>\n`;
  const r = misplacedTimeout(text);
  assert.match(r.message, /in a <Proxy> section, write "ProxySet timeout=45" instead$/);
  assert.equal(r.fixed[0], text.replace('Timeout 45', 'ProxySet timeout=45'));
});

test(`${RULE}: without a ProxyPass in the section (or in a balancer's <Proxy>) the advice still carries the value, with no edit`, () => {
  const none = misplacedTimeout(`${LOAD}<Location /loc/>\n    ProxyTimeout 30\n</Location>\n`);
  assert.match(none.message, /"ProxyPass … timeout=30" \(or ProxySet timeout=30 in a <Proxy> section\)$/);
  assert.deepEqual(none.fixed, []);
  const balancer = misplacedTimeout(`${LOAD}<Proxy balancer://app>\n    BalancerMember http://127.0.0.1:9300\n    ProxyTimeout 30\n</Proxy>\n`);
  assert.match(balancer.message, /timeout=30/);
  assert.deepEqual(balancer.fixed, []);
  assert.match(misplacedTimeout(`${LOAD}<Location /loc/>\n    ProxyTimeout 0\n</Location>\n`).message, /timeout=<seconds>.*at least 1 \(httpd would refuse "0" as well\)$/);
});

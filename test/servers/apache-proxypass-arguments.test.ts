// ProxyPass, ProxyPassMatch and ProxyPassReverse with too few words (a bare line, or a quote never closed that swallows
// the URL) stop httpd; proxypass-missing-argument quotes what it prints. Each case runs through the real apache2 -t,
// and so does the fixture's ok.conf.
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

const RULE = 'proxypass-missing-argument';
const MODULES = ['mpm_event', 'authz_core', 'proxy', 'proxy_http'];
const findings = (text: string) => lintApache('/c/site.conf', text, memHost({ '/c/site.conf': text }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === RULE);

const CASES = [
  'ProxyPass',
  'ProxyPass "/a/"',
  'ProxyPass "/a/ http://127.0.0.1:8080/a/',
  'ProxyPassMatch "^/x"',
  'ProxyPass !',
  'ProxyPassReverse',
  'ProxyPassReverse "/a/"',
  '<Location "/x/">\n    ProxyPass\n</Location>',
  '<Location "/x/">\n    ProxyPassReverse\n</Location>',
  '<LocationMatch "^/x/">\n    ProxyPass\n</LocationMatch>',
];

test('too few words on ProxyPass, ProxyPassMatch or ProxyPassReverse stop apache2 -t with the words the finding quotes (real apache2 -t)', async () => {
  for (const c of CASES) {
    const found = findings(c + '\n');
    assert.equal(found.length, 1, c);
    const quoted = /^httpd refuses to start: "(.*?)": /.exec(found[0].message)?.[1];
    const t = await apacheConfigTestText(c + '\n', { modules: MODULES });
    assert.ok(!t.ok, `apache2 -t accepted:\n${c}`);
    assert.ok(quoted && t.output.includes(quoted), `${c}\nhttpd said:\n${t.output}\nthe finding: ${found[0].message}`);
  }
});

test('the fixture ok.conf (one word inside a location, an exclusion) loads and is not reported (real apache2 -t)', async () => {
  const text = readFileSync(join(ROOT, 'test/rules/apache/proxypass-missing-argument/ok.conf'), 'utf8');
  assert.deepEqual(findings(text).map((f) => f.message), []);
  const t = await apacheConfigTestText(text, { modules: MODULES });
  assert.ok(t.ok, t.output);
});

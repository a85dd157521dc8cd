// resolve-without-prerequisites with the target version unknown (the default): the group may run on open-source nginx
// before 1.27.3, which stops at "resolve" itself and allows no resolver inside an upstream block. The finding says
// so, the zone/resolver suggestion is labelled like hostname-resolved-at-startup's "resolve" suggestions, and
// removing "resolve" is offered too. The installed nginx (1.22.1) shows what each suggestion does there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/fix';
import { parseVersion } from '../../server/src/core/model/version';
import { lintText, nginxTestText } from '../helpers';

const ID = 'resolve-without-prerequisites';
const CONFIG = `events {}
http {
    upstream orders {
        server localhost:18541 resolve;
    }
    server {
        listen 127.0.0.1:18540;
        location / {
            proxy_pass http://orders;
        }
    }
}
`;

const nginxT = nginxTestText;

test(`${ID}: with an unknown version the finding names the before-1.27.3 outcome and the fix says what it needs`, () => {
  const found = lintText(CONFIG).findings.filter((f) => f.ruleId === ID);
  assert.equal(found.length, 1);
  const f = found[0];
  assert.match(f.message, /no "zone".*no resolver/);
  assert.match(f.message, /open-source nginx before 1\.27\.3 stops even earlier, at "resolve" itself \(invalid parameter "resolve"\)/);
  assert.match(f.message, /allows no resolver inside an upstream block/);
  assert.equal(f.suggestions.length, 2);
  assert.match(f.suggestions[0].title, /^Add "zone" and "resolver" to the upstream \(needs open-source nginx ≥ 1\.27\.3 or NGINX Plus; /);
  assert.match(f.suggestions[1].title, /^Remove "resolve" \(for open-source nginx before 1\.27\.3/);

  // What the installed nginx (1.22.1, before 1.27.3) makes of each: the reason for the label and the second suggestion.
  assert.match(nginxT(CONFIG).output, /invalid parameter "resolve"/);
  const added = nginxT(applyEdits(CONFIG, f.suggestions[0].edits).text);
  assert.ok(!added.ok && /"resolver" directive is not allowed here|invalid parameter "resolve"/.test(added.output), added.output);
  const removed = nginxT(applyEdits(CONFIG, f.suggestions[1].edits).text);
  assert.ok(removed.ok, removed.output);
});

test(`${ID}: with the version known the finding and the fix say only what holds for it`, () => {
  const old = lintText(CONFIG, { settings: (s) => (s.nginx.version = parseVersion('1.22.1')) }).findings.filter((f) => f.ruleId === ID);
  assert.equal(old.length, 1);
  assert.match(old[0].message, /^nginx 1\.22\.1 refuses to start: .*invalid parameter "resolve"/);
  assert.deepEqual(old[0].suggestions.map((s) => s.title), ['Remove "resolve" (the name is then looked up only at start-up)']);

  const recent = lintText(CONFIG, { settings: (s) => (s.nginx.version = parseVersion('1.27.4')) }).findings.filter((f) => f.ruleId === ID);
  const plus = lintText(CONFIG, { settings: (s) => (s.nginx.edition = 'plus') }).findings.filter((f) => f.ruleId === ID);
  for (const found of [recent, plus]) {
    assert.equal(found.length, 1);
    assert.doesNotMatch(found[0].message, /1\.27\.3/);
    assert.equal(found[0].suggestions.length, 1);
    assert.doesNotMatch(found[0].suggestions[0].title, /1\.27\.3/);
  }
});

test(`${ID}: with a version before 1.27.3 the "resolve" parameter gets one finding, not a second from directive-not-in-target-version`, () => {
  const all = lintText(CONFIG, { settings: (s) => (s.nginx.version = parseVersion('1.22.1')) }).findings;
  const at = CONFIG.indexOf('resolve;');
  const here = all.filter((f) => f.start <= at && f.end > at);
  assert.deepEqual(here.map((f) => f.ruleId), [ID], here.map((f) => `${f.ruleId}: ${f.message}`).join('\n'));
  // The version rule still reports the other parameters a version lacks (resolver's ipv4= before 1.23.1).
  const ipv4 = lintText(CONFIG.replace('http {', 'http {\n    resolver 127.0.0.53 ipv4=off;'), { settings: (s) => (s.nginx.version = parseVersion('1.22.1')) }).findings;
  assert.ok(ipv4.some((f) => f.ruleId === 'directive-not-in-target-version' && /ipv4=/.test(f.message)));
});

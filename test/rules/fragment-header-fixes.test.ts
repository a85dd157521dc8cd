// A safe fix that adds a proxy_set_header line to a location stops nginx from inheriting the header lines of the
// levels above it, so upstream-keepalive-ineffective and websocket-headers-missing copy the inherited lines down with
// the new one. In a file checked on its own (a conf.d/ fragment with no nginx.conf in sight) the levels above may be
// in the configuration that includes it: `--fix` used to add `proxy_set_header Connection "";` there anyway, and with
// nginx.conf's `http { proxy_set_header Host $host; include conf.d/*.conf; }` the backend then got `Host: <group>`
// and no X-Forwarded-For (checked on nginx 1.22.1 with an echoing backend). Such fixes are now suggestions whose title
// says to copy those lines first; where the file shows every level that counts they stay safe fixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../server/src/core/finding';
import { parseVersion } from '../../server/src/core/model/version';
import { lintText } from '../helpers';

const KA = 'upstream-keepalive-ineffective';
const WS = 'websocket-headers-missing';

const keepaliveSite = (serverLines = '', top = '') =>
  `${top}upstream api_ka {\n    server 127.0.0.1:9201;\n    keepalive 16;\n}\nserver {\n    listen 8080;\n${serverLines}    location / {\n        proxy_pass http://api_ka;\n    }\n}\n`;

const wsSite = (serverLines = '') =>
  `map $http_upgrade $connection_upgrade {\n    default upgrade;\n    '' close;\n}\nserver {\n    listen 8090;\n${serverLines}    location /hub {\n        proxy_pass http://127.0.0.1:9590;\n    }\n}\n`;

const one = (findings: Finding[], id: string): Finding => {
  const f = findings.filter((x) => x.ruleId === id);
  assert.equal(f.length, 1, JSON.stringify(findings.map((x) => x.ruleId)));
  return f[0];
};
const fragment = (text: string) => lintText(text, { path: 'conf.d/app.conf', rootContext: 'http', settings: (s) => (s.nginx.version = parseVersion('1.22.1')) }).findings;
const whole = (text: string) => lintText(`events {}\nhttp {\n${text}}\n`, { settings: (s) => (s.nginx.version = parseVersion('1.22.1')) }).findings;

for (const [id, site] of [[KA, keepaliveSite], [WS, wsSite]] as const) {
  test(`${id}: in a fragment with no header line above the location, the fix is a suggestion that says to copy the includer's lines`, () => {
    const f = one(fragment(site()), id);
    assert.equal(f.fix, undefined, 'not applied by --fix');
    assert.equal(f.suggestions.length, 1);
    assert.match(f.suggestions[0].title, /first copy here any proxy_set_header lines the configuration that includes this file sets above it/);
    assert.ok(f.suggestions[0].edits.some((e) => /proxy_set_header Connection/.test(e.newText)));
  });

  test(`${id}: the same site in a whole configuration keeps its safe fix`, () => {
    const f = one(whole(site()), id);
    assert.ok(f.fix, 'safe fix');
    assert.doesNotMatch(f.fix.title, /first copy/);
  });

  test(`${id}: a fragment whose server block sets header lines shows all that count: safe fix, lines copied`, () => {
    // The server level's own lines replace http {}'s, so copying them down is complete.
    const f = one(fragment(site('    proxy_set_header Host $host;\n')), id);
    assert.ok(f.fix, 'safe fix');
    assert.ok(f.fix.edits.some((e) => e.newText.includes('proxy_set_header Host $host;')), JSON.stringify(f.fix.edits));
  });
}

test(`${KA}: lines at a fragment's top level are the includer's http level, which may hold more: suggestion`, () => {
  const f = one(fragment(keepaliveSite('', 'proxy_set_header X-Request-Id $request_id;\n')), KA);
  assert.equal(f.fix, undefined);
  assert.match(f.suggestions[0].title, /first copy here/);
  // It still copies the lines it can see.
  assert.ok(f.suggestions[0].edits.some((e) => e.newText.includes('proxy_set_header X-Request-Id $request_id;')));
});

test(`${KA}: in a fragment, lines the configuration that includes it may set are said to be lacking only here`, () => {
  assert.match(one(fragment(keepaliveSite()), KA).message, /in effect here, unless the configuration that includes this file sets them\)/);
  // The location's own header line hides the includer's: the missing Connection line is sure, so no hedge.
  const own = keepaliveSite().replace('        proxy_pass http://api_ka;\n', '        proxy_pass http://api_ka;\n        proxy_set_header Host $host;\n');
  assert.doesNotMatch(one(fragment(own), KA).message, /unless the configuration/);
  assert.doesNotMatch(one(whole(keepaliveSite()), KA).message, /unless the configuration/);
});

// directive-not-allowed-here in an included file: the block that makes the line wrong is in another file, and the
// same file may be included in right and wrong places. The finding names the include(s) that put it there, once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../helpers';

const RULE = 'directive-not-allowed-here';
const SNIPPET = 'proxy_set_header Host $host;\nproxy_pass http://127.0.0.1:8080;\n';

test(`${RULE}: a snippet included in a server block (and in a location, where it is fine) names the include in the server`, () => {
  const main = 'events {}\nhttp {\n    server {\n        listen 80;\n        include snippets/app.conf;\n        location / {\n            include snippets/app.conf;\n        }\n    }\n}\n';
  const r = lintText(main, { files: { 'snippets/app.conf': SNIPPET } });
  const f = r.findings.filter((x) => x.ruleId === RULE);
  assert.equal(f.length, 1, f.map((x) => x.message).join('\n'));
  assert.equal(f[0].path, '/cfg/snippets/app.conf');
  assert.match(f[0].message, /in a "server" block \(included there by nginx\.conf:5\);/);
  assert.deepEqual(f[0].related.map((x) => [x.path, main.slice(x.start, x.end), x.message]), [['/cfg/nginx.conf', 'include snippets/app.conf;', 'included here, in a "server" block']]);
});

test(`${RULE}: a snippet included in two server blocks is one finding that lists both includes`, () => {
  const main = 'events {}\nhttp {\n    server {\n        listen 80;\n        include snippets/app.conf;\n    }\n    server {\n        listen 81;\n        include snippets/app.conf;\n    }\n}\n';
  const r = lintText(main, { files: { 'snippets/app.conf': SNIPPET } });
  const f = r.findings.filter((x) => x.ruleId === RULE);
  assert.equal(f.length, 1, f.map((x) => x.message).join('\n'));
  assert.match(f[0].message, /\(included there by nginx\.conf:5 and 1 more\)/);
  assert.equal(f[0].related.length, 2);
});

// undefined-variable against the real nginx -t (1.22.1): every line bad.conf marks, kept alone in the fixture, makes
// nginx fail with `unknown "name" variable`, the words the finding quotes; ok.conf (built-in names in any case, set/map/
// geo/split_clients, named and numbered captures, "$" in regular expressions and map keys) passes; in a fragment, or
// a configuration with an include that brought nothing in, nothing is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';
import { lintText, nginxTest, nginxTestText, tempTree } from '../helpers';
import { fixtureDir, lintFixture } from './rule-harness';

const ID = 'undefined-variable';
const dir = fixtureDir({ server: 'nginx', id: ID } as never);
const bad = readFileSync(join(dir, 'bad.conf'), 'utf8');
const found = (text: string, options = {}) => lintText(text, options).findings.filter((f) => f.ruleId === ID);

test(`${ID}: each marked line alone makes nginx -t fail with the words the finding quotes`, () => {
  const lines = bad.split('\n');
  const marked = lines.map((l, k) => (l.includes(`# expect: ${ID}`) ? k : -1)).filter((k) => k >= 0);
  assert.equal(marked.length, 18);
  for (const k of marked) {
    // The other marked lines become comments (an `if` line with its block), so nginx stops at this one.
    const off = new Set(marked.filter((j) => j !== k).flatMap((j) => (lines[j].trimStart().startsWith('if ') ? [j, j + 1, j + 2] : lines[j].trimStart().startsWith('map ') ? [j, j + 1, j + 2] : [j])));
    const text = lines.map((l, j) => (off.has(j) ? `#${l}` : l)).join('\n');
    const tree = tempTree({ 'nginx.conf': text });
    try {
      const t = nginxTest(tree.dir, join(tree.dir, 'nginx.conf'));
      // nginx says it after reading every file, with no file and line: `[emerg] unknown "name" variable`.
      const said = /\[emerg\] (.*?)(?: in \/.*)?$/m.exec(t.output)?.[1];
      assert.ok(!t.ok && said, `nginx -t accepted line ${k + 1}: ${t.output}`);
      const f = found(text);
      assert.equal(f.length, 1, `${lines[k]}\n${f.map((x) => x.message).join('\n')}`);
      assert.ok(f[0].message.includes(said!), `nginx: ${said}\nproxylint: ${f[0].message}`);
      // explain knows the line nginx wrote, and names this rule.
      const line = t.output.split('\n').find((l) => l.includes('[emerg]'))!;
      assert.equal(explainLogLine(line)?.pattern.id, 'nginx-unknown-variable', line);
    } finally {
      tree.cleanup();
    }
  }
});

test(`${ID}: ok.conf passes nginx -t`, () => {
  const t = nginxTestText(readFileSync(join(dir, 'ok.conf'), 'utf8'));
  assert.ok(t.ok, t.output);
});

test(`${ID}: a fragment, or an include that brought nothing in, may define its variables elsewhere`, () => {
  const ws = 'location /ws/ {\n    proxy_set_header Connection $connection_upgrade;\n    proxy_pass http://127.0.0.1:1;\n}\n';
  assert.deepEqual(found(ws, { path: 'conf.d/app.conf', rootContext: 'server' }), []);
  assert.deepEqual(found(bad.replace('http {\n', 'http {\n    include maps/*.conf;\n')), []);
});

test(`${ID}: a module outside nginx's own may define variables: nothing is reported with one loaded`, () => {
  assert.deepEqual(found(`load_module modules/ngx_http_lua_module.so;\n${bad}`), []);
});

test(`${ID}: a typo of a variable the configuration defines is offered its spelling; a missing WebSocket map is added`, () => {
  const [typo] = found('events {}\nhttp {\n    map $http_upgrade $connection_upgrade { default upgrade; }\n    server {\n        location / { proxy_set_header Connection $conection_upgrade; proxy_pass http://127.0.0.1:1; }\n    }\n}\n');
  assert.match(typo.message, /did you mean \$connection_upgrade\?/);
  assert.equal(typo.fix, undefined);
  assert.equal(typo.suggestions[0].title, 'Change to $connection_upgrade');
  const [missing] = found('events {}\nhttp {\n    server {\n        location / { proxy_set_header Connection $connection_upgrade; proxy_pass http://127.0.0.1:1; }\n    }\n}\n');
  assert.match(missing.fix!.title, /add the WebSocket map/);
});

test(`${ID}: a template's variables are filled in by envsubst before nginx reads it`, () => {
  assert.deepEqual(found('events {}\nhttp {\n    server {\n        listen ${NGINX_PORT};\n        location / { proxy_pass http://${BACKEND_HOST}; }\n    }\n}\n', { path: 'templates/default.conf.template' }), []);
});

test(`${ID}: with a target version, variables newer than it are unknown, as the real nginx 1.22.1 says (version.conf)`, () => {
  const path = join(dir, 'version.conf');
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const marked = lines.map((l, k) => (l.includes(`# expect: ${ID}`) ? k : -1)).filter((k) => k >= 0);
  const findings = lintFixture(path).findings.filter((f) => f.ruleId === ID);
  assert.deepEqual(findings.map((f) => text.slice(0, f.start).split('\n').length - 1), marked);
  for (const f of findings) assert.match(f.message, /nginx 1\.22\.1 has no \$\w+: it came with nginx \d/);
  // Without the version header, nothing: a name some nginx release has is accepted.
  assert.equal(found(text.replace(/^# proxylint-test:.*$/m, '')).length, 0);
  for (const k of marked) {
    const stripped = lines.map((l, j) => (marked.includes(j) && j !== k ? `#${l}` : l)).join('\n');
    const t = nginxTestText(stripped);
    const said = /\[emerg\] (.*?)(?: in \/.*)?$/m.exec(t.output)?.[1];
    assert.ok(!t.ok && said, `nginx -t accepted line ${k + 1}: ${t.output}`);
    const name = /unknown "(\w+)" variable/.exec(said!)?.[1];
    assert.ok(name && lines[k].includes(`$${name}`), `line ${k + 1}: ${said}`);
  }
  // And with every marked line commented out, nginx 1.22.1 takes the rest ($ssl_curve, $request_id, $session_time).
  const rest = nginxTestText(lines.map((l, j) => (marked.includes(j) ? `#${l}` : l)).join('\n'));
  assert.ok(rest.ok, rest.output);
});

// directive-not-allowed-here judges only places it is sure of. A snippet checked on its own gets a guessed context;
// what sits at its top level, or in blocks whose meaning depends on that guess, is not judged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../helpers';

const flagged = (text: string, path: string) => lintText(text, { path }).findings.filter((f) => f.ruleId === 'directive-not-allowed-here').map((f) => text.slice(f.start, f.end));

test('a location snippet with an "if" is not judged as a server-level "if" when its context was only guessed', () => {
  // Every line here is allowed in a server block, so the guess is "server"; nginx includes it in a location.
  const snippet = 'proxy_set_header Upgrade $http_upgrade;\nif ($http_upgrade) {\n    proxy_pass http://ws_backend;\n}\n';
  const r = lintText(snippet, { path: 'snippets/ws.conf' });
  assert.equal(r.config.rootContextSource, 'inferred');
  assert.equal(r.config.rootContext, 'server');
  assert.deepEqual(flagged(snippet, 'snippets/ws.conf'), []);
  // The same lines in a real server block are refused by nginx, and reported.
  const full = `events {}\nhttp {\n    server {\n        listen 8080;\n${snippet}    }\n}\n`;
  assert.deepEqual(flagged(full, 'nginx.conf'), ['proxy_pass http://ws_backend;']);
});

test('inside a location of a guessed snippet the place is known again', () => {
  const snippet = 'listen 8080;\nlocation / {\n    keepalive 16;\n    proxy_pass http://app;\n}\n';
  assert.deepEqual(flagged(snippet, 'sites/app.conf'), ['keepalive 16;']);
});

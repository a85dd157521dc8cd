// The suggestion of read-timeout-too-low, as the quick-fix menu shows it: the value it writes is the one its title
// names, in the unit the message uses ("nginx's default is 60s"). It wrote 1m and said "Use 1m (nginx's default, 60s)",
// two spellings of one value in one line of the menu.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const PATH = '/etc/nginx/nginx.conf';
function suggestion(text: string, options?: Record<string, unknown>) {
  const settings = defaultSettings();
  if (options) settings.rules.set('read-timeout-too-low', { options });
  const r = lintNginx(PATH, text, memHost({ [PATH]: text }), { settings });
  const f = r.findings.find((x) => x.ruleId === 'read-timeout-too-low');
  assert.ok(f, 'the finding');
  assert.equal(f.suggestions.length, 1);
  return f.suggestions[0];
}

test('http: the suggestion writes 60s, the default its title names', () => {
  const s = suggestion('events {}\nhttp {\n  server {\n    location / {\n      proxy_pass http://127.0.0.1:8080;\n      proxy_read_timeout 2s;\n    }\n  }\n}\n');
  assert.equal(s.title, "Use 60s (nginx's default)");
  assert.deepEqual(s.edits.map((e) => e.newText), ['60s']);
});

test('a configured minimum above the default is written as configured', () => {
  const s = suggestion('events {}\nhttp {\n  server {\n    location / {\n      proxy_pass http://127.0.0.1:8080;\n      proxy_read_timeout 2s;\n    }\n  }\n}\n', { minimum: '90s' });
  assert.equal(s.title, 'Use 90s (the configured minimum)');
  assert.deepEqual(s.edits.map((e) => e.newText), ['90s']);
});

test('stream: the suggestion writes 10m, the default its title names, without saying it twice', () => {
  const s = suggestion('events {}\nstream {\n  server {\n    listen 12345;\n    proxy_pass 127.0.0.1:8080;\n    proxy_timeout 2s;\n  }\n}\n');
  assert.equal(s.title, "Use 10m (nginx's default for stream)");
  assert.deepEqual(s.edits.map((e) => e.newText), ['10m']);
});

test('stream: a configured minimum above 10m is not called the default', () => {
  const s = suggestion('events {}\nstream {\n  server {\n    listen 12345;\n    proxy_pass 127.0.0.1:8080;\n    proxy_timeout 2s;\n  }\n}\n', { minimum: '15m' });
  assert.equal(s.title, 'Use 15m (the configured minimum)');
  assert.deepEqual(s.edits.map((e) => e.newText), ['15m']);
});

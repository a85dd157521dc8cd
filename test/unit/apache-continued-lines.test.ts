import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { parseApache } from '../../server/src/core/syntax/apache/parser';
import { memHost } from '../helpers';

const PATH = '/c/app.conf';
const lint = (text: string) => lintApache(PATH, text, memHost({ [PATH]: text }), { settings: defaultSettings() }).findings.map((f) => `${f.ruleId}:${text.slice(0, f.start).split('\n').length}`);

test('the parser lists the lines a trailing "\\" continues, from the first line\'s start to the last one\'s end', () => {
  const text = 'Timeout 5\nProxyPass /a http://h/ \\\n  retry=1 \\\n  ttl=2\n# a \\\n  b\n';
  const spans = parseApache(text).continued.map((s) => text.slice(s.start, s.end));
  assert.deepEqual(spans, ['ProxyPass /a http://h/ \\\n  retry=1 \\\n  ttl=2', '# a \\\n  b']);
});

test('a disable comment above a "\\"-continued directive covers a finding on any of its lines', () => {
  const body = 'ProxyPass /c/ http://127.0.0.1:9/ \\\n    connectiontimeout=2 \\\n    timeout=500ms\n';
  assert.ok(lint(body).includes('worker-timeout-unit-ignored:3'));
  const silenced = lint(`# proxylint-disable-next-line worker-timeout-unit-ignored -- the backend needs it\n${body}`);
  assert.deepEqual(silenced.filter((f) => /worker-timeout|suppression/.test(f)), []);
  // The line after the directive is not covered.
  assert.ok(lint(`# proxylint-disable-next-line worker-timeout-unit-ignored -- the backend needs it\n${body}ProxyPass /d/ http://127.0.0.1:8/ timeout=5ms connectiontimeout=1\n`).includes('worker-timeout-unit-ignored:5'));
});

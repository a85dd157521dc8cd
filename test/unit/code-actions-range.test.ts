// Code actions come from the requested range (LSP: "the primary parameter to compute code actions is the provided
// range"), bounded for a selection over a file with many findings; a diagnostic the client names is acted on too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeActions } from '../../server/src/lsp/code-actions';
import { toRange } from '../../server/src/lsp/convert';
import { pathToFileURL } from 'node:url';
import { lintText } from '../helpers';

test('a selection over the whole file brings in at most 100 findings by itself; a diagnostic the client sends outside the range still gets its actions', () => {
  const locations = Array.from({ length: 150 }, (_, i) => `        location /l${i}/ { proxy_pass http://127.0.0.1:${9000 + i}; proxy_read_timeout 1s; }`).join('\n');
  const text = `events {}\nhttp {\n    server {\n        listen 80;\n${locations}\n    }\n}\n`;
  const r = lintText(text);
  const path = '/cfg/nginx.conf';
  const lines = r.config.files.find((f) => f.path === path)!.lines;
  const mine = r.findings.filter((f) => f.path === path && f.ruleId === 'read-timeout-too-low');
  assert.equal(mine.length, 150);
  const uri = pathToFileURL(path).toString();
  const whole = { start: { line: 0, character: 0 }, end: { line: lines.lineCount, character: 0 } };
  const named = (as: ReturnType<typeof codeActions>) => new Set(as.flatMap((a) => (a.diagnostics ?? []).map((d) => `${d.code}@${d.range.start.line}`)));
  const all = named(codeActions({ textDocument: { uri }, range: whole, context: { diagnostics: [] } }, path, r));
  assert.equal(all.size, 100);
  // The last finding, sent by the client with a range elsewhere (the first line).
  const last = r.findings.filter((f) => f.path === path).at(-1)!;
  const diagnostic = { range: toRange(lines, last.start, last.end), code: last.ruleId, source: 'proxylint', message: last.message };
  const at = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const sent = named(codeActions({ textDocument: { uri }, range: at, context: { diagnostics: [diagnostic] } }, path, r));
  assert.deepEqual([...sent], [`${last.ruleId}@${diagnostic.range.start.line}`]);
});

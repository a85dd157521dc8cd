// The editor's Workspace for a snippet two entries include: an edit to the snippet checks both entries again (the
// findings of both change), and only the snippet is parsed again: the entries' trees are the ones parsed before, and
// the snippet's new text is parsed once for both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { defaultSettings } from '../../server/src/core/settings';
import { Workspace } from '../../server/src/lsp/workspace';
import type { ServerEnv } from '../../server/src/lsp/settings-source';
import { memHost } from '../helpers';

const entry = (keepalive: boolean) =>
  `events {}\nhttp {\n    upstream backend {\n        server 127.0.0.1:8080;\n${keepalive ? '        keepalive 16;\n' : ''}    }\n    server {\n        listen 8080;\n        include ../shared/proxy.conf;\n    }\n}\n`;
const SNIPPET = (timeout: string) => `location /api/ {\n    proxy_pass http://backend/;\n    proxy_read_timeout ${timeout};\n}\n`;

test('an edit to a snippet two entries include checks both again and parses only the snippet, once', () => {
  const files: Record<string, string> = { '/w/a/nginx.conf': entry(false), '/w/b/nginx.conf': entry(true), '/w/shared/proxy.conf': SNIPPET('1s') };
  const env: ServerEnv = {
    createHost: () => memHost(files),
    settingsFor: () => ({ settings: defaultSettings(), problems: [] }),
    findEntries: () => ['/w/a/nginx.conf', '/w/b/nginx.conf'],
    isFile: (p) => p in files,
  };
  const ws = new Workspace(env, new TextDocuments(TextDocument), () => {});
  ws.roots = ['/w'];
  const snippet = '/w/shared/proxy.conf';
  const codes = () => ws.findingsView(snippet)!.findings.map((f) => `${f.ruleId} ${/proxy_read_timeout (\w+)/.exec(f.message)?.[1] ?? ''}`.trim()).sort();
  assert.deepEqual(codes(), ['read-timeout-too-low 1s', 'upstream-keepalive-ineffective']);
  const [a1, b1] = ws.includingEntries(snippet).map((e) => ws.resultFor(e)!);
  const file = (r: typeof a1, p: string) => r.config.files.find((f) => f.path === p)!;

  files[snippet] = SNIPPET('2s');
  ws.invalidate(snippet);
  assert.deepEqual(codes(), ['read-timeout-too-low 2s', 'upstream-keepalive-ineffective']);
  const [a2, b2] = ws.includingEntries(snippet).map((e) => ws.resultFor(e)!);
  assert.ok(a2 !== a1 && b2 !== b1, 'both entries are checked again');
  assert.equal(file(a2, '/w/a/nginx.conf'), file(a1, '/w/a/nginx.conf'), "a/nginx.conf's tree is reused");
  assert.equal(file(b2, '/w/b/nginx.conf'), file(b1, '/w/b/nginx.conf'), "b/nginx.conf's tree is reused");
  assert.notEqual(file(a2, snippet), file(a1, snippet));
  assert.equal(file(a2, snippet), file(b2, snippet), 'the new snippet is parsed once for both');
});

// The editor's view of the files an open document's configuration loads but that are not open (diagnostics.ts,
// unopenedReporter): which files they are, that each shows what it would show if it were opened, and the editor-only
// `problems` settings. The protocol side (push, pull, clearing, the cap) is in test/protocol/unopened-problems.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { defaultSettings } from '../../server/src/core/settings';
import { pathToUri } from '../../server/src/lsp/convert';
import { diagnosticsFor, unopenedDiagnostics } from '../../server/src/lsp/diagnostics';
import { DEFAULT_PROBLEMS, splitEditorSettings, type ServerEnv } from '../../server/src/lsp/settings-source';
import { Workspace } from '../../server/src/lsp/workspace';
import { memHost } from '../helpers';

const entry = (keepalive: boolean) =>
  `events {}\nhttp {\n    upstream backend {\n        server 127.0.0.1:8080;\n${keepalive ? '        keepalive 16;\n' : ''}    }\n    server {\n        listen 8080;\n        include ../shared/proxy.conf;\n        include ../sites/*.conf;\n    }\n}\n`;
const SNIPPET = `location /api/ {\n    proxy_pass http://backend/;\n    proxy_read_timeout 1s;\n}\n`;
const SITE = `location /slow/ {\n    proxy_pass http://backend/;\n    proxy_send_timeout 1h30;\n}\n`;

function workspace(open: string[]) {
  const files: Record<string, string> = { '/w/a/nginx.conf': entry(false), '/w/b/nginx.conf': entry(true), '/w/shared/proxy.conf': SNIPPET, '/w/sites/slow.conf': SITE };
  const env: ServerEnv = {
    createHost: () => memHost(files),
    settingsFor: () => ({ settings: defaultSettings(), problems: [] }),
    findEntries: () => ['/w/a/nginx.conf', '/w/b/nginx.conf'],
    isFile: (p) => p in files,
  };
  const docs = open.map((p) => TextDocument.create(pathToUri(p), 'nginx', 1, files[p]));
  const documents = { all: () => docs, get: (u: string) => docs.find((d) => d.uri === u) } as unknown as TextDocuments<TextDocument>;
  const ws = new Workspace(env, documents, () => {});
  ws.roots = ['/w'];
  return ws;
}

test('the files of the open entry\'s configuration, not the open one, in include order; not another entry\'s', () => {
  const ws = workspace(['/w/a/nginx.conf']);
  assert.deepEqual([...ws.configurationMembers(['/w/a/nginx.conf']).keys()], ['/w/shared/proxy.conf', '/w/sites/slow.conf']);
});

test('an open snippet two entries include brings both entries and everything they include', () => {
  const ws = workspace(['/w/shared/proxy.conf']);
  assert.deepEqual([...ws.configurationMembers(['/w/shared/proxy.conf']).keys()].sort(), ['/w/a/nginx.conf', '/w/b/nginx.conf', '/w/sites/slow.conf']);
});

test('each file not open shows what it would show opened (diagnosticsFor), findings of both entries merged', () => {
  const ws = workspace(['/w/a/nginx.conf']);
  const members = ws.configurationMembers(['/w/a/nginx.conf']);
  for (const [path, view] of members) {
    const unopened = unopenedDiagnostics(view, path);
    assert.ok(unopened.length > 0, path);
    assert.deepEqual(unopened, diagnosticsFor(ws, path), path);
  }
  // b/nginx.conf has keepalive, a/nginx.conf not: the snippet shows the finding only a's check makes, as the CLI does.
  const codes = unopenedDiagnostics(members.get('/w/shared/proxy.conf')!, '/w/shared/proxy.conf').map((d) => d.code).sort();
  assert.deepEqual(codes, ['read-timeout-too-low', 'upstream-keepalive-ineffective']);
  assert.deepEqual(unopenedDiagnostics(members.get('/w/sites/slow.conf')!, '/w/sites/slow.conf').map((d) => d.code).sort(), ['misread-time-value', 'upstream-keepalive-ineffective']);
});

test('a file\'s diagnostics are made again when its findings or a line table they point into change, else reused', () => {
  const ws = workspace(['/w/a/nginx.conf']);
  const memo = new Map();
  const first = ws.configurationMembers(['/w/a/nginx.conf']).get('/w/sites/slow.conf')!;
  const made = unopenedDiagnostics(first, '/w/sites/slow.conf', memo);
  // The same check: the same array.
  assert.equal(unopenedDiagnostics(first, '/w/sites/slow.conf', memo), made);
  // Checked again (the entry edited), the same findings: reused, though they are new objects.
  ws.invalidate('/w/a/nginx.conf');
  const second = ws.configurationMembers(['/w/a/nginx.conf']).get('/w/sites/slow.conf')!;
  assert.notEqual(second, first);
  assert.equal(unopenedDiagnostics(second, '/w/sites/slow.conf', memo), made);
  // A finding whose related place lies in a file with another line table: made again.
  const related = { ...second, findings: second.findings.map((f) => (f.path === '/w/sites/slow.conf' ? { ...f, related: [{ path: '/w/a/nginx.conf', start: 0, end: 6, message: 'here' }] } : f)) };
  const withRelated = unopenedDiagnostics(related, '/w/sites/slow.conf', memo);
  assert.notEqual(withRelated, made);
  const moved = { ...related, config: { files: related.config.files.map((f) => (f.path === '/w/a/nginx.conf' ? { ...f, lines: Object.create(f.lines) } : f)) } };
  assert.notEqual(unopenedDiagnostics(moved, '/w/sites/slow.conf', memo), withRelated);
});

test('problems settings: the defaults, valid values, and what is not understood (the default, and a warning)', () => {
  assert.deepEqual(splitEditorSettings({ rules: { x: 'off' } }), { lint: { rules: { x: 'off' } }, problems: DEFAULT_PROBLEMS, warnings: [] });
  assert.deepEqual(DEFAULT_PROBLEMS, { scope: 'configuration', maxFiles: 500 });
  const ok = splitEditorSettings({ nginx: { version: '1.22.1' }, problems: { scope: 'openFiles', maxFiles: 0 } });
  assert.deepEqual(ok, { lint: { nginx: { version: '1.22.1' } }, problems: { scope: 'openFiles', maxFiles: 0 }, warnings: [] });
  const bad = splitEditorSettings({ problems: { scope: 'all', maxFiles: -1 } });
  assert.deepEqual(bad.lint, {});
  assert.deepEqual(bad.problems, DEFAULT_PROBLEMS);
  assert.equal(bad.warnings.length, 2);
  assert.deepEqual(splitEditorSettings({ problems: 'configuration' }).problems, DEFAULT_PROBLEMS);
  assert.equal(splitEditorSettings({ problems: 1.5 }).warnings.length, 1);
  assert.equal(splitEditorSettings({ problems: { maxFiles: 2.5 } }).warnings.length, 1);
});

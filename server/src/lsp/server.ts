import {
  CodeActionKind,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type InitializeResult,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Fix } from '../core/finding';
import { lintNginx } from '../core/lint';
import { parseSourceFile, type SourceFile } from '../core/model/nginx-tree';
import { LineIndex } from '../core/text';
import { pathToUri, SOURCE, toDiagnostic, toRange, uriToPath } from './convert';
import type { ServerEnv } from './settings-source';

const DEBOUNCE_MS = 120;

interface DocState {
  version: number;
  findings: Finding[];
  /** Every file the last lint read, for re-linting this document when one of them changes. */
  files: Set<string>;
  lines: Map<string, LineIndex>;
}

/** Wires the core to an LSP connection; transport-agnostic so stdio, IPC and tests share it. */
export function startServer(connection: Connection, env: ServerEnv): void {
  const documents = new TextDocuments(TextDocument);
  const state = new Map<string, DocState>();
  const timers = new Map<string, NodeJS.Timeout>();
  const parseCache = new Map<string, SourceFile>();
  const parse = (path: string, text: string) => {
    const hit = parseCache.get(path);
    if (hit && hit.text === text) return hit;
    const f = parseSourceFile(path, text);
    parseCache.set(path, f);
    return f;
  };
  const openText = (path: string) => documents.all().find((d) => uriToPath(d.uri) === path)?.getText();

  connection.onInitialize(
    (): InitializeResult => ({
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'proxylint' },
    }),
  );

  const lintDocument = (doc: TextDocument) => {
    const path = uriToPath(doc.uri);
    if (!path) return;
    const { settings, problems, configPath } = env.settingsFor(path);
    for (const p of problems) connection.console.warn(`${configPath}: ${p}`);
    const result = lintNginx(path, doc.getText(), env.createHost(openText), { settings, parse });
    const lines = new Map(result.config.files.map((f) => [f.path, f.lines]));
    const mine = result.findings.filter((f) => f.path === path);
    state.set(doc.uri, { version: doc.version, findings: mine, files: new Set(result.config.files.map((f) => f.path)), lines });
    const diagnostics: Diagnostic[] = mine.map((f) => toDiagnostic(f, (p) => lines.get(p)));
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
  };

  const schedule = (doc: TextDocument) => {
    clearTimeout(timers.get(doc.uri));
    timers.set(
      doc.uri,
      setTimeout(() => {
        timers.delete(doc.uri);
        const current = documents.get(doc.uri);
        if (current) lintDocument(current);
      }, DEBOUNCE_MS),
    );
  };

  documents.onDidOpen((e) => lintDocument(e.document));
  documents.onDidChangeContent((e) => {
    schedule(e.document);
    // Documents that include the edited file see the change too (unsaved buffers win over the disk).
    const changed = uriToPath(e.document.uri);
    for (const [uri, s] of state) if (uri !== e.document.uri && changed && s.files.has(changed)) schedule(documents.get(uri) ?? e.document);
  });
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    state.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCodeAction((params) => {
    const s = state.get(params.textDocument.uri);
    const path = uriToPath(params.textDocument.uri);
    if (!s || !path) return [];
    const lines = s.lines.get(path)!;
    const wanted = new Set(params.context.diagnostics.filter((d) => d.source === SOURCE).map((d) => `${d.code}:${d.range.start.line}:${d.range.start.character}`));
    const actions: CodeAction[] = [];
    for (const f of s.findings) {
      const r = toRange(lines, f.start, f.end);
      if (!wanted.has(`${f.ruleId}:${r.start.line}:${r.start.character}`)) continue;
      const diagnostic = toDiagnostic(f, (p) => s.lines.get(p));
      if (f.fix) actions.push(toAction(f.fix, diagnostic, true, s.lines));
      for (const sug of f.suggestions) actions.push(toAction(sug, diagnostic, false, s.lines));
    }
    return actions;
  });

  documents.listen(connection);
  connection.listen();
}

function toAction(fix: Fix, diagnostic: Diagnostic, preferred: boolean, lines: Map<string, LineIndex>): CodeAction {
  const changes: Record<string, LspTextEdit[]> = {};
  for (const e of fix.edits) {
    const l = lines.get(e.path);
    if (!l) continue;
    (changes[pathToUri(e.path)] ??= []).push({ range: toRange(l, e.start, e.end), newText: e.newText });
  }
  return { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: preferred, edit: { changes } };
}

import { DiagnosticRefreshRequest, DiagnosticSeverity, LSPErrorCodes, ResponseError, type Connection, type Diagnostic, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { pathToUri, SOURCE, toDiagnostic, uriToPath } from './convert';
import { PARAMS, validParams } from './params';
import type { Workspace } from './workspace';

const DEBOUNCE_MS = 120;

export function diagnosticsFor(ws: Workspace, path: string): Diagnostic[] {
  if (ws.isIgnored(path)) return [];
  const binary = ws.binaryReason(path);
  if (binary) return [binaryDiagnostic(binary)];
  // A file several entries include shows what each of them finds in it (as the CLI given the workspace reports it).
  const result = ws.findingsView(path);
  if (!result) return [];
  const lines = new Map(result.config.files.map((f) => [f.path, f.lines]));
  const diagnostics = result.findings.filter((f) => f.path === path).map((f) => toDiagnostic(f, (p) => lines.get(p)));
  const invalid = settingsDiagnostic(ws.settingsProblemsFor(path));
  return invalid ? [invalid, ...diagnostics] : diagnostics;
}

/**
 * An invalid .proxylintrc.json stops the CLI (exit 2) but not the editor, which checks with the valid part of it: an
 * error on the first line of every file it applies to keeps that in view (as stylelint reports invalid options), while
 * the one-time notification (see server.ts) is easily dismissed.
 */
function settingsDiagnostic({ configPath, problems }: { configPath?: string; problems: string[] }): Diagnostic | undefined {
  if (problems.length === 0) return undefined;
  const where = configPath ?? 'the proxylint editor settings';
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Error,
    code: 'invalid-config',
    codeDescription: { href: CONFIG_DOCS },
    source: SOURCE,
    message: `${where} is invalid, so this file was checked with only its valid settings (the CLI refuses to run with it): ${problems.join('; ')}`,
    relatedInformation: configPath ? [{ location: { uri: pathToUri(configPath), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }, message: 'the configuration file' }] : [],
  };
}

/**
 * A binary buffer is not parsed (its bytes would only come out as syntax errors): one error on the first line says
 * so, in the words of the CLI, which stops with "cannot read <file>: is a binary file (…)".
 */
function binaryDiagnostic(reason: string): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Error,
    code: 'binary-file',
    source: SOURCE,
    message: `not checked: this file ${reason} (the CLI refuses to read it too)`,
  };
}

/** Deep equality of JSON-shaped values (the Diagnostic objects this module builds): no cycles, no class instances. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const ob = b as Record<string, unknown>;
  // Keys whose value is undefined are left out of the JSON the client gets, so they do not count here either.
  let nb = 0;
  for (const k in ob) if (ob[k] !== undefined) nb++;
  let na = 0;
  for (const k of ka) {
    const v = (a as Record<string, unknown>)[k];
    if (v === undefined) continue;
    na++;
    if (!sameJson(v, ob[k])) return false;
  }
  return na === nb;
}

export const CONFIG_DOCS = 'https://github.com/proxylint/proxylint#configuration-proxylintrcjson';

/**
 * Push (publishDiagnostics) for clients without pull support, pull (textDocument/diagnostic) otherwise.
 * Edits are debounced; an edit to a file re-checks every open file of the same configuration.
 */
export function registerDiagnostics(connection: Connection, documents: TextDocuments<TextDocument>, ws: Workspace, pull: () => boolean): { refreshAll(): void } {
  const timers = new Map<string, NodeJS.Timeout>();
  // The client may answer workspace/diagnostic/refresh with an error: unhandled, that rejection would end the server.
  const refresh = () => connection.sendRequest(DiagnosticRefreshRequest.type).catch((e: Error) => connection.console.warn(`the client refused workspace/diagnostic/refresh: ${e.message}`));
  /** Per edited file: the open documents of its old include tree, until the debounced re-check publishes them. */
  const pending = new Map<string, Set<string>>();

  const publish = (path: string) => {
    const doc = documents.all().find((d) => uriToPath(d.uri) === path);
    if (doc) void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: diagnosticsFor(ws, path) });
  };

  const changed = (doc: TextDocument, delay: number) => {
    const path = uriToPath(doc.uri);
    if (!path) return;
    // Forget stale results at once, so hover, completion and code actions right after an edit see it;
    // only the (more expensive) re-check and publishing wait for typing to pause. The old tree's files are kept
    // across the edits of one pause: the first edit forgot that tree, so the next cannot find it again.
    const before = new Set([...(pending.get(path) ?? []), ...ws.invalidate(path)]);
    pending.set(path, before);
    clearTimeout(timers.get(path));
    const run = () => {
      timers.delete(path);
      pending.delete(path);
      // The files of the old tree and of the new one: an include added or removed changes what is checked with what.
      // Knowing the new tree means checking the file now; a pulling client with no other file open needs neither
      // (it pulls the edited file itself), and that check would only delay its pull.
      if (pull() && documents.all().length < 2) return;
      const affected = [...new Set([...before, ...ws.openFilesWith(path)])];
      if (pull()) {
        // The client re-pulls the edited document itself; the others of its configuration need a nudge.
        if (affected.some((p) => p !== path)) void refresh();
      } else affected.forEach(publish);
    };
    if (delay === 0) run();
    else timers.set(path, setTimeout(run, delay));
  };

  // TextDocuments reports an opened document as changed too, right after onDidOpen: handling that again would forget
  // the check the open just made (a second full check before the first diagnostics).
  const justOpened = new Map<string, number>();
  documents.onDidOpen((e) => {
    justOpened.set(e.document.uri, e.document.version);
    changed(e.document, 0);
  });
  documents.onDidChangeContent((e) => {
    const opened = justOpened.get(e.document.uri);
    justOpened.delete(e.document.uri);
    if (opened === e.document.version) return;
    changed(e.document, DEBOUNCE_MS);
  });
  documents.onDidClose((e) => {
    justOpened.delete(e.document.uri);
    const path = uriToPath(e.document.uri);
    if (!pull()) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    if (!path) return;
    clearTimeout(timers.get(path));
    // Closing an unsaved buffer puts the file on disk back in its place: the files checked with it, before and now.
    const others = new Set([...(pending.get(path) ?? []), ...ws.invalidate(path), ...ws.openFilesWith(path)]);
    pending.delete(path);
    others.delete(path);
    if (others.size === 0) return;
    if (pull()) void refresh();
    else others.forEach(publish);
  });

  // Per document: the last full report sent and its id. Most keystrokes (a digit changed, a comment typed) leave the
  // diagnostics as they were; the client then keeps what it has ("unchanged") instead of the server encoding and the
  // client decoding the whole list again (1,500 diagnostics on a 10k-line file are 1.2 MB of JSON).
  const reports = new Map<string, { id: string; items: Diagnostic[] }>();
  let nextId = 0;
  connection.languages.diagnostics.on((params, token) => {
    params = validParams('textDocument/diagnostic', PARAMS.textDocument, params);
    const path = uriToPath(params.textDocument.uri);
    // The client cancelled it (ServerCancelled with retriggerRequest would tell it to send the request it dropped again).
    if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
    const items = path ? diagnosticsFor(ws, path) : [];
    const last = reports.get(params.textDocument.uri);
    // Only the report the client says it holds may be answered with "unchanged": after a restart or a lost answer it
    // sends another id, or none.
    if (last && typeof params.previousResultId === 'string' && params.previousResultId === last.id && sameJson(items, last.items)) {
      return { kind: 'unchanged', resultId: last.id };
    }
    const resultId = String(++nextId);
    reports.set(params.textDocument.uri, { id: resultId, items });
    return { kind: 'full', resultId, items };
  });
  // A closed document's report is not asked for again (the client forgets it too).
  documents.onDidClose((e) => reports.delete(e.document.uri));

  return {
    refreshAll() {
      ws.reset();
      if (pull()) void refresh();
      else documents.all().forEach((d) => publish(uriToPath(d.uri) ?? ''));
    },
  };
}

export { pathToUri };

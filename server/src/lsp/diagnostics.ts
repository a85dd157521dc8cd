import {
  DiagnosticRefreshRequest,
  DiagnosticSeverity,
  MessageType,
  ShowMessageNotification,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type TextDocuments,
  type WorkspaceDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../core/finding';
import type { LineIndex } from '../core/text';
import { pathToUri, SOURCE, toDiagnostic, uriToPath } from './convert';
import { PARAMS, validParams } from './params';
import type { FindingsView, Workspace } from './workspace';

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

/** Per view: its findings by file, and the line tables of its files (a 5,000-file configuration is grouped once, not filtered per file). */
const grouped = new WeakMap<FindingsView, { byPath: Map<string, Finding[]>; lines: Map<string, LineIndex> }>();

/**
 * The diagnostics of a file that is not open, from the view of the configuration it belongs to: its findings, as
 * diagnosticsFor gives an open file. Not the invalid-config note: that is about .proxylintrc.json, and every open file
 * already carries it.
 */
export function unopenedDiagnostics(view: FindingsView, path: string, memo?: Map<string, Made>): Diagnostic[] {
  const g = groupOf(view);
  const lines = g.lines;
  const findings = g.byPath.get(path) ?? [];
  // Most checks leave a file that is not open as it was: its last diagnostics are reused (the same array, which the
  // callers then need not compare) instead of made again, which took 50-70 ms per pause in typing on the 100k tree.
  const last = memo?.get(path);
  if (last && sameFindings(last, findings, lines)) return last.items;
  const items = findings.map((f) => toDiagnostic(f, (p) => lines.get(p)));
  memo?.set(path, { findings, lines: linesUsed(findings, lines), items });
  return items;
}

/** What a file's diagnostics were made from: its findings, and the line tables their positions were read in. */
export interface Made {
  findings: Finding[];
  lines: Map<string, LineIndex | undefined>;
  items: Diagnostic[];
}

function linesUsed(findings: Finding[], lines: Map<string, LineIndex>): Map<string, LineIndex | undefined> {
  const used = new Map<string, LineIndex | undefined>();
  for (const f of findings) {
    used.set(f.path, lines.get(f.path));
    for (const r of f.related) used.set(r.path, lines.get(r.path));
  }
  return used;
}

/**
 * Whether `findings` make the diagnostics `last` made: the same findings (rule, severity, message, offsets, related
 * places), and every file they point into with the same line table (an edit above a related place moves its line).
 */
function sameFindings(last: Made, findings: Finding[], lines: Map<string, LineIndex>): boolean {
  if (last.findings.length !== findings.length) return false;
  for (const [p, l] of last.lines) if (lines.get(p) !== l) return false;
  for (let i = 0; i < findings.length; i++) {
    const a = last.findings[i];
    const b = findings[i];
    if (a === b) continue;
    if (a.ruleId !== b.ruleId || a.severity !== b.severity || a.message !== b.message || a.path !== b.path || a.start !== b.start || a.end !== b.end || a.related.length !== b.related.length) return false;
    for (let k = 0; k < a.related.length; k++) {
      const x = a.related[k];
      const y = b.related[k];
      if (x.path !== y.path || x.start !== y.start || x.end !== y.end || x.message !== y.message) return false;
      // A related place in a file the old findings did not point into: its line table was not compared above.
      if (!last.lines.has(y.path)) return false;
    }
  }
  return true;
}

/** Whether the view has findings in `path` (counted past the cap without building their diagnostics). */
function findingsIn(view: FindingsView, path: string): boolean {
  return (groupOf(view).byPath.get(path)?.length ?? 0) > 0;
}

function groupOf(view: FindingsView): { byPath: Map<string, Finding[]>; lines: Map<string, LineIndex> } {
  let g = grouped.get(view);
  if (!g) {
    const byPath = new Map<string, Finding[]>();
    for (const f of view.findings) {
      const list = byPath.get(f.path);
      if (list) list.push(f);
      else byPath.set(f.path, [f]);
    }
    g = { byPath, lines: new Map(view.config.files.map((f) => [f.path, f.lines])) };
    grouped.set(view, g);
  }
  return g;
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
 * Edits are debounced; an edit to a file re-checks every open file of the same configuration. The files of those
 * configurations that are not open get their problems too, when `problems.scope` is "configuration" (see
 * unopenedReporter).
 */
/**
 * `othersChanged` is called when a change may have changed what other open files show (their values in force, not only
 * their problems): the server asks the client to request its inlay hints again then.
 */
export function registerDiagnostics(connection: Connection, documents: TextDocuments<TextDocument>, ws: Workspace, pull: () => boolean, othersChanged: () => void = () => undefined): { refreshAll(): void } {
  const timers = new Map<string, NodeJS.Timeout>();
  // The client may answer workspace/diagnostic/refresh with an error: unhandled, that rejection would end the server.
  const refresh = () => connection.sendRequest(DiagnosticRefreshRequest.type).catch((e: Error) => connection.console.warn(`the client refused workspace/diagnostic/refresh: ${e.message}`));
  /** Per edited file: the open documents of its old include tree, until the debounced re-check publishes them. */
  const pending = new Map<string, Set<string>>();
  // Result ids of the document reports and of the workspace reports: one sequence, so that no two reports share one.
  let nextId = 0;
  const newId = () => String(++nextId);
  // Reported after the open documents, and never while an edit waits for its debounce (its run comes back here).
  const unopened = unopenedReporter(connection, documents, ws, pull, () => timers.size > 0, newId);

  const publish = (path: string) => {
    const doc = documents.all().find((d) => uriToPath(d.uri) === path);
    if (doc) void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: diagnosticsFor(ws, path) });
  };

  const changed = (doc: TextDocument, delay: number, opened = false) => {
    const path = uriToPath(doc.uri);
    if (!path) return;
    // Forget stale results at once, so hover, completion and code actions right after an edit see it;
    // only the (more expensive) re-check and publishing wait for typing to pause. The old tree's files are kept
    // across the edits of one pause: the first edit forgot that tree, so the next cannot find it again.
    const before = new Set([...(pending.get(path) ?? []), ...ws.invalidate(path, opened)]);
    pending.set(path, before);
    clearTimeout(timers.get(path));
    const run = () => {
      timers.delete(path);
      pending.delete(path);
      // The files of the old tree and of the new one: an include added or removed changes what is checked with what.
      // Knowing the new tree means checking the file now; a pulling client with no other file open needs neither
      // (it pulls the edited file itself), and that check would only delay its pull.
      if (pull() && documents.all().length < 2) return unopened.changed();
      const affected = [...new Set([...before, ...ws.openFilesWith(path)])];
      if (affected.some((p) => p !== path)) othersChanged();
      if (pull()) {
        // The client re-pulls the edited document itself; the others of its configuration need a nudge.
        if (affected.some((p) => p !== path)) void refresh();
      } else affected.forEach(publish);
      unopened.changed();
    };
    if (delay === 0) run();
    else timers.set(path, setTimeout(run, delay));
  };

  // TextDocuments reports an opened document as changed too, right after onDidOpen: handling that again would forget
  // the check the open just made (a second full check before the first diagnostics).
  const justOpened = new Map<string, number>();
  documents.onDidOpen((e) => {
    justOpened.set(e.document.uri, e.document.version);
    const path = uriToPath(e.document.uri);
    if (path) unopened.opened(path);
    changed(e.document, 0, true);
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
    timers.delete(path);
    unopened.closed(path);
    // Closing an unsaved buffer puts the file on disk back in its place: the files checked with it, before and now.
    const others = new Set([...(pending.get(path) ?? []), ...ws.invalidate(path, true), ...ws.openFilesWith(path)]);
    pending.delete(path);
    others.delete(path);
    if (others.size > 0) {
      othersChanged();
      if (pull()) void refresh();
      else others.forEach(publish);
    }
    unopened.changed();
  });

  // Per document: the last full report sent and its id. Most keystrokes (a digit changed, a comment typed) leave the
  // diagnostics as they were; the client then keeps what it has ("unchanged") instead of the server encoding and the
  // client decoding the whole list again (1,500 diagnostics on a 10k-line file are 1.2 MB of JSON).
  const reports = new Map<string, { id: string; items: Diagnostic[] }>();
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
    const resultId = newId();
    reports.set(params.textDocument.uri, { id: resultId, items });
    return { kind: 'full', resultId, items };
  });
  // A closed document's report is not asked for again (the client forgets it too).
  documents.onDidClose((e) => reports.delete(e.document.uri));
  connection.languages.diagnostics.onWorkspace((params, token) => unopened.request(validParams('workspace/diagnostic', PARAMS.workspaceDiagnostic, params).previousResultIds, token));

  return {
    refreshAll() {
      ws.reset();
      othersChanged();
      if (pull()) void refresh();
      else documents.all().forEach((d) => publish(uriToPath(d.uri) ?? ''));
      unopened.changed();
    },
  };
}

/** How soon after a change the files that are not open are reported: a close and an open in one go make one report. */
const UNOPENED_DELAY_MS = 50;

/**
 * The problems of the files that are not open but belong to a configuration an open document is checked in (its
 * entry and everything that includes, as the CLI given the folder reports them), at most `problems.maxFiles` of them.
 *
 * Push: published when they change, and an empty list once a file leaves every open configuration (or is ignored,
 * or the scope is "openFiles"). Pull: through workspace/diagnostic (LSP 3.17), which vscode-languageclient sends once
 * the server advertises it, and sends again two seconds after each answer. The server holds each request until it has
 * something new (a file's problems changed, a file to clear), so that loop costs nothing while nothing changes; a file
 * whose problems are as the client holds them (the result id it sends) is reported "unchanged". Clearing is the
 * server's job: the client keeps a file's last report, from a workspace answer or from the last pull of a document
 * when it closes, until a report replaces it, so such files get an empty report (without result id: nothing is left
 * to compare with).
 */
function unopenedReporter(connection: Connection, documents: TextDocuments<TextDocument>, ws: Workspace, pull: () => boolean, editing: () => boolean, newId: () => string) {
  /** Per file that is not open: what the client was sent for it (the id: pull only). */
  const shown = new Map<string, { id: string; items: Diagnostic[] }>();
  /** Documents closed since the last answer (pull): the client shows their last pulled report until one replaces it. */
  const closed = new Set<string>();
  let held: { previous: Map<string, string>; answer: (r: WorkspaceDiagnosticReport) => void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastOver = 0;
  let capAnnounced = false;
  /** Per file not open: what its last diagnostics were made from (see unopenedDiagnostics). */
  const made = new Map<string, Made>();

  const openPaths = () => new Set(documents.all().flatMap((d) => uriToPath(d.uri) ?? []));

  /** The diagnostics to show on files that are not open, in include order, capped. */
  const wanted = (open: Set<string>): Map<string, Diagnostic[]> => {
    const out = new Map<string, Diagnostic[]>();
    if (ws.problems.scope !== 'configuration') return out;
    const max = ws.problems.maxFiles;
    let over = 0;
    for (const [path, view] of ws.configurationMembers([...open])) {
      if (ws.isIgnored(path)) continue;
      if (out.size >= max) {
        if (findingsIn(view, path)) over++;
        continue;
      }
      const items = unopenedDiagnostics(view, path, made);
      if (items.length) out.set(path, items);
    }
    for (const p of made.keys()) if (!out.has(p)) made.delete(p);
    // Once per new count: the same cap met again on the next keystroke says nothing new.
    if (over > 0 && over !== lastOver) connection.console.info(`problems shown on ${out.size} files that are not open, not on ${over} more (proxylint.problems.maxFiles is ${max}): open a file to see its problems, or run proxylint on the folder`);
    // The log is where few look: the first time in a session, the user is told too (once: not on every count).
    if (over > 0 && !capAnnounced) {
      capAnnounced = true;
      void connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Info,
        message: `proxylint shows the problems of ${out.size} files that are not open, not of ${over} more with problems (setting proxylint.problems.maxFiles is ${max}). Open a file to see its problems, or run proxylint on the folder.`,
      });
    }
    lastOver = over;
    return out;
  };

  const publishAll = () => {
    const open = openPaths();
    const want = wanted(open);
    for (const [path, items] of want) {
      const s = shown.get(path);
      if (s && (s.items === items || sameJson(s.items, items))) continue;
      shown.set(path, { id: '', items });
      void connection.sendDiagnostics({ uri: pathToUri(path), diagnostics: items });
    }
    for (const path of [...shown.keys()]) {
      if (want.has(path)) continue;
      shown.delete(path);
      if (!open.has(path)) void connection.sendDiagnostics({ uri: pathToUri(path), diagnostics: [] });
    }
  };

  const answer = () => {
    const h = held;
    if (!h) return;
    const open = openPaths();
    const want = wanted(open);
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    let news = false;
    for (const [path, diagnostics] of want) {
      const uri = pathToUri(path);
      const s = shown.get(path);
      if (s && h.previous.get(path) === s.id && (s.items === diagnostics || sameJson(s.items, diagnostics))) {
        items.push({ kind: 'unchanged', uri, resultId: s.id, version: null });
        continue;
      }
      const resultId = newId();
      shown.set(path, { id: resultId, items: diagnostics });
      items.push({ kind: 'full', uri, resultId, version: null, items: diagnostics });
      news = true;
    }
    for (const path of new Set([...shown.keys(), ...closed, ...h.previous.keys()])) {
      if (want.has(path) || open.has(path)) continue;
      shown.delete(path);
      items.push({ kind: 'full', uri: pathToUri(path), version: null, items: [] });
      news = true;
    }
    closed.clear();
    // Nothing new: the request stays open until something changes.
    if (!news) return;
    held = undefined;
    h.answer({ items });
  };

  const run = () => {
    timer = undefined;
    if (editing()) return;
    if (pull()) answer();
    else publishAll();
  };

  /** Something changed that may change what the files that are not open show. */
  const changed = () => {
    // A pulling client that has not asked (or does not ask: not every client sends workspace/diagnostic) is answered
    // when it asks, from the state of then.
    if (pull() && !held) return;
    clearTimeout(timer);
    timer = setTimeout(run, UNOPENED_DELAY_MS);
  };

  return {
    changed,
    /** An opened document gets its own reports; what was sent for it as a file not open no longer counts. */
    opened(path: string) {
      shown.delete(path);
      closed.delete(path);
    },
    closed(path: string) {
      if (pull()) closed.add(path);
    },
    request(previousResultIds: { uri: string; value: string }[], token: CancellationToken): Promise<WorkspaceDiagnosticReport> {
      return new Promise((resolve) => {
        // A newer request replaces a held one (a client sends one at a time; this one it no longer waits for).
        held?.answer({ items: [] });
        const previous = new Map<string, string>();
        for (const p of previousResultIds) {
          const path = uriToPath(p.uri);
          if (path) previous.set(path, p.value);
        }
        const h = { previous, answer: resolve };
        held = h;
        token.onCancellationRequested(() => {
          if (held !== h) return;
          held = undefined;
          resolve({ items: [] });
        });
        changed();
      });
    },
  };
}

export { pathToUri };

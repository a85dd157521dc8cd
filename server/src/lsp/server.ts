import {
  CodeActionKind,
  ErrorCodes,
  MarkupKind,
  ResponseError,
  MessageType,
  ShowMessageNotification,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  InlayHintRefreshRequest,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { apacheFolds, apacheHover, apacheOutline } from '../core/features/apache';
import { apacheDefinitions, apacheIncludeLinks, apacheReferences } from '../core/features/apache-navigation';
import { apacheCompletions } from '../core/features/apache-completion';
import { nginxHover } from '../core/features/hover';
import { apacheInlayHints, nginxInlayHints } from '../core/features/inlay-hints';
import { locate } from '../core/features/locate';
import { upstreamReferences } from '../core/features/navigation';
import type { LintResult } from '../core/lint';
import { nginxFolds, nginxOutline } from '../core/features/outline';
import type { ApacheSourceFile } from '../core/model/apache-tree';
import type { SourceFile } from '../core/model/nginx-tree';
import { ruleMeta } from '../core/rules/index';
import { docsUrl } from '../core/rules/rule';
import { clientFeatures } from './client-features';
import { APPLY_EDIT_COMMAND, asCommands, codeActions, FIX_ALL_KIND, fixAllUri, OPEN_RULE_DOC_COMMAND, resolveFixAll } from './code-actions';
import { MAX_FIX_PASSES } from '../core/fix';
import { completionItems, inComment, toCompletionItems } from './completion';
import { linkTargetsToUris, pathToUri, toRange, uriToPath } from './convert';
import { registerDiagnostics } from './diagnostics';
import { docLookup } from './docs';
import { EXPLAIN_COMMAND, explainForEditor } from './explain';
import { definitionLinks, documentLinks, toLocationLinks } from './navigation';
import { documentSymbols, flatSymbols, foldingRanges } from './outline';
import { PARAMS, validParams } from './params';
import { markdownToPlainText } from './plaintext';
import { editorSettingsOf, splitEditorSettings, type EditorSettings, type ServerEnv } from './settings-source';
import { Workspace } from './workspace';

/** Completion trigger characters that only httpd files use. */
const HTTPD_TRIGGERS = new Set(['<', '=']);

/** What the client may pass in initializationOptions (the VS Code extension sends all of it). */
interface InitOptions {
  settings?: EditorSettings;
  /** false in an untrusted (restricted) workspace: includes outside the workspace folders are not read. */
  trusted?: boolean;
}

/** Wires the core to an LSP connection; transport-agnostic so stdio, IPC and tests share it. */
export function startServer(connection: Connection, env: ServerEnv): void {
  const documents = new TextDocuments(TextDocument);
  // As ESLint's server does with a broken configuration: a notification, once per configuration file and problem set
  // (settings are re-read after every change of settings or files); the log has the same lines.
  const shown = new Map<string, string>();
  const settingsProblems = (configPath: string | undefined, problems: string[]) => {
    const key = configPath ?? '';
    const text = problems.join('; ');
    if (shown.get(key) === text) return;
    shown.set(key, text);
    if (problems.length === 0) return;
    const what = configPath ? `${configPath} is invalid; files are checked with only its valid settings` : 'the editor settings are invalid; files are checked with only their valid part';
    // A window/showMessage notification, not showErrorMessage: that is a request, which a client may not answer (or
    // answer with an error that would reject unheard), and there is nothing to choose.
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message: `proxylint: ${what}: ${text}` });
  };
  const ws = new Workspace(env, documents, (m) => connection.console.warn(m), settingsProblems);
  /** The editor settings: the lint's go to the workspace, the editor's own `problems` (which files show problems) beside them. */
  const applySettings = (s: EditorSettings) => {
    const { lint, problems, warnings } = splitEditorSettings(s);
    for (const w of warnings) connection.console.warn(`settings: ${w}`);
    ws.editorSettings = lint;
    ws.problems = problems;
  };
  let pullSupported = false;
  let features = clientFeatures({});
  let configurationChanges = false;
  let inlayHintRefresh = false;
  let folderChanges = false;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const opts = (params.initializationOptions ?? {}) as InitOptions;
    const settings = editorSettingsOf(opts.settings);
    if (opts.settings !== undefined && !settings) connection.console.warn('initializationOptions.settings is not an object of settings (nor { "proxylint": { … } }); ignored');
    applySettings(settings ?? {});
    ws.trusted = opts.trusted !== false;
    ws.roots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => !!p);
    if (ws.roots.length === 0 && params.rootUri) ws.roots = [uriToPath(params.rootUri)].filter((p): p is string => !!p);
    // Deprecated since 3.0 but still all that some clients send.
    if (ws.roots.length === 0 && !params.rootUri && typeof params.rootPath === 'string' && params.rootPath) ws.roots = [params.rootPath];
    // Pull only with workspace/diagnostic/refresh: an edit to one file changes what the other open files of its
    // configuration show, and a client that cannot be asked to pull again would keep them stale. Pushing is the
    // fallback every client handles (diagnosticProvider is then not advertised, so nothing is reported twice).
    // workspaceDiagnostics: the files of those configurations that are not open are reported through
    // workspace/diagnostic (see unopenedReporter in diagnostics.ts); a pulling client that never asks gets them for
    // the open files only.
    features = clientFeatures(params.capabilities);
    pullSupported = !!params.capabilities.textDocument?.diagnostic && !!params.capabilities.workspace?.diagnostics?.refreshSupport;
    configurationChanges = !!params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration;
    inlayHintRefresh = !!params.capabilities.workspace?.inlayHint?.refreshSupport;
    folderChanges = !!params.capabilities.workspace?.workspaceFolders;
    // Commands the server runs: explaining error-log lines (an answer, nothing to carry out), and the others only for
    // clients that can carry out what they ask (applyEdit, showDocument).
    const commands = [EXPLAIN_COMMAND, ...(!features.codeActionLiterals && features.applyEdit ? [APPLY_EDIT_COMMAND] : []), ...(features.showDocument ? [OPEN_RULE_DOC_COMMAND] : [])];
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        ...(pullSupported ? { diagnosticProvider: { identifier: 'proxylint', interFileDependencies: true, workspaceDiagnostics: true } } : {}),
        // CodeActionOptions only for a client with codeActionLiteralSupport (LSP 3.17).
        codeActionProvider: features.codeActionLiterals ? { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], ...(features.codeActionResolveEdit ? { resolveProvider: true } : {}) } : true,
        ...(commands.length ? { executeCommandProvider: { commands } } : {}),
        hoverProvider: true,
        // "<" opens an httpd section and "=" ends a worker parameter's key: what follows is offered at once.
        completionProvider: { triggerCharacters: ['/', ' ', '_', '<', '='] },
        documentSymbolProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentLinkProvider: { resolveProvider: false },
        foldingRangeProvider: true,
        inlayHintProvider: true,
        // Folders added or removed later decide what an untrusted workspace may read and where entry configurations
        // are looked for, as the first ones did.
        ...(folderChanges ? { workspace: { workspaceFolders: { supported: true, changeNotifications: true } } } : {}),
      },
      serverInfo: { name: 'proxylint' },
    };
  });

  connection.onInitialized(() => {
    // A client may refuse a registration with an error answer: unhandled, that rejection would end the server.
    if (configurationChanges) connection.client.register(DidChangeConfigurationNotification.type, { section: 'proxylint' }).catch((e: Error) => connection.console.warn(`the client refused the settings registration: ${e.message}`));
    // The VS Code extension watches .proxylintrc.json for the server; any other client is asked to, if it can
    // (otherwise an edited project file went unnoticed until a restart: its JSON buffer is not synced to this server).
    // Every file (.proxylintrc.json among them), not only *.conf: includes name files of any name (proxy_params,
    // sites-enabled/app); which events matter is decided here (ws.changedOnDisk), so a change elsewhere in the
    // workspace costs one lookup. One pattern: a second one for .proxylintrc.json would have it reported twice.
    if (features.watchFiles) connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] }).catch((e: Error) => connection.console.warn(`the client refused the file watcher registration: ${e.message}`));
    // (One onInitialized handler: the connection keeps only the last one given.)
    if (folderChanges) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
        const added = e.added.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p);
        ws.roots = [...ws.roots.filter((r) => !removed.has(r)), ...added.filter((p) => !ws.roots.includes(p))];
        diagnostics.refreshAll();
      });
    }
  });

  // A timeout changed in nginx.conf changes the hints of an open site file: clients that can be asked to request them
  // again are (the edited file's own hints they request themselves).
  const inlayRefresh = () => {
    if (!inlayHintRefresh) return;
    connection.sendRequest(InlayHintRefreshRequest.type).catch((e: Error) => connection.console.warn(`the client refused workspace/inlayHint/refresh: ${e.message}`));
  };
  const diagnostics = registerDiagnostics(connection, documents, ws, () => pullSupported, inlayRefresh);

  connection.onDidChangeConfiguration((change) => {
    const s = editorSettingsOf(change.settings);
    if (s) applySettings(s);
    else connection.console.warn('workspace/didChangeConfiguration: settings is not an object of settings (nor { "proxylint": { … } }); the settings are unchanged');
    diagnostics.refreshAll();
  });
  // .proxylintrc.json or a file a configuration reads changed on disk (a `git pull`, another editor, a deploy script):
  // the open files' problems are checked again. A save of an open document is no news: its text is already the one
  // checked.
  connection.onDidChangeWatchedFiles((params) => {
    const open = new Set(documents.all().map((d) => uriToPath(d.uri)));
    const matters = (params?.changes ?? []).some((c) => {
      const path = uriToPath(c.uri);
      return !!path && !open.has(path) && ws.changedOnDisk(path, c.type !== FileChangeType.Changed);
    });
    if (matters) diagnostics.refreshAll();
  });

  /** The lint result for a request's document, plus helpers to map positions. */
  const at = (uri: string) => {
    const path = uriToPath(uri);
    const doc = documents.get(uri);
    if (!path || !doc) return undefined;
    const result = ws.resultFor(path);
    const file = result?.config.files.find((f) => f.path === path);
    return result && file ? { path, result, file, doc } : undefined;
  };

  /** The offset of a request's position (checked by validParams: LSP positions are unsigned integers, never negative). */
  const offsetOf = (c: { file: { lines: { offsetAt(p: { line: number; character: number }): number } } }, position: { line: number; character: number }): number => c.file.lines.offsetAt(position);

  connection.onHover((params) => {
    params = validParams('textDocument/hover', PARAMS.textDocumentPosition, params);
    const c = at(params.textDocument.uri);
    if (!c) return null;
    const offset = offsetOf(c, params.position);
    // A snippet several entries (nginx.conf or apache2.conf files) include: the values in force are those of each of them.
    const including = ws.resultsIncluding(c.path);
    const h = c.result.dialect === 'apache'
      ? apacheHover(c.result, c.path, offset, including.flatMap((r) => (r.dialect === 'apache' && r !== c.result ? [r] : [])))
      : nginxHover(c.result, c.path, offset, ws.settingsFor(c.path).nginx, docLookup, including.flatMap((r) => (r.dialect === 'nginx' && r !== c.result ? [r] : [])));
    if (!h) return null;
    const contents = features.markdownHover ? { kind: MarkupKind.Markdown, value: linkTargetsToUris(h.markdown) } : { kind: MarkupKind.PlainText, value: markdownToPlainText(h.markdown) };
    return { contents, range: toRange(c.file.lines, h.start, h.end) };
  });

  connection.onCompletion((params) => {
    params = validParams('textDocument/completion', PARAMS.textDocumentPosition, params);
    const c = at(params.textDocument.uri);
    if (!c) return [];
    const offset = offsetOf(c, params.position);
    // Nothing to complete in a comment: a space typed there (a trigger character) would list every directive.
    if (inComment(c.result.dialect === 'apache' ? (c.file as ApacheSourceFile).ast.comments : (c.file as SourceFile).ast.comments, offset)) return [];
    if (c.result.dialect === 'apache') return toCompletionItems(apacheCompletions(c.result, c.path, c.file.text, offset), c.file.lines, features.snippets, features.insertReplace, features.markdownCompletionDocs);
    // nginx has nothing to offer right after either ("location =" takes a URI, "weight=" a number).
    if (HTTPD_TRIGGERS.has(params.context?.triggerCharacter ?? '')) return [];
    // A snippet several nginx.conf files include: the upstream names of each of them.
    return completionItems([c.result, ...ws.resultsIncluding(c.path).flatMap((r) => (r.dialect === 'nginx' && r !== c.result ? [r] : []))], c.path, offset, features.snippets, features.insertReplace, features.markdownCompletionDocs);
  });

  connection.onCodeAction((params) => {
    params = validParams('textDocument/codeAction', PARAMS.codeAction, params);
    const c = at(params.textDocument.uri);
    // No quick fixes (nor "fix all") for findings that are not shown; those shown are the findings of every entry
    // that includes the file.
    const fixAll = c && { deferred: features.codeActionResolveEdit, edits: () => ws.fixAllEdits(c.path, MAX_FIX_PASSES) };
    const view = c && !ws.isIgnored(c.path) ? ws.findingsView(c.path) : undefined;
    const actions = c && view ? codeActions(params, c.path, view, features.showDocument, fixAll) : [];
    return features.codeActionLiterals ? actions : asCommands(actions, features.applyEdit);
  });

  // A deferred "fix all" gets its edit here, from the document as the server has it now.
  connection.onCodeActionResolve((action) => {
    action = validParams('codeAction/resolve', PARAMS.codeActionResolve, action);
    const uri = fixAllUri(action);
    const c = uri === undefined ? undefined : at(uri);
    if (!c || ws.isIgnored(c.path)) return action;
    return resolveFixAll(action, ws.fixAllEdits(c.path, MAX_FIX_PASSES));
  });

  connection.onExecuteCommand(async (params) => {
    params = validParams('workspace/executeCommand', PARAMS.executeCommand, params);
    const [arg] = params.arguments ?? [];
    if (params.command === EXPLAIN_COMMAND) {
      if (typeof arg !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, `${EXPLAIN_COMMAND} takes the error-log text`);
      return explainForEditor(ws, arg);
    }
    if (params.command === OPEN_RULE_DOC_COMMAND && features.showDocument) {
      const meta = typeof arg === 'string' ? ruleMeta(arg) : undefined;
      if (!meta) throw new ResponseError(ErrorCodes.InvalidParams, `${OPEN_RULE_DOC_COMMAND} takes a rule id`);
      const shown = await connection.window.showDocument({ uri: docsUrl(meta), external: true });
      return shown.success;
    }
    if (params.command === APPLY_EDIT_COMMAND && features.applyEdit && !features.codeActionLiterals) {
      if (!arg || typeof arg !== 'object') throw new ResponseError(ErrorCodes.InvalidParams, `${APPLY_EDIT_COMMAND} takes a WorkspaceEdit`);
      // The client applies the edit (or refuses it); the server writes nothing itself.
      const applied = await connection.workspace.applyEdit({ label: 'proxylint', edit: arg as WorkspaceEdit });
      return applied.applied;
    }
    throw new ResponseError(ErrorCodes.InvalidParams, `unknown command ${params.command}`);
  });

  connection.onDocumentSymbol((params) => {
    params = validParams('textDocument/documentSymbol', PARAMS.textDocument, params);
    const c = at(params.textDocument.uri);
    if (!c) return [];
    const symbols = documentSymbols(c.result.dialect === 'apache' ? apacheOutline((c.file as ApacheSourceFile).ast) : nginxOutline((c.file as SourceFile).ast), c.file.lines);
    return features.hierarchicalSymbols ? symbols : flatSymbols(symbols, params.textDocument.uri);
  });

  // The timeouts in force after each line that talks to a backend (core/features/inlay-hints.ts). A client turns them
  // off its own way (VS Code: editor.inlayHints.enabled, per language if wanted).
  connection.languages.inlayHint.on((params) => {
    params = validParams('textDocument/inlayHint', PARAMS.textDocumentRange, params);
    const c = at(params.textDocument.uri);
    if (!c) return [];
    const lines = c.file.lines;
    const start = lines.offsetAt(params.range.start);
    const end = lines.offsetAt(params.range.end);
    // A snippet several entries include: a hint only where the values in force agree in all of them.
    const including = ws.resultsIncluding(c.path);
    const hints =
      c.result.dialect === 'apache'
        ? apacheInlayHints(c.result, c.path, start, end, including.flatMap((r) => (r.dialect === 'apache' && r !== c.result ? [r] : [])))
        : nginxInlayHints(c.result, c.path, start, end, ws.settingsFor(c.path).nginx, including.flatMap((r) => (r.dialect === 'nginx' && r !== c.result ? [r] : [])));
    return hints.map((h) => ({ position: lines.positionAt(h.offset), label: h.label, paddingLeft: true, tooltip: h.tooltip }));
  });

  connection.onFoldingRanges((params) => {
    params = validParams('textDocument/foldingRange', PARAMS.textDocument, params);
    const c = at(params.textDocument.uri);
    if (!c) return [];
    if (c.result.dialect === 'apache') return foldingRanges(apacheFolds((c.file as ApacheSourceFile).ast), c.file.lines);
    const ast = (c.file as SourceFile).ast;
    return foldingRanges(nginxFolds(ast, (o) => c.file.lines.positionAt(o).line), c.file.lines);
  });

  connection.onDefinition((params) => {
    params = validParams('textDocument/definition', PARAMS.textDocumentPosition, params);
    const c = at(params.textDocument.uri);
    if (!c) return [];
    const offset = offsetOf(c, params.position);
    // A snippet several entries include: a name may be defined in each of them (an upstream per nginx.conf), so the
    // definitions of all of them, each target once.
    const results = [c.result, ...ws.resultsIncluding(c.path).filter((r) => r.dialect === c.result.dialect && r !== c.result)];
    const seen = new Set<string>();
    const links = results
      .flatMap((r) => (r.dialect === 'apache' ? toLocationLinks(apacheDefinitions(r, c.path, offset), c.file.lines, r.config.files) : definitionLinks(r, c.path, offset)))
      .filter((l) => {
        const key = `${l.targetUri}\0${l.targetSelectionRange.start.line}:${l.targetSelectionRange.start.character}`;
        return !seen.has(key) && !!seen.add(key);
      });
    // A client without linkSupport takes Location[] only.
    return features.definitionLinks ? links : links.map((l) => ({ uri: l.targetUri, range: l.targetSelectionRange }));
  });

  // The lines that use a balancer:// (Apache) or an upstream group (nginx).
  connection.onReferences((params) => {
    params = validParams('textDocument/references', PARAMS.textDocumentPosition, params);
    const c = at(params.textDocument.uri);
    if (!c) return [];
    const includeDeclaration = params.context?.includeDeclaration !== false;
    if (c.result.dialect === 'nginx') {
      // As for definitions: a snippet several configurations include is looked up in each of them, each place once.
      const offset = offsetOf(c, params.position);
      const results = [c.result, ...ws.resultsIncluding(c.path).filter((r) => r.dialect === 'nginx' && r !== c.result)] as LintResult[];
      const seen = new Set<string>();
      return results.flatMap((r) => {
        const lines = new Map(r.config.files.map((f) => [f.path, f.lines]));
        return upstreamReferences(locate(r.config, c.path, offset), r.upstreams, includeDeclaration)
          .filter((ref) => !seen.has(`${ref.path}\0${ref.start}`) && !!seen.add(`${ref.path}\0${ref.start}`))
          .map((ref) => ({ uri: pathToUri(ref.path), range: toRange(lines.get(ref.path)!, ref.start, ref.end) }));
      });
    }
    const lines = new Map(c.result.config.files.map((f) => [f.path, f.lines]));
    return apacheReferences(c.result, c.path, offsetOf(c, params.position), includeDeclaration).map((r) => ({ uri: pathToUri(r.path), range: toRange(lines.get(r.path)!, r.start, r.end) }));
  });

  connection.onDocumentLinks((params) => {
    params = validParams('textDocument/documentLink', PARAMS.textDocument, params);
    const c = at(params.textDocument.uri);
    if (!c) return [];
    if (c.result.dialect === 'nginx') return documentLinks(c.result, c.path);
    return apacheIncludeLinks(c.result, c.path).map((l) => ({ range: toRange(c.file.lines, l.start, l.end), target: pathToUri(l.target), tooltip: l.target }));
  });

  documents.listen(connection);
  connection.listen();
}

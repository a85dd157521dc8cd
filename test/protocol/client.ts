import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams, TextEdit } from 'vscode-languageserver-protocol';
import { CLI } from '../helpers';

export const uri = (p: string) => pathToFileURL(p).toString();

/** `text` with LSP text edits applied (non-overlapping, as a WorkspaceEdit's edits for one document are). */
export function apply(text: string, edits: TextEdit[]): string {
  const offset = (l: number, c: number) => text.split('\n').slice(0, l).reduce((n, s) => n + s.length + 1, 0) + c;
  const sorted = [...edits].sort((a, b) => offset(b.range.start.line, b.range.start.character) - offset(a.range.start.line, a.range.start.character));
  for (const e of sorted) text = text.slice(0, offset(e.range.start.line, e.range.start.character)) + e.newText + text.slice(offset(e.range.end.line, e.range.end.character));
  return text;
}

/** A minimal LSP client over the real `proxylint lsp --stdio` process. */
export class LspClient {
  readonly connection: MessageConnection;
  private readonly child: ChildProcess;
  private readonly published = new Map<string, PublishDiagnosticsParams[]>();
  private readonly waiters: { uri: string; pred: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];
  readonly versions = new Map<string, number>();
  stderr = '';

  /** `command` replaces `node bin/proxylint.js lsp --stdio` (e.g. to run the server under strace). */
  constructor(opts: { command?: string[] } = {}) {
    const cmd = opts.command ?? [process.execPath, CLI, 'lsp', '--stdio'];
    this.child = spawn(cmd[0], cmd.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (b) => (this.stderr += b));
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.set(p.uri, [...(this.published.get(p.uri) ?? []), p]);
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && w.pred(p.diagnostics)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p.diagnostics);
        }
      }
    });
    this.connection.onRequest('workspace/diagnostic/refresh', () => null);
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/configuration', () => []);
    this.connection.onRequest('window/showDocument', () => ({ success: true }));
    this.connection.listen();
  }

  async initialize(rootPath: string, opts: { pull?: boolean; initializationOptions?: unknown } = {}) {
    const result = await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri(rootPath),
      workspaceFolders: [{ uri: uri(rootPath), name: 'ws' }],
      capabilities: {
        textDocument: {
          ...(opts.pull ? { diagnostic: { dynamicRegistration: false } } : {}),
          publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true },
          hover: { contentFormat: ['markdown'] },
          completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
          // Like VS Code: nested symbols, definition links and code action literals.
          documentSymbol: { hierarchicalDocumentSymbolSupport: true },
          definition: { linkSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } } },
        },
        // It answers workspace/diagnostic/refresh (above): a pulling client says so.
        workspace: { workspaceFolders: true, ...(opts.pull ? { diagnostics: { refreshSupport: true } } : {}) },
        // Like VS Code: the rule page action asks it to open the page (window/showDocument, answered above).
        window: { showDocument: { support: true } },
      },
      initializationOptions: opts.initializationOptions,
    });
    await this.connection.sendNotification('initialized', {});
    return result as { capabilities: Record<string, unknown> };
  }

  /** `initialize` with exactly these params (another editor's capabilities, no root, rootPath only…), then `initialized`. */
  async initializeWith(params: Record<string, unknown>) {
    const result = await this.connection.sendRequest('initialize', { processId: process.pid, ...params });
    await this.connection.sendNotification('initialized', {});
    return result as { capabilities: Record<string, unknown> };
  }

  open(path: string, text: string) {
    this.versions.set(uri(path), 1);
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(path), languageId: 'nginx', version: 1, text } });
  }

  change(path: string, text: string) {
    const v = (this.versions.get(uri(path)) ?? 1) + 1;
    this.versions.set(uri(path), v);
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(path), version: v }, contentChanges: [{ text }] });
  }

  /** Resolves with the first published diagnostics for `path` that satisfy `pred` (including ones already received). */
  diagnostics(path: string, pred: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const u = uri(path);
    const last = this.published.get(u)?.at(-1);
    if (last && pred(last.diagnostics)) return Promise.resolve(last.diagnostics);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${path} within ${timeoutMs} ms; last: ${JSON.stringify(this.published.get(u)?.at(-1)?.diagnostics)}\n${this.stderr}`)), timeoutMs);
      this.waiters.push({ uri: u, pred, resolve: (d) => (clearTimeout(timer), resolve(d)) });
    });
  }

  /** The server's process id (for reading its memory from /proc). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  close(path: string) {
    return this.connection.sendNotification('textDocument/didClose', { textDocument: { uri: uri(path) } });
  }

  /** An incremental change: replaces [start, end) (LSP positions) with `text`. */
  edit(path: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string) {
    const v = (this.versions.get(uri(path)) ?? 1) + 1;
    this.versions.set(uri(path), v);
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(path), version: v }, contentChanges: [{ range, text }] });
  }

  /** Every publishDiagnostics received for `path`, oldest first. */
  publishedFor(path: string): PublishDiagnosticsParams[] {
    return this.published.get(uri(path)) ?? [];
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest(method, params) as Promise<T>;
  }

  async stop() {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      // The process may already be gone; it is killed below either way.
    }
    this.connection.dispose();
    this.child.kill();
  }
}

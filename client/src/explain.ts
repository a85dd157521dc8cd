import { Uri, ViewColumn, window, workspace, type Disposable, type TextDocumentContentProvider } from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';

/** The server's command (see server/src/lsp/explain.ts). */
const SERVER_EXPLAIN = 'proxylint.server.explain';

/**
 * The answers, as read-only documents of their own scheme. An untitled document (openTextDocument({content})) is
 * dirty from the start: closing its tab asked whether to save the explanation, and its tab was named after the
 * first line. These close without a question, are named explanation-N.md and can be previewed (Ctrl+Shift+V).
 */
export const EXPLAIN_SCHEME = 'proxylint-explain';
const answers = new Map<string, string>();
let count = 0;
export function registerExplanations(): Disposable {
  // Kept for the session (a few KB each): a preview of one, or the document reopened after VS Code dropped it,
  // asks for the content again.
  const provider: TextDocumentContentProvider = { provideTextDocumentContent: (uri) => answers.get(uri.path) ?? '' };
  return workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, provider);
}

/**
 * "proxylint: Explain Error-Log Line": the text given (tests, keybindings), else the selection (a log open in the
 * editor), else a line typed or pasted. The server places nginx lines in the workspace's nginx configurations; the
 * answer opens beside the current editor as Markdown. Returns it, or undefined when nothing was asked.
 */
export async function explainLogLine(client: LanguageClient | undefined, given?: unknown): Promise<string | undefined> {
  let text = typeof given === 'string' ? given : undefined;
  const editor = window.activeTextEditor;
  if (text === undefined && editor && !editor.selection.isEmpty) text = editor.document.getText(editor.selection);
  if (text === undefined) {
    text = await window.showInputBox({
      title: 'proxylint: explain an error-log line',
      prompt: 'Paste an nginx or Apache httpd error-log line (a 502, 503 or 504 and what came with it)',
      placeHolder: '… upstream timed out (110: Connection timed out) while reading response header from upstream, client: …',
      ignoreFocusOut: true,
    });
  }
  if (!text || !client) return undefined;
  const markdown = await client.sendRequest(ExecuteCommandRequest.type, { command: SERVER_EXPLAIN, arguments: [text] });
  if (typeof markdown !== 'string') return undefined;
  const path = `/explanation-${++count}.md`;
  answers.set(path, markdown);
  const doc = await workspace.openTextDocument(Uri.from({ scheme: EXPLAIN_SCHEME, path }));
  await window.showTextDocument(doc, { viewColumn: ViewColumn.Beside, preview: true, preserveFocus: false });
  return markdown;
}

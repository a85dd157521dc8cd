import { ViewColumn, window, workspace } from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';

/** The server's command (see server/src/lsp/explain.ts). */
const SERVER_EXPLAIN = 'proxylint.server.explain';

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
  const doc = await workspace.openTextDocument({ language: 'markdown', content: markdown });
  await window.showTextDocument(doc, { viewColumn: ViewColumn.Beside, preview: true, preserveFocus: false });
  return markdown;
}

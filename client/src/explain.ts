import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { commands, Uri, ViewColumn, window, workspace } from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';
import { relativeLinks } from './explain-links';

/** The server's command (see server/src/lsp/explain.ts). */
const SERVER_EXPLAIN = 'proxylint.server.explain';

/** Answers older than this, from windows closed since (or still open, and long forgotten), are removed. */
const KEEP_MS = 7 * 24 * 3600 * 1000;

/**
 * The answers are saved as files, explanation-N.md, in a folder of this window's own under the extension's global
 * storage: a preview of an answer then opens its links to configuration lines (see explain-links.ts), which a
 * document of a scheme of our own (proxylint-explain:/explanation-N.md, before) could not. Each opens read-only for
 * the session, like that document did; being a saved file, closing its tab asks nothing (an untitled document was
 * dirty from the start), and a window reloaded shows its answers again.
 */
let folder: string | undefined;
let count = 0;
export function useExplanationsFolder(globalStorage: Uri): void {
  try {
    const all = path.join(globalStorage.fsPath, 'explanations');
    mkdirSync(all, { recursive: true });
    for (const name of readdirSync(all)) {
      const p = path.join(all, name);
      try {
        if (Date.now() - statSync(p).mtimeMs > KEEP_MS) rmSync(p, { recursive: true, force: true });
      } catch {
        // another window removed it first
      }
    }
    folder = mkdtempSync(path.join(all, 'window-'));
  } catch {
    // A storage folder that cannot be written must not stop the extension: the system's temporary folder will do.
    folder = mkdtempSync(path.join(tmpdir(), 'proxylint-explanations-'));
  }
}

/**
 * "proxylint: Explain Error-Log Line": the text given (tests, keybindings), else the selection (a log open in the
 * editor), else a line typed or pasted. The server places nginx lines in the workspace's nginx configurations; the
 * answer opens beside the current editor, rendered (or as Markdown text, `proxylint.explain.openAs`). Returns it, or
 * undefined when nothing was asked.
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
  if (!text || !client || !folder) return undefined;
  const answer = await client.sendRequest(ExecuteCommandRequest.type, { command: SERVER_EXPLAIN, arguments: [text] });
  if (typeof answer !== 'string') return undefined;
  const markdown = relativeLinks(answer, folder);
  const file = path.join(folder, `explanation-${++count}.md`);
  writeFileSync(file, markdown);
  // The rendered answer by default: what it is for is read, and its links followed, there (the text showed Markdown
  // syntax and left the user to find "Open Preview to the Side"). The text when asked for, or when the Markdown
  // extension (built in, but it can be disabled) does not answer.
  const asSource = workspace.getConfiguration('proxylint').get<string>('explain.openAs') === 'source';
  if (asSource || !(await commands.executeCommand('markdown.showPreviewToSide', Uri.file(file)).then(() => true, () => false))) {
    const doc = await workspace.openTextDocument(Uri.file(file));
    await window.showTextDocument(doc, { viewColumn: ViewColumn.Beside, preview: true, preserveFocus: false });
    // Acts on the active editor, which showTextDocument just made this one. Should a VS Code lack the command, the
    // answer stays open, only writable.
    await commands.executeCommand('workbench.action.files.setActiveEditorReadonlyInSession').then(undefined, () => undefined);
  }
  return markdown;
}

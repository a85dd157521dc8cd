import * as path from 'node:path';
import { commands, languages, window, workspace, type ExtensionContext, type OutputChannel, type TextDocument } from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { detectedLanguage } from './detect-language';
import { explainLogLine, useExplanationsFolder } from './explain';
import { openRuleDoc } from './rule-doc';
import { initializationOptions, readSettings } from './settings';

let client: LanguageClient | undefined;

/** Starts the proxylint language server (the bundled dist/server/server-main.js) over IPC, and keeps it told. */
export async function activate(context: ExtensionContext): Promise<void> {
  // A log channel: vscode-languageclient 10 writes to it by level (and `proxylint.trace.server` traces into it).
  const output = window.createOutputChannel('proxylint', { log: true });
  const module = context.asAbsolutePath(path.join('dist', 'server', 'server-main.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'nginx' },
      { scheme: 'file', language: 'apacheconf' },
    ],
    // A function, so that a restart after the user trusts the workspace sends the new state.
    initializationOptions: () => initializationOptions(workspace.isTrusted, workspace.workspaceFolders),
    synchronize: { fileEvents: workspace.createFileSystemWatcher('**/.proxylintrc.json') },
    middleware: {
      workspace: {
        // The server registers for workspace/didChangeConfiguration (section "proxylint"); every such
        // notification carries the settings in .proxylintrc.json shape, not VS Code's raw section.
        didChangeConfiguration: async () => {
          await client?.sendNotification(DidChangeConfigurationNotification.type, { settings: { proxylint: readSettings() } });
        },
      },
    },
    outputChannel: output,
  };
  // The client id 'proxylint' makes vscode-languageclient honour the `proxylint.trace.server` setting.
  client = new LanguageClient('proxylint', 'proxylint', serverOptions, clientOptions);
  useExplanationsFolder(context.globalStorageUri);

  context.subscriptions.push(
    output,
    commands.registerCommand('proxylint.showOutput', () => output.show(true)),
    commands.registerCommand('proxylint.openRuleDoc', openRuleDoc),
    commands.registerCommand('proxylint.restartServer', () => restart(output, 'restart requested')),
    commands.registerCommand('proxylint.explainLogLine', (text?: unknown) => explainLogLine(client, text)),
    workspace.onDidGrantWorkspaceTrust(() => restart(output, 'workspace trusted: includes outside the workspace are followed again')),
    workspace.onDidChangeWorkspaceFolders(() => {
      if (!workspace.isTrusted) void restart(output, 'workspace folders changed (restricted mode)');
    }),
  );

  // Included files outside a folder named nginx/apache2 (proxy/sites-enabled/app.conf) open as Properties or
  // plain text: give them their server's language, so that they are linted and coloured like the main file.
  // Only files shown in an editor: VS Code also opens models of files it only peeks at (a hover's link to an
  // included file), drops them and opens them again, and setting those looped. Each file is set once while it
  // stays open, so that a language the user then picks by hand stays.
  const done = new Set<string>();
  const visible = (key: string) => window.visibleTextEditors.some((e) => e.document.uri.toString() === key);
  const detect = (doc: TextDocument): void => {
    const key = doc.uri.toString();
    if (doc.uri.scheme !== 'file' || done.has(key)) return;
    const language = detectedLanguage(doc.uri.fsPath, doc.languageId, doc.getText());
    if (!language) return;
    done.add(key);
    output.appendLine(`${workspace.asRelativePath(doc.uri)} opened as ${doc.languageId}: set to ${language} (from its folder and its directives)`);
    void languages.setTextDocumentLanguage(doc, language);
  };
  context.subscriptions.push(
    window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => detect(e.document))),
    // A new, empty file in sites-enabled/ says nothing when it opens: it is looked at again when saved.
    workspace.onDidSaveTextDocument((doc) => {
      if (visible(doc.uri.toString())) detect(doc);
    }),
    workspace.onDidCloseTextDocument((doc) => {
      // A change of language closes the document too, while its editor stays: only a closed tab forgets it.
      const key = doc.uri.toString();
      setTimeout(() => {
        if (!visible(key)) done.delete(key);
      }, 0);
    }),
  );
  window.visibleTextEditors.forEach((e) => detect(e.document));

  await client.start();
  output.appendLine(
    workspace.isTrusted
      ? 'proxylint started'
      : 'proxylint started in Restricted Mode: files outside the workspace folders (include targets, pathMap) are not read',
  );
}

async function restart(output: OutputChannel, why: string): Promise<void> {
  output.appendLine(`proxylint: ${why}`);
  await client?.restart();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

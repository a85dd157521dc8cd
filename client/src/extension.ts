import * as path from 'node:path';
import { commands, window, workspace, type ExtensionContext, type OutputChannel } from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { explainLogLine } from './explain';
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

import { workspace, type WorkspaceFolder } from 'vscode';

/**
 * The `proxylint.*` settings, sent to the server in the shape of `.proxylintrc.json` so that the server can
 * merge them under the project file (which wins key by key: it is what the CLI and CI read). Unset values
 * are left out rather than sent as defaults, so `{}` means "nothing set in the editor".
 */
export interface EditorSettings {
  nginx?: { version?: string; edition?: Edition };
  apache?: { version?: string };
  environment?: { outerIdleTimeout?: string; backendKeepaliveTimeout?: string };
  rules?: Record<string, Level>;
  /** The editor's own settings (no .proxylintrc.json has them): which files show problems. */
  problems?: { scope?: 'openFiles' | 'configuration'; maxFiles?: number };
}
type Edition = 'oss' | 'plus' | 'unknown';
type Level = 'off' | 'info' | 'warning' | 'error';

/** `initializationOptions` of the language server. */
export interface InitializationOptions {
  settings: EditorSettings;
  /** false in a restricted-mode (untrusted) workspace: the server reads nothing outside `workspaceFolders`. */
  trusted: boolean;
  /** File-system paths of the workspace folders (file scheme only). */
  workspaceFolders: string[];
}

export function readSettings(): EditorSettings {
  const c = workspace.getConfiguration('proxylint');
  // "" and "unknown" (the defaults) mean "not set": the server's own default is the same.
  const text = (key: string): string | undefined => {
    const v = c.get<string>(key);
    return typeof v === 'string' && v.trim() !== '' && v.trim() !== 'unknown' ? v.trim() : undefined;
  };
  const out: EditorSettings = {};
  const nginx = prune({ version: text('nginx.version'), edition: text('nginx.edition') as Edition | undefined });
  if (nginx) out.nginx = nginx;
  const apache = prune({ version: text('apache.version') });
  if (apache) out.apache = apache;
  const environment = prune({ outerIdleTimeout: text('environment.outerIdleTimeout'), backendKeepaliveTimeout: text('environment.backendKeepaliveTimeout') });
  if (environment) out.environment = environment;
  const rules = c.get<Record<string, Level>>('rules');
  if (rules && typeof rules === 'object' && Object.keys(rules).length) out.rules = { ...rules };
  // Sent only when set (inspect, not get: get gives the default of package.json, which the server has too).
  const set = <T>(key: string): T | undefined => {
    const i = c.inspect<T>(key);
    return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
  };
  const problems = prune({ scope: set<'openFiles' | 'configuration'>('problems.scope'), maxFiles: set<number>('problems.maxFiles') });
  if (problems) out.problems = problems;
  return out;
}

export function initializationOptions(trusted: boolean, folders: readonly WorkspaceFolder[] | undefined): InitializationOptions {
  return {
    settings: readSettings(),
    trusted,
    workspaceFolders: (folders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
  };
}

function prune<T extends Record<string, unknown>>(o: T): T | undefined {
  const entries = Object.entries(o).filter(([, v]) => v !== undefined);
  return entries.length ? (Object.fromEntries(entries) as T) : undefined;
}

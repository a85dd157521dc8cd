import type { Host } from '../core/host';
import type { Settings } from '../core/settings';

/**
 * Settings from the editor, in the same shape as .proxylintrc.json (nginx, apache, environment, rules).
 * The project file wins key by key: it is what CI reads, so the editor must not disagree with it.
 */
export type EditorSettings = Record<string, unknown>;

/** What the language server needs from its surroundings; node/server-main.ts provides it over `fs`. */
export interface ServerEnv {
  /** A host whose reads see unsaved buffers first; `allowedRoots` confines reads (untrusted workspaces). */
  createHost(overlay: (path: string) => string | undefined, allowedRoots?: string[]): Host;
  /** Settings for a file: editor settings overlaid by its nearest .proxylintrc.json, with any problems found. */
  settingsFor(path: string, editor: EditorSettings): { settings: Settings; configPath?: string; problems: string[] };
  /** Entry configs under the workspace folders: nginx.conf (or http/events at the top), httpd.conf/apache2.conf. */
  findEntries(roots: string[], allowedRoots?: string[]): string[];
  /** Whether a file exists on disk (to find the nginx.conf above a fragment). */
  isFile(path: string): boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The editor settings in `initializationOptions.settings` or `workspace/didChangeConfiguration`'s `settings`, which
 * clients send in either shape: the settings themselves (`{ "rules": … }`, as .proxylintrc.json), or wrapped in a
 * `proxylint` key (`{ "proxylint": { "rules": … } }`, a client's section; any other sections beside it are another
 * tool's and are not read). Undefined when there is nothing usable (not an object).
 */
export function editorSettingsOf(raw: unknown): EditorSettings | undefined {
  if (!isObject(raw)) return undefined;
  // No setting is named "proxylint": the key can only be the section that wraps them.
  if ('proxylint' in raw) return isObject(raw.proxylint) ? raw.proxylint : undefined;
  return raw;
}

/** Which files the editor shows problems on (`problems` in the editor settings; not a .proxylintrc.json key). */
export interface ProblemsSettings {
  /**
   * "configuration": the open files, and every other file of the configurations they are checked in (the entry that
   * includes them and all it includes), as the CLI given the folder reports them. "openFiles": the open files only.
   */
  scope: 'openFiles' | 'configuration';
  /** At most this many files that are not open get problems shown (a 5,000-file include glob must not flood the client). */
  maxFiles: number;
}

export const DEFAULT_PROBLEMS: ProblemsSettings = { scope: 'configuration', maxFiles: 500 };

/**
 * The editor settings split in two: those of the lint, in .proxylintrc.json's shape (passed on to it), and the editor's
 * own `problems` key, which no project file has (so it is taken out before the lint settings are read, where it would
 * be an unknown key). A `problems` value that is not understood keeps the default, with a line for the log.
 */
export function splitEditorSettings(s: EditorSettings): { lint: EditorSettings; problems: ProblemsSettings; warnings: string[] } {
  if (!('problems' in s)) return { lint: s, problems: DEFAULT_PROBLEMS, warnings: [] };
  const { problems: raw, ...lint } = s;
  const warnings: string[] = [];
  const problems = { ...DEFAULT_PROBLEMS };
  if (isObject(raw)) {
    if (raw.scope === 'openFiles' || raw.scope === 'configuration') problems.scope = raw.scope;
    else if (raw.scope !== undefined) warnings.push(`problems.scope must be "openFiles" or "configuration"; "${DEFAULT_PROBLEMS.scope}" is used`);
    if (typeof raw.maxFiles === 'number' && Number.isInteger(raw.maxFiles) && raw.maxFiles >= 0) problems.maxFiles = raw.maxFiles;
    else if (raw.maxFiles !== undefined) warnings.push(`problems.maxFiles must be a whole number, at least 0; ${DEFAULT_PROBLEMS.maxFiles} is used`);
  } else if (raw !== undefined) warnings.push('problems must be an object ({ "scope": …, "maxFiles": … }); the defaults are used');
  return { lint, problems, warnings };
}

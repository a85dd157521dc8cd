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

import type { Host } from '../core/host';
import type { Settings } from '../core/settings';

/** What the language server needs from its surroundings; node/server-main.ts provides it over `fs`. */
export interface ServerEnv {
  createHost(overlay: (path: string) => string | undefined): Host;
  /** Settings for a file: its nearest .proxylintrc.json, with any problems found reading it. */
  settingsFor(path: string): { settings: Settings; configPath?: string; problems: string[] };
}

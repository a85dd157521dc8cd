import * as fs from 'node:fs';
import * as path from 'node:path';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { readProjectConfig, defaultSettings } from '../core/settings';
import { allRuleIds } from '../core/rules/index';
import { startServer } from '../lsp/server';
import type { ServerEnv } from '../lsp/settings-source';
import { createNodeHost } from './node-host';

const CONFIG_FILE = '.proxylintrc.json';

function findUp(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const p = path.join(d, CONFIG_FILE);
    if (fs.existsSync(p)) return p;
    if (path.dirname(d) === d) return undefined;
  }
}

export const nodeServerEnv: ServerEnv = {
  createHost: (overlay) => createNodeHost({}, overlay),
  settingsFor(file) {
    const configPath = findUp(path.dirname(file));
    if (!configPath) return { settings: defaultSettings(), problems: [] };
    try {
      const r = readProjectConfig(JSON.parse(fs.readFileSync(configPath, 'utf8')), path.dirname(configPath), allRuleIds());
      return { settings: r.settings, configPath, problems: r.problems };
    } catch (e) {
      return { settings: defaultSettings(), configPath, problems: [(e as Error).message] };
    }
  },
};

/** `proxylint lsp --stdio` for any LSP client; the VS Code extension starts this file over IPC instead. */
export function startStdioServer(argv: string[]): void {
  if (!argv.includes('--stdio') && !argv.includes('--node-ipc')) {
    process.stderr.write('usage: proxylint lsp --stdio\n');
    process.exitCode = 2;
    return;
  }
  startServer(createConnection(ProposedFeatures.all), nodeServerEnv);
}

if (require.main === module) startServer(createConnection(ProposedFeatures.all), nodeServerEnv);

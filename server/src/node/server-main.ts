import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { classify, isCandidateName } from '../cli/classify';
import { isApacheEntry, parseApacheSourceFile } from '../core/model/apache-tree';
import { mergeJson } from '../core/merge';
import { isNginxEntry, parseSourceFile } from '../core/model/nginx-tree';
import { allRuleIds, ruleOptionsOf } from '../core/rules/index';
import { readProjectConfig, validEntries } from '../core/settings';
import { Lifecycle } from '../lsp/lifecycle';
import { startServer } from '../lsp/server';
import type { ServerEnv } from '../lsp/settings-source';
import { createCliIo } from './cli-io';
import { createNodeHost, readConfigFile } from './node-host';

const CONFIG_FILE = '.proxylintrc.json';
const MAX_ENTRY_SCAN = 20_000;

function findUp(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const p = path.join(d, CONFIG_FILE);
    if (fs.existsSync(p)) return p;
    if (path.dirname(d) === d) return undefined;
  }
}

export const nodeServerEnv: ServerEnv = {
  createHost: (overlay, allowedRoots) => createNodeHost({ allowedRoots }, overlay),
  settingsFor(file, editor) {
    const configPath = findUp(path.dirname(file));
    let project: unknown = {};
    const problems: string[] = [];
    if (configPath) {
      try {
        project = JSON.parse(fs.readFileSync(configPath, 'utf8'));
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    const dir = configPath ? path.dirname(configPath) : path.dirname(file);
    // The project file wins key by key, but only with what is valid in it: an invalid entry is reported and leaves
    // the editor's setting for that key in force (merging first would let it wipe that setting out).
    const own = configPath ? readProjectConfig(project, dir, allRuleIds(), ruleOptionsOf).problems : [];
    const r = readProjectConfig(mergeJson(editor, validEntries(project, dir, allRuleIds(), ruleOptionsOf)), dir, allRuleIds(), ruleOptionsOf);
    return { settings: r.settings, configPath, problems: [...problems, ...own, ...r.problems.filter((p) => !own.includes(p))] };
  },
  isFile: (p) => fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false,
  findEntries(roots, allowedRoots) {
    const io = createCliIo('lsp');
    const out: string[] = [];
    for (const root of roots) {
      const files = io.walk(root).files.filter(isCandidateName).slice(0, MAX_ENTRY_SCAN);
      for (const f of files) {
        // In an untrusted workspace a link to a file outside it is not read, not even to see whether it is an entry.
        const r = readConfigFile(f, { allowedRoots });
        if (!r.ok) continue;
        const entry = classify(f, r.text) === 'apache' ? isApacheEntry(parseApacheSourceFile(f, r.text)) : isNginxEntry(parseSourceFile(f, r.text));
        if (entry) out.push(f);
      }
    }
    return out;
  },
};

/**
 * Every keystroke re-checks the document and drops the previous result. On a 10k-line document a check allocates
 * about 15 MB, and its result (tree, findings, line index: about 8 MB) usually outlives two scavenges before the
 * next edit replaces it, so it dies in the old generation. What the server really keeps is small (heap snapshot
 * after 10 edits: 19 MB, 11 MB of it code and rules), but V8 lets the old generation grow to about 4x the live size
 * measured at the last full collection, and a collection that ends in the middle of a check counts two trees as
 * live: peaks of 260 MB (10k lines) and 420 MB (100k) were almost all dead results. Growth capped at 2x keeps them
 * near 145 / 280 MB at the same keystroke latency (the extra full collections are incremental, a few ms each).
 * V8 reads this value at every full collection, so setting it after start-up takes effect. Not the CLI's
 * --semi-space-growth-factor=1: a 1 MB nursery makes each check scavenge many times (10k keystroke 33 → 51 ms).
 */
function limitHeapGrowth(): void {
  v8.setFlagsFromString('--heap-growing-percent=100');
}

/** The connection over the transport named on the command line, keeping to the LSP lifecycle (see Lifecycle). */
function connect() {
  const lifecycle = new Lifecycle();
  const connection = createConnection(ProposedFeatures.all, { messageStrategy: lifecycle });
  lifecycle.install(connection);
  return connection;
}

/** `proxylint lsp --stdio` for any LSP client; the VS Code extension starts this file over IPC instead. */
export function startStdioServer(argv: string[]): void {
  if (!argv.includes('--stdio') && !argv.includes('--node-ipc')) {
    process.stderr.write('usage: proxylint lsp --stdio\n');
    process.exitCode = 2;
    return;
  }
  limitHeapGrowth();
  startServer(connect(), nodeServerEnv);
}

if (require.main === module) {
  limitHeapGrowth();
  startServer(connect(), nodeServerEnv);
}

// Bundles the extension client, the language server and the CLI. The published extension ships these
// bundles only (no node_modules): see .vscodeignore (the .vsix) and .npmignore (the npm package).
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { PROXYLINT_VERSION: JSON.stringify(pkg.version) },
};
const builds = [
  {
    ...common,
    entryPoints: { cli: 'server/src/node/cli.ts', 'server-main': 'server/src/node/server-main.ts' },
    outdir: 'dist/server',
    // Names this build for the code cache (bin/proxylint.js): a cache made from another build is not used.
    banner: { js: `// proxylint build ${randomUUID()}` },
  },
  { ...common, entryPoints: { extension: 'client/src/extension.ts' }, outdir: 'dist/client', external: ['vscode'] },
];
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  // A cache from the previous build is of no use to the new bundle; removed first so that a failed build leaves none.
  rmSync('dist/server/cli.cache', { force: true });
  await Promise.all(builds.map((b) => esbuild.build(b)));
  // The V8 code cache of the CLI bundle (scripts/code-cache.js): small runs skip compiling the bundle's top level.
  // In a process of its own, so that it is made under the flags the CLI runs with, not this script's.
  const r = spawnSync(process.execPath, ['scripts/code-cache.js', 'dist/server/cli.js', 'dist/server/cli.cache'], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`code cache: scripts/code-cache.js exited ${r.status ?? r.signal}: ${r.stderr}`);
}

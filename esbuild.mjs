// Bundles the extension client, the language server and the CLI. The published extension ships these
// bundles only (no node_modules): see .vscodeignore (the .vsix) and .npmignore (the npm package).
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';

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
  { ...common, entryPoints: { cli: 'server/src/node/cli.ts', 'server-main': 'server/src/node/server-main.ts' }, outdir: 'dist/server' },
  { ...common, entryPoints: { extension: 'client/src/extension.ts' }, outdir: 'dist/client', external: ['vscode'] },
];
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}

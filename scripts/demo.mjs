// npm run demo: lints the shipped example tree (or the paths given) and explains the exit code. The examples are
// meant to have findings, so the CLI exits 1 on them, which npm would show as a failed script; the demo exits 0
// whenever the lint itself ran (status 0 or 1) and fails only on a usage or I/O error (2) or a crash.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const paths = process.argv.length > 2 ? process.argv.slice(2) : ['examples/nginx'];
const r = spawnSync(process.execPath, [fileURLToPath(new URL('../bin/proxylint.js', import.meta.url)), ...paths], { cwd: root, stdio: 'inherit' });
if (r.status === 1) {
  console.log('\nDemo OK: proxylint exits with code 1 on these findings, so a CI job running it on them would fail.');
  process.exit(0);
}
process.exit(r.status ?? 1);

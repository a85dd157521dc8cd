// Runs every test/**/*.test.ts with Node's test runner (Node 20 has no glob support in `node --test`).
// Usage: node test/run.mjs [substring-filter...]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('.', import.meta.url).pathname;
const filters = process.argv.slice(2);
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'fixtures' && name !== 'node_modules') walk(p);
    } else if (name.endsWith('.test.ts') && (filters.length === 0 || filters.some((f) => p.includes(f)))) files.push(p);
  }
})(root);
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
console.log(`running ${files.length} test files: ${files.map((f) => relative(root, f)).join(', ')}`);
// Two phases. The files that time real servers, or wait for a language server's answers, run after the rest: a
// CPU-bound file beside them (parsing, rules, the CLI, the corpus, fuzzing) delays nginx and httpd past the margins
// their timings allow. That first phase has no such margins and runs two files at a time (PROXYLINT_TEST_CONCURRENCY
// changes it; Node 20's default on 2 cores is 1). The timed files spend nearly all their time waiting on server timers
// (measured: 1-2 s of CPU in 15-60 s of wall time each), so two of them side by side do not crowd each other: the
// second phase runs two at a time as well (PROXYLINT_TIMED_CONCURRENCY; 1 runs them one at a time, as before).
// A real-server file that only asks `nginx -t` / `apache2 -t` (no request, no clock) says so with the line
// `// proxylint-test: untimed` and joins the first phase.
const TIMED_FOLDER = /[/\\](servers|evidence|protocol)[/\\]/;
const timed = (f) => TIMED_FOLDER.test('/' + relative(root, f)) && !readFileSync(f, 'utf8').includes('\n// proxylint-test: untimed\n');
const concurrency = Math.max(1, Number(process.env.PROXYLINT_TEST_CONCURRENCY) || 2);
const timedConcurrency = Math.max(1, Number(process.env.PROXYLINT_TIMED_CONCURRENCY) || 2);
const phases = [
  { files: files.filter((f) => !timed(f)), concurrency },
  { files: files.filter((f) => timed(f)), concurrency: timedConcurrency },
];
let status = 0;
for (const phase of phases) {
  if (phase.files.length === 0) continue;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${phase.concurrency}`, '--test-reporter=spec', ...phase.files], { stdio: 'inherit' });
  if (r.status !== 0) status = r.status ?? 1;
}
process.exit(status);

'use strict';
// Builds dist/server/cli.cache, the V8 code cache bin/proxylint.js loads the CLI bundle with. Run by esbuild.mjs after
// each build, as a child process: `node scripts/code-cache.js <cache file> <paths to lint…>`. It runs the CLI through
// the real bin (same loader, same V8 flags) on the shipped examples, so the cache holds the bundle and the functions
// such a run compiles, and writes the cache when the run ends. Functions a run does not reach are compiled lazily as
// usual. Output of the training run is not wanted: the caller discards this process's stdout and stderr.
const fs = require('node:fs');
const path = require('node:path');

const [out, ...paths] = process.argv.slice(2);
let script;
global.__proxylintCodeCache = (s) => {
  script = s;
};
process.on('exit', (code) => {
  // 0: no findings, 1: findings; anything else is a run that failed, and no cache is better than one made from it.
  if (code > 1) return;
  if (!script) throw new Error('code-cache: bin/proxylint.js did not hand over its script');
  // The build's id first (see bin/proxylint.js): the loader uses the cache only with the bundle it was made from.
  const id = /^\/\/ proxylint build ([0-9a-f-]{36})\n/.exec(fs.readFileSync(path.join(__dirname, '..', 'dist', 'server', 'cli.js'), 'latin1').slice(0, 80))?.[1];
  if (!id) throw new Error('code-cache: dist/server/cli.js does not start with its build id');
  fs.writeFileSync(out, Buffer.concat([Buffer.from(id, 'latin1'), script.createCachedData()]));
});
// The bin reads its arguments from process.argv, as when run from a shell.
process.argv = [process.argv[0], path.join(__dirname, '..', 'bin', 'proxylint.js'), '--format', 'json', ...paths];
require('../bin/proxylint.js');

'use strict';
// Builds dist/server/cli.cache, the V8 code cache bin/proxylint.js loads the CLI bundle with. Run by esbuild.mjs after
// each build, as a child process: `node scripts/code-cache.js <bundle> <cache file>`.
//
// The cache is made from the compiled bundle before it runs: it holds what V8 compiles up front (the bundle's top
// level, the module bodies), about 0.5 MB. One made after a run on the shipped examples also held the functions that
// run compiled (about 1 MB) and saved small runs 10 ms more, but it raised the 100k-line tree's peak memory by about
// 5 MB (GNU time, 4 alternating runs each: 145-152 against 138-146 MB), past the 150 MB target of README "Performance".
const fs = require('node:fs');
const Module = require('node:module');
const vm = require('node:vm');
const { CLI_FLAGS, buildIdOf } = require('../bin/code-cache-format.js');

const [bundle, out] = process.argv.slice(2);
require('node:v8').setFlagsFromString(CLI_FLAGS);
const source = fs.readFileSync(bundle, 'utf8');
// The build's id first: the loader uses the cache only with the bundle it was made from.
const id = buildIdOf(source);
if (!id) throw new Error(`code-cache: ${bundle} does not start with its build id`);
// The same text and file name as the loader compiles: Module.wrap, the bundle's own path.
const script = new vm.Script(Module.wrap(source), { filename: fs.realpathSync(bundle) });
fs.writeFileSync(out, Buffer.concat([Buffer.from(id, 'latin1'), script.createCachedData()]));

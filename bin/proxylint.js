#!/usr/bin/env node
'use strict';
// Loads the CLI bundle with the V8 code cache that `node esbuild.mjs` builds beside it (dist/server/cli.cache; see
// scripts/code-cache.js). Compiling the 1.2 MB bundle's top level is a good part of what a small run costs after
// Node's own start-up; with the cache, V8 takes it ready-made. V8 checks the cache against the source, its own
// version and its flags, and compiles as usual when any differs (another Node, NODE_OPTIONS) or the file is missing
// or damaged: the cache can make a run faster, never different. A cache from another build is not used either (see
// code-cache-format.js). Nothing here writes a file.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const vm = require('node:vm');
const { CLI_FLAGS, ID_LENGTH, buildIdOf } = require('./code-cache-format.js');

const file = path.join(__dirname, '..', 'dist', 'server', 'cli.js');
// The language server is its own bundle, loaded by the CLI bundle; only the CLI's flags match the cache's.
const lsp = process.argv[2] === 'lsp';
if (!lsp) {
  require('node:v8').setFlagsFromString(CLI_FLAGS);
}
let source;
let cachedData;
try {
  source = fs.readFileSync(file, 'utf8');
  if (!lsp) {
    const id = buildIdOf(source);
    const cache = id && fs.readFileSync(file.replace(/\.js$/, '.cache'));
    if (cache && cache.subarray(0, ID_LENGTH).toString('latin1') === id) cachedData = cache.subarray(ID_LENGTH);
  }
} catch {
  // No bundle: require() below says so in Node's words. No cache: compile as usual.
}
if (source === undefined) {
  require(file);
} else {
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (process.env.PROXYLINT_DEBUG_CODE_CACHE) process.stderr.write(`proxylint: code cache ${cachedData === undefined ? 'not used' : script.cachedDataRejected ? 'rejected' : 'accepted'}\n`);
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  mod.loaded = true;
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
}

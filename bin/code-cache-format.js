'use strict';
// What the CLI's V8 code cache and its loader must agree on: bin/proxylint.js reads the cache with these, and
// scripts/code-cache.js (run by esbuild.mjs) writes it with them.

/**
 * The V8 flag the CLI runs under (server/src/node/cli.ts sets it too, for runs that require the bundle directly). V8
 * accepts a cache only under the flags it was made with, so the loader sets it before compiling and the maker before
 * making.
 */
const CLI_FLAGS = '--semi-space-growth-factor=1';

/**
 * The id of the build a bundle comes from, in its first line (`// proxylint build <id>`, esbuild.mjs's banner), or
 * undefined. The cache starts with the same 36 characters: V8's own check of the source looks at its length only (on
 * Node 20.20.2 a cache made for `return 1+2` was accepted for `return 1+3`, and the script returned 3), so a rebuilt
 * bundle of the same length would run the old bundle's code.
 */
function buildIdOf(source) {
  return /^\/\/ proxylint build ([0-9a-f-]{36})\n/.exec(source.slice(0, 80))?.[1];
}
const ID_LENGTH = 36;

module.exports = { CLI_FLAGS, buildIdOf, ID_LENGTH };

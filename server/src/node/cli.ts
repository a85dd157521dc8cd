import * as v8 from 'node:v8';
import { runCli } from '../cli/run';
import { createCliIo, OutputError, writeStderr } from './cli-io';

declare const PROXYLINT_VERSION: string;
/** A variable, so esbuild leaves the require alone instead of inlining the server into the CLI bundle. */
const SERVER_BUNDLE = './server-main.js';

const argv = process.argv.slice(2);
if (argv[0] === 'lsp') {
  // A client that goes away while the server writes (its end of the pipe closed) ends the server quietly, not with
  // a "Connection is closed" stack trace. (The CLI writes its own output without Node's streams; see cli-io.ts.)
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  // The language server is its own bundle (dist/server/server-main.js), loaded only for `lsp`: the CLI
  // path should not parse the language-server libraries on every run.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require(SERVER_BUNDLE) as typeof import('./server-main')).startStdioServer(argv.slice(1));
} else {
  // A CLI run builds one large tree that lives until the end. V8 normally grows its young generation towards 32 MB
  // as survivors pile up, so every node is copied through a bigger nursery before it settles: on the 100k-line tree
  // that is 35 MB more peak memory (165 → 132 MB) and no faster. Keeping the nursery at its starting size promotes
  // the tree sooner. Only the growth factor is changed, a value V8 reads each time it considers growing, so setting
  // it after start-up takes effect (heap sizes themselves are fixed at start-up and cannot be changed here).
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  const sizeArg = argv.findIndex((a) => a === '--max-file-size' || a.startsWith('--max-file-size='));
  const size = sizeArg < 0 ? undefined : Number(argv[sizeArg].includes('=') ? argv[sizeArg].split('=')[1] : argv[sizeArg + 1]);
  runCli(argv, createCliIo(typeof PROXYLINT_VERSION === 'string' ? PROXYLINT_VERSION : '0.0.0-dev', Number.isFinite(size) ? size : undefined)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      writeStderr(e instanceof OutputError ? `proxylint: ${e.message}\n` : `proxylint: internal error: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 2;
    },
  );
}

import { runCli } from '../cli/run';
import { createCliIo } from './cli-io';

declare const PROXYLINT_VERSION: string;
/** A variable, so esbuild leaves the require alone instead of inlining the server into the CLI bundle. */
const SERVER_BUNDLE = './server-main.js';

const argv = process.argv.slice(2);
// `proxylint --list-rules | head` closes the pipe early: that is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
if (argv[0] === 'lsp') {
  // The language server is its own bundle (dist/server/server-main.js), loaded only for `lsp`: the CLI
  // path should not parse the language-server libraries on every run.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require(SERVER_BUNDLE) as typeof import('./server-main')).startStdioServer(argv.slice(1));
} else {
  const sizeArg = argv.findIndex((a) => a === '--max-file-size' || a.startsWith('--max-file-size='));
  const size = sizeArg < 0 ? undefined : Number(argv[sizeArg].includes('=') ? argv[sizeArg].split('=')[1] : argv[sizeArg + 1]);
  runCli(argv, createCliIo(typeof PROXYLINT_VERSION === 'string' ? PROXYLINT_VERSION : '0.0.0-dev', Number.isFinite(size) ? size : undefined)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`proxylint: internal error: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 2;
    },
  );
}

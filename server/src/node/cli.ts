import { runCli } from '../cli/run';
import { createCliIo } from './cli-io';

declare const PROXYLINT_VERSION: string;

const argv = process.argv.slice(2);
if (argv[0] === 'lsp') {
  // Loaded lazily: the CLI path should not pay for the language-server libraries.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./server-main').startStdioServer(argv.slice(1));
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

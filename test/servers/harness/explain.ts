// `proxylint explain --in <httpd config> --log <its error log> --format json` for the tests that run a real httpd.
import assert from 'node:assert/strict';
import { runCli } from '../../helpers';
import type { ApacheSetup } from './apache';

/** The parts of an explained entry these tests look at. */
export interface ExplainedApacheEntry {
  id: string;
  count: number;
  alone: number;
  backend: { line: number; url: string; how: string } | null;
}

export interface ExplainedApacheLog {
  explained: ExplainedApacheEntry[];
  requests: { count: number; lines: { line: string; explained: number }[] }[];
}

/** Explains the server's error log against its configuration; the run must explain something (exit 0). */
export function explainApacheLog(setup: ApacheSetup): { report: ExplainedApacheLog; stdout: string } {
  const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
  assert.equal(out.code, 0, out.stderr);
  return { report: JSON.parse(out.stdout) as ExplainedApacheLog, stdout: out.stdout };
}

/** The 1-based line of the configuration's `ProxyPass "/<route>/"`. */
export const proxyPassLine = (setup: ApacheSetup, route: string) => setup.text.split('\n').findIndex((l) => l.startsWith(`ProxyPass "/${route}/"`)) + 1;

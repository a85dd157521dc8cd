import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT } from '../helpers';

/** A preload that reports the process's peak RSS (KiB) on fd 3 when it exits. */
const preloadDir = mkdtempSync(join(tmpdir(), 'proxylint-rss-'));
const PRELOAD = join(preloadDir, 'rss.cjs');
writeFileSync(PRELOAD, `process.on('exit', () => { try { require('fs').writeSync(3, String(process.resourceUsage().maxRSS)); } catch {} });\n`);
// Readable by everyone: one test runs the CLI as an unprivileged user.
chmodSync(preloadDir, 0o755);
chmodSync(PRELOAD, 0o644);
process.on('exit', () => rmSync(preloadDir, { recursive: true, force: true }));

export interface MeasuredRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  peakRssMiB: number;
}

/** Runs the built CLI with a hard time limit (the child is killed past it), measuring wall time and peak RSS. */
export function runMeasured(args: string[], opts: { cwd?: string; timeoutMs?: number; input?: string; prefix?: string[] } = {}): MeasuredRun {
  const t0 = process.hrtime.bigint();
  const cmd = [...(opts.prefix ?? []), process.execPath, '-r', PRELOAD, CLI, ...args];
  const r = spawnSync(cmd[0], cmd.slice(1), {
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    timeout: opts.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
    maxBuffer: 1024 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return {
    code: r.status,
    signal: r.signal,
    stdout: r.stdout?.toString('utf8') ?? '',
    stderr: r.stderr?.toString('utf8') ?? '',
    ms,
    peakRssMiB: Number(r.output?.[3]?.toString('utf8') || 0) / 1024,
  };
}

/** One line for the report: what was run, how long it took, how much memory. */
export function report(name: string, r: MeasuredRun, outcome: string): void {
  console.log(`adversarial | ${name} | ${outcome} | ${(r.ms / 1000).toFixed(2)} s | ${r.peakRssMiB.toFixed(0)} MiB`);
}

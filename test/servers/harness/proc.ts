import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** Every process this harness started, by pid: stopped on exit even if a test forgets (never by name). */
const live = new Map<number, ChildProcess>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const pid of live.keys()) killTree(pid, 'SIGKILL');
  });
}

/** The pids of a process's direct children (nginx workers, httpd children), read from /proc. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    /* gone already */
  }
  return out;
}

function killTree(pid: number, signal: NodeJS.Signals): void {
  const kids = childPids(pid);
  try {
    process.kill(pid, signal);
  } catch {
    /* already gone */
  }
  if (signal === 'SIGKILL') for (const k of kids) {
    try {
      process.kill(k, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

export interface Proc {
  pid: number;
  child: ChildProcess;
  output(): string;
  exited(): boolean;
  exitCode(): number | null;
  /** SIGTERM to its own pid, then SIGKILL (and its children, by pid) if it is still there after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts a long-running process in the foreground of this one and tracks it by pid. */
export function startProcess(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Proc {
  hookExit();
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let done = false;
  let code: number | null = null;
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<void>((resolve) => {
    child.on('exit', (c) => {
      done = true;
      code = c;
      live.delete(child.pid!);
      resolve();
    });
    child.on('error', (e) => {
      out += String(e);
      done = true;
      resolve();
    });
  });
  if (child.pid) live.set(child.pid, child);
  return {
    pid: child.pid ?? -1,
    child,
    output: () => out,
    exited: () => done,
    exitCode: () => code,
    async stop(graceMs = 3000) {
      if (done || !child.pid) return;
      killTree(child.pid, 'SIGTERM');
      const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), graceMs).unref());
      if ((await Promise.race([exit.then(() => 'ok' as const), timer])) === 'late') {
        killTree(child.pid, 'SIGKILL');
        await Promise.race([exit, new Promise((r) => setTimeout(r, 1000).unref())]);
      }
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` every 50 ms until it is true, or gives up after `ms`. */
export async function waitFor(probe: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await probe()) return true;
    await sleep(50);
  }
  return probe();
}

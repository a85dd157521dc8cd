import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, isListening } from './ports';
import { childPids, startProcess, waitFor, type Proc } from './proc';

export const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

/** A server configuration laid out in its own temp folder, with its listen addresses moved to free 127.0.0.1 ports. */
export interface ServerSetup {
  dir: string;
  confPath: string;
  errorLogPath: string;
  pidPath: string;
  /** The configuration as written (what the server reads and what proxylint lints). */
  text: string;
  /** Original listen address (e.g. "80", "127.0.0.1:8000") → the free port it was moved to, in order of appearance. */
  ports: Map<string, number>;
  /** The first listen port: where requests go by default. */
  port: number;
  /** The lines the harness added around the example. */
  harness: string[];
  cleanup(): void;
}

export interface NginxSetup extends ServerSetup {
  kind: 'nginx';
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  // nginx workers (nobody) and httpd children (www-data) must reach the prefix when the master runs as root.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'logs'), { recursive: true });
  return dir;
}

/**
 * Writes `text` (a full nginx.conf or an `http { … }` / `server { … }` example) as <dir>/nginx.conf with what a
 * test run needs around it: daemon off, one worker, pid and error log (level info) in the prefix, events {},
 * access log and temp folders in the prefix, the stream module when `stream {}` is used. Listen addresses
 * become free 127.0.0.1 ports; IPv6 listen lines are commented out (the tests bind 127.0.0.1 only).
 */
export async function prepareNginx(text: string, opts: { files?: Record<string, string>; dir?: string } = {}): Promise<NginxSetup> {
  // A UTF-8 byte-order mark at the start of the example stays the file's first bytes, ahead of the harness's lines.
  const mark = text.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  text = text.slice(mark.length);
  const dir = opts.dir ?? tempDir('proxylint-nginx-');
  const confPath = join(dir, 'nginx.conf');
  const errorLogPath = join(dir, 'logs', 'error.log');
  const pidPath = join(dir, 'nginx.pid');
  const ports = new Map<string, number>();
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\s*listen\s+)([^\s;]+)([^;]*;.*)$/.exec(line);
    if (!m) {
      lines.push(line);
      continue;
    }
    const addr = m[2];
    if (addr.startsWith('unix:')) {
      lines.push(line);
      continue;
    }
    if (addr.startsWith('[')) {
      lines.push(line.replace(/^(\s*)/, '$1# (evidence harness: IPv6 listen removed) '));
      continue;
    }
    const key = addr.replace(/^(\*|0\.0\.0\.0):/, '');
    if (!ports.has(key)) ports.set(key, await freePort());
    lines.push(`${m[1]}127.0.0.1:${ports.get(key)}${m[3]}`);
  }
  let body = wrapFragment(lines.join('\n'));
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${join(dir, 'tmp', t)};`).join('\n');
  body = body.replace(/^(\s*http\s*\{[^\n]*\n)/m, `$1    access_log ${join(dir, 'logs', 'access.log')};\n${temps}\n`);
  const head: string[] = [];
  if (/^\s*stream\s*\{/m.test(body) && !/^\s*load_module\s+\S*ngx_stream_module/m.test(body)) head.push(`load_module ${STREAM_MODULE};`);
  if (!/^\s*daemon\s/m.test(body)) head.push('daemon off;');
  if (!/^\s*worker_processes\s/m.test(body)) head.push('worker_processes 1;');
  if (/^\s*pid\s/m.test(body)) body = body.replace(/^(\s*pid\s+)[^;]+;/m, `$1${pidPath};`);
  else head.push(`pid ${pidPath};`);
  head.push(`error_log ${errorLogPath} info;`);
  const events = 'events { worker_connections 256; }';
  if (!/^\s*events\s*\{/m.test(body)) body += `\n${events}\n`;
  // A `# proxylint-test:` settings header stays the first line.
  const settings = /^#\s*proxylint-test:.*\n/.exec(body);
  const final = mark + (settings ? settings[0] : '') + head.join('\n') + '\n' + (settings ? body.slice(settings[0].length) : body);
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  chmodSync(join(dir, 'tmp'), 0o777);
  for (const [p, t] of Object.entries(opts.files ?? {})) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), t);
  }
  writeFileSync(confPath, final);
  const first = ports.values().next().value;
  return { kind: 'nginx', dir, confPath, errorLogPath, pidPath, text: final, ports, port: first ?? 0, harness: [...head, events], cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A doc example may be a fragment: `location` blocks at the top go into `server { listen 8000; }`, and
 * `server`/`upstream` blocks (or directives of those levels) into `http {}` — where nginx would find them.
 */
export function wrapFragment(text: string): string {
  if (/^\s*(http|stream|events)\s*\{/m.test(text)) return text;
  const top = text.split('\n').filter((l) => /^\S/.test(l) && !l.startsWith('#'));
  if (top.some((l) => /^location\s/.test(l))) {
    const listen = /^\s*listen\s/m.test(text) ? '' : '    listen 8000;\n';
    return `http {\nserver {\n${listen}${text}\n}\n}\n`;
  }
  if (top.some((l) => /^(server|upstream|map|proxy_cache_path|resolver|proxy_\w+|fastcgi_\w+|client_\w+)\b/.test(l))) return `http {\n${text}\n}\n`;
  return text;
}

/** Rewrites the configuration file of a setup (e.g. after a quick fix); the ports stay. */
export function rewriteNginx(setup: NginxSetup, text: string): void {
  setup.text = text;
  writeFileSync(setup.confPath, text);
}

/** nginxConfigTest without blocking this process (see runCheckAsync). */
export function nginxConfigTestAsync(setup: NginxSetup, opts: { isolatedNetwork?: boolean; nofile?: number; hosts?: string } = {}): Promise<{ ok: boolean; output: string }> {
  return runCheckAsync(['nginx', '-t', '-p', setup.dir + '/', '-e', setup.errorLogPath, '-c', setup.confPath], opts);
}

/** The real `nginx -t` on the setup: its exit status and what it printed. */
export function nginxConfigTest(setup: NginxSetup, opts: { isolatedNetwork?: boolean; nofile?: number; hosts?: string } = {}): { ok: boolean; output: string } {
  return runCheck(['nginx', '-t', '-p', setup.dir + '/', '-e', setup.errorLogPath, '-c', setup.confPath], opts);
}

type CheckOptions = { isolatedNetwork?: boolean; nofile?: number; hosts?: string };

/** The command line of a `-t` run with its options: an open-files limit, a private network, a hosts file. */
function checkCommand(argv: string[], opts: CheckOptions): string[] {
  let cmd = argv;
  if (opts.nofile) cmd = ['sh', '-c', `ulimit -n ${Number(opts.nofile)} && exec "$@"`, 'sh', ...cmd];
  if (opts.isolatedNetwork) cmd = ['unshare', '-n', ...cmd];
  if (opts.hosts) cmd = withHosts(opts.hosts, cmd);
  return cmd;
}

/**
 * Runs a `-t` command, optionally in a private network namespace (no DNS query can leave the machine) and with a
 * lower open-files limit; a crash is reported as "(killed by SIGSEGV)".
 */
export function runCheck(argv: string[], opts: CheckOptions = {}): { ok: boolean; output: string } {
  const cmd = checkCommand(argv, opts);
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', timeout: 20_000 });
  const killed = r.signal ? `\n(killed by ${r.signal})` : '';
  return { ok: r.status === 0, output: ((r.stdout ?? '') + (r.stderr ?? '') + killed).trim() };
}

/**
 * runCheck without blocking: the evidence runner starts several scenarios at once in this process, and a `-t` run
 * with spawnSync stopped every other scenario's stand-ins and clocks for as long as it took. On a loaded machine that
 * was long enough for a stand-in balancer's 2 s idle timer to fire after nginx's 4 s timeout, and for a 1 s resolver
 * timeout to be measured as 2.6 s.
 */
export function runCheckAsync(argv: string[], opts: CheckOptions = {}): Promise<{ ok: boolean; output: string }> {
  const cmd = checkCommand(argv, opts);
  return new Promise((resolve) => {
    const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => resolve({ ok: false, output: `${out}${String(e)}`.trim() }));
    child.on('close', (code, signal) => resolve({ ok: code === 0, output: (out + (signal ? `\n(killed by ${signal})` : '')).trim() }));
  });
}

/**
 * Runs `argv` in a private mount namespace where `hostsFile` is bind-mounted over /etc/hosts: the server sees
 * those names (e.g. Debian's `::1 localhost`) while the machine's own /etc/hosts stays as it is. `unshare` and
 * `sh` exec into the server, so the pid we hold is the server's.
 */
export function withHosts(hostsFile: string, argv: string[]): string[] {
  return ['unshare', '-m', 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"', hostsFile, ...argv];
}

export interface Running {
  proc: Proc;
  errorLog(): string;
  stop(): Promise<void>;
}

/** Whether some child of the nginx master has finished its init and named itself a worker. */
function workerReady(master: number): boolean {
  return childPids(master).some((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('nginx: worker process');
    } catch {
      return false;
    }
  });
}

/** Starts nginx in the foreground (master + one worker) and waits until every listen port accepts (at most `startMs`). */
export async function startNginx(setup: NginxSetup, opts: { hosts?: string } = {}, startMs = 5000): Promise<Running> {
  const argv = ['nginx', '-p', setup.dir + '/', '-e', setup.errorLogPath, '-c', setup.confPath];
  const cmd = opts.hosts ? withHosts(opts.hosts, argv) : argv;
  const proc = startProcess(cmd[0], cmd.slice(1));
  const ports = [...setup.ports.values()];
  const up = await waitFor(async () => proc.exited() || (await Promise.all(ports.map((p) => isListening(p)))).every(Boolean), startMs);
  const errorLog = () => (existsSync(setup.errorLogPath) ? readFileSync(setup.errorLogPath, 'utf8') : '');
  if (!up || proc.exited()) {
    await proc.stop();
    throw new Error(`nginx did not start (${proc.exited() ? 'exited ' + proc.exitCode() : 'not listening after ' + startMs + ' ms'}):\n${proc.output()}\n${errorLog()}`);
  }
  // The master binds the ports before it forks the worker, and the kernel completes handshakes into the backlog,
  // so "listening" comes before anything answers. A request timed from here would count the worker's start-up
  // (1.6 s once on a loaded CI machine: a 1 s resolver_timeout measured 2.6 s). The worker names itself
  // "nginx: worker process" only after its init, just before its event loop, so wait for that title too.
  if (!/^\s*master_process\s+off\s*;/m.test(setup.text)) await waitFor(async () => proc.exited() || workerReady(proc.pid), startMs);
  return { proc, errorLog, stop: () => proc.stop() };
}

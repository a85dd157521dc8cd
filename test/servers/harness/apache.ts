import type { ServerSetup } from './nginx';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCheck, runCheckAsync, tempDir, withHosts, type Running } from './nginx';
import { freePort, isListening } from './ports';
import { startProcess, waitFor } from './proc';

export const APACHE_MODULES_DIR = '/usr/lib/apache2/modules';
/** Loaded around an example that loads no modules itself (Debian builds unixd, watchdog, log_config, so, version in). */
export const DEFAULT_APACHE_MODULES = ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'proxy_fcgi', 'proxy_wstunnel', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests', 'proxy_hcheck', 'ssl', 'headers', 'rewrite', 'alias', 'setenvif', 'env'];
/** Loaded around an example that has LoadModule lines of its own (it decides which proxy modules exist). */
export const BASE_APACHE_MODULES = ['mpm_event', 'authz_core'];

export interface ApacheSetup extends ServerSetup {
  kind: 'apache';
}

export const loadModuleLine = (m: string) => `LoadModule ${m}_module ${APACHE_MODULES_DIR}/mod_${m}.so`;

/**
 * Writes `text` (an httpd.conf example) as <dir>/httpd.conf inside its own ServerRoot, with PidFile, ErrorLog,
 * DefaultRuntimeDir in that folder, one child process, and the proxy modules (unless the example loads
 * modules itself, or `modules` says which). `Listen` ports and `<VirtualHost *:port>` become free 127.0.0.1 ports.
 */
export async function prepareApache(text: string, opts: { files?: Record<string, string>; modules?: string[]; logLevel?: string; dir?: string } = {}): Promise<ApacheSetup> {
  const dir = opts.dir ?? tempDir('proxylint-apache-');
  const confPath = join(dir, 'httpd.conf');
  const errorLogPath = join(dir, 'logs', 'error.log');
  const pidPath = join(dir, 'httpd.pid');
  const ports = new Map<string, number>();
  const portFor = async (p: string) => {
    if (!ports.has(p)) ports.set(p, await freePort());
    return ports.get(p)!;
  };
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let m = /^(\s*Listen\s+)(?:[\d.*]+:|\[[^\]]*\]:)?(\d+)(.*)$/i.exec(line);
    if (m) {
      if (/\[/.test(line)) out.push('# (evidence harness: IPv6 Listen removed) ' + line);
      else out.push(`${m[1]}127.0.0.1:${await portFor(m[2])}${m[3]}`);
      continue;
    }
    m = /^(\s*<VirtualHost\s+)([^>]+)(>.*)$/i.exec(line);
    if (m) {
      const addrs: string[] = [];
      for (const a of m[2].trim().split(/\s+/)) {
        const pm = /:(\d+)$/.exec(a);
        addrs.push(pm ? `127.0.0.1:${await portFor(pm[1])}` : a);
      }
      out.push(`${m[1]}${addrs.join(' ')}${m[3]}`);
      continue;
    }
    out.push(line);
  }
  // A backend URL on a loopback address and a port the example Listens on means httpd itself (an example about
  // proxying to the wrong kind of port): it follows its Listen line to the free port.
  for (let i = 0; i < out.length; i++) {
    if (!/^\s*(ProxyPass|ProxyPassMatch|BalancerMember)\s/i.test(out[i])) continue;
    out[i] = out[i].replace(/(:\/\/)(?:127\.0\.0\.1|localhost):(\d+)\b/g, (all, sep: string, port: string) => (ports.has(port) ? `${sep}127.0.0.1:${ports.get(port)}` : all));
  }
  let body = out.join('\n');
  const hasListen = /^\s*Listen\s/im.test(body);
  if (ports.size === 0) await portFor('80');
  const listens = hasListen ? [] : [...ports.values()].map((p) => `Listen 127.0.0.1:${p}`);
  const loaded = new Set([...body.matchAll(/^\s*LoadModule\s+(\w+)_module\s/gim)].map((x) => x[1].toLowerCase()));
  const wanted = opts.modules ?? (loaded.size > 0 ? BASE_APACHE_MODULES : DEFAULT_APACHE_MODULES);
  const mpmLoaded = [...loaded].some((m) => m.startsWith('mpm_'));
  const modules = wanted.filter((m) => !loaded.has(m) && !(m.startsWith('mpm_') && mpmLoaded)).map(loadModuleLine);
  const user = process.getuid?.() === 0 ? ['User www-data', 'Group www-data'] : [];
  const head = [
    `ServerRoot ${dir}`,
    ...modules,
    'ServerName localhost',
    `PidFile ${pidPath}`,
    `ErrorLog ${errorLogPath}`,
    `LogLevel ${opts.logLevel ?? 'warn'}`,
    `DefaultRuntimeDir ${dir}`,
    ...user,
    '<IfModule mpm_event_module>',
    '    StartServers 1',
    '    ServerLimit 1',
    '    ThreadLimit 16',
    '    ThreadsPerChild 16',
    '    MaxRequestWorkers 16',
    '</IfModule>',
    ...listens,
  ];
  const settings = /^#\s*proxylint-test:.*\n/.exec(body);
  if (settings) body = body.slice(settings[0].length);
  const final = (settings ? settings[0] : '') + head.join('\n') + '\n' + body + '\n';
  for (const [p, t] of Object.entries(opts.files ?? {})) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), t);
  }
  writeFileSync(confPath, final);
  return { kind: 'apache', dir, confPath, errorLogPath, pidPath, text: final, ports, port: ports.values().next().value!, harness: head, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function rewriteApache(setup: ApacheSetup, text: string): void {
  setup.text = text;
  writeFileSync(setup.confPath, text);
}

/** The real `apache2 -t` on the setup. */
export function apacheConfigTest(setup: ApacheSetup, opts: { isolatedNetwork?: boolean; nofile?: number; hosts?: string } = {}): { ok: boolean; output: string } {
  return runCheck(['apache2', '-t', '-d', setup.dir, '-f', setup.confPath], opts);
}

/** apacheConfigTest without blocking this process (see runCheckAsync). */
export function apacheConfigTestAsync(setup: ApacheSetup, opts: { isolatedNetwork?: boolean; nofile?: number; hosts?: string } = {}): Promise<{ ok: boolean; output: string }> {
  return runCheckAsync(['apache2', '-t', '-d', setup.dir, '-f', setup.confPath], opts);
}

/** The real `apache2 -t` on a configuration text, in a setup made for it and removed after. */
export async function apacheConfigTestText(text: string, prepare: Parameters<typeof prepareApache>[1] = {}): Promise<{ ok: boolean; output: string }> {
  const setup = await prepareApache(text, prepare);
  try {
    return apacheConfigTest(setup);
  } finally {
    setup.cleanup();
  }
}

/**
 * Starts httpd in the foreground (`apache2 -DFOREGROUND`: the parent stays our child, so it is stopped by its own
 * pid; SIGTERM makes it stop its children) and waits until every Listen port accepts.
 */
export async function startApache(setup: ApacheSetup, opts: { hosts?: string; wrap?: (argv: string[]) => string[] } = {}, startMs = 6000): Promise<Running> {
  const argv = ['apache2', '-DFOREGROUND', '-d', setup.dir, '-f', setup.confPath];
  // `wrap` runs it inside something that execs into it (a namespace, see withDevLog), so the pid is still httpd's.
  const cmd = opts.wrap ? opts.wrap(argv) : opts.hosts ? withHosts(opts.hosts, argv) : argv;
  const proc = startProcess(cmd[0], cmd.slice(1));
  const ports = [...setup.ports.values()];
  const up = await waitFor(async () => proc.exited() || (await Promise.all(ports.map((p) => isListening(p)))).every(Boolean), startMs);
  const errorLog = () => (existsSync(setup.errorLogPath) ? readFileSync(setup.errorLogPath, 'utf8') : '');
  if (!up || proc.exited()) {
    await proc.stop();
    throw new Error(`httpd did not start (${proc.exited() ? 'exited ' + proc.exitCode() : 'not listening after ' + startMs + ' ms'}):\n${proc.output()}\n${errorLog()}`);
  }
  return { proc, errorLog, stop: () => proc.stop() };
}

/**
 * Whether `log` holds `line` word for word, except the ports after 127.0.0.1: httpd writes the client's port and the
 * stand-in's, which are new on every run, so a line recorded once (APX_LOG) cannot match them literally.
 */
export function logHasLine(log: string, line: string): boolean {
  const pattern = line
    .split(/127\.0\.0\.1:\d+/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('127\\.0\\.0\\.1:\\d+');
  return new RegExp(pattern).test(log);
}

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import type { Finding } from '../server/src/core/finding';
import type { Host } from '../server/src/core/host';
import { lintNginx, type LintResult } from '../server/src/core/lint';
import { globSegmentMatcher, hasGlob } from '../server/src/core/paths';
import { defaultSettings, type Settings } from '../server/src/core/settings';
import { LineIndex } from '../server/src/core/text';

export const ROOT = join(__dirname, '..');
export const CLI = join(ROOT, 'bin', 'proxylint.js');
/** ../shared beside the repository, or the folder PROXYLINT_SHARED names (a clone made elsewhere). */
export const SHARED = process.env.PROXYLINT_SHARED ? resolve(process.env.PROXYLINT_SHARED) : join(ROOT, '..', 'shared');

/**
 * A few tests read the workplace's shared folder beside the repository (../shared: the real-world corpus, the
 * failure catalogue). CI always provides it; a clone on its own does not, and its tests are then skipped with this
 * reason rather than failed. `.ci/run` sets PROXYLINT_REQUIRE_SHARED=1 so that a missing folder fails there: these
 * tests are only worth anything when they run.
 */
export function sharedSkip(relPath: string, probe = relPath): string | false {
  if (existsSync(join(SHARED, probe))) return false;
  const reason = `needs ../shared/${relPath}, the workplace's shared folder (no ${join(SHARED, probe)}; PROXYLINT_SHARED names another)`;
  if (process.env.PROXYLINT_REQUIRE_SHARED === '1') throw new Error(`${reason}, and PROXYLINT_REQUIRE_SHARED=1`);
  return reason;
}

/** An in-memory file system for the core: paths are absolute; a path that prefixes others is a folder. */
export function memHost(files: Record<string, string>): Host {
  const isDir = (p: string) => Object.keys(files).some((f) => f.startsWith(p.endsWith('/') ? p : p + '/'));
  return {
    readFile(p) {
      if (Object.prototype.hasOwnProperty.call(files, p)) return { ok: true, text: files[p] };
      if (isDir(p)) return { ok: false, reason: 'directory', message: 'is a folder, not a file' };
      return { ok: false, reason: 'missing', message: 'no such file' };
    },
    glob(pattern) {
      if (!hasGlob(pattern)) return { paths: Object.prototype.hasOwnProperty.call(files, pattern) ? [pattern] : [] };
      // Segment by segment with the product's own glob(3) matcher (a RegExp made from a fuzzed pattern can be invalid
      // or too large: this host, like the real one, must never throw).
      const segs = pattern.split('/').map(globSegmentMatcher);
      const matches = (f: string) => {
        const parts = f.split('/');
        return parts.length === segs.length && parts.every((part, k) => segs[k](part));
      };
      return { paths: Object.keys(files).filter(matches).sort() };
    },
  };
}

export interface LintTextOptions {
  /** Other files, by path relative to /cfg. */
  files?: Record<string, string>;
  settings?: Partial<Settings> | ((s: Settings) => void);
  path?: string;
  rootContext?: string;
}

/** Lints `text` as /cfg/<path> (default nginx.conf) with optional sibling files. */
export function lintText(text: string, options: LintTextOptions = {}): LintResult & { at(f: Finding): { line: number; column: number } } {
  const path = '/cfg/' + (options.path ?? 'nginx.conf');
  const files: Record<string, string> = { [path]: text };
  for (const [p, t] of Object.entries(options.files ?? {})) files['/cfg/' + p] = t;
  const settings = defaultSettings();
  if (typeof options.settings === 'function') options.settings(settings);
  else Object.assign(settings, options.settings ?? {});
  const r = lintNginx(path, text, memHost(files), { settings, rootContext: options.rootContext });
  return {
    ...r,
    at(f) {
      const p = new LineIndex(files[f.path]).positionAt(f.start);
      return { line: p.line + 1, column: p.character + 1 };
    },
  };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI bundle (npm test builds it first). $GITHUB_WORKSPACE is left out of its environment unless
 * `env` sets it: on a GitHub runner it would move the root that github and SARIF paths are relative to.
 */
export function runCli(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string> } = {}): CliRun {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  if (!opts.env?.GITHUB_WORKSPACE) delete env.GITHUB_WORKSPACE;
  if (!opts.env?.CI_PROJECT_DIR) delete env.CI_PROJECT_DIR;
  // spawnSync keeps 1 MiB of output by default and cuts the rest silently: a corpus report is tens of megabytes.
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, input: opts.input, env, encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 30 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary folder with the given files; removed by the returned cleanup. */
export function tempTree(files: Record<string, string | Buffer>): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'proxylint-test-'));
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), t);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let unshareWorks: boolean | undefined;
/** `nginx -t` opens its listen sockets; a private network namespace keeps tests off real ports when we may create one. */
function netnsPrefix(): string[] {
  if (unshareWorks === undefined) unshareWorks = spawnSync('unshare', ['-n', 'true']).status === 0;
  return unshareWorks ? ['unshare', '-n'] : [];
}

export function requireBinary(name: string): void {
  if (spawnSync('sh', ['-c', `command -v ${name}`]).status !== 0) {
    throw new Error(`${name} is not installed: the real-server tests need Debian's nginx and apache2 (apt-get install -y nginx apache2, as .ci/run does)`);
  }
}

/** Runs the real `nginx -t` on `confPath` with `prefix` as its prefix; returns its exit status and output. */
export function nginxTest(prefix: string, confPath: string): { ok: boolean; output: string } {
  requireBinary('nginx');
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  const cmd = [...netnsPrefix(), 'nginx', '-t', '-q', '-p', prefix + '/', '-e', join(prefix, 'logs', 'error.log'), '-c', confPath];
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', timeout: 30_000 });
  return { ok: r.status === 0, output: (r.stdout ?? '') + (r.stderr ?? '') };
}

/** `nginx -t` on a configuration given as text (written to a throw-away folder as nginx.conf). */
export function nginxTestText(text: string): { ok: boolean; output: string } {
  const tree = tempTree({ 'nginx.conf': text });
  try {
    return nginxTest(tree.dir, join(tree.dir, 'nginx.conf'));
  } finally {
    tree.cleanup();
  }
}

/** Modules loaded around an Apache fragment so `apache2 -t` can check it on its own (Debian builds the rest in). */
const APACHE_WRAPPER_MODULES = ['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'proxy_fcgi', 'proxy_wstunnel', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests', 'proxy_hcheck', 'ssl', 'headers', 'rewrite', 'reqtimeout', 'alias'];

/**
 * Runs the real `apache2 -t` on `confPath` with a throw-away ServerRoot. A file that loads no MPM is a
 * fragment: it is checked through a wrapper that loads the usual proxy modules and Includes it. `args`: more
 * command-line arguments (`-D NAME`).
 */
export function apacheTest(confPath: string, args: string[] = []): { ok: boolean; output: string } {
  requireBinary('apache2');
  const root = mkdtempSync(join(tmpdir(), 'proxylint-apache-'));
  try {
    mkdirSync(join(root, 'logs'), { recursive: true });
    const text = readFileSync(confPath, 'utf8');
    let conf = confPath;
    if (!/^\s*LoadModule\s+mpm_/im.test(text)) {
      conf = join(root, 'wrapper.conf');
      const lines = APACHE_WRAPPER_MODULES.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`);
      writeFileSync(conf, [...lines, 'ServerName localhost', 'Listen 127.0.0.1:18499', `Include ${confPath}`, ''].join('\n'));
    }
    const r = spawnSync('apache2', ['-t', '-d', root, '-f', conf, ...args], { encoding: 'utf8', timeout: 30_000 });
    return { ok: r.status === 0, output: (r.stdout ?? '') + (r.stderr ?? '') };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * A bad.conf with several `# expect: <id>` lines, one case per marked line: the text with the other marked lines
 * commented out, so the server stops at that one (it reports only its first error). `line` is 1-based.
 */
export function eachMarkedLineAlone(text: string, id: string): { line: number; text: string }[] {
  const lines = text.split('\n');
  const marked = lines.map((l, k) => (l.includes(`# expect: ${id}`) ? k : -1)).filter((k) => k >= 0);
  return marked.map((k) => ({ line: k + 1, text: lines.map((l, j) => (j !== k && marked.includes(j) ? `#${l}` : l)).join('\n') }));
}

/** The text (as nginx.conf) gets exactly one finding of rule `id`, on `line`, and its message quotes `words` (nginx's). */
export function assertOneFindingQuoting(text: string, id: string, line: number, words: string): void {
  const r = lintText(text);
  const found = r.findings.filter((f) => f.ruleId === id);
  assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
  assert.equal(r.at(found[0]).line, line);
  assert.ok(found[0].message.includes(words), `nginx: ${words}\nproxylint: ${found[0].message}`);
}

/**
 * A seeded generator of numbers in [0, 1) (mulberry32), for randomised tests that must draw the same cases on every
 * run. Its arithmetic stays in 32-bit integers: the textbook `(seed * 1103515245 + 12345) & 0x7fffffff` multiplies
 * past 2^53 in JavaScript, loses the low bits and falls into a cycle of about 14,000 values, so a test asking for
 * thousands of distinct cases repeats them (or, waiting for new ones, never ends).
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Links to config lines in hover markdown: the core's `[label](<path#L12>)` (core/features/place-link.ts) and the
 * language server's `[label](file:///path#L12)`, with the path each points at (the URI turned back into a path).
 */
const PLACE_LINKS = /\[((?:\\.|`[^`\r\n]*`|[^\\\]`])*)\]\((?:<([^<>\r\n]*)#L(\d+)>|(file:\/\/[^)\s#]*)#L(\d+))\)/g;
export function placeLinks(markdown: string): { label: string; path: string; line: number }[] {
  return [...markdown.matchAll(PLACE_LINKS)].map((m) => ({
    label: unescapeLabel(m[1]),
    path: m[2] ?? fileURLToPath(m[4]),
    line: Number(m[3] ?? m[5]),
  }));
}
/** The hover as a reader sees it: each link to a config line shown as its label. */
export const readable = (markdown: string): string => markdown.replace(PLACE_LINKS, (_, label: string) => unescapeLabel(label));
/** A label's backslash escapes undone, except in code spans (where a backslash is itself). */
function unescapeLabel(label: string): string {
  return label.replace(/(`[^`]*`)|\\(.)/g, (_, code?: string, c?: string) => code ?? c!);
}
/** The hover links `label` to line `line` of `path` (an absolute path). */
export function assertPlaceLink(markdown: string, label: string, path: string, line: number): void {
  const links = placeLinks(markdown);
  assert.ok(
    links.some((l) => l.label === label && l.path === path && l.line === line),
    `no link "${label}" → ${path}#L${line} among ${JSON.stringify(links)}`,
  );
}

#!/usr/bin/env node
// `npm run bench`: how fast, and how big, is a full proxylint CLI run, next to `nginx -t` on the same configuration?
//
//   node scripts/bench.mjs [--runs=N] [--skip-corpus] [--skip-nginx] [--skip-lsp] [--skip-cli] [--skip-growth]
//
// 1. Generates (once; reused while the arguments and gen.js stay the same) the synthetic nginx trees of 1k, 10k and
//    100k lines with the corpus generator into .bench/trees/ (git-ignored).
// 2. Times `node bin/proxylint.js --format json <tree>/nginx.conf` as a child process: median wall time of N runs
//    (7 for 1k/10k, 5 for 100k, 3 for the corpus; --runs=N overrides) after one untimed warm-up round; the child's
//    peak RSS (process.resourceUsage().maxRSS, written to fd 3 by a preload script on exit); files/s and MiB/s
//    over every file and byte in the tree.
// 3. Times `nginx -t` on the same tree (inside a private network namespace when `unshare -n` works; peak RSS via
//    /usr/bin/time when present) when nginx is installed, in turns with proxylint so both see the same machine load,
//    checks that it passes (else prints its error and the ratio is n/a), and prints proxylint time / nginx -t time.
// 4. Lints the real corpus folder (/work/shared/corpus/nginx, or $PROXYLINT_CORPUS/nginx) the same way.
// 5. Times `node -e 0` (and `proxylint --version`) so readers can see how much of each CLI run is process start-up.
// 6. Per-keystroke latency of the language server (`proxylint lsp --stdio`, a real child process over stdio) on one
//    document of 1k, 10k and 100k lines, and on a file of the 10k-line include tree: the time from a didChange (one
//    edited character) to the diagnostics of that version — pulled (textDocument/diagnostic right after the change,
//    what VS Code does; when the server offers workspace diagnostics, the pulling client also sends workspace/diagnostic
//    as vscode-languageclient does, again 2 s after each answer) and pushed (publishDiagnostics, which waits for the
//    server's 120 ms typing debounce; the files of the configuration that are not open are published after it) — as
//    the median and 90th percentile of N edits, and the server's peak RSS (VmHWM). --skip-lsp leaves it out.
// 7. Growth (scripts/bench-growth.mjs): the rules phase of configurations made of N and 4N copies of one kind of block,
//    for ten nginx and four Apache shapes, to catch a rule whose time grows with the square of the input. --skip-growth.
// Prints a table and writes everything to .bench/results.json. The targets are reported, never asserted: the script
// exits 0 whether or not they are met (it exits 1 only when it cannot measure at all, e.g. dist/ was not built).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';
import { grewTooFast, growth, growthTable, GROWTH_LIMIT } from './bench-growth.mjs';
import { table } from './bench-table.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BENCH_DIR = path.join(ROOT, '.bench');
const TREES_DIR = path.join(BENCH_DIR, 'trees');
const CLI = path.join(ROOT, 'bin', 'proxylint.js');
const CORPUS = process.env.PROXYLINT_CORPUS ?? '/work/shared/corpus';
const GEN = path.join(CORPUS, 'synthetic', 'gen.js');

const argv = process.argv.slice(2);
const flag = (name) => argv.some((a) => a === `--${name}`);
const runsOverride = Number(argv.find((a) => a.startsWith('--runs='))?.split('=')[1]) || undefined;

const SIZES = [
  { name: 'nginx-1k', lines: 1000, runs: 7 },
  { name: 'nginx-10k', lines: 10000, runs: 7 },
  { name: 'nginx-100k', lines: 100000, runs: 5 },
];
const CORPUS_RUNS = 3;
const STARTUP_RUNS = 9;
const TARGET_RATIO = 1; // proxylint / nginx -t on the 100k-line tree
const TARGET_RSS_MIB = 150;
const MIB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------------
// Process helpers

/** Preload for the proxylint child: reports its own peak RSS (kB) on fd 3 when it exits. */
const RSS_PRELOAD = path.join(os.tmpdir(), `proxylint-bench-rss-${process.pid}.cjs`);
fs.writeFileSync(
  RSS_PRELOAD,
  `'use strict';\nprocess.on('exit', () => { try { require('fs').writeSync(3, String(process.resourceUsage().maxRSS)); } catch {} });\n`,
);
process.on('exit', () => fs.rmSync(RSS_PRELOAD, { force: true }));

/** Runs a command to completion, consuming (and keeping) its output; returns wall time in ms. */
function run(cmd, args, { fd3 = false, cwd = ROOT } = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    cwd,
    stdio: fd3 ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
    maxBuffer: 512 * MIB,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return {
    ms,
    status: r.status,
    signal: r.signal,
    error: r.error,
    stdout: r.stdout ?? Buffer.alloc(0),
    stderr: r.stderr ? r.stderr.toString('utf8') : '',
    fd3: fd3 && r.output?.[3] ? r.output[3].toString('utf8') : '',
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Full path of an executable: PATH first, then the sbin folders a non-root PATH often lacks. */
function which(name) {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = path.join(d, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Trees

function gitDescribe() {
  const head = run('git', ['rev-parse', '--short', 'HEAD']);
  if (head.status !== 0) return null;
  const dirty = run('git', ['status', '--porcelain', '--untracked-files=no']);
  return { commit: head.stdout.toString().trim(), dirty: dirty.status === 0 ? dirty.stdout.length > 0 : null };
}

function walkFiles(dir) {
  const out = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop();
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) out.push(p);
    }
  }
  return out.sort();
}

function treeStats(dir) {
  let bytes = 0;
  let lines = 0;
  const files = walkFiles(dir);
  for (const f of files) {
    const b = fs.readFileSync(f);
    bytes += b.length;
    for (let i = 0; i < b.length; i++) if (b[i] === 10) lines++;
  }
  return { files: files.length, bytes, lines };
}

/** Generates <TREES_DIR>/<name> unless a tree made with the same arguments and the same gen.js is already there. */
function ensureTree(size) {
  const dir = path.join(TREES_DIR, size.name);
  const stampPath = path.join(TREES_DIR, `${size.name}.stamp.json`);
  const genArgs = ['nginx', String(size.lines)];
  const stamp = { genArgs, genSha256: createHash('sha256').update(fs.readFileSync(GEN)).digest('hex') };
  try {
    const old = JSON.parse(fs.readFileSync(stampPath, 'utf8'));
    if (JSON.stringify(old) === JSON.stringify(stamp) && fs.existsSync(path.join(dir, 'nginx.conf'))) return { dir, generated: false };
  } catch {
    // no stamp yet
  }
  fs.mkdirSync(TREES_DIR, { recursive: true });
  fs.rmSync(stampPath, { force: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const r = run(process.execPath, [GEN, ...genArgs, tmp]);
  if (r.status !== 0) throw new Error(`gen.js ${genArgs.join(' ')} failed (${r.status}): ${r.stderr}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir); // the generated includes are relative, so the tree can move
  fs.writeFileSync(stampPath, JSON.stringify(stamp, null, 2) + '\n');
  return { dir, generated: true };
}

// ---------------------------------------------------------------------------------------------------------------
// Measurements

/**
 * Times several commands in turns (a, b, a, b, …) so that a slower or busier stretch of the machine hits all of them
 * alike: one untimed warm-up round, then `runs` timed rounds. Each runner's once() returns { ms, rssKb } or
 * { error }; a runner that fails is dropped from the remaining rounds and reported as { ok: false, error }.
 */
function measureInterleaved(runners, runs) {
  const state = runners.map(() => ({ samples: [], rss: [], error: undefined }));
  for (let round = 0; round <= runs; round++) {
    runners.forEach((r, k) => {
      const st = state[k];
      if (st.error) return;
      const res = r.once();
      if (res.error) st.error = res.error;
      else if (round > 0) {
        st.samples.push(res.ms);
        if (Number.isFinite(res.rssKb) && res.rssKb > 0) st.rss.push(res.rssKb);
      }
    });
  }
  return runners.map((r, k) => {
    const st = state[k];
    if (st.error) return { ok: false, error: st.error };
    return {
      ok: true,
      medianMs: median(st.samples),
      minMs: Math.min(...st.samples),
      samplesMs: st.samples.map((x) => Math.round(x * 10) / 10),
      peakRssMiB: st.rss.length ? Math.max(...st.rss) / 1024 : null,
      ...(r.extra?.() ?? {}),
    };
  });
}

/** `node bin/proxylint.js --format json <target>`; exit 0 (clean) and 1 (findings) both count as a run. */
function proxylintRunner(target) {
  const args = ['-r', RSS_PRELOAD, CLI, '--format', 'json', target];
  let report;
  return {
    once() {
      const r = run(process.execPath, args, { fd3: true });
      if (r.error || (r.status !== 0 && r.status !== 1)) {
        return { error: `proxylint exited ${r.status ?? r.signal}: ${(r.error?.message ?? r.stderr).trim().slice(0, 2000)}` };
      }
      if (!report) {
        try {
          report = JSON.parse(r.stdout.toString('utf8'));
        } catch (e) {
          return { error: `proxylint printed no valid JSON (${e.message})` };
        }
      }
      return { ms: r.ms, rssKb: Number(r.fd3) };
    },
    extra() {
      const s = report?.summary ?? {};
      return { findings: { errors: s.errors, warnings: s.warnings, infos: s.infos }, filesLinted: s.files, skipped: report?.skipped?.length ?? 0 };
    },
  };
}

function nginxSetup() {
  const nginx = which('nginx');
  if (!nginx) return { nginx: undefined, note: 'nginx not installed' };
  const v = run(nginx, ['-v']);
  const version = (v.stderr.match(/nginx\/(\S+)/) ?? [])[1] ?? 'unknown';
  const unshare = which('unshare');
  let netns = false;
  if (unshare) {
    const probe = run(unshare, ['-n', 'sh', '-c', 'ip link set lo up']);
    netns = probe.status === 0;
  }
  const gnuTime = fs.existsSync('/usr/bin/time') && run('/usr/bin/time', ['-f', '%M', 'true']).status === 0 ? '/usr/bin/time' : undefined;
  return { nginx, version, unshare: netns ? unshare : undefined, gnuTime };
}

/** `nginx -t` on the tree; it must exit 0, else its error is reported and no ratio is computed. */
function nginxRunner(setup, treeDir) {
  const conf = path.join(treeDir, 'nginx.conf');
  let cmd = setup.nginx;
  let args = ['-t', '-p', treeDir + '/', '-e', '/dev/null', '-c', conf];
  if (setup.unshare) {
    // nginx -t bind()s every listen address: do it in a private network namespace with only loopback up.
    args = ['-n', 'sh', '-c', 'ip link set lo up; exec "$@"', 'sh', cmd, ...args];
    cmd = setup.unshare;
  }
  // GNU time adds one fork+exec (about a millisecond) and gives the peak RSS, on the last line of stderr.
  const MARK = '__proxylint_bench_rss_kb=';
  if (setup.gnuTime) {
    args = ['-f', `${MARK}%M`, cmd, ...args];
    cmd = setup.gnuTime;
  }
  return {
    once() {
      const r = run(cmd, args);
      const lines = r.stderr.split('\n').filter((l) => l.length);
      const markLine = lines.findLast((l) => l.startsWith(MARK));
      const text = lines.filter((l) => !l.startsWith(MARK) && !/^Command exited with non-zero status/.test(l)).join('\n');
      if (r.error || r.status !== 0) return { error: `nginx -t exited ${r.status ?? r.signal}: ${(r.error?.message ?? text).trim().slice(0, 2000)}` };
      return { ms: r.ms, rssKb: markLine ? Number(markLine.slice(MARK.length)) : NaN };
    },
    extra: () => ({ command: [cmd, ...args].join(' ') }),
  };
}

function nodeRunner(args) {
  return {
    once() {
      const r = run(process.execPath, args);
      return r.status === 0 ? { ms: r.ms } : { error: `node ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.trim()}` };
    },
  };
}

function benchStartup() {
  const [nodeE0, proxylintVersion] = measureInterleaved([nodeRunner(['-e', '0']), nodeRunner([CLI, '--version'])], STARTUP_RUNS);
  return { nodeE0, proxylintVersion };
}


// ---------------------------------------------------------------------------------------------------------------
// Language server: edit-to-diagnostics latency

const LSP_DOCS = [
  { name: 'doc-1k', lines: 1000, edits: 40 },
  { name: 'doc-10k', lines: 10000, edits: 30 },
  { name: 'doc-100k', lines: 100000, edits: 12 },
];
const TARGET_KEYSTROKE_MS = 50; // on the 10k-line document

/** One nginx.conf of about `lines` lines: an http block of server blocks like the synthetic trees'. */
function documentOf(lines) {
  const head = ['events {}', 'http {', '    upstream app { server 10.0.0.1:8080; server 10.0.0.2:8080; keepalive 16; }'];
  const out = [...head];
  for (let i = 0; out.length < lines - 1; i++) {
    out.push(
      '    server {',
      `        listen ${8000 + (i % 1000)};`,
      `        server_name s${i}.example.com;`,
      '        location / {',
      '            proxy_pass http://app;',
      '            proxy_read_timeout 30s;',
      '            proxy_set_header Host $host;',
      '        }',
      '        location /api/ {',
      `            proxy_pass http://10.0.1.${i % 250}:8080;`,
      '            proxy_connect_timeout 5s;',
      '        }',
      '    }',
    );
  }
  out.push('}');
  return out.join('\n') + '\n';
}

/** Starts `proxylint lsp --stdio`, initialises it (pull or push diagnostics) with `root` as the workspace. */
async function startServer(root, pull) {
  const child = spawn(process.execPath, [CLI, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiters = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    for (const w of [...waiters]) if (w.uri === p.uri && p.version === w.version) (waiters.splice(waiters.indexOf(w), 1), w.resolve(p));
  });
  conn.onRequest('workspace/diagnostic/refresh', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('workspace/configuration', () => []);
  conn.listen();
  const uri = pathToFileURL(root).toString();
  const init = await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: uri,
    workspaceFolders: [{ uri, name: 'bench' }],
    capabilities: { textDocument: { ...(pull ? { diagnostic: { dynamicRegistration: false } } : {}), publishDiagnostics: {} }, ...(pull ? { workspace: { diagnostics: { refreshSupport: true } } } : {}) },
  });
  await conn.sendNotification('initialized', {});
  return {
    conn,
    pid: child.pid,
    // vscode-languageclient sends workspace/diagnostic when the server offers it: so does the pulling client here.
    workspacePull: !!init?.capabilities?.diagnosticProvider?.workspaceDiagnostics,
    published: (u, version) => new Promise((resolve) => waiters.push({ uri: u, version, resolve })),
    async stop() {
      try {
        await conn.sendRequest('shutdown');
        await conn.sendNotification('exit');
      } catch {
        // already gone
      }
      conn.dispose();
      child.kill();
    },
  };
}

function vmHwmMiB(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Opens `file` (text `text`) in a fresh server and types `edits` single characters into it, one at a time, each on a
 * `proxy_read_timeout 30s;` line far apart (30s → 31s → 32s …): the time from the change to its diagnostics.
 */
async function keystrokes(root, file, text, edits, pull) {
  const s = await startServer(root, pull);
  const uri = pathToFileURL(file).toString();
  let looping = false;
  try {
    let version = 1;
    const opened = pull ? null : s.published(uri, 1);
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version, text } });
    const t0 = process.hrtime.bigint();
    // Like VS Code, a pulling client names the report it holds (previousResultId); the server may answer "unchanged".
    let resultId;
    let count = 0;
    let unchanged = 0;
    const pullOnce = async () => {
      const r = await s.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri }, ...(resultId ? { previousResultId: resultId } : {}) });
      resultId = r.resultId;
      if (r.kind === 'full') count = r.items.length;
      else unchanged++;
    };
    // As vscode-languageclient does: a workspace/diagnostic request, and another 2 s after each answer, naming the
    // reports it holds; the server answers when it has something new, so one is usually outstanding while typing.
    let workspaceAnswers = 0;
    looping = pull && s.workspacePull;
    const held = new Map();
    const workspaceLoop = async () => {
      while (looping) {
        try {
          const r = await s.conn.sendRequest('workspace/diagnostic', { previousResultIds: [...held].map(([u, value]) => ({ uri: u, value })) });
          workspaceAnswers++;
          for (const i of r.items) if (i.resultId) held.set(i.uri, i.resultId);
          else held.delete(i.uri);
        } catch {
          return; // the connection is closing
        }
        await new Promise((r) => setTimeout(r, 2000));
      }
    };
    if (looping) void workspaceLoop();
    if (pull) await pullOnce();
    else await opened;
    const firstMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const lines = text.split('\n');
    const targets = lines.map((l, k) => (l.includes('proxy_read_timeout 30s;') ? k : -1)).filter((k) => k >= 0);
    const samples = [];
    for (let e = 0; e < edits; e++) {
      const line = targets[Math.floor(((e + 0.5) * targets.length) / edits)];
      const col = lines[line].indexOf('30s') + 1;
      version++;
      const change = { range: { start: { line, character: col }, end: { line, character: col + 1 } }, text: String((e % 9) + 1) };
      const done = pull ? null : s.published(uri, version);
      const t = process.hrtime.bigint();
      await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
      if (pull) await pullOnce();
      else count = (await done).diagnostics.length;
      samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    return {
      ok: true,
      mode: pull ? 'pull' : 'push',
      edits,
      firstMs,
      medianMs: median(samples),
      p90Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))],
      maxMs: sorted[sorted.length - 1],
      diagnostics: count,
      ...(pull ? { unchangedAnswers: unchanged, workspacePull: s.workspacePull, workspaceAnswers } : {}),
      serverPeakRssMiB: vmHwmMiB(s.pid),
    };
  } catch (e) {
    return { ok: false, error: String(e?.stack ?? e) };
  } finally {
    looping = false;
    await s.stop();
  }
}

async function benchLsp(log) {
  const dir = path.join(BENCH_DIR, 'lsp');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const rows = [];
  for (const d of LSP_DOCS) {
    const sub = path.join(dir, d.name);
    fs.mkdirSync(sub, { recursive: true });
    const file = path.join(sub, 'nginx.conf');
    const text = documentOf(d.lines);
    fs.writeFileSync(file, text);
    const edits = runsOverride ? Math.max(3, runsOverride * 3) : d.edits;
    log(`lsp ${d.name}: ${text.split('\n').length - 1} lines, ${edits} edits, pull then push`);
    rows.push({ name: d.name, lines: text.split('\n').length - 1, bytes: Buffer.byteLength(text), pull: await keystrokes(sub, file, text, edits, true), push: await keystrokes(sub, file, text, edits, false) });
  }
  // A file of the 10k-line include tree: the server re-checks the whole configuration the file belongs to.
  const tree = path.join(TREES_DIR, 'nginx-10k');
  if (fs.existsSync(tree)) {
    const files = walkFiles(tree).filter((f) => f !== path.join(tree, 'nginx.conf'));
    const file = files.map((f) => [f, fs.statSync(f).size]).sort((a, b) => b[1] - a[1])[0]?.[0];
    const text = file && fs.readFileSync(file, 'utf8');
    if (text && text.includes('proxy_read_timeout 30s;')) {
      log(`lsp tree-10k: editing ${path.relative(ROOT, file)} inside .bench/trees/nginx-10k`);
      rows.push({ name: 'tree-10k (one file of it)', lines: treeStats(tree).lines, bytes: treeStats(tree).bytes, pull: await keystrokes(tree, file, text, 20, true), push: await keystrokes(tree, file, text, 20, false) });
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// Output

const fmtMs = (ms) => (ms == null ? 'n/a' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const fmtMiB = (m) => (m == null ? 'n/a' : `${m.toFixed(1)} MiB`);
const fmtNum = (n, d = 0) => (n == null || !Number.isFinite(n) ? 'n/a' : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));


// ---------------------------------------------------------------------------------------------------------------

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'server', 'cli.js'))) {
    console.error('bench: dist/server/cli.js is missing; run `node esbuild.mjs` first (npm run bench does).');
    process.exit(1);
  }
  const started = Date.now();
  const log = (s) => process.stderr.write(`bench: ${s}\n`);
  const results = {
    date: new Date().toISOString(),
    machine: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model },
    git: gitDescribe(),
    method: 'wall time = median of N timed child-process runs after 1 warm-up round, proxylint and nginx -t in turns; peak RSS = max over the timed runs',
    targets: { ratio100k: `< ${TARGET_RATIO}`, peakRssMiB: `< ${TARGET_RSS_MIB}`, keystroke10kMs: `< ${TARGET_KEYSTROKE_MS}` },
    startup: null,
    nginx: null,
    synthetic: [],
    corpus: null,
  };

  log('node start-up baseline');
  results.startup = benchStartup();

  const ng = flag('skip-nginx') ? { note: 'skipped (--skip-nginx)' } : nginxSetup();
  results.nginx = ng.nginx
    ? { binary: ng.nginx, version: ng.version, netns: !!ng.unshare, rssVia: ng.gnuTime ? 'GNU time %M' : 'n/a' }
    : { note: ng.note };

  if (flag('skip-cli')) {
    log('CLI runs skipped (--skip-cli)');
  } else if (!fs.existsSync(GEN)) {
    log(`${GEN} not found: synthetic trees skipped`);
  } else {
    for (const size of SIZES) {
      const runs = runsOverride ?? size.runs;
      const { dir, generated } = ensureTree(size);
      const stats = treeStats(dir);
      log(`${size.name}: ${generated ? 'generated' : 'reused'} ${path.relative(ROOT, dir)} (${stats.files} files, ${stats.lines} lines); proxylint${ng.nginx ? ' and nginx -t' : ''} x${runs}`);
      const runners = [proxylintRunner(path.join(dir, 'nginx.conf'))];
      if (ng.nginx) runners.push(nginxRunner(ng, dir));
      const [pl, nx = null] = measureInterleaved(runners, runs);
      const row = { name: size.name, tree: path.relative(ROOT, dir), ...stats, runs, proxylint: pl, nginx: nx ?? { ok: false, error: ng.note } };
      if (pl.ok) {
        row.filesPerSec = stats.files / (pl.medianMs / 1000);
        row.mibPerSec = stats.bytes / MIB / (pl.medianMs / 1000);
        row.linesPerSec = stats.lines / (pl.medianMs / 1000);
      }
      row.ratio = pl.ok && nx?.ok ? pl.medianMs / nx.medianMs : null;
      results.synthetic.push(row);
    }
  }

  const corpusDir = path.join(CORPUS, 'nginx');
  if (flag('skip-cli')) {
    // nothing
  } else if (flag('skip-corpus') || !fs.existsSync(corpusDir)) {
    log(`corpus skipped (${flag('skip-corpus') ? '--skip-corpus' : `${corpusDir} not found`})`);
  } else {
    const runs = runsOverride ?? CORPUS_RUNS;
    const stats = treeStats(corpusDir);
    log(`corpus: ${stats.files} files; proxylint x${runs}`);
    const [pl] = measureInterleaved([proxylintRunner(corpusDir)], runs);
    results.corpus = { dir: corpusDir, ...stats, runs, proxylint: pl };
    if (pl.ok) {
      results.corpus.filesPerSec = stats.files / (pl.medianMs / 1000);
      results.corpus.mibPerSec = stats.bytes / MIB / (pl.medianMs / 1000);
      results.corpus.linesPerSec = stats.lines / (pl.medianMs / 1000);
    }
  }
  if (flag('skip-lsp')) log('language server skipped (--skip-lsp)');
  else results.lsp = await benchLsp(log);
  if (flag('skip-growth')) log('growth skipped (--skip-growth)');
  else results.growth = growth(1000, log);
  results.totalSeconds = (Date.now() - started) / 1000;

  // ---- report
  const out = [];
  const st = results.startup;
  out.push('');
  out.push(`proxylint bench — node ${process.version}, ${results.machine.platform}, ${results.machine.cpus} CPU(s)${ng.nginx ? `, nginx ${ng.version}${ng.unshare ? ' (in unshare -n)' : ''}` : ''}`);
  out.push('wall time = median of N runs (each a fresh process, after 1 warm-up round, proxylint and nginx -t in turns); files/s, MiB/s and lines/s use the proxylint time; MiB = 2^20 bytes');
  out.push('');
  const startupMs = st.proxylintVersion.ok ? st.proxylintVersion.medianMs : null;
  const row = (name, c, nx, ratio) => {
    const pl = c.proxylint;
    const s = pl.ok ? pl.medianMs / 1000 : NaN;
    const rssMark = pl.ok && pl.peakRssMiB != null ? (pl.peakRssMiB < TARGET_RSS_MIB ? ' ok' : ' !!') : '';
    return [
      name,
      fmtNum(c.files),
      fmtNum(c.lines),
      (c.bytes / MIB).toFixed(2),
      String(c.runs),
      pl.ok ? fmtMs(pl.medianMs) : 'FAILED',
      pl.ok && startupMs != null ? fmtMs(Math.max(0, pl.medianMs - startupMs)) : 'n/a',
      pl.ok ? fmtNum(c.files / s) : 'n/a',
      pl.ok ? fmtNum(c.bytes / MIB / s, 2) : 'n/a',
      pl.ok ? fmtNum(c.lines / s) : 'n/a',
      pl.ok ? fmtMiB(pl.peakRssMiB) + rssMark : 'n/a',
      nx === undefined ? '-' : nx?.ok ? fmtMs(nx.medianMs) : 'n/a',
      nx === undefined ? '-' : nx?.ok ? fmtMiB(nx.peakRssMiB) : 'n/a',
      nx === undefined ? '-' : ratio == null ? 'n/a' : ratio.toFixed(2),
    ];
  };
  const rows = results.synthetic.map((r) => row(r.name, r, r.nginx, r.ratio));
  if (results.corpus?.proxylint) rows.push(row('corpus/nginx', results.corpus, undefined, null));
  out.push(
    table(
      ['case', 'files', 'lines', 'MiB', 'N', 'proxylint', 'lint work', 'files/s', 'MiB/s', 'lines/s', `peak RSS (<${TARGET_RSS_MIB})`, 'nginx -t', 'nginx RSS', 'ratio (<1)'],
      rows,
    ),
  );
  out.push('ratio = proxylint median / nginx -t median (both include process start-up); "!!" = over the RSS target');
  out.push('');
  out.push(
    `node start-up: \`node -e 0\` ${st.nodeE0.ok ? fmtMs(st.nodeE0.medianMs) : 'n/a'}, \`proxylint --version\` (start-up + loading the bundle) ${st.proxylintVersion.ok ? fmtMs(st.proxylintVersion.medianMs) : 'n/a'} (medians of ${STARTUP_RUNS}); "lint work" = proxylint minus the latter`,
  );
  for (const r of results.synthetic) {
    if (!r.proxylint.ok) out.push(`${r.name}: proxylint FAILED: ${r.proxylint.error}`);
    else if (r.proxylint.filesLinted !== r.files) out.push(`${r.name}: note: proxylint reported ${r.proxylint.filesLinted} files checked, the tree has ${r.files}`);
    if (r.nginx && !r.nginx.ok && r.nginx.error) out.push(`${r.name}: nginx -t n/a: ${r.nginx.error}`);
  }
  if (results.corpus?.proxylint?.ok) {
    const pl = results.corpus.proxylint;
    out.push(`corpus: ${pl.filesLinted} of ${results.corpus.files} files checked as nginx (${pl.skipped} skipped as not nginx, the rest not config-like names); findings: ${pl.findings.errors} errors, ${pl.findings.warnings} warnings`);
  } else if (results.corpus?.proxylint) out.push(`corpus: proxylint FAILED: ${results.corpus.proxylint.error}`);
  out.push('');
  out.push('targets (reported, not asserted):');
  const big = results.synthetic.find((r) => r.name === 'nginx-100k');
  if (big) {
    const met = big.ratio != null && big.ratio < TARGET_RATIO;
    out.push(`  100k-line tree faster than nginx -t: ${big.ratio == null ? 'n/a (no nginx -t measurement)' : `${fmtMs(big.proxylint.medianMs)} vs ${fmtMs(big.nginx.medianMs)}, ratio ${big.ratio.toFixed(2)} -> ${met ? 'MET' : 'MISSED'}`}`);
  }
  const rssAll = [...results.synthetic.map((r) => [r.name, r.proxylint]), ...(results.corpus ? [['corpus/nginx', results.corpus.proxylint]] : [])].filter(
    ([, p]) => p.ok && p.peakRssMiB != null,
  );
  if (rssAll.length) {
    const worst = rssAll.reduce((a, b) => (b[1].peakRssMiB > a[1].peakRssMiB ? b : a));
    out.push(`  peak RSS under ${TARGET_RSS_MIB} MiB: highest ${fmtMiB(worst[1].peakRssMiB)} (${worst[0]}) -> ${worst[1].peakRssMiB < TARGET_RSS_MIB ? 'MET' : 'MISSED'}`);
  }
  if (results.lsp?.length) {
    out.push('');
    out.push('language server: edit-to-diagnostics per keystroke (median / p90 of N edits; pull = textDocument/diagnostic right after the change, push = publishDiagnostics after the 120 ms debounce)');
    out.push(
      table(
        ['document', 'lines', 'N', 'first lint', 'pull median', 'pull p90', 'push median', 'push p90', 'diagnostics', 'server peak RSS'],
        results.lsp.map((r) => [
          r.name,
          fmtNum(r.lines),
          String(r.pull.edits ?? '-'),
          r.pull.ok ? fmtMs(r.pull.firstMs) : 'FAILED',
          r.pull.ok ? fmtMs(r.pull.medianMs) : 'FAILED',
          r.pull.ok ? fmtMs(r.pull.p90Ms) : '-',
          r.push.ok ? fmtMs(r.push.medianMs) : 'FAILED',
          r.push.ok ? fmtMs(r.push.p90Ms) : '-',
          r.pull.ok ? fmtNum(r.pull.diagnostics) : '-',
          fmtMiB(Math.max(r.pull.serverPeakRssMiB ?? 0, r.push.serverPeakRssMiB ?? 0) || null),
        ]),
      ),
    );
    for (const r of results.lsp) for (const m of [r.pull, r.push]) if (!m.ok) out.push(`${r.name}: FAILED: ${m.error}`);
    const ten = results.lsp.find((r) => r.name === 'doc-10k');
    if (ten?.pull.ok) out.push(`  edit-to-diagnostics under ${TARGET_KEYSTROKE_MS} ms on 10k lines (pull): ${fmtMs(ten.pull.medianMs)} -> ${ten.pull.medianMs < TARGET_KEYSTROKE_MS ? 'MET' : 'MISSED'}`);
  }
  if (results.growth?.length) {
    out.push('');
    out.push('growth: the rules phase of one configuration of N and of 4N copies of a block (the faster of two --timing runs each, after a warm-up run); about 4x is linear, 16x is n²');
    out.push(growthTable(results.growth));
    const over = grewTooFast(results.growth);
    out.push(`  every shape under ${GROWTH_LIMIT}x for 4x the input: ${over.length ? `NO (${over.map((r) => r.shape).join(', ')})` : 'yes'}`);
  }
  results.targetsMet = {
    ratio100k: big?.ratio == null ? null : big.ratio < TARGET_RATIO,
    peakRss: rssAll.length ? rssAll.every(([, p]) => p.peakRssMiB < TARGET_RSS_MIB) : null,
    keystroke10k: results.lsp?.find((r) => r.name === 'doc-10k')?.pull.ok ? results.lsp.find((r) => r.name === 'doc-10k').pull.medianMs < TARGET_KEYSTROKE_MS : null,
  };
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  const resultsPath = path.join(BENCH_DIR, 'results.json');
  fs.writeFileSync(resultsPath, JSON.stringify(results, null, 2) + '\n');
  out.push('');
  out.push(`results: ${path.relative(ROOT, resultsPath)} (total ${results.totalSeconds.toFixed(1)} s)`);
  console.log(out.join('\n'));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

#!/usr/bin/env tsx
// `npm run fuzz`: a long fuzz campaign over both parsers and the whole lint pipeline (test/fuzz/properties.ts).
//
//   npm run fuzz -- [--cases=N] [--seed=S] [--workers=W] [--kinds=bytes,unicode,nginx-soup,apache-soup,corpus] [--chunk=C]
//
// Defaults: 100,000 cases, a random seed (printed), 1 worker. Cases are split over W child processes; each runs the
// kinds in turns, in chunks of C cases (fast-check runs with seed S + chunk number, so a chunk can be replayed).
// Every failure is shrunk by fast-check and saved as test/fuzz/regressions/<kind>-<hash>.json, which
// test/fuzz/regressions.test.ts replays on every `npm test`; the campaign goes on after a failure. A case that runs
// longer than --hang-ms (default 30 s) counts as a failure too; one that has not ended after twice that (at least a
// minute: a loop that never ends, or a quadratic path on a huge case) is saved as it stands, unshrunk, from the copy
// the worker writes before each case (.fuzz/current-<worker>.json), its worker killed and started again at its next
// chunk. The summary is printed and written to
// .fuzz/last-campaign.json. Exit code 1 when anything failed.
import fc from 'fast-check';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { arbitraryFor, KINDS, type Kind } from '../test/fuzz/arbitraries';
import { checkAll, PropertyError, type FuzzCase } from '../test/fuzz/properties';

const ROOT = join(__dirname, '..');
const REGRESSIONS = join(ROOT, 'test', 'fuzz', 'regressions');

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const cases = Number(opt('cases', '100000').replace(/_/g, ''));
const seed = Number(opt('seed', String(Date.now() % 2 ** 31)));
const workers = Math.max(1, Number(opt('workers', '1')));
const chunk = Number(opt('chunk', '500'));
const hangMs = Number(opt('hang-ms', '30000'));
const kinds = opt('kinds', KINDS.join(',')).split(',') as Kind[];
/** Share of the cases per kind: the corpus mutations cost about 20 times more than the others. */
const WEIGHTS: Record<Kind, number> = { bytes: 2, unicode: 2, 'nginx-soup': 3, 'apache-soup': 2, corpus: 1, log: 2 };
const workerIndex = argv.find((a) => a.startsWith('--worker='));
/** A restarted worker's first chunk (after one that hung). */
const fromChunk = Number(opt('from-chunk', '-1'));
/** How long a case may run before the worker is taken for hung: the post-hoc --hang-ms check cannot see a case that never ends. */
const stallMs = Number(opt('stall-ms', String(Math.max(2 * hangMs, 60_000))));
const currentFile = (k: number) => join(ROOT, '.fuzz', `current-${k}.json`);

interface Stats {
  cases: number;
  byKind: Record<string, number>;
  failures: { kind: string; file: string; error: string }[];
  findings: number;
  fixChecks: number;
  actionEdits: number;
  slowest: { kind: string; ms: number; source?: string; length: number }[];
}

function save(kind: Kind, c: FuzzCase & { source?: string }, error: string, chunkSeed: number): string {
  mkdirSync(REGRESSIONS, { recursive: true });
  const body = { kind, seed: chunkSeed, error: error.slice(0, 4000), source: c.source, case: { ...c, source: undefined } };
  const hash = createHash('sha1').update(JSON.stringify(body.case)).digest('hex').slice(0, 10);
  const file = join(REGRESSIONS, `${kind}-${hash}.json`);
  writeFileSync(file, JSON.stringify(body, null, 1) + '\n');
  return file;
}

/** Runs this worker's share of the chunks; prints one JSON line per chunk on stdout. */
function runWorker(k: number) {
  const total = Math.ceil(cases / chunk);
  const schedule: Kind[] = kinds.flatMap((kind) => Array<Kind>(WEIGHTS[kind] ?? 1).fill(kind));
  mkdirSync(join(ROOT, '.fuzz'), { recursive: true });
  const current = currentFile(k);
  for (let i = fromChunk >= 0 ? fromChunk : k; i < total; i += workers) {
    // Each worker goes through every kind in turn (chunk i of worker k is its (i - k) / workers-th).
    const kind = schedule[Math.floor(i / workers) % schedule.length];
    const n = Math.min(chunk, cases - i * chunk);
    const chunkSeed = seed + i;
    const stats: Stats = { cases: 0, byKind: {}, failures: [], findings: 0, fixChecks: 0, actionEdits: 0, slowest: [] };
    let slow: Stats['slowest'][number] | undefined;
    const prop = fc.property(arbitraryFor(kind), (c) => {
      // For the parent's watchdog: the case as it stands, in case it never ends.
      writeFileSync(current, JSON.stringify({ kind, chunkSeed, case: c }));
      const t = performance.now();
      const r = checkAll(c);
      const ms = performance.now() - t;
      stats.cases++;
      stats.findings += r.findings;
      if (r.fixChecked) stats.fixChecks++;
      stats.actionEdits += r.actionEdits;
      if (!slow || ms > slow.ms) slow = { kind, ms: Math.round(ms), source: c.source, length: c.text.length };
      if (ms > hangMs) throw new PropertyError(`took ${Math.round(ms)} ms (over --hang-ms=${hangMs})`);
    });
    const r = fc.check(prop, { numRuns: n, seed: chunkSeed, endOnFailure: false });
    if (r.failed && r.counterexample) {
      const [c] = r.counterexample as [FuzzCase & { source?: string }];
      const error = r.errorInstance instanceof Error ? `${r.errorInstance.message}\n${r.errorInstance.stack ?? ''}` : String(r.errorInstance);
      stats.failures.push({ kind, file: save(kind, c, error, chunkSeed), error: error.split('\n')[0] });
      // The rest of a failed chunk is not run: count what fast-check ran before (and while shrinking, not counted).
    }
    stats.cases = r.numRuns;
    stats.byKind[kind] = r.numRuns;
    if (slow) stats.slowest.push(slow);
    process.stdout.write(JSON.stringify(stats) + '\n');
  }
}

async function main() {
  if (workerIndex) return runWorker(Number(workerIndex.split('=')[1]));
  const started = Date.now();
  process.stderr.write(`fuzz: ${cases} cases, seed ${seed}, ${workers} worker(s), kinds ${kinds.join(',')}, chunks of ${chunk}\n`);
  const total: Stats = { cases: 0, byKind: {}, failures: [], findings: 0, fixChecks: 0, actionEdits: 0, slowest: [] };
  let lastReport = 0;
  const onStats = (s: Stats) => {
    total.cases += s.cases;
    for (const [kk, v] of Object.entries(s.byKind)) total.byKind[kk] = (total.byKind[kk] ?? 0) + v;
    total.failures.push(...s.failures);
    total.findings += s.findings;
    total.fixChecks += s.fixChecks;
    total.actionEdits += s.actionEdits;
    total.slowest = [...total.slowest, ...s.slowest].sort((a, b) => b.ms - a.ms).slice(0, 10);
    for (const f of s.failures) process.stderr.write(`fuzz: FAILURE (${f.kind}): ${f.error}\n      saved ${f.file}\n`);
    if (total.cases - lastReport >= 20_000 || total.cases >= cases) {
      lastReport = total.cases;
      const sec = (Date.now() - started) / 1000;
      process.stderr.write(`fuzz: ${total.cases} cases, ${total.failures.length} failure(s), ${sec.toFixed(0)} s (${Math.round(total.cases / sec)}/s)\n`);
    }
  };
  const chunks = Math.ceil(cases / chunk);
  /** Runs worker k from chunk `from` to its end; after a stall, saves the case, kills it and goes on at its next chunk. */
  const runChild = (k: number, from: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const args = [...process.execArgv, __filename, ...argv.filter((a) => !a.startsWith('--from-chunk=')), `--worker=${k}`, `--from-chunk=${from}`];
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      const spawned = Date.now();
      let chunkNow = from;
      let stalled = false;
      let buf = '';
      const watchdog = setInterval(() => {
        let written: number;
        try {
          written = statSync(currentFile(k)).mtimeMs;
        } catch {
          return; // no case begun yet
        }
        // A copy from before this child began is an earlier run's.
        const since = Date.now() - written;
        if (written < spawned || since < stallMs || stalled) return;
        stalled = true;
        try {
          const body = JSON.parse(readFileSync(currentFile(k), 'utf8')) as { kind: Kind; chunkSeed: number; case: FuzzCase & { source?: string } };
          const error = `no result after ${Math.round(since / 1000)} s: the case never ended (the worker was killed; not shrunk)`;
          const file = save(body.kind, body.case, error, body.chunkSeed);
          onStats({ cases: 0, byKind: {}, failures: [{ kind: body.kind, file, error }], findings: 0, fixChecks: 0, actionEdits: 0, slowest: [] });
        } catch (e) {
          process.stderr.write(`fuzz: worker ${k} stalled, and its current case could not be read: ${(e as Error).message}\n`);
        }
        child.kill('SIGKILL');
      }, 1000);
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString('utf8');
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          let s: Stats;
          try {
            s = JSON.parse(line);
          } catch {
            process.stderr.write(line + '\n');
            continue;
          }
          chunkNow += workers;
          onStats(s);
        }
      });
      child.on('exit', (code) => {
        clearInterval(watchdog);
        if (stalled) {
          const next = chunkNow + workers;
          resolve(next < chunks ? runChild(k, next) : undefined);
        } else if (code === 0) resolve();
        else reject(new Error(`worker ${k} exited ${code}`));
      });
    });
  await Promise.all(Array.from({ length: workers }, (_, k) => runChild(k, k)));
  const seconds = (Date.now() - started) / 1000;
  const summary = { date: new Date().toISOString(), seed, workers, chunk, node: process.version, cpus: os.cpus().length, seconds, ...total };
  mkdirSync(join(ROOT, '.fuzz'), { recursive: true });
  writeFileSync(join(ROOT, '.fuzz', 'last-campaign.json'), JSON.stringify(summary, null, 2) + '\n');
  console.log(
    `fuzz: ${total.cases} cases in ${seconds.toFixed(0)} s (${Object.entries(total.byKind)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}); ${total.findings} findings checked, ${total.fixChecks} fix-idempotency checks, ${total.actionEdits} code-action edits; ${total.failures.length} failure(s)`,
  );
  console.log(`fuzz: slowest cases: ${total.slowest.slice(0, 5).map((s) => `${s.ms} ms (${s.kind}${s.source ? ' ' + s.source : ''}, ${s.length} chars)`).join('; ')}`);
  process.exitCode = total.failures.length ? 1 : 0;
}

main().catch((e) => {
  process.stderr.write(`fuzz: ${(e as Error).stack}\n`);
  process.exitCode = 2;
});

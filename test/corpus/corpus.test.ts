// proxylint over the shared real-world corpus (../shared/corpus, read-only; see its README.md and MANIFEST.tsv).
//
// 1. Every file under corpus/nginx and corpus/templated (templated Jinja/Go-template/ERB/… files and the
//    non-UTF-8 ones included) goes through the built CLI without an internal error, a crash or a hang.
// 2. The nginx files that `nginx -t` 1.22.1 accepted (standalone_parses yes/fragment) get no syntax-error.
// 3. The broken ones that nginx rejected in its tokenizer get a syntax-error on the line nginx named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { CLI } from '../helpers';
import { CORPUS, CORPUS_SKIP, manifest, walk } from './corpus-files';

const BATCH = 200;
/** Per CLI invocation of BATCH files (about 0.2 s today): a hang or a quadratic blow-up fails, a slow CI does not. */
const BATCH_LIMIT_MS = 30_000;
const TOTAL_LIMIT_MS = 120_000;

test('every nginx and templated corpus file goes through the CLI without an internal error, a crash or a hang', { skip: CORPUS_SKIP }, (t) => {
  const files = [...walk(join(CORPUS, 'nginx')), ...walk(join(CORPUS, 'templated'))].sort();
  // The walk must really cover the corpus: every manifest row under nginx/ and templated/ is among the files.
  const onDisk = new Set(files.map((f) => relative(CORPUS, f)));
  const rows = manifest().filter((r) => r.localPath.startsWith('nginx/') || r.localPath.startsWith('templated/'));
  assert.deepEqual(rows.filter((r) => !onDisk.has(r.localPath)).map((r) => r.localPath), []);
  assert.ok(rows.some((r) => r.templated !== 'no') && rows.some((r) => r.encoding === 'non-utf8'));

  const started = Date.now();
  let checked = 0, skippedAsApache = 0, errors = 0, warnings = 0, slowest = 0;
  for (let k = 0; k < files.length; k += BATCH) {
    const batch = files.slice(k, k + BATCH);
    const t0 = Date.now();
    // cwd is a folder with no .proxylintrc.json above it, so every run uses the default settings.
    const r = spawnSync(process.execPath, [CLI, '--format', 'json', ...batch], { cwd: CORPUS, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, timeout: 2 * BATCH_LIMIT_MS });
    const ms = Date.now() - t0;
    slowest = Math.max(slowest, ms);
    const where = `files ${k + 1}–${k + batch.length} (${relative(CORPUS, batch[0])} … ${relative(CORPUS, batch[batch.length - 1])})`;
    assert.equal(r.error, undefined, `${where}: ${r.error}`);
    assert.equal(r.signal, null, `${where}: the CLI was killed by ${r.signal}\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /internal error/i, `${where}: ${r.stderr}`);

    let json: unknown;
    try {
      json = JSON.parse(r.stdout);
    } catch (e) {
      assert.fail(`${where}: no JSON on stdout (exit code ${r.status}, ${(e as Error).message})\n${r.stderr}`);
    }
    const out = json as {
      summary: { errors: number; warnings: number; files: number };
      files: { path: string; findings: { ruleId: string; message: string; line: number }[] }[];
      skipped: { path: string; reason: string }[];
    };
    const internal = out.files.flatMap((f) => f.findings.filter((x) => x.ruleId === 'internal-error').map((x) => `${relative(CORPUS, f.path)}:${x.line} ${x.message}`));
    assert.deepEqual(internal, [], `${where}: internal errors`);
    // 0 = clean, 1 = findings (a missing include is a finding); 2 would be a crash or an I/O failure.
    assert.ok(r.status === 0 || r.status === 1, `${where}: exit code ${r.status}\n${r.stderr}`);
    assert.ok(ms < BATCH_LIMIT_MS, `${where}: took ${ms} ms`);
    // Explicitly named files are only ever skipped as Apache configurations, and only the Apache ones are.
    assert.deepEqual(out.skipped.filter((s) => !/^Apache/.test(s.reason) || !relative(CORPUS, s.path).startsWith('templated/apache/')), [], `${where}: skipped`);
    assert.ok(out.summary.files >= batch.length - out.skipped.length, `${where}: only ${out.summary.files} files checked`);
    checked += batch.length - out.skipped.length;
    skippedAsApache += out.skipped.length;
    errors += out.summary.errors;
    warnings += out.summary.warnings;
  }
  const total = Date.now() - started;
  const line = `corpus CLI run: ${files.length} files in ${Math.ceil(files.length / BATCH)} batches of ≤${BATCH}: ${checked} linted, ${skippedAsApache} skipped as Apache; ${errors} errors, ${warnings} warnings; ${total} ms total, slowest batch ${slowest} ms`;
  t.diagnostic(line);
  console.log(line);
  assert.ok(total < TOTAL_LIMIT_MS, line);
});

test('no syntax-error on the nginx corpus files that nginx -t 1.22.1 accepts (standalone or as a fragment)', { skip: CORPUS_SKIP }, (t) => {
  const rows = manifest().filter((r) => r.server === 'nginx' && r.templated === 'no' && (r.standaloneParses === 'yes' || r.standaloneParses === 'fragment'));
  assert.equal(rows.length, 633, 'the manifest lists 633 such files (211 yes + 422 fragment)');
  const host = createNodeHost();
  const settings = defaultSettings();
  const started = Date.now();
  const offending: string[] = [];
  for (const row of rows) {
    const path = join(CORPUS, row.localPath);
    const read = host.readFile(path);
    assert.ok(read.ok, `${row.localPath}: ${read.ok ? '' : read.message}`);
    // No context is passed: proxylint decides (comment, inference), as it does for a user's file.
    const r = lintNginx(path, read.text, host, { settings });
    const lines = r.config.files.find((f) => f.path === path)!.lines;
    for (const f of r.findings) {
      if (f.ruleId === 'syntax-error' && f.path === path) offending.push(`${row.localPath}:${lines.positionAt(f.start).line + 1} (nginx checked it in "${row.checkContext}"): ${f.message}`);
    }
  }
  const line = `syntax check: ${rows.length} files nginx accepts, linted in ${Date.now() - started} ms`;
  t.diagnostic(line);
  console.log(line);
  assert.deepEqual(offending, [], `${offending.length} syntax-error finding(s) on files nginx accepts:\n${offending.join('\n')}`);
});

test('the corpus files nginx rejects in its tokenizer get a syntax-error on the line nginx names', { skip: CORPUS_SKIP }, (t) => {
  // Tokenizer errors are `unexpected "…"` and `unexpected end of file…`. Rows whose check_context is "map" are
  // left out: they failed only because the checker wrapped the file in a map block to try it as a map fragment
  // (a full config's `server {` inside a map is an `unexpected "{"` that says nothing about the file itself).
  const tokenizer = /\[emerg\] (unexpected "[^"]*"|unexpected end of file)[^\n]* in ([^\n]+):(\d+)$/;
  const rows = manifest().filter((r) => r.server === 'nginx' && r.checkContext === 'main' && tokenizer.test(r.checkError));
  assert.ok(rows.length >= 4, `expected the 4 broken fixtures, found ${rows.length}`);
  const host = createNodeHost();
  const settings = defaultSettings();
  const missed: string[] = [];
  for (const row of rows) {
    const [, what, file, lineText] = tokenizer.exec(row.checkError)!;
    assert.equal('nginx/' + file, row.localPath, 'check_error names the file itself');
    const nginxLine = Number(lineText);
    const path = join(CORPUS, row.localPath);
    const read = host.readFile(path);
    assert.ok(read.ok);
    // nginx checked these as the main configuration; the tokenizer errors do not depend on the context anyway.
    const r = lintNginx(path, read.text, host, { settings, rootContext: 'main' });
    const lines = r.config.files.find((f) => f.path === path)!.lines;
    const found = r.findings.filter((f) => f.ruleId === 'syntax-error' && f.path === path).map((f) => ({ line: lines.positionAt(f.start).line + 1, message: f.message }));
    const hit = found.find((f) => f.line === nginxLine && f.message.includes(what));
    t.diagnostic(`${row.localPath}: nginx "${what}" at line ${nginxLine}; proxylint ${found.map((f) => `${f.line}: ${f.message}`).join(' | ') || 'nothing'}`);
    if (!hit) missed.push(`${row.localPath}: nginx reports ${what} on line ${nginxLine}; proxylint: ${JSON.stringify(found)}`);
  }
  assert.deepEqual(missed, []);
});

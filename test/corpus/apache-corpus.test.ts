// proxylint over the Apache half of the shared corpus (../shared/corpus/apache and templated/apache; read-only).
//
// 1. Every file goes through the built CLI without an internal error, a crash or a hang (templated and
//    non-UTF-8 files included).
// 2. The files `apache2 -t` 2.4.71 accepted (standalone_parses yes, or as a fragment) get no syntax-error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { CLI } from '../helpers';
import { CORPUS, CORPUS_SKIP, manifest, walk } from './corpus-files';

const BATCH = 200;
const BATCH_LIMIT_MS = 30_000;
const TOTAL_LIMIT_MS = 60_000;

test('every Apache and templated Apache corpus file goes through the CLI without an internal error, a crash or a hang', { skip: CORPUS_SKIP }, (t) => {
  const files = [...walk(join(CORPUS, 'apache')), ...walk(join(CORPUS, 'templated', 'apache'))].sort();
  const onDisk = new Set(files.map((f) => relative(CORPUS, f)));
  const rows = manifest().filter((r) => r.localPath.startsWith('apache/') || r.localPath.startsWith('templated/apache/'));
  assert.deepEqual(rows.filter((r) => !onDisk.has(r.localPath)).map((r) => r.localPath), []);
  assert.ok(files.some((f) => f.endsWith('.htaccess')), 'the walk includes .htaccess files');

  const started = Date.now();
  let linted = 0, errors = 0, warnings = 0, slowest = 0;
  for (let k = 0; k < files.length; k += BATCH) {
    const batch = files.slice(k, k + BATCH);
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [CLI, '--format', 'json', ...batch], { cwd: CORPUS, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, timeout: 2 * BATCH_LIMIT_MS });
    const ms = Date.now() - t0;
    slowest = Math.max(slowest, ms);
    const where = `files ${k + 1}–${k + batch.length}`;
    assert.equal(r.error, undefined, `${where}: ${r.error}`);
    assert.equal(r.signal, null, `${where}: the CLI was killed by ${r.signal}\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /internal error/i, `${where}: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as {
      summary: { errors: number; warnings: number; files: number };
      files: { path: string; findings: { ruleId: string; message: string; line: number}[] }[];
      skipped: { path: string; reason: string }[];
    };
    const internal = out.files.flatMap((f) => f.findings.filter((x) => x.ruleId === 'internal-error').map((x) => `${relative(CORPUS, f.path)}:${x.line} ${x.message}`));
    assert.deepEqual(internal, [], `${where}: internal errors`);
    assert.ok(r.status === 0 || r.status === 1, `${where}: exit code ${r.status}\n${r.stderr}`);
    assert.ok(ms < BATCH_LIMIT_MS, `${where}: took ${ms} ms`);
    assert.deepEqual(out.skipped, [], `${where}: explicitly named files are never skipped`);
    linted += out.summary.files;
    errors += out.summary.errors;
    warnings += out.summary.warnings;
  }
  const total = Date.now() - started;
  const line = `Apache corpus CLI run: ${files.length} files in ${Math.ceil(files.length / BATCH)} batches: ${linted} checked; ${errors} errors, ${warnings} warnings; ${total} ms total, slowest batch ${slowest} ms`;
  t.diagnostic(line);
  console.log(line);
  assert.ok(total < TOTAL_LIMIT_MS, line);
});

test('no syntax-error on the Apache corpus files that apache2 -t 2.4.71 accepts (standalone or as a fragment)', { skip: CORPUS_SKIP }, (t) => {
  const rows = manifest().filter((r) => r.server === 'apache' && r.templated === 'no' && (r.standaloneParses === 'yes' || r.standaloneParses === 'fragment'));
  assert.ok(rows.length >= 370, `expected the 373 accepted Apache files, found ${rows.length}`);
  const host = createNodeHost();
  const settings = defaultSettings();
  const started = Date.now();
  const offending: string[] = [];
  for (const row of rows) {
    const path = join(CORPUS, row.localPath);
    const read = host.readFile(path);
    assert.ok(read.ok, `${row.localPath}: ${read.ok ? '' : read.message}`);
    const r = lintApache(path, read.text, host, { settings });
    const lines = r.config.files.find((f) => f.path === path)!.lines;
    for (const f of r.findings) {
      if (f.ruleId === 'syntax-error' && f.path === path) offending.push(`${row.localPath}:${lines.positionAt(f.start).line + 1}: ${f.message}`);
      if (f.ruleId === 'internal-error') offending.push(`${row.localPath}: ${f.message}`);
    }
  }
  const line = `Apache syntax check: ${rows.length} files apache2 -t accepts, linted in ${Date.now() - started} ms`;
  t.diagnostic(line);
  console.log(line);
  assert.deepEqual(offending, [], `${offending.length} syntax-error finding(s) on files httpd accepts:\n${offending.join('\n')}`);
});

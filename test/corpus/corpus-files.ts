// Shared by the corpus tests (not a test file: test/run.mjs only picks up *.test.ts).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED, sharedSkip } from '../helpers';

export const CORPUS = join(SHARED, 'corpus');

/** The corpus tests' `skip` option: the reason when ../shared/corpus is absent (a clone on its own), else false. */
export const CORPUS_SKIP = sharedSkip('corpus', 'corpus/MANIFEST.tsv');

export interface Row {
  server: string;
  localPath: string;
  standaloneParses: string;
  templated: string;
  encoding: string;
  checkContext: string;
  checkErrorClass: string;
  checkError: string;
}

/** MANIFEST.tsv rows (see ../shared/corpus/README.md for the columns). */
export function manifest(): Row[] {
  const [header, ...lines] = readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8').split('\n');
  const cols = header.split('\t');
  const col = (name: string) => {
    const k = cols.indexOf(name);
    assert.ok(k >= 0, `MANIFEST.tsv has no "${name}" column`);
    return k;
  };
  const [server, localPath, sp, templated, encoding, ctx, cls, err] = ['server', 'local_path', 'standalone_parses', 'templated', 'encoding', 'check_context', 'check_error_class', 'check_error'].map(col);
  return lines
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t'))
    .map((c) => ({ server: c[server], localPath: c[localPath], standaloneParses: c[sp], templated: c[templated], encoding: c[encoding], checkContext: c[ctx], checkErrorClass: c[cls], checkError: c[err] }));
}

/** Every regular file under `dir`, recursively (dot-files included: the corpus has .htaccess files). */
export function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

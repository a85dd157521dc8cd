/**
 * Replays every input a fuzz campaign (npm run fuzz) or the CI fuzz ever failed on: test/fuzz/regressions/*.json,
 * each { kind, seed, error, case } with the shrunk case. They must all pass now. A file may carry "knownIssue"
 * (why it still fails and who owns it): it is then run as a TODO, reported but not failing the suite.
 */
import { test } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkAll, type FuzzCase } from './properties';

const DIR = join(__dirname, 'regressions');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

test('there are saved regressions to replay', () => {
  if (files.length === 0) throw new Error(`no regression files in ${DIR}`);
});

for (const f of files) {
  const body = JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { kind: string; error: string; case: FuzzCase; knownIssue?: string; note?: string };
  test(`regression ${f}: ${body.note ?? body.error.split('\n')[0].slice(0, 120)}`, { timeout: 60_000, todo: body.knownIssue }, () => {
    checkAll(body.case);
  });
}

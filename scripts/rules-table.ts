// Regenerates the rule table in README.md between the rules markers: npm run docs:rules
// (test/unit/readme.test.ts fails when the table is out of date).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allRules } from '../server/src/core/rules/index';
import { docsUrl } from '../server/src/core/rules/rule';

const OUTCOME: Record<string, string> = {
  'startup-failure': 'will not start',
  '502/504': '502 / 504',
  silent: 'silent',
  'wrong-backend-path': 'wrong path',
  'source-leak': '200 + source leak',
  lint: '–',
};

export function rulesTable(): string {
  const rows = allRules.map((r) => `| [\`${r.id}\`](${docsUrl(r).replace(/^.*\/server\/src/, 'server/src')}) | ${r.server} | ${r.severity} | ${OUTCOME[r.outcome] ?? r.outcome} | ${r.summary.replace(/\|/g, '\\|')} |`);
  return ['| Rule | Server | Severity | Outcome | What it catches |', '|---|---|---|---|---|', ...rows].join('\n');
}

export const START = '<!-- rules:start -->';
export const END = '<!-- rules:end -->';

export function withTable(readme: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error('README.md has no rules markers');
  return readme.slice(0, a + START.length) + '\n' + rulesTable() + '\n' + readme.slice(b);
}

if (require.main === module) {
  const path = join(__dirname, '..', 'README.md');
  writeFileSync(path, withTable(readFileSync(path, 'utf8')));
  console.log(`${allRules.length} rules written to README.md`);
}

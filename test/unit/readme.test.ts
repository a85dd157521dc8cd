import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTable } from '../../scripts/rules-table';
import { ROOT } from '../helpers';

test('README lists every rule with its current metadata (run "npm run docs:rules" after changing rules)', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  assert.equal(readme, withTable(readme));
});

test('README names the two set-up commands and .ci/run calls the test command', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  assert.ok(readme.includes('npm ci && npm run demo'));
  assert.ok(readme.includes('npm test'));
  assert.match(readFileSync(join(ROOT, '.ci', 'run'), 'utf8'), /^npm test$/m);
});

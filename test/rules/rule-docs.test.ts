import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { allRules, nginxRules } from '../../server/src/core/rules/index';
import { apacheBlocks, docPath, lintApacheExample, lintExample, nginxBlocks, readDoc } from './rule-harness';

const SECTIONS = ['Why', 'Incorrect', 'Correct', 'Fix', 'When not to use it', 'References'];
/** Rules no configuration can trigger on purpose; their doc still needs every section. */
const NOT_TRIGGERABLE = new Set([
  'internal-error',
  // Needs 200 nested blocks: its Incorrect section describes the fixture instead of showing it.
  'analysis-limit',
  // A UTF-16 file cannot be written into a Markdown page: its Incorrect section describes the fixtures instead.
  'utf16-encoded-file',
]);

test('rule ids are stable kebab case and unique', () => {
  const ids = allRules.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/);
});

for (const rule of allRules) {
  test(`${rule.id}: doc page has every section, matches the rule's metadata, and cites official docs`, () => {
    assert.ok(existsSync(docPath(rule)), `missing ${docPath(rule)}`);
    const { text, sections } = readDoc(rule);
    assert.ok(text.startsWith(`# ${rule.id}\n`), 'the page starts with "# <rule-id>"');
    assert.ok(text.includes(`> ${rule.summary}`), 'the summary line matches the rule metadata');
    assert.match(text, /\*\*Server:\*\*.*\*\*Default severity:\*\*.*\*\*Outcome:\*\*.*\*\*Versions:\*\*/);
    assert.ok(text.includes(`**Default severity:** ${rule.severity}`), `severity ${rule.severity} stated`);
    for (const s of SECTIONS) assert.ok(sections.has(s), `section "## ${s}"`);
    assert.match(sections.get('References')!, /https:\/\/(nginx\.org|httpd\.apache\.org|github\.com\/proxylint)/);
    if (rule.server === 'nginx') assert.match(sections.get('References')!, /https:\/\/nginx\.org\//, 'nginx rules link the official nginx docs');
    if (rule.server === 'apache') assert.match(sections.get('References')!, /https:\/\/httpd\.apache\.org\/docs\/2\.4\//, 'Apache rules link the official httpd docs');
  });

  if (rule.server === 'apache') {
    test(`${rule.id}: the doc's Incorrect apache example is flagged and its Correct example is not`, () => {
      const { sections } = readDoc(rule);
      const bad = apacheBlocks(sections.get('Incorrect')!);
      const good = apacheBlocks(sections.get('Correct')!);
      assert.ok(bad.length > 0 && good.length > 0, 'both sections carry an apache example');
      for (const ex of bad) assert.ok(lintApacheExample(ex).some((f) => f.ruleId === rule.id), `Incorrect example not flagged:\n${ex}`);
      for (const ex of good) assert.deepEqual(lintApacheExample(ex).filter((f) => f.ruleId === rule.id), [], `Correct example flagged:\n${ex}`);
    });
    continue;
  }

  if (!nginxRules.some((r) => r.id === rule.id) && !['invalid-suppression', 'unused-suppression'].includes(rule.id)) continue;
  if (NOT_TRIGGERABLE.has(rule.id)) continue;
  test(`${rule.id}: the doc's Incorrect example is flagged and its Correct example is not`, () => {
    const { sections } = readDoc(rule);
    const bad = nginxBlocks(sections.get('Incorrect')!);
    const good = nginxBlocks(sections.get('Correct')!);
    assert.ok(bad.length > 0 && good.length > 0, 'both sections carry an nginx example');
    for (const ex of bad) assert.ok(lintExample(ex).some((f) => f.ruleId === rule.id), `Incorrect example not flagged:\n${ex}`);
    for (const ex of good) {
      const hits = lintExample(ex).filter((f) => f.ruleId === rule.id);
      assert.deepEqual(hits, [], `Correct example flagged:\n${ex}`);
    }
  });
}

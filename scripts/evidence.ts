// npm run evidence [-- rule-filter…]: runs every scenario in test/evidence/scenarios against the real nginx and
// Apache httpd, prints what each rule claims, what the server did, what it did after the quick fix and the log
// line matched, lists the rules no scenario covers (and why), and exits non-zero on any mismatch.
import { coverage, formatTable, loadScenarios, NOT_REPRODUCED_CLAIMS, runAll, SERVER_VERSIONS } from '../test/evidence/runner';
import { requireBinary } from '../test/helpers';

async function main(): Promise<number> {
  const filter = process.argv.slice(2);
  requireBinary('nginx');
  requireBinary('apache2');
  const scenarios = loadScenarios(filter);
  const t0 = Date.now();
  process.stderr.write(`running ${scenarios.length} scenarios on ${SERVER_VERSIONS.nginx} and ${SERVER_VERSIONS.apache}\n`);
  const rows = await runAll(scenarios, Number(process.env.EVIDENCE_PARALLEL ?? 3), (r) => process.stderr.write(`${r.ok ? 'ok      ' : 'MISMATCH'} ${r.rule}${r.variant ? ` (${r.variant})` : ''} ${r.ms} ms\n`));
  console.log(formatTable(rows));
  const bad = rows.filter((r) => !r.ok);
  for (const r of bad) console.log(`\nMISMATCH ${r.rule}${r.variant ? ` (${r.variant})` : ''} [${r.server}]:\n  - ${r.problems.join('\n  - ')}`);
  const notes = rows.filter((r) => r.note);
  if (notes.length) console.log('\nNotes:\n' + notes.map((r) => `- ${r.rule}${r.variant ? ` (${r.variant})` : ''}: ${r.note}`).join('\n'));
  let missing = 0;
  if (filter.length === 0) {
    const cov = coverage(scenarios);
    console.log('\nClaims not (fully) reproduced here:\n' + Object.entries(NOT_REPRODUCED_CLAIMS).map(([id, why]) => `- ${id}: ${why}`).join('\n'));
    if (cov.excused.length) console.log('\nRules with a runtime or start-up claim that cannot be reproduced here:\n' + cov.excused.map(([id, why]) => `- ${id}: ${why}`).join('\n'));
    if (cov.missing.length) console.log('\nRules with a runtime or start-up claim and NO scenario:\n' + cov.missing.map((r) => `- ${r.id} (${r.server}, ${r.outcome})`).join('\n'));
    missing = cov.missing.length;
  }
  console.log(`\n${rows.length - bad.length} passed, ${bad.length} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return bad.length > 0 || missing > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(2);
  },
);

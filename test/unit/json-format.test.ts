import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatJson, formatJsonChunks } from '../../server/src/cli/formatters/json';
import type { PositionedFinding } from '../../server/src/cli/positions';

// The JSON report is written file by file; it must stay exactly what JSON.stringify(report, null, 2) gives.
function reference(findings: PositionedFinding[], summary: object, outputs: Map<string, string>, skipped: { path: string; reason: string }[]): string {
  const byFile = new Map<string, PositionedFinding[]>();
  for (const f of findings) byFile.set(f.path, [...(byFile.get(f.path) ?? []), f]);
  for (const p of outputs.keys()) if (!byFile.has(p)) byFile.set(p, []);
  const files = [...byFile].map(([path, list]) => ({
    path,
    findings: list.map((x) => ({ ruleId: x.ruleId, severity: x.severity, message: x.message, line: x.line, column: x.column, endLine: x.endLine, endColumn: x.endColumn, docs: x.docs, fix: x.fix, suggestions: x.suggestions, related: x.related })),
    ...(outputs.has(path) ? { output: outputs.get(path) } : {}),
  }));
  return JSON.stringify({ version: 1, summary, files, skipped }, null, 2) + '\n';
}

const finding = (path: string, extra: Partial<PositionedFinding> = {}): PositionedFinding => ({
  ruleId: 'r',
  severity: 'info',
  message: 'line one\nline "two"\t{ [ ] }',
  path,
  start: 0,
  end: 1,
  suggestions: [],
  related: [],
  line: 1,
  column: 2,
  endLine: 3,
  endColumn: 4,
  ...extra,
});

test('the file-by-file JSON report is byte for byte JSON.stringify(report, null, 2)', () => {
  const summary = { errors: 1, warnings: 2, infos: 0, fixable: 1, files: 3 };
  const cases: [PositionedFinding[], object, Map<string, string>, { path: string; reason: string }[]][] = [
    [[], summary, new Map(), []],
    [[], { ...summary, hidden: 4 }, new Map([['/a.conf', 'x\r\ny\n']]), [{ path: '/bin.conf', reason: 'binary' }]],
    [
      [
        finding('/a.conf', { fix: { title: 't', edits: [{ path: '/a.conf', start: 0, end: 1, newText: '    a;\n' }] }, docs: 'https://x/y.md' }),
        finding('/b.conf', { suggestions: [{ title: 's', edits: [] }], related: [{ path: '/a.conf', start: 1, end: 2, message: 'here' }] }),
        finding('/a.conf', { message: 'ünïcødé ✓ \u2028' }),
      ],
      summary,
      new Map([['/c.conf', 'out\n']]),
      [],
    ],
  ];
  for (const [f, s, o, k] of cases) {
    const chunks = [...formatJsonChunks(f, s as never, o, k)];
    assert.ok(chunks.length >= 2);
    assert.equal(chunks.join(''), reference(f, s, o, k));
    assert.equal(formatJson(f, s as never, o, k), reference(f, s, o, k));
    JSON.parse(chunks.join(''));
  }
});

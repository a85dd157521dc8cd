import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatJson, formatJsonChunks } from '../../server/src/cli/formatters/json';
import { nested } from '../../server/src/cli/formatters/pretty';
import { formatSarifChunks } from '../../server/src/cli/formatters/sarif';
import { formatGithubChunks } from '../../server/src/cli/formatters/github';
import { formatTextChunks, type RunError } from '../../server/src/cli/formatters/text';
import { ruleMeta } from '../../server/src/core/rules/index';
import type { RuleMeta } from '../../server/src/core/rules/rule';
import type { PositionedFinding } from '../../server/src/cli/positions';

// The JSON report is written file by file; it must stay exactly what JSON.stringify(report, null, 2) gives.
function reference(findings: PositionedFinding[], summary: object, outputs: Map<string, string>, skipped: { path: string; reason: string }[], errors: RunError[]): string {
  const byFile = new Map<string, PositionedFinding[]>();
  for (const f of findings) byFile.set(f.path, [...(byFile.get(f.path) ?? []), f]);
  for (const p of outputs.keys()) if (!byFile.has(p)) byFile.set(p, []);
  const files = [...byFile].map(([path, list]) => ({
    path,
    findings: list.map((x) => ({ ruleId: x.ruleId, severity: x.severity, message: x.message, line: x.line, column: x.column, endLine: x.endLine, endColumn: x.endColumn, docs: x.docs, fix: x.fix, suggestions: x.suggestions, related: x.related })),
    ...(outputs.has(path) ? { output: outputs.get(path) } : {}),
  }));
  return JSON.stringify({ version: 1, summary, files, skipped, errors }, null, 2) + '\n';
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
  const cases: [PositionedFinding[], object, Map<string, string>, { path: string; reason: string }[], RunError[]][] = [
    [[], summary, new Map(), [], []],
    [[], { ...summary, hidden: 4 }, new Map([['/a.conf', 'x\r\ny\n']]), [{ path: '/bin.conf', reason: 'binary' }], [{ path: '/gone.conf', message: 'gone.conf: no such "file"' }, { message: 'cannot list /x: EACCES' }]],
    [
      [
        finding('/a.conf', { fix: { title: 't', edits: [{ path: '/a.conf', start: 0, end: 1, newText: '    a;\n' }] }, docs: 'https://x/y.md' }),
        finding('/b.conf', { suggestions: [{ title: 's', edits: [] }], related: [{ path: '/a.conf', start: 1, end: 2, message: 'here', line: 1, column: 2 }] }),
        finding('/a.conf', { message: 'ünïcødé ✓ \u2028' }),
      ],
      summary,
      new Map([['/c.conf', 'out\n']]),
      [],
      [],
    ],
  ];
  for (const [f, s, o, k, e] of cases) {
    const chunks = [...formatJsonChunks(f, s as never, o, k, e)];
    assert.ok(chunks.length >= 2);
    assert.equal(chunks.join(''), reference(f, s, o, k, e));
    assert.equal(formatJson(f, s as never, o, k, e), reference(f, s, o, k, e));
    JSON.parse(chunks.join(''));
  }
});

test('the SARIF log made result by result is exactly JSON.stringify of itself with 2-space indentation', () => {
  const rules = ['proxy-pass-missing-scheme', 'upstream-no-servers'].map((id) => ruleMeta(id)).filter((r): r is RuleMeta => !!r);
  const text = 'a\nbb\nccc\n';
  const many = [
    finding('/w/a.conf', { ruleId: rules[0]?.id ?? 'r', fix: { title: 't', edits: [{ path: '/w/a.conf', start: 2, end: 4, newText: 'x;\n' }, { path: '/w/b.conf', start: 0, end: 1, newText: '' }] } }),
    finding('/w/b.conf', { related: [{ path: '/w/a.conf', start: 5, end: 7, message: 'here "too"', line: 2, column: 3 }] }),
    finding('/w/a c#.conf', { message: 'ünïcødé ✓ \u2028 "results": []' }),
  ];
  const errors = [{ path: '/w/gone.conf', message: 'gone.conf: "results": []' }, { path: '/elsewhere/x.conf', message: 'x' }, { message: 'cannot list /w/d: EACCES' }];
  const cases: [PositionedFinding[], RunError[]][] = [[[], []], [many.slice(0, 1), []], [many, []], [[], errors], [many, errors]];
  for (const [findings, errs] of cases) {
    const chunks = [...formatSarifChunks(findings, rules, '1.2.3', '/w', () => text, errs)];
    const out = chunks.join('');
    assert.equal(out, JSON.stringify(JSON.parse(out), null, 2) + '\n');
    const log = JSON.parse(out) as { runs: { results: { message: { text: string } }[]; tool: { driver: { rules: unknown[] } } }[] };
    assert.equal(log.runs[0].results.length, findings.length);
    assert.equal(log.runs[0].tool.driver.rules.length, rules.length);
    assert.deepEqual(log.runs[0].results.map((r) => r.message.text), findings.map((f) => f.message));
    if (findings.length > 1) assert.ok(chunks.length > findings.length, 'one chunk per result at least');
  }
});

test('text and GitHub reports come one finding per chunk', () => {
  const findings = [finding('/a.conf'), finding('/a.conf', { docs: 'https://x/y.md' }), finding('/b.conf')];
  const summary = { errors: 0, warnings: 0, infos: 3, fixable: 0, files: 2 };
  const text = [...formatTextChunks(findings, summary, (p) => p.slice(1))];
  assert.equal(text.length, findings.length + 1);
  // The message's line break is shown as \n: one finding, one line.
  const line = '  1:2  info     line one\\nline "two"\t{ [ ] }  [r]\n';
  assert.equal(text.join(''), `a.conf\n${line}${line}      https://x/y.md\n\nb.conf\n${line}\n3 problems (0 errors, 0 warnings, 3 info) in 2 files checked\n`);
  assert.deepEqual([...formatTextChunks([], { ...summary, infos: 0 }, (p) => p)], ['No problems found in 2 files.\n']);
  const gh = [...formatGithubChunks(findings, (p) => p.slice(1))];
  assert.equal(gh.length, 3);
  assert.ok(gh.every((l) => l.startsWith('::notice file=') && l.endsWith('\n') && !l.slice(0, -1).includes('\n')));
  assert.deepEqual([...formatGithubChunks([], (p) => p)], []);
});

test('nested() writes what JSON.stringify(value, null, 2) writes, indented, for every kind of plain data', () => {
  const values: unknown[] = [
    null, true, false, 0, -0, 1.5, -7, NaN, Infinity, '', 'a\nb "c" \\ \u2028 ✓', [], {}, [[]], [{}], { a: {} },
    [1, undefined, () => 1, Symbol('s'), 'x'], { a: undefined, b: () => 1, c: Symbol('s'), d: 1 }, { a: undefined },
    { 'key "quoted"\n': [1, { x: [null, { y: 'z' }] }] },
    { title: 't', edits: [{ path: '/a.conf', start: 0, end: 1, newText: '    a;\n' }] },
  ];
  for (const v of values) {
    for (const depth of [0, 1, 4]) {
      const expected = (JSON.stringify(v, null, 2) ?? 'null').replace(/\n/g, '\n' + '  '.repeat(depth));
      assert.equal(nested(v, depth), expected, `${String(JSON.stringify(v))} at depth ${depth}`);
    }
  }
});

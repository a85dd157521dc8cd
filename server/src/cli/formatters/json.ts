import type { PositionedFinding } from '../positions';
import type { Summary } from './text';

/**
 * Stable machine-readable output: one entry per file with findings, fixes as offset edits. Produced file by file
 * (`JSON.stringify(report, null, 2)` byte for byte), so a report of a large tree — 12 MB for 8,000 findings — never
 * has to exist as one string next to the findings it is made of.
 */
export function* formatJsonChunks(findings: PositionedFinding[], summary: Summary, outputs: Map<string, string>, skipped: { path: string; reason: string }[]): Generator<string> {
  const byFile = new Map<string, PositionedFinding[]>();
  for (const f of findings) {
    const list = byFile.get(f.path);
    if (list) list.push(f);
    else byFile.set(f.path, [f]);
  }
  for (const p of outputs.keys()) if (!byFile.has(p)) byFile.set(p, []);
  // What JSON.stringify(value, null, 2) writes for a value nested `depth` levels deep: its own lines shifted right.
  // Line breaks inside strings are escaped ("\n"), so every raw line break is layout.
  const nested = (value: unknown, depth: number) => JSON.stringify(value, null, 2).replace(/\n/g, '\n' + '  '.repeat(depth));
  yield `{\n  "version": 1,\n  "summary": ${nested(summary, 1)},\n  "files": [`;
  let first = true;
  for (const [path, list] of byFile) {
    const entry = {
      path,
      findings: list.map((f) => ({
        ruleId: f.ruleId,
        severity: f.severity,
        message: f.message,
        line: f.line,
        column: f.column,
        endLine: f.endLine,
        endColumn: f.endColumn,
        docs: f.docs,
        fix: f.fix,
        suggestions: f.suggestions,
        related: f.related,
      })),
      ...(outputs.has(path) ? { output: outputs.get(path) } : {}),
    };
    yield `${first ? '' : ','}\n    ${nested(entry, 2)}`;
    first = false;
  }
  yield `${byFile.size ? '\n  ' : ''}],\n  "skipped": ${nested(skipped, 1)}\n}\n`;
}

export function formatJson(findings: PositionedFinding[], summary: Summary, outputs: Map<string, string>, skipped: { path: string; reason: string }[]): string {
  return [...formatJsonChunks(findings, summary, outputs, skipped)].join('');
}

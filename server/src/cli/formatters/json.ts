import type { PositionedFinding } from '../positions';
import type { Summary } from './text';

/** Stable machine-readable output: one entry per file with findings, fixes as offset edits. */
export function formatJson(findings: PositionedFinding[], summary: Summary, outputs: Map<string, string>, skipped: { path: string; reason: string }[]): string {
  const byFile = new Map<string, PositionedFinding[]>();
  for (const f of findings) {
    const list = byFile.get(f.path);
    if (list) list.push(f);
    else byFile.set(f.path, [f]);
  }
  for (const p of outputs.keys()) if (!byFile.has(p)) byFile.set(p, []);
  const files = [...byFile.entries()].map(([path, list]) => ({
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
  }));
  return JSON.stringify({ version: 1, summary, files, skipped }, null, 2) + '\n';
}

import type { Finding, RelatedLocation } from '../core/finding';
import { LineIndex } from '../core/text';
import { docsUrl, type RuleMeta } from '../core/rules/rule';
import { ruleMeta } from '../core/rules/index';

/** A related location with its 1-based line and column: two notes in one file are told apart only by them. */
export interface PositionedRelated extends RelatedLocation {
  line: number;
  column: number;
}

/** A finding with 1-based lines and columns, the way every CLI format shows positions. */
export interface PositionedFinding extends Finding {
  related: PositionedRelated[];
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  docs?: string;
}

export function positionFindings(findings: Finding[], textOf: (path: string) => string | undefined): PositionedFinding[] {
  const indexes = new Map<string, LineIndex>();
  // One link per rule, not per finding: a large tree has thousands of findings of a handful of rules.
  const docs = new Map<string, string | undefined>();
  const indexOf = (path: string) => {
    let idx = indexes.get(path);
    if (!idx) {
      idx = new LineIndex(textOf(path) ?? '');
      indexes.set(path, idx);
    }
    return idx;
  };
  return findings.map((f) => {
    const idx = indexOf(f.path);
    const s = idx.positionAt(f.start);
    const e = idx.positionAt(f.end);
    let link = docs.get(f.ruleId);
    if (link === undefined && !docs.has(f.ruleId)) {
      const meta: RuleMeta | undefined = ruleMeta(f.ruleId);
      docs.set(f.ruleId, (link = meta ? docsUrl(meta) : undefined));
    }
    return {
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      path: f.path,
      start: f.start,
      end: f.end,
      fix: f.fix,
      suggestions: f.suggestions,
      related: f.related.map((r) => {
        const p = indexOf(r.path).positionAt(r.start);
        return { ...r, line: p.line + 1, column: p.character + 1 };
      }),
      line: s.line + 1,
      column: s.character + 1,
      endLine: e.line + 1,
      endColumn: e.character + 1,
      docs: link,
    };
  });
}

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

/**
 * The 1-based column of `offset` at `pos` in `text`, as the file's reader counts it: --fix keeps a UTF-8 byte-order
 * mark in the text (run.ts), which no editor shows and a run without --fix does not count, so on line 1 it is not
 * counted either (the same finding has the same column with and without --fix-dry-run).
 */
export function visibleColumn(text: string | undefined, pos: { line: number; character: number }, offset: number): number {
  return pos.character + 1 - (pos.line === 0 && offset > 0 && text?.charCodeAt(0) === 0xfeff ? 1 : 0);
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
        return { ...r, line: p.line + 1, column: visibleColumn(textOf(r.path), p, r.start) };
      }),
      line: s.line + 1,
      column: visibleColumn(textOf(f.path), s, f.start),
      endLine: e.line + 1,
      endColumn: visibleColumn(textOf(f.path), e, f.end),
      docs: link,
    };
  });
}

export type Severity = 'error' | 'warning' | 'info';

/** Replace [start, end) of the file at `path` with `newText`. Offsets index the text the finding was made from. */
export interface TextEdit {
  path: string;
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface RelatedLocation {
  path: string;
  start: number;
  end: number;
  message: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  path: string;
  start: number;
  end: number;
  /** A safe fix: applied by `--fix` and "fix all". */
  fix?: Fix;
  /** Offered in the editor, never applied without the user choosing it (they may change behaviour or need a value only the user knows). */
  suggestions: Fix[];
  related: RelatedLocation[];
}

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Related locations a finding lists at most (runRules cuts longer lists and says so in the message). */
export const MAX_RELATED = 20;

/** The ids of the rules with a finding that starts in [start, end] of `path` (a line's span): what a hover adapts to. */
export function ruleIdsIn(findings: readonly Finding[], path: string, start: number, end: number): Set<string> {
  const ids = new Set<string>();
  for (const f of findings) if (f.path === path && f.start >= start && f.start <= end) ids.add(f.ruleId);
  return ids;
}

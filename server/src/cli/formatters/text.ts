import type { PositionedFinding } from '../positions';

export interface Summary {
  errors: number;
  warnings: number;
  infos: number;
  fixable: number;
  files: number;
  /** Findings left out by --quiet: all of them, then the warnings and the info ones. */
  hidden?: number;
  hiddenWarnings?: number;
  hiddenInfos?: number;
  /** --quiet with an explicit --fail-on or --max-warnings: the hidden findings still count for the exit code. */
  hiddenCounted?: boolean;
  /** Inputs that could not be checked (see RunError); any makes the exit code 2. */
  runErrors?: number;
  /** With --baseline: the findings it accounted for (not reported, not counted), and those of its own not met. */
  baselined?: number;
  baselineStale?: number;
}

/** A file that could not be read, a bad config file, a path that names nothing, an internal error: exit code 2. */
export interface RunError {
  /** Absolute path of the file or argument concerned, when there is one. */
  path?: string;
  /** As printed on stderr. */
  message: string;
}

export function summarize(findings: PositionedFinding[], files: number): Summary {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    infos: findings.filter((f) => f.severity === 'info').length,
    fixable: findings.filter((f) => f.fix).length,
    files,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Grouped by file; each finding shows where, what will happen, the rule id, and where to read why. */
export function formatText(findings: PositionedFinding[], summary: Summary, relPath: (p: string) => string): string {
  return [...formatTextChunks(findings, summary, relPath)].join('');
}

/** formatText finding by finding, so a large report is never one string. */
/**
 * A message quotes configuration values, and a quoted value can hold a line break ("http://a\nb"): written as is, it
 * would start a line that reads as neither a finding nor its continuation (and breaks `grep`-based CI steps).
 */
const oneLine = (s: string) => (s.includes('\n') || s.includes('\r') ? s.replace(/\r/g, '\\r').replace(/\n/g, '\\n') : s);

/** `fixOption`: what applies the fixes (standard input cannot be written back: --fix-dry-run shows them). */
export function* formatTextChunks(findings: PositionedFinding[], summary: Summary, relPath: (p: string) => string, fixOption = '--fix'): Generator<string> {
  let current = '';
  for (const f of findings) {
    let out = '';
    if (f.path !== current) {
      if (current) out += '\n';
      current = f.path;
      out += relPath(f.path) + '\n';
    }
    const fixable = f.fix ? ' (fixable)' : f.suggestions.length ? ' (suggestion)' : '';
    out += `  ${f.line}:${f.column}  ${f.severity.padEnd(7)}  ${oneLine(f.message)}  [${f.ruleId}]${fixable}\n`;
    for (const r of f.related) out += `      ↳ ${relPath(r.path)}:${r.line}:${r.column}: ${oneLine(r.message)}\n`;
    if (f.docs) out += `      ${f.docs}\n`;
    yield out;
  }
  const total = summary.errors + summary.warnings + summary.infos;
  const hiddenParts = [summary.hiddenWarnings ? plural(summary.hiddenWarnings, 'warning') : '', summary.hiddenInfos ? `${summary.hiddenInfos} info` : ''].filter(Boolean);
  const hiddenNote = summary.hidden
    ? ` (${hiddenParts.join(' and ')} hidden by --quiet${summary.hiddenCounted ? ', still counted for the exit code' : ''})`
    : '';
  const baselineNote = summary.baselined ? `; ${summary.baselined} more ${summary.baselined === 1 ? 'matches' : 'match'} the baseline, not shown` : '';
  yield (findings.length ? '\n' : '') +
    (summary.files === 0
      ? 'No configuration files were checked.'
      : total === 0
      ? summary.hidden
        ? `No errors in ${plural(summary.files, 'file')}${hiddenNote}${baselineNote}.`
        : summary.baselined
        ? `No new problems in ${plural(summary.files, 'file')} (${summary.baselined} known ${summary.baselined === 1 ? 'one matches' : 'ones match'} the baseline).`
        : `No problems found in ${plural(summary.files, 'file')}.`
      : `${plural(total, 'problem')} (${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}, ${summary.infos} info) in ${plural(summary.files, 'file')} checked` +
          (summary.fixable ? `; ${summary.fixable} fixable with ${fixOption}` : '') +
          hiddenNote +
          baselineNote) +
    '\n';
}

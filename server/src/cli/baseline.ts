/**
 * A baseline: the findings a team has accepted for now, so that CI fails on new ones only. Adopting a linter on a
 * configuration that has years of history otherwise means fixing (or suppressing line by line) everything before the
 * first green run.
 *
 * A finding is known by its rule, its file (relative to the report root, as in SARIF, so that the baseline means the
 * same on every machine and from every working directory) and the text of its first line, trimmed: not its line
 * number, so a baseline survives lines added or removed above, and not its message, which can hold absolute paths and
 * the values of other lines. Editing the line itself makes its finding new again, which is the point: the line was
 * looked at. The same key may stand for several findings (the same rule twice on one line, identical lines); the
 * baseline keeps their number, and a run with more of them reports the ones past that number.
 */

export interface BaselineEntry {
  ruleId: string;
  /** Relative to the report root with "/" (absolute for a file outside it). */
  path: string;
  /** The text of the finding's first line, trimmed. */
  line: string;
  count: number;
}

/** Where a finding is, for the baseline: its path as the baseline writes it and the text of its first line. */
export type Locate<F> = (f: F) => { path: string; line: string };

const keyOf = (ruleId: string, path: string, line: string) => `${ruleId}\0${path}\0${line}`;

export const BASELINE_VERSION = 1;

/** The baseline file for `findings`: entries sorted by path, rule and line, one per key with its count. */
export function formatBaseline<F extends { ruleId: string }>(findings: readonly F[], locate: Locate<F>): string {
  const entries = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const { path, line } = locate(f);
    const key = keyOf(f.ruleId, path, line.trim());
    const e = entries.get(key);
    if (e) e.count++;
    else entries.set(key, { ruleId: f.ruleId, path, line: line.trim(), count: 1 });
  }
  const sorted = [...entries.values()].sort((a, b) => cmp(a.path, b.path) || cmp(a.ruleId, b.ruleId) || cmp(a.line, b.line));
  // One entry per line of the file: a baseline lives in version control, and a change to it should read as a diff of
  // the findings that came and went.
  const body = sorted.map((e) => `    ${JSON.stringify(e)}`).join(',\n');
  return `{\n  "version": ${BASELINE_VERSION},\n  "findings": [${sorted.length ? `\n${body}\n  ` : ''}]\n}\n`;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A baseline file's entries, or what is wrong with it (said as is, after the file's name). */
export function readBaseline(text: string): { entries: BaselineEntry[] } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { error: `is not valid JSON (${(e as Error).message})` };
  }
  const o = json as { version?: unknown; findings?: unknown };
  if (!o || typeof o !== 'object' || Array.isArray(o)) return { error: 'is not a proxylint baseline: expected an object with "version" and "findings"' };
  if (o.version !== BASELINE_VERSION) return { error: `has version ${JSON.stringify(o.version)}; this proxylint reads version ${BASELINE_VERSION} (write it again with --format baseline)` };
  if (!Array.isArray(o.findings)) return { error: 'has no "findings" list' };
  const entries: BaselineEntry[] = [];
  for (let k = 0; k < o.findings.length; k++) {
    const e = o.findings[k] as Partial<BaselineEntry> | null;
    const ok = e && typeof e === 'object' && typeof e.ruleId === 'string' && typeof e.path === 'string' && typeof e.line === 'string' && Number.isInteger(e.count) && (e.count as number) >= 1;
    if (!ok) return { error: `findings[${k}] needs "ruleId", "path" and "line" (strings) and "count" (a whole number of at least 1)` };
    entries.push({ ruleId: e.ruleId!, path: e.path!, line: e.line!, count: e.count! });
  }
  return { entries };
}

/**
 * The findings the baseline does not account for, in their order; how many it did; and how many of its findings were
 * not met (fixed, or their line changed), which a team drops by writing the baseline again.
 */
export function applyBaseline<F extends { ruleId: string }>(findings: readonly F[], entries: readonly BaselineEntry[], locate: Locate<F>): { kept: F[]; matched: number; stale: number } {
  const left = new Map<string, number>();
  let total = 0;
  for (const e of entries) {
    const key = keyOf(e.ruleId, e.path, e.line.trim());
    left.set(key, (left.get(key) ?? 0) + e.count);
    total += e.count;
  }
  const kept: F[] = [];
  let matched = 0;
  for (const f of findings) {
    const { path, line } = locate(f);
    const key = keyOf(f.ruleId, path, line.trim());
    const n = left.get(key);
    if (n) {
      left.set(key, n - 1);
      matched++;
    } else kept.push(f);
  }
  return { kept, matched, stale: total - matched };
}

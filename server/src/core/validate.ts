import type { Finding, Fix } from './finding';
import { internalError } from './rules/common/internal-error';

/**
 * The last check before findings leave the core: every range a rule reports — the finding, its related locations,
 * the edits of its fix and suggestions — must lie inside a file of the configuration, and the edits of one fix must
 * not overlap (an editor rejects such a WorkspaceEdit; --fix would apply half of it). A rule bug that breaks this is
 * contained like a rule that throws: the bad part is dropped and an internal-error finding says so.
 *
 * A fix or suggestion whose edits each write back the text they replace changes nothing: it is dropped without a
 * word. Offered, it would count the finding as fixable, and --fix would apply it on every pass while the finding
 * stays (a rule computing "ttl=1" for a line that already has it did exactly that).
 */
export function validateFindings(findings: Finding[], files: readonly { path: string; text: string }[]): Finding[] {
  const length = new Map(files.map((f) => [f.path, f.text.length]));
  const texts = new Map(files.map((f) => [f.path, f.text]));
  // Edit by edit (edits do not overlap, so each one that writes back its own text leaves it as it was); compared in
  // place, without copying the replaced text: fixes are built by the thousand.
  const changesNothing = (fx: Fix) => fx.edits.every((e) => e.end - e.start === e.newText.length && texts.get(e.path)!.startsWith(e.newText, e.start));
  const inside = (path: string, start: number, end: number) => {
    const n = length.get(path);
    return n !== undefined && Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= n;
  };
  const fixProblem = (fx: Fix): string | undefined => {
    for (const e of fx.edits) if (!inside(e.path, e.start, e.end)) return `an edit at [${e.start}, ${e.end}) outside ${e.path}`;
    if (fx.edits.length < 2) return undefined;
    const sorted = [...fx.edits].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.start - b.start || a.end - b.end));
    for (let k = 1; k < sorted.length; k++) {
      const a = sorted[k - 1], b = sorted[k];
      if (a.path === b.path && b.start < a.end) return `overlapping edits at ${b.start} in ${b.path}`;
    }
    return undefined;
  };
  const out: Finding[] = [];
  const bugs: Finding[] = [];
  const bug = (f: Finding, what: string) =>
    bugs.push({ ruleId: internalError.id, severity: 'error', message: `proxylint bug: rule "${f.ruleId}" reported ${what}; it was left out; please report it`, path: files[0]?.path ?? f.path, start: 0, end: 0, suggestions: [], related: [] });
  for (const f of findings) {
    if (!inside(f.path, f.start, f.end)) {
      bug(f, `a problem at [${f.start}, ${f.end}) outside ${f.path}`);
      continue;
    }
    let g = f;
    // Checked in place first: nearly every finding is fine, and a filtered copy per finding adds up on large trees.
    const badRelated = f.related.every((r) => inside(r.path, r.start, r.end)) ? [] : f.related.filter((r) => !inside(r.path, r.start, r.end));
    if (badRelated.length) {
      bug(f, `a related location at [${badRelated[0].start}, ${badRelated[0].end}) outside ${badRelated[0].path}`);
      g = { ...g, related: f.related.filter((r) => inside(r.path, r.start, r.end)) };
    }
    const fixWhy = f.fix && fixProblem(f.fix);
    if (fixWhy) {
      bug(f, `a fix ("${f.fix!.title}") with ${fixWhy}`);
      g = { ...g, fix: undefined };
    } else if (f.fix && changesNothing(f.fix)) g = { ...g, fix: undefined };
    if (f.suggestions.length) {
      const ok = f.suggestions.filter((s) => {
        const why = fixProblem(s);
        if (why) bug(f, `a suggestion ("${s.title}") with ${why}`);
        return !why && !changesNothing(s);
      });
      if (ok.length !== f.suggestions.length) g = { ...g, suggestions: ok };
    }
    out.push(g);
  }
  return bugs.length ? [...out, ...bugs] : out;
}

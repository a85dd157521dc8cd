import type { Finding, Fix, RelatedLocation, Severity } from './finding';
import { MAX_RELATED, SEVERITY_RANK } from './finding';
import { internalError } from './rules/common/internal-error';
import type { RuleMeta } from './rules/rule';
import type { Settings } from './settings';
import { timed, type Timings } from './timings';
import { ANY, recordReads } from './reads';

/** What a rule reports besides where: every server's rule context hands it on with the file and offsets it resolved. */
export interface ReportBody {
  message: string;
  fix?: Fix;
  suggestions?: Fix[];
  related?: RelatedLocation[];
  /** Milder than the rule's default only. */
  severity?: Severity;
}

/** Places a report in a file (a function of three numbers and a string rather than an object: large trees report thousands). */
export type Place = (r: ReportBody, path: string, start: number, end: number) => void;

function mildest(a: Severity, b: Severity | undefined): Severity {
  return b && SEVERITY_RANK[b] < SEVERITY_RANK[a] ? b : a;
}

/**
 * Runs rules the way both lint drivers need: a rule turned "off" does not run, a user's level replaces the
 * rule's (a report may only be milder than the default), and a rule that throws costs only its own findings.
 */
export function runRules<R extends RuleMeta, C>(
  rules: readonly R[],
  settings: Settings,
  entryPath: string,
  contextFor: (rule: R, place: Place) => C,
  check: (rule: R, ctx: C) => void,
  timings?: Timings,
  runs?: RuleRuns,
): { findings: Finding[]; ran: Set<string> } {
  const findings: Finding[] = [];
  const ran = new Set<string>();
  const max = settings.limits?.maxFindingsPerRule ?? DEFAULT_MAX_FINDINGS_PER_RULE;
  const limitLevel = settings.rules.get('analysis-limit')?.level;
  for (const rule of rules) {
    const userLevel = settings.rules.get(rule.id)?.level;
    if (userLevel === 'off') continue;
    ran.add(rule.id);
    const reused = runs?.reuse(rule.id);
    if (reused) {
      for (let k = 0; k < reused.length; k++) findings.push(reused[k]);
      continue;
    }
    const from = findings.length;
    // Findings of this rule per file, and where the first one left out over the limit would have been.
    const counts = new Map<string, { n: number; first?: { start: number; end: number } }>();
    const report: Place = (r, path, start, end) => {
      let c = counts.get(path);
      if (!c) counts.set(path, (c = { n: 0 }));
      if (++c.n > max) {
        c.first ??= { start, end };
        return;
      }
      // A group used by hundreds of locations would list them all: unreadable in an editor's hover or a terminal,
      // and most of a 10k-line document's diagnostics payload on every keystroke. The first ones stand for the rest.
      const related = r.related ?? [];
      const cut = related.length > MAX_RELATED;
      findings.push({
        ruleId: rule.id,
        severity: userLevel ?? mildest(rule.severity, r.severity),
        message: cut ? `${r.message} [${MAX_RELATED} of ${related.length} related places listed]` : r.message,
        path,
        start,
        end,
        fix: r.fix,
        suggestions: r.suggestions ?? [],
        related: cut ? related.slice(0, MAX_RELATED) : related,
      });
    };
    let reads: Set<string> | undefined;
    try {
      reads = timed(timings, `rule:${rule.id}`, () => recordReads(() => check(rule, contextFor(rule, report)), !!runs).reads);
    } catch (e) {
      // What a failing rule read is not known: it runs again after any edit.
      reads = new Set([ANY]);
      findings.push({
        ruleId: internalError.id,
        severity: 'error',
        message: `proxylint bug: rule "${rule.id}" failed on this file (${e instanceof Error ? e.message : String(e)}); please report it`,
        path: entryPath,
        start: 0,
        end: 0,
        suggestions: [],
        related: [],
      });
    }
    if (limitLevel !== 'off') {
      for (const [path, c] of counts) {
        if (!c.first) continue;
        findings.push({
          ruleId: 'analysis-limit',
          severity: limitLevel ?? 'info',
          message: `"${rule.id}" found ${c.n} problems in this file; only the first ${max} are reported (--max-findings-per-rule)`,
          path,
          start: c.first.start,
          end: c.first.end,
          suggestions: [],
          related: [],
        });
      }
    }
    runs?.record(rule.id, findings.slice(from), reads);
  }
  return { findings, ran };
}

/**
 * What each rule found in a run and what it read to find it (core/reads.ts), kept so that the next run after a value
 * edit can take the findings of the rules that did not read the edited statement's arguments (see lintNginx).
 */
export interface RuleRuns {
  /** The findings to take for the rule instead of running it, or undefined to run it. */
  reuse(ruleId: string): readonly Finding[] | undefined;
  record(ruleId: string, findings: Finding[], reads: ReadonlySet<string> | undefined): void;
}

/**
 * Default of --max-findings-per-rule (README "Limits"): a generated 20 MB file can yield hundreds of thousands of
 * findings of one rule, which cost more to sort, position, print and send to an editor than to find. Past the limit
 * one analysis-limit finding says how many there were.
 */
export const DEFAULT_MAX_FINDINGS_PER_RULE = 1000;

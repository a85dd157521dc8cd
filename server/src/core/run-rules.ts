import type { Finding, Fix, RelatedLocation, Severity } from './finding';
import { SEVERITY_RANK } from './finding';
import { internalError } from './rules/common/internal-error';
import type { RuleMeta } from './rules/rule';
import type { Settings } from './settings';

/** A report already placed in a file: what every server's rule context turns its reports into. */
export interface PlacedReport {
  path: string;
  start: number;
  end: number;
  message: string;
  fix?: Fix;
  suggestions?: Fix[];
  related?: RelatedLocation[];
  /** Milder than the rule's default only. */
  severity?: Severity;
}

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
  contextFor: (rule: R, report: (r: PlacedReport) => void) => C,
  check: (rule: R, ctx: C) => void,
): { findings: Finding[]; ran: Set<string> } {
  const findings: Finding[] = [];
  const ran = new Set<string>();
  for (const rule of rules) {
    const userLevel = settings.rules.get(rule.id)?.level;
    if (userLevel === 'off') continue;
    ran.add(rule.id);
    const report = (r: PlacedReport) =>
      findings.push({
        ruleId: rule.id,
        severity: userLevel ?? mildest(rule.severity, r.severity),
        message: r.message,
        path: r.path,
        start: r.start,
        end: r.end,
        fix: r.fix,
        suggestions: r.suggestions ?? [],
        related: r.related ?? [],
      });
    try {
      check(rule, contextFor(rule, report));
    } catch (e) {
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
  }
  return { findings, ran };
}

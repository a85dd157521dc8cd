import type { PositionedFinding } from '../positions';
import { fingerprinter } from '../fingerprint';

/**
 * GitLab's severities for the Code Quality widget (info, minor, major, critical, blocker). An error is a configuration
 * the server refuses or a proxy that fails every request it sends there: critical. "blocker" is left to the user's own
 * judgement of a finding; a warning is a failure under some conditions (major), an info a risk to know about.
 */
const SEVERITY = { error: 'critical', warning: 'major', info: 'info' } as const;

/**
 * A GitLab Code Quality report (`artifacts: reports: codequality:`): a JSON array of issues in the subset of the Code
 * Climate format GitLab reads, https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format. GitLab
 * compares a merge request's report with its target branch's by `fingerprint`, so it must not change when unrelated
 * lines move: it is made like the SARIF log's proxylint/v2 fingerprint, from the rule, the path relative to the
 * repository and the trimmed text of the line, with a counter for repeats. One issue per chunk, for large reports.
 */
export function* formatGitlabChunks(findings: PositionedFinding[], locate: (f: PositionedFinding) => { path: string; line: string }): Generator<string> {
  const fingerprint = fingerprinter();
  yield '[';
  for (let k = 0; k < findings.length; k++) {
    const f = findings[k];
    const at = locate(f);
    // Only the fields GitLab documents: the widget shows the description, the check name and the line.
    const issue = {
      description: f.message,
      check_name: f.ruleId,
      fingerprint: fingerprint(f.ruleId, at.path, at.line),
      severity: SEVERITY[f.severity],
      location: { path: at.path, lines: { begin: f.line, end: f.endLine } },
    };
    yield `${k ? ',' : ''}\n  ${JSON.stringify(issue)}`;
  }
  yield findings.length ? '\n]\n' : ']\n';
}

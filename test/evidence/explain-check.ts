import { explainLog } from '../../server/src/core/explain/explain';
import { explainLogLine, HEALTH_CHECK_PROBE } from '../../server/src/core/explain/log-patterns';
import type { LintResult } from '../../server/src/core/lint';
import type { ApacheLintResult } from '../../server/src/core/lint-apache';
import type { NginxTarget } from '../../server/src/core/model/nginx-defaults';
import type { Observation } from './scenario';

/** Error-log lines that come with a failed proxied request (the ones `proxylint explain` must know). */
const NGINX_UPSTREAM_ERROR = /\[(error|crit|alert)\].*(upstream|while connecting|while resolving|could not be resolved)/;
const APACHE_PROXY_ERROR = /\[proxy[_a-z]*:(error|crit|alert)\]/;

/**
 * `proxylint explain` checked against a real server's error log: every line it explains must claim the status the
 * client really got (when all counted requests got the same one), and a failed request's proxy error lines must be
 * known to it. Returns what went wrong.
 */
export function explainProblems(o: Observation, server: 'nginx' | 'apache', when: string): string[] {
  const problems: string[] = [];
  const first = o.statuses[0];
  const uniform = first !== undefined && o.statuses.every((s) => s === first) ? first : undefined;
  const failed = uniform !== undefined && /^5\d\d$/.test(uniform);
  for (const line of o.errorLog.split('\n')) {
    const e = explainLogLine(line);
    if (!e) {
      if (failed && (server === 'nginx' ? NGINX_UPSTREAM_ERROR : APACHE_PROXY_ERROR).test(line)) problems.push(`proxylint explain does not know this line (${when}, client got ${uniform}): ${line.trim()}`);
      continue;
    }
    if (e.pattern.server !== server) problems.push(`proxylint explain takes this ${server} line for ${e.pattern.server}'s: ${line.trim()}`);
    // mod_proxy_hcheck's probe lines are about no client request: the clients' statuses say nothing about them.
    else if (e.pattern.status === HEALTH_CHECK_PROBE) continue;
    else if (uniform !== undefined && !e.pattern.statuses.includes(uniform)) problems.push(`proxylint explain says ${e.pattern.status} for this line, the client got ${uniform} (${when}): ${line.trim()}`);
  }
  return problems;
}

/**
 * `proxylint explain --in` on a real nginx's error log and the configuration it ran: every line about a request
 * (it has `request:`) must be placed at a location of that configuration.
 */
export function placementProblems(o: Observation, lint: LintResult, target: NginxTarget, when: string): string[] {
  const { entries } = explainLog(o.errorLog.split('\n'), [{ config: lint.config, findings: lint.findings, target, upstreams: lint.upstreams }]);
  return entries
    .filter((e) => e.explanation.pattern.server === 'nginx' && e.explanation.fields.path !== undefined && !e.place?.location)
    .map((e) => `proxylint explain does not place this line in the configuration nginx ran (${when}): ${e.example}`);
}

/**
 * `proxylint explain --in` on a real httpd's error log and the configuration it ran: an AH01114 (which names the
 * backend's host only) must be part of a request with the AH00957 httpd logs just before it, and be placed at the
 * same worker as that line (with a balancer's several attempts, each at its own member).
 */
export function apachePairingProblems(o: Observation, lint: ApacheLintResult, when: string): string[] {
  const { entries, requests } = explainLog(o.errorLog.split('\n'), [], [lint]);
  const problems: string[] = [];
  const alone = entries.find((e) => e.explanation.pattern.id === 'apache-no-connection' && e.alone > 0);
  if (alone) problems.push(`proxylint explain does not pair this AH01114 with the AH00957 before it (${when}): ${alone.example}`);
  for (const r of requests) {
    r.lines.forEach((l, i) => {
      if (l.entry.explanation.pattern.id !== 'apache-no-connection') return;
      const attempt = r.lines.slice(0, i).reverse().find((x) => x.entry.explanation.fields.upstream);
      if (attempt && attempt.entry.apache?.worker !== l.entry.apache?.worker) problems.push(`proxylint explain places this AH01114 at another worker than the ${/AH\d{5}/.exec(attempt.text)?.[0]} line before it (${when}): ${l.text}`);
    });
  }
  return problems;
}

/**
 * `proxylint explain --in` on a real nginx's error log and the configuration it ran: the lines of one request (one
 * connection number) are shown as one request, and an outcome given as sure (no live upstreams, every server tried,
 * *_next_upstream_tries reached, a failure *_next_upstream does not pass on) must be the status the client got, when
 * all counted requests got the same one; so must the sure outcome of a line logged alone (one server to go to, …). An outcome that depends on an unlogged later try is not judged.
 */
export function nginxRequestProblems(o: Observation, lint: LintResult, target: NginxTarget, when: string): string[] {
  const first = o.statuses[0];
  const uniform = first !== undefined && o.statuses.every((s) => s === first) ? first : undefined;
  if (uniform === undefined) return [];
  const { requests, entries } = explainLog(o.errorLog.split('\n'), [{ config: lint.config, findings: lint.findings, target, upstreams: lint.upstreams }]);
  const wrong = (x: { outcome?: { status?: string; final: boolean } }) => x.outcome?.final && /^\d{3}$/.test(x.outcome.status ?? '') && x.outcome.status !== uniform;
  return [
    ...requests.filter((r) => r.server === 'nginx' && wrong(r)).map((r) => `proxylint explain says the client got ${r.outcome!.status} for this request (${r.outcome!.why}), the client got ${uniform} (${when}): ${r.lines.map((l) => l.text).join(' | ')}`),
    // A line logged alone, sure because the configuration left nginx no other try (one server, *_next_upstream off, …).
    ...entries.filter((e) => e.alone > 0 && wrong(e)).map((e) => `proxylint explain says the client got ${e.outcome!.status} for this line logged alone (${e.outcome!.why}), the client got ${uniform} (${when}): ${e.example}`),
  ];
}

/**
 * `proxylint explain --in` on a real httpd's error log and the configuration it ran: an outcome given as sure for a
 * request of several lines (every try maxattempts allows used, AH01170, a failure after the request was sent, a
 * ProxyPass worker's failed connect) must be the status the client got, when all counted requests got the same one.
 * An outcome that depends on a try httpd does not log is not judged.
 */
export function apacheRequestProblems(o: Observation, lint: ApacheLintResult, when: string): string[] {
  const first = o.statuses[0];
  const uniform = first !== undefined && o.statuses.every((s) => s === first) ? first : undefined;
  if (uniform === undefined) return [];
  const { requests } = explainLog(o.errorLog.split('\n'), [], [lint]);
  return requests
    .filter((r) => r.server === 'apache' && r.outcome?.final && /^\d{3}$/.test(r.outcome.status ?? '') && r.outcome.status !== uniform)
    .map((r) => `proxylint explain says the client got ${r.outcome!.status} for this request (${r.outcome!.why}), the client got ${uniform} (${when}): ${r.lines.map((l) => l.text).join(' | ')}`);
}

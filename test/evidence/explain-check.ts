import { explainLogLine } from '../../server/src/core/explain/log-patterns';
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
    else if (uniform !== undefined && !e.pattern.statuses.includes(uniform)) problems.push(`proxylint explain says ${e.pattern.status} for this line, the client got ${uniform} (${when}): ${line.trim()}`);
  }
  return problems;
}

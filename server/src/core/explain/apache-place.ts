import type { ApacheNode } from '../model/apache-tree';
import { formatSeconds, type Balancer, type ProxyModel, type ProxyPassRule, type TimeoutValue, type Worker } from '../model/apache-proxy';
import type { LogFields } from './log-patterns';

/** The backend (worker) an httpd error-log line is about, and the timeouts in force for it. */
export interface ApachePlace {
  worker: Worker;
  /** The ProxyPass(Match) that sends the request path there (itself, or one that uses the worker's balancer). */
  rule?: ProxyPassRule;
  how: string;
  /** Other workers with the same backend: the line (with its siblings) does not say which one it was. */
  ambiguous: boolean;
  values: ApacheValue[];
}

export interface ApacheValue {
  name: string;
  value: string;
  /** Where the value comes from, in words: `timeout=5 on the worker`, `ProxyTimeout`, `Timeout`, `the default`. */
  origin: string;
  node?: ApacheNode;
}

const DEFAULT_PORT: Record<string, string> = { http: '80', ws: '80', https: '443', wss: '443', ajp: '8009', h2: '443', h2c: '80' };

/** "10.0.0.5:8080", "[::1]:8080" or "127.0.0.1" (AH01114 names the host only). */
export function hostPort(address: string): { host: string; port: string } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(address) ?? /^([^:]+)(?::(\d+))?$/.exec(address);
  return m ? { host: m[1].toLowerCase(), port: m[2] ?? '' } : { host: address.toLowerCase(), port: '' };
}

function sameBackend(w: Worker, host: string, port: string): boolean {
  if (w.target.host.toLowerCase().replace(/^\[|\]$/g, '') !== host) return false;
  if (!port) return true;
  return (w.target.port || DEFAULT_PORT[w.target.scheme] || '') === port;
}

function ruleMatches(r: ProxyPassRule, path: string): boolean {
  if (r.exclusion) return false;
  if (!r.regex) return path.startsWith(r.path);
  try {
    return new RegExp(r.path).test(path);
  } catch {
    return false;
  }
}

/** The rules that send requests to a worker: its own line, or those using its balancer. */
function rulesOf(proxy: ProxyModel, w: Worker): ProxyPassRule[] {
  if (w.balancer) return w.balancer.users;
  return proxy.rules.filter((r) => r.node === w.node);
}

/**
 * `borrowed`: what the line took from the other lines of its request (see borrowFromRequest), said in `how`.
 * `balancers`: those whose members other lines of the request were about; of several workers with the line's
 * backend, the member of one of them is the one.
 */
export function findApachePlace(proxy: ProxyModel, fields: LogFields, borrowed?: string, balancers?: ReadonlySet<Balancer>): ApachePlace | undefined {
  const path = fields.path;
  let candidates = proxy.workers;
  let how = '';
  if (fields.upstream) {
    const { host, port } = hostPort(fields.upstream);
    candidates = candidates.filter((w) => sameBackend(w, host, port));
    how = `its backend is ${fields.upstream}`;
    const members = balancers ? candidates.filter((w) => w.balancer && balancers.has(w.balancer)) : [];
    if (members.length > 0 && members.length < candidates.length) {
      candidates = members;
      how += `; another line of the same request is about a member of ${[...new Set(members.map((w) => w.balancer!.name))].join(', ')}`;
    }
  } else if (!path) return undefined;
  // httpd takes the first ProxyPass(Match) in the order it tries them whose path matches (the main server's before a
  // virtual host's, wherever they are written), whatever order the workers were defined in (a <Proxy balancer://>
  // section above the rules defines its members first).
  let best: { w: Worker; rule?: ProxyPassRule } | undefined;
  let passed: ProxyPassRule | undefined;
  if (path) {
    for (const [i, r] of proxy.tryOrder.entries()) {
      if (!ruleMatches(r, path)) continue;
      const w = candidates.find((c) => rulesOf(proxy, c).includes(r));
      if (w) {
        best = { w, rule: r };
        if (!r.location && r.vhost === null) passed = proxy.tryOrder.slice(i + 1).find((x) => !x.location && x.vhost !== null && ruleMatches(x, path));
        break;
      }
    }
  }
  best ??= fields.upstream && candidates.length ? { w: candidates[0] } : undefined;
  if (!best) return undefined;
  if (best.rule && path) how = how ? `${how}, and ${best.rule.regex ? 'the pattern' : 'the path'} of this rule matches ${path}` : `${best.rule.regex ? 'the pattern' : 'the path'} of this rule matches ${path}`;
  // Several workers for one address (a ProxyPass and a BalancerMember, or AH01114's host without a port): the line
  // alone cannot say which one it was, so the answer says so rather than pretending.
  const ambiguous = !best.rule && candidates.length > 1;
  if (passed) how += `; the main server's rules come first in every virtual host, so the virtual host's rule for this path (line ${passed.node.file.lines.positionAt(passed.node.directive.start).line + 1}) is not used`;
  if (best.w.shares) how += `; this line shares the worker of line ${best.w.shares.node.file.lines.positionAt(best.w.shares.node.directive.start).line + 1} (${best.w.shares.url}), whose parameters httpd uses for it`;
  if (borrowed) how += `; ${borrowed}`;
  if (ambiguous) how += `; ${candidates.length} workers have this backend and the ${borrowed ? 'lines of the request do' : 'line does'} not say which (also ${candidates.filter((w) => w !== best.w).slice(0, 3).map((w) => `${w.node.name} ${w.url}`).join(', ')})`;
  return { worker: best.w, rule: best.rule, how, ambiguous, values: [value('backend timeout', proxy.backendTimeout(best.w), best.w), value('connect timeout', proxy.connectTimeout(best.w), best.w)] };
}

function value(name: string, t: TimeoutValue, w: Worker): ApacheValue {
  const s = formatSeconds(t.ms);
  switch (t.origin) {
    case 'worker':
      return { name, value: s, origin: `${t.param!.key}=${t.param!.value} on the worker`, node: t.node ?? w.node };
    case 'ProxyTimeout':
    case 'Timeout':
      return { name, value: s, origin: `${t.origin} ${t.node!.args[0]}${t.partial ? ' (a main configuration proxylint does not see may set ProxyTimeout)' : ''}`, node: t.node };
    default:
      return { name, value: s, origin: t.partial ? 'the Timeout of a main configuration proxylint does not see (60 s unless set)' : 'the default (Timeout 60)' };
  }
}

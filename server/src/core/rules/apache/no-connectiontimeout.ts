import { apacheFix, appendToDirective } from '../../apache-fix';
import { isLoopbackHost } from '../../model/hosts';
import { BACKEND_SCHEMES, describeTimeout, type ProxyModel, type TimeoutValue, type Worker } from '../../model/apache-proxy';
import { workerName } from '../../model/apache-worker-names';
import type { ApacheNode } from '../../model/apache-tree';
import { findSuppressions, statementLine } from '../../suppress';
import { defineApacheRule } from '../apache-rule';
import { serverList, timeoutsByServer } from '../apache-server-timeouts';

/** Connect waits above this many seconds are reported (option "maxSeconds"). */
const DEFAULT_MAX_SECONDS = 10;

/**
 * Linux gives up on an unanswered handshake by itself after about 130 s (net.ipv4.tcp_syn_retries = 6:
 * SYNs at 0, 1, 3, 7, 15, 31 and 63 s, then a last wait); httpd 2.4.71 with Timeout 300 answered 503
 * after 133.7 s with "(110)Connection timed out: AH00957".
 */
const LINUX_CONNECT_GIVE_UP_MS = 130_000;

/** How long a request waits for the TCP connection: the connect timeout, or the kernel's limit when that is shorter. */
export function connectWait(t: TimeoutValue, lineOf: (n: ApacheNode) => number, from: ApacheNode): string {
  const d = describeTimeout(t, lineOf, from);
  if (t.origin === 'default' && t.partial) return `up to ${d}, and at most about 130 s on Linux, where the kernel gives up on an unanswered handshake`;
  if (t.ms > LINUX_CONNECT_GIVE_UP_MS) return `up to about 130 s: the connect timeout is ${d}, but on Linux the kernel gives up on an unanswered handshake after about 130 s (net.ipv4.tcp_syn_retries = 6)`;
  return `up to ${d}`;
}

/**
 * The main server's worker that takes every request of a virtual host's ProxyPass line: one of the very same name comes
 * first in the virtual host's list and wins the tie (ProxyModel.workerForUrl). On 2.4.71 a virtual host's line with
 * ProxyTimeout 4 gave up on a dead handshake after 1 s when the main server's worker of that name had
 * connectiontimeout=1, and after 3 s, not 1, when it had timeout=3 and the virtual host ProxyTimeout 1
 * (test/servers/apache-vhost-main-connect.test.ts).
 */
function mainServerTwin(proxy: ProxyModel, w: Worker): Worker | undefined {
  if (w.kind !== 'proxypass' || w.vhost === null || w.match || w.balancer) return undefined;
  const name = workerName(w.url, false);
  if (name === undefined) return undefined;
  const used = proxy.workerForUrl(w.vhost, name);
  if (!used || used === w || used.vhost !== null || used.match || workerName(used.url, false) !== name) return undefined;
  return used;
}

const RULE_ID = 'no-connectiontimeout';
const ONLY: ReadonlySet<string> = new Set([RULE_ID]);

export default defineApacheRule({
  id: RULE_ID,
  server: 'apache',
  severity: 'warning',
  outcome: '503',
  summary: 'A backend has no connectiontimeout: when its host stops answering, each request waits the whole backend timeout (on Linux at most about 130 s), then gets 503.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember'],
  versions: 'all 2.4',
  options: {
    maxSeconds: { kind: 'seconds', description: 'A connect wait above this many seconds is reported (default 10).' },
  },
  check(ctx) {
    const max = (typeof ctx.options.maxSeconds === 'number' ? ctx.options.maxSeconds : DEFAULT_MAX_SECONDS) * 1000;
    // Per server, then per file and reason: the lines reported together.
    const pending = new Map<ApacheNode | null, Map<string, { why: string; local: boolean; workers: Worker[] }>>();
    const lines = new Map<string, Set<number>>();
    const suppressed = (n: ApacheNode) => {
      let at = lines.get(n.file.path);
      if (!at) {
        at = new Set(findSuppressions(n.file, ONLY).suppressions.filter((x) => x.ruleIds.includes(RULE_ID)).map((x) => x.line));
        lines.set(n.file.path, at);
      }
      return at.has(statementLine(n.file, n.directive.start));
    };
    for (const w of ctx.proxy.workers) {
      // No request reaches this worker (ProxyModel.unreachable): its parameters change nothing, and proxypass-shadowed
      // reports the dead line.
      if (ctx.proxy.unreachable.has(w)) continue;
      // A line sharing an earlier worker has that worker's parameters: its line reports them (worker-params-ignored-by-sharing says why this one's are ignored).
      if (w.shares) continue;
      if (w.node.unresolved || w.target.error || w.target.socket !== undefined || !BACKEND_SCHEMES.has(w.target.scheme)) continue;
      if (w.params.has('connectiontimeout')) continue;
      // A virtual host's line whose requests all go through the main server's worker of the same name waits as that
      // worker does, for the virtual host's requests: not reported when that worker has connectiontimeout=, and judged
      // with its timeout= otherwise (requests-use-another-worker says why the line's own parameters are not used).
      const twin = mainServerTwin(ctx.proxy, w);
      if (twin) {
        if (twin.params.has('connectiontimeout')) continue;
        const t = ctx.proxy.connectTimeout(twin, w.vhost);
        if (t.ms <= max) continue;
        const via = `this line's requests go through the main server's worker of line ${ctx.lineOf(twin.node)}${twin.node.file !== w.node.file ? ` of ${twin.node.file.path}` : ''}, which has the same name and comes first (requests-use-another-worker), and it has no connectiontimeout= either`;
        const local = isLoopbackHost(w.target.host);
        const waits = `each request waits for the TCP connection ${connectWait(t, ctx.lineOf, w.node)}`;
        ctx.report({
          node: w.node,
          severity: local ? 'info' : undefined,
          message: `no connectiontimeout= for ${w.url}: ${via}. ${local ? 'When the backend\'s listen queue is full (every worker busy), the kernel drops the handshake and' : 'If the backend host is down or drops packets,'} ${waits}; then httpd answers 503 (AH00957 "attempt to connect … failed", AH01114). Add connectiontimeout=5 to line ${ctx.lineOf(twin.node)}: this line's own parameters are not used`,
          related: [{ path: twin.node.file.path, start: twin.node.directive.start, end: twin.node.directive.end, message: 'the worker these requests go through' }],
          suggestions: [apacheFix(`Add "connectiontimeout=5" to the main server's line ${ctx.lineOf(twin.node)} (a handshake slower than 5 s then fails)`, appendToDirective(twin.node, 'connectiontimeout=5'))],
        });
        continue;
      }
      // Without connectiontimeout= the connect waits the backend timeout of the server the request came to: a
      // main-server ProxyPass is judged with each virtual host's ProxyTimeout or Timeout, and the servers that wait too
      // long are named when they do not all wait the same.
      const groups = timeoutsByServer(ctx.proxy, w, 'connect');
      const long = groups.filter((g) => g.t.ms > max);
      if (long.length === 0) continue;
      const waits = groups.length === 1
        ? `each request waits for the TCP connection ${connectWait(long[0].t, ctx.lineOf, w.node)}`
        : long.map((g, i) => `each request to ${serverList(ctx.proxy, ctx.lineOf, g.servers)} waits${i === 0 ? ' for the TCP connection' : ''} ${connectWait(g.t, ctx.lineOf, w.node)}`).join(', and ');
      // On loopback a backend that is not running refuses the connection at once (503, "(111)Connection refused:
      // AH00957"): no host can be down and no packet is dropped. What remains is a backend whose listen queue is
      // full (every worker busy): the kernel then drops the SYN and httpd waits as for a dead host.
      const local = isLoopbackHost(w.target.host);
      const why = local
        ? `a local port with nothing listening is refused at once (503 without a wait), but when the backend's listen queue is full (every worker busy), the kernel drops the handshake and ${waits}; then httpd answers 503 (AH00957 "attempt to connect … failed", AH01114). With connectiontimeout=5 it gives up after 5 s`
        : `if the backend host is down or drops packets, ${waits}; then httpd answers 503 (AH00957 "attempt to connect … failed", AH01114). With connectiontimeout=5 it gives up after 5 s`;
      // A line with its own disable comment stays a finding of its own, which the comment silences: in a group it
      // would silence the lines beside it, or be silenced by theirs.
      const key = suppressed(w.node) ? `own\0${ctx.lineOf(w.node)}\0${w.node.file.path}` : `${w.node.file.path}\0${local}\0${why}`;
      const same = pending.get(w.vhost) ?? new Map<string, { why: string; local: boolean; workers: Worker[] }>();
      pending.set(w.vhost, same);
      const g = same.get(key);
      if (g) g.workers.push(w);
      else same.set(key, { why, local, workers: [w] });
    }
    // The lines of one server and file that wait the same, for the same reason, are one finding at the first of them,
    // the others as related locations: ten ProxyPass lines of a virtual host without connectiontimeout= were ten
    // findings saying the same. Each line keeps its own suggestion, beside one that edits them all.
    for (const [vhost, groups] of pending) {
      for (const { why, local, workers } of groups.values()) {
        const [w, ...others] = workers;
        // Not a safe fix: a handshake that completes today after a few lost SYNs (the kernel resends after about
        // 1, 3 and 7 s) would fail with a 5 s limit. Which value fits the network is the user's call.
        const one = (x: Worker, title: string) => apacheFix(title, appendToDirective(x.node, 'connectiontimeout=5'));
        if (others.length === 0) {
          ctx.report({ node: w.node, severity: local ? 'info' : undefined, message: `no connectiontimeout= for ${w.url}: ${why}`, suggestions: [one(w, 'Add "connectiontimeout=5" (a handshake slower than 5 s then fails)')] });
          continue;
        }
        const where = vhost ? 'of this virtual host' : 'outside the virtual hosts';
        ctx.report({
          node: w.node,
          severity: local ? 'info' : undefined,
          message: `no connectiontimeout= for ${w.url}, nor for ${others.length} other backend${others.length > 1 ? 's' : ''} ${where} that wait${others.length > 1 ? '' : 's'} the same (line${others.length > 1 ? 's' : ''} ${others.map((x) => ctx.lineOf(x.node)).join(', ')}): ${why}`,
          related: others.map((x) => ({ path: x.node.file.path, start: x.node.directive.start, end: x.node.directive.end, message: `${x.url}: no connectiontimeout= either, the same wait` })),
          suggestions: [
            apacheFix(`Add "connectiontimeout=5" to all ${workers.length} lines (a handshake slower than 5 s then fails)`, ...workers.map((x) => appendToDirective(x.node, 'connectiontimeout=5'))),
            ...workers.map((x) => one(x, `Add "connectiontimeout=5" to line ${ctx.lineOf(x.node)} only`)),
          ],
        });
      }
    }
  },
});

import { apacheFix, setParam } from '../../apache-fix';
import type { ApacheNode } from '../../model/apache-tree';
import { describeTimeout, type TimeoutValue, type Worker } from '../../model/apache-proxy';
import { defineApacheRule } from '../apache-rule';
import { serverList, timeoutsByServer, type Server } from '../apache-server-timeouts';

/** Backend timeouts below this many seconds are reported (option "minSeconds"). */
const DEFAULT_MIN_SECONDS = 5;

interface Short {
  t: TimeoutValue;
  /** The first worker that waits this value, and how many others do. */
  worker: Worker;
  others: number;
  servers: Set<Server>;
  /** Some worker waits this value from some servers and another value from others. */
  differ: boolean;
}

/**
 * The same 60 s as for timeout=, on a ProxyTimeout line that sets the short wait. A suggestion, never applied by --fix:
 * the right value depends on the backend. Not for Timeout, which also bounds each read from and write to the client.
 */
function proxyTimeoutSuggestion(node: ApacheNode) {
  const arg = node.directive.args[0];
  if (node.lname !== 'proxytimeout' || !arg || arg.value === '' || node.directive.args.length !== 1) return [];
  const quote = arg.quote && arg.raw.endsWith(arg.quote) ? arg.quote : '';
  return [apacheFix('Set ProxyTimeout 60', { path: node.file.path, start: arg.start, end: arg.end, newText: `${quote}60${quote}` })];
}

/**
 * Whether the short value is one httpd reads with a unit it ignores ("timeout=2min", "ProxyTimeout 2min": 2 s), which
 * the rule that names the misread unit reports at the same characters with the value meant: a second finding there
 * would only repeat it. When that rule is turned off, this one still says the wait is short.
 */
function unitRuleReports(t: TimeoutValue, node: ApacheNode, ruleOn: (id: string) => boolean): boolean {
  const seconds = /^\s*\+?\d+\s*(s(ec(ond)?s?)?)?\s*$/i;
  if (t.param) return ruleOn('worker-timeout-unit-ignored') && /^\s*\d+\s*[A-Za-z]/.test(t.param.value) && !seconds.test(t.param.value);
  const raw = node.directive.args.length === 1 ? node.directive.args[0].value : '';
  return (node.lname === 'timeout' || node.lname === 'proxytimeout') && ruleOn('timeout-value-misread') && raw !== '' && !seconds.test(raw);
}

export default defineApacheRule({
  id: 'proxy-timeout-too-low',
  server: 'apache',
  severity: 'warning',
  outcome: '502/504',
  summary: 'Backends get only a few seconds to answer: slower answers become 502 (mod_proxy_http) or 504 (mod_proxy_fcgi).',
  directives: ['ProxyTimeout', 'Timeout', 'ProxyPass', 'ProxyPassMatch', 'BalancerMember', 'ProxySet'],
  versions: 'all 2.4',
  options: {
    minSeconds: { kind: 'seconds', description: 'A backend timeout below this many seconds is reported (default 5).' },
  },
  check(ctx) {
    const min = (typeof ctx.options.minSeconds === 'number' ? ctx.options.minSeconds : DEFAULT_MIN_SECONDS) * 1000;
    // One finding per line that sets a short value. Without timeout= a worker waits the ProxyTimeout or Timeout of the
    // server the request came to, so a main-server ProxyPass is judged with each virtual host's (a vhost's
    // "ProxyTimeout 2" shortens it there only; the main server's "Timeout 3" does not reach a vhost with "Timeout 8"),
    // unless a ProxyTimeout read before the line was copied into the worker (Worker.proxyTimeout): then every server
    // waits that one, and the finding and its fix are on that line.
    const byLine = new Map<ApacheNode, Short>();
    for (const w of ctx.proxy.workers) {
      // No request reaches this worker (ProxyModel.unreachable): its parameters change nothing, and proxypass-shadowed
      // reports the dead line.
      if (ctx.proxy.unreachable.has(w)) continue;
      const groups = timeoutsByServer(ctx.proxy, w, 'backend');
      for (const { t, servers } of groups) {
        if (t.ms >= min || !t.node) continue;
        const s = byLine.get(t.node);
        if (!s) byLine.set(t.node, { t, worker: w, others: 0, servers: new Set(servers), differ: groups.length > 1 });
        else {
          if (s.worker !== w) s.others++;
          for (const x of servers) s.servers.add(x);
          s.differ ||= groups.length > 1;
        }
      }
    }
    const ruleOn = (id: string) => ctx.settings.rules.get(id)?.level !== 'off';
    for (const [node, { t, worker: w, others, servers, differ }] of byLine) {
      if (unitRuleReports(t, node, ruleOn)) continue;
      const fcgi = w.target.scheme === 'fcgi';
      const wait = describeTimeout(t, ctx.lineOf, node);
      const who = differ
        ? `requests to ${serverList(ctx.proxy, ctx.lineOf, [...servers])} get ${wait} for ${w.url}${w.vhost === null && !t.param ? ` (a main-server ${w.node.name} on line ${ctx.lineOf(w.node)}, which each virtual host uses with its own ProxyTimeout or Timeout)` : ''}${others ? ` and ${others} more backend${others === 1 ? '' : 's'}` : ''} to answer`
        : `backends get ${wait} to answer`;
      ctx.report({
        node: t.param ? undefined : node,
        at: t.param ? { file: t.param.node.file, start: t.param.arg.start, end: t.param.arg.end } : undefined,
        message: `${who}: a slower answer gets ${fcgi ? '504 from mod_proxy_fcgi ("(70007)The timeout specified has expired: AH01075: Error dispatching request")' : '502 from mod_proxy_http ("(70007)The timeout specified has expired: AH01102: error reading status line from remote server", then AH00898)'}; raise it to what the slowest request needs`,
        suggestions: t.param ? [apacheFix('Set timeout=60', setParam(t.param, '60'))] : proxyTimeoutSuggestion(node),
      });
    }
  },
});

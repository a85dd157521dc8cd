import type { ApacheNode } from '../../model/apache-tree';
import { describeTimeout, formatSeconds, type TimeoutValue } from '../../model/apache-proxy';
import { defineApacheRule } from '../apache-rule';

export default defineApacheRule({
  id: 'apache-timeout-not-below-outer-timeout',
  server: 'apache',
  severity: 'warning',
  outcome: '504',
  summary: 'httpd waits for a backend at least as long as the load balancer in front of it: the load balancer gives up first and answers 504 itself.',
  directives: ['ProxyTimeout', 'Timeout', 'ProxyPass', 'ProxyPassMatch', 'BalancerMember', 'ProxySet'],
  versions: 'all 2.4',
  check(ctx) {
    const outer = ctx.settings.environment.outerIdleTimeoutMs;
    if (!outer) return;
    const seen = new Set<string>();
    const name = (s: ApacheNode | null) => {
      if (!s) return 'the main server';
      const names = ctx.proxy.servers.find((i) => i.vhost === s)?.names ?? [];
      return `${names[0] ? `${names[0]} (<VirtualHost ${s.args.join(' ')}> on line ${ctx.lineOf(s)})` : `<VirtualHost ${s.args.join(' ')}> (line ${ctx.lineOf(s)})`}`;
    };
    const grouped = new WeakMap<(ApacheNode | null)[], (ApacheNode | null)[][]>();
    const profiles = (servers: (ApacheNode | null)[]) => {
      let g = grouped.get(servers);
      if (!g) {
        const by = new Map<string, (ApacheNode | null)[]>();
        for (const s of servers) {
          const key = ['proxytimeout', 'timeout'].map((d) => {
            const n = ctx.proxy.serverValue(s, d);
            return n ? `${n.file.path}:${n.directive.start}` : '-';
          }).join('\0');
          const list = by.get(key);
          if (list) list.push(s);
          else by.set(key, [s]);
        }
        grouped.set(servers, (g = [...by.values()]));
      }
      return g;
    };
    for (const w of ctx.proxy.workers) {
      // Without timeout= httpd waits the ProxyTimeout or Timeout of the server the request came to, so a main-server
      // ProxyPass waits each virtual host's own (on 2.4.71: 8 s through a vhost with Timeout 8, 3 s on the main server
      // with Timeout 3). Each value that is too long is reported where it is set, naming the servers that get it when
      // the servers using the worker do not all wait the same.
      const servers = ctx.proxy.serversOf(w);
      const byValue = new Map<string, { t: TimeoutValue; servers: (ApacheNode | null)[] }>();
      // With timeout= on the worker every server waits the same; else servers with the same ProxyTimeout and Timeout
      // lines do (grouped once per list: every main-server worker has the same list of servers).
      const groups = w.params.has('timeout') ? [servers.length ? servers : [w.vhost]] : profiles(servers.length ? servers : [w.vhost]);
      for (const group of groups) {
        const s = group[0];
        const t = ctx.proxy.backendTimeout(w, s);
        const key = `${t.ms}\0${t.origin}\0${t.node ? `${t.node.file.path}:${t.node.directive.start}` : ''}`;
        const g = byValue.get(key);
        if (g) g.servers.push(...group);
        else byValue.set(key, { t, servers: [...group] });
      }
      const differ = byValue.size > 1;
      for (const { t, servers: these } of byValue.values()) {
        if (t.ms < outer) continue;
        const where: ApacheNode = t.node ?? w.node;
        const key = `${where.file.path}:${where.directive.start}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const who = differ ? `requests to ${these.slice(0, 3).map(name).join(', ')}${these.length > 3 ? ` and ${these.length - 3} more virtual hosts` : ''} wait` : 'httpd waits';
        const mainWorker = differ && w.vhost === null ? ` (a main-server ${w.node.name} on line ${ctx.lineOf(w.node)}, which each virtual host uses with its own ProxyTimeout or Timeout)` : '';
        ctx.report({
          node: t.param ? undefined : where,
          at: t.param ? { file: t.param.node.file, start: t.param.arg.start, end: t.param.arg.end } : undefined,
          message: `${who} ${describeTimeout(t, ctx.lineOf, w.node)} for ${w.url}${mainWorker}, not less than the ${formatSeconds(outer)} idle timeout of the load balancer in front (environment.outerIdleTimeout): on a slow request the load balancer answers 504 first and httpd's own 502 never reaches the client; keep the backend timeout a few seconds below it`,
        });
      }
    }
  },
});

import type { ApacheNode } from '../../model/apache-tree';
import { describeTimeout, formatSeconds } from '../../model/apache-proxy';
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
    for (const w of ctx.proxy.workers) {
      const t = ctx.proxy.backendTimeout(w);
      if (t.ms < outer) continue;
      const where: ApacheNode = t.node ?? w.node;
      const key = `${where.file.path}:${where.directive.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      ctx.report({
        node: t.param ? undefined : where,
        at: t.param ? { file: t.param.node.file, start: t.param.arg.start, end: t.param.arg.end } : undefined,
        message: `httpd waits ${describeTimeout(t, ctx.lineOf, w.node)} for ${w.url}, not less than the ${formatSeconds(outer)} idle timeout of the load balancer in front (environment.outerIdleTimeout): on a slow request the load balancer answers 504 first and httpd's own 502 never reaches the client; keep the backend timeout a few seconds below it`,
      });
    }
  },
});

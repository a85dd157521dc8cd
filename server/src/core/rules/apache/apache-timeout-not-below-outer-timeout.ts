import type { ApacheNode } from '../../model/apache-tree';
import { describeTimeout, formatSeconds } from '../../model/apache-proxy';
import { serverList, timeoutsByServer } from '../apache-server-timeouts';
import { defineApacheRule } from '../apache-rule';

/**
 * What httpd itself answers when it stops waiting for a backend, by the module that talks to it: mod_proxy_http gives
 * 502 (AH01102 error reading status line), mod_proxy_fcgi 504 (AH01075 Error dispatching request … (polling)), as the
 * catalogue's lab runs on 2.4 showed. Other schemes (ajp, uwsgi, scgi, a balancer's mixed members) are not named.
 */
function ownAnswer(scheme: string): string {
  if (scheme === 'http' || scheme === 'https') return "httpd's own 502 (AH01102)";
  if (scheme === 'fcgi') return "httpd's own 504 (AH01075)";
  return "httpd's own error";
}

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
      // No request reaches this worker (ProxyModel.unreachable): its parameters change nothing, and proxypass-shadowed
      // reports the dead line.
      if (ctx.proxy.unreachable.has(w)) continue;
      // Without timeout= httpd waits the ProxyTimeout or Timeout of the server the request came to, so a main-server
      // ProxyPass waits each virtual host's own (on 2.4.71: 8 s through a vhost with Timeout 8, 3 s on the main server
      // with Timeout 3). Each value that is too long is reported where it is set, naming the servers that get it when
      // the servers using the worker do not all wait the same.
      const byValue = timeoutsByServer(ctx.proxy, w, 'backend');
      const differ = byValue.length > 1;
      for (const { t, servers: these } of byValue) {
        if (t.ms < outer) continue;
        const where: ApacheNode = t.node ?? w.node;
        const key = `${where.file.path}:${where.directive.start}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const who = differ ? `requests to ${serverList(ctx.proxy, ctx.lineOf, these)} wait` : 'httpd waits';
        const mainWorker = differ && w.vhost === null ? ` (a main-server ${w.node.name} on line ${ctx.lineOf(w.node)}, which each virtual host uses with its own ProxyTimeout or Timeout)` : '';
        ctx.report({
          node: t.param ? undefined : where,
          at: t.param ? { file: t.param.node.file, start: t.param.arg.start, end: t.param.arg.end } : undefined,
          message: `${who} ${describeTimeout(t, ctx.lineOf, w.node)} for ${w.url}${mainWorker}, not less than the ${formatSeconds(outer)} idle timeout of the load balancer in front (environment.outerIdleTimeout): on a slow request the load balancer answers 504 first and ${ownAnswer(w.target.scheme)} never reaches the client; keep the backend timeout a few seconds below it`,
        });
      }
    }
  },
});

import { apacheFix, setParam } from '../../apache-fix';
import { balancerSettings, forRequestsTo } from '../../model/apache-balancer-checks';
import { onOff } from '../../model/apache-proxy';
import { atoi } from '../../model/apache-workers';
import { defineApacheRule } from '../apache-rule';

/**
 * With forcerecovery=Off, members in error state stay out for their whole retry= time even when every member is in
 * error state and the backends are back. On httpd 2.4.71 (test/servers/apache-forcerecovery-off.test.ts): two members
 * with retry=3 refused one request, then listened again; with Off the next request got 503 and "AH01170: … All
 * workers are in error state" and one sent after 3 s got 200; with the default (On) the first request after they came
 * back got 200.
 */

/** Below this many seconds the 503s after recovery end before most clients notice: not reported. */
const SHORT_RETRY_SECONDS = 5;
/** httpd's retry= when a member sets none (PROXY_WORKER_DEFAULT_RETRY). */
const DEFAULT_RETRY_SECONDS = 60;

export default defineApacheRule({
  id: 'forcerecovery-off-prolongs-outage',
  server: 'apache',
  severity: 'info',
  outcome: '503',
  summary: 'A balancer sets forcerecovery=Off: once every member has failed, requests get 503 (AH01170) until retry= has passed, even after the backends are back.',
  directives: ['ProxySet', 'BalancerMember', 'ProxyPass'],
  versions: 'all 2.4',
  check(ctx) {
    const seen = new Set<unknown>();
    // A virtual host's balancer that the main server's of the name hides gets no requests (see takesMainBalancers).
    for (const b of ctx.proxy.balancers) {
      if (b.hiddenBy || !b.members.length) continue;
      const views = balancerSettings(ctx.proxy, b);
      for (const view of views) {
        const p = view.params.get('forcerecovery');
        if (!p || onOff(p) !== false || seen.has(p.arg)) continue;
        seen.add(p.arg);
        // How long the 503s can last: the longest retry= of the members (atoi, as httpd reads it; 60 s when unset).
        const retries = b.members.map((m) => {
          const r = m.params.get('retry');
          return r ? Math.max(0, Number(atoi(r.value))) : DEFAULT_RETRY_SECONDS;
        });
        const longest = Math.max(...retries);
        if (longest <= SHORT_RETRY_SECONDS) continue;
        const unset = b.members.some((m) => !m.params.get('retry'));
        ctx.report({
          at: { file: p.node.file, start: p.arg.start, end: p.arg.end },
          message: `${b.name} sets forcerecovery=${p.value}${forRequestsTo(view.server, views.length > 1, ctx.lineOf)}: once every member has failed (an application restart, a deploy), requests get 503 ("AH01170: ${b.name}: All workers are in error state") for up to ${longest} s${unset ? ` (retry=, ${DEFAULT_RETRY_SECONDS} s by default)` : ' (the members\' retry=)'} even after the backends are back, while with the default (On) httpd tries them again and the first request after recovery succeeds; keep the default, or set a short retry= (a few seconds) on the members`,
          suggestions: [apacheFix('Set forcerecovery=On (the default)', setParam(p, 'On'))],
        });
      }
    }
  },
});

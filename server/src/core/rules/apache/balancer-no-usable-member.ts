import { mayNotBeRead } from '../../model/apache-modules';
import type { Worker } from '../../model/apache-proxy';
import { statusFlags } from '../../model/apache-workers';
import { defineApacheRule } from '../apache-rule';

/** The status flags a BalancerMember's status= leaves on (ap_proxy_set_wstatus in proxy_util.c; see statusFlags). */
function memberFlags(w: Worker): Set<string> {
  return statusFlags(w.params.get('status')?.value ?? '');
}

/** D (disabled), S (stopped), C (health check failed): the balancer never picks such a member. */
const NEVER = ['D', 'S', 'C'];
const FLAG_NAMES: Record<string, string> = { D: 'disabled', S: 'stopped', C: 'marked as failing its health check', R: 'a hot spare', N: 'draining' };

/**
 * Why no request can reach any member of a balancer, from the status= its members start with; undefined when one can.
 * Each case checked on httpd 2.4.71 with two members and ProxyPass "/" to the balancer (test/servers/apache-balancer-no-usable-member.test.ts):
 * every request got 503 and "AH01170: balancer://app: All workers are in error state" with the members +D/+D, +S/+S,
 * +D/+S (also in different lbsets), +C/+C, +R/+R and +N/+N (no stickysession); 200 with +H/+H, +D/+H, +D/+R,
 * +N/+R, +N/+H, +H/+R, +I/+I, +E/+E (even with forcerecovery=Off), and +N/+N when a request carried a session route.
 */
export function whyNoMember(members: Worker[], sticky: boolean): string | undefined {
  const flags = members.map(memberFlags);
  const usable = flags.filter((f) => !NEVER.some((x) => f.has(x)));
  if (usable.length === 0) {
    const seen = NEVER.filter((x) => flags.some((f) => f.has(x))).map((x) => `${FLAG_NAMES[x]} (+${x})`);
    return `every member is ${seen.length > 1 ? `${seen.slice(0, -1).join(', ')} or ${seen[seen.length - 1]}` : seen[0]}`;
  }
  // A hot spare (R) stands in only for a member that cannot be used: with no other member there is none to replace.
  if (flags.every((f) => f.has('R'))) return 'every member is a hot spare (status=+R), and a spare only stands in for another member';
  // A draining member (N) takes only requests whose session route names it.
  if (!sticky && usable.every((f) => f.has('N') && !f.has('R') && !f.has('H'))) return 'every member it could use is draining (status=+N), which takes only requests with a session route, and the balancer sets no stickysession';
  return undefined;
}

export default defineApacheRule({
  id: 'balancer-no-usable-member',
  server: 'apache',
  severity: 'warning',
  outcome: '503',
  summary: 'Every member of a balancer starts disabled, stopped or otherwise unusable (status=+D, +S, …): httpd starts, and every request to the balancer gets 503.',
  directives: ['BalancerMember', 'ProxyPass', 'ProxyPassMatch'],
  versions: 'all 2.4',
  check(ctx) {
    for (const b of ctx.proxy.balancers) {
      // A hidden balancer's members take no requests (vhost-balancer-hidden-by-main-server); an empty one is undefined-balancer's.
      if (b.hiddenBy || b.members.length === 0) continue;
      // A member proxylint cannot read, or one httpd may not read, could be the usable one.
      if (b.members.some((w) => w.node.unresolved || mayNotBeRead(w.node, ctx.modules))) continue;
      const servers = b.users.length ? [...new Set(b.users.map((u) => u.vhost))] : [b.vhost];
      const sticky = servers.some((s) => ctx.proxy.balancerParams(b, s).has('stickysession'));
      const why = whyNoMember(b.members, sticky);
      if (!why) continue;
      const at = b.section ?? b.members[0].node;
      const statusOf = (w: Worker) => w.params.get('status');
      ctx.report({
        node: at,
        message: `${b.name}: ${why}, so httpd starts and every request to it gets 503 ("AH01170: ${b.name}: All workers are in error state"); take the flag off at least one member (or add a hot standby, status=+H), or stop sending requests here`,
        related: b.members.map((w) => {
          const p = statusOf(w);
          const f = [...memberFlags(w)].filter((x) => FLAG_NAMES[x]).map((x) => FLAG_NAMES[x]);
          return p
            ? { path: w.node.file.path, start: p.arg.start, end: p.arg.end, message: `${w.url}: ${p.key}=${p.value}${f.length ? ` (${f.join(', ')})` : ''}` }
            : { path: w.node.file.path, start: w.node.directive.start, end: w.node.directive.end, message: `${w.url}` };
        }),
      });
    }
  },
});

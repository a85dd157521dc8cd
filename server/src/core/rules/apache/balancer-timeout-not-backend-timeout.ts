import { balancerName, describeTimeout, formatSeconds, type Balancer, type TimeoutValue, type Worker } from '../../model/apache-proxy';
import { virtualHostOf, type ApacheNode } from '../../model/apache-tree';
import { atoi, parseParams, type WorkerParam } from '../../model/apache-workers';
import { defineApacheRule } from '../apache-rule';

/**
 * timeout= means two things in mod_proxy: on a worker, how long httpd waits for the backend (set_worker_param); on a
 * balancer (a ProxyPass to balancer://…, or ProxySet for one), how long a request waits for a member to become usable
 * again when none is (set_balancer_param, used in find_best_worker). Written on the balancer's ProxyPass line, where
 * a worker's timeout= would go for a plain backend, it does not reach the members: on 2.4.68, "ProxyPass /api/
 * balancer://b/ timeout=10" with ProxyTimeout 2 and a member that answers after 5 s gave 502 after 2 s (AH01102),
 * test/servers/apache-balancer-timeout.test.ts. Reported where the balancer's timeout= is longer than what a member
 * waits, the sign that it was meant for the members.
 */
export default defineApacheRule({
  id: 'balancer-timeout-not-backend-timeout',
  server: 'apache',
  severity: 'warning',
  outcome: '502/504',
  summary:
    'timeout= on a balancer (its ProxyPass or ProxySet) is how long a request waits for a member to leave error state, not how long members get to answer: they keep their own timeout=, ProxyTimeout or Timeout, and slower answers get 502/504.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'ProxySet'],
  versions: 'all 2.4',
  check(ctx) {
    const check = (node: ApacheNode, name: string, param: WorkerParam) => {
      const seconds = atoi(param.value);
      if (seconds <= 0) return;
      const server = virtualHostOf(node);
      const b: Balancer | undefined = ctx.proxy.balancerFor(server, name);
      // A member line with a variable httpd fills from its environment: its timeout= is not known.
      if (!b || node.unresolved || b.members.some((w) => w.node.unresolved)) return;
      // The member that waits least, from the server of this line (a main-server member without timeout= waits the
      // ProxyTimeout or Timeout of the request's server).
      let shortest: { w: Worker; t: TimeoutValue } | undefined;
      for (const w of b.members) {
        const t = ctx.proxy.backendTimeout(w, server);
        if (!shortest || t.ms < shortest.t.ms) shortest = { w, t };
      }
      if (!shortest || shortest.t.partial || shortest.t.ms >= seconds * 1000) return;
      const { w, t } = shortest;
      const wait = t.origin === 'worker' ? `${formatSeconds(t.ms)} (${t.param!.key}=${t.param!.value} on its BalancerMember, line ${ctx.lineOf(w.node)})` : describeTimeout(t, ctx.lineOf, node);
      const fcgi = w.target.scheme === 'fcgi';
      ctx.report({
        at: { file: param.node.file, start: param.arg.start, end: param.arg.end },
        message: `timeout=${param.value} on ${b.name} is not how long its members get to answer: on a balancer, timeout= is how long a request waits for a member to become usable again when every member is in error state (with forcerecovery=Off). ${w.url} waits ${wait}, so an answer slower than that gets ${fcgi ? '504 (AH01075 … (polling))' : '502 (AH01102 "error reading status line from remote server", AH00898)'}; to give the members ${seconds} s, set timeout=${seconds} on the BalancerMember lines${t.origin === 'worker' ? '' : ` or ProxyTimeout ${seconds}`}`,
      });
    };
    for (const r of ctx.proxy.rules) {
      if (r.exclusion || r.target?.scheme !== 'balancer') continue;
      const p = r.params.find((x) => x.key === 'timeout');
      if (p) check(r.node, balancerName(r.url), p);
    }
    for (const n of ctx.nodes('proxyset')) {
      if (n.unresolved) continue;
      const first = n.args[0] ?? '';
      const named = /:\/\//.test(first) && !first.includes('=');
      const url = named ? first : n.parent?.lname === 'proxy' ? (n.parent.args[0] ?? '') : '';
      if (!/^balancer:\/\//i.test(url)) continue;
      const p = parseParams(n, named ? 1 : 0).params.find((x) => x.key === 'timeout');
      if (p) check(n, balancerName(url), p);
    }
  },
});

import { balancerName, describeTimeout, formatSeconds, type Balancer, type TimeoutValue, type Worker } from '../../model/apache-proxy';
import { apacheFix, appendToDirective } from '../../apache-fix';
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
 *
 * Nor does it cap them: on 2.4.71, "ProxySet timeout=3" and "ProxyPass /r/ balancer://b/ timeout=3 failontimeout=on"
 * with Timeout 20 and a member that answers after 5 s gave 200 after 5 s, while timeout=3 on the BalancerMember lines
 * gave 502 after 3 s (same test file). So a balancer timeout= shorter than what a member waits is reported too,
 * unless the balancer sets forcerecovery=Off: only then do members in error state stay out and the balancer's wait is
 * what the line is for.
 */
export default defineApacheRule({
  id: 'balancer-timeout-not-backend-timeout',
  server: 'apache',
  severity: 'warning',
  outcome: '502/504',
  summary:
    'timeout= on a balancer (its ProxyPass or ProxySet) is how long a request waits for a member to leave error state, not how long members get to answer: they keep their own timeout=, ProxyTimeout or Timeout, so a longer one does not give them more time (502/504) and a shorter one does not cap them.',
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
      if (!shortest) return;
      if (!shortest.t.partial && shortest.t.ms < seconds * 1000) return reportLonger(param, b, seconds, shortest);
      // Shorter than what some member waits: meant as a cap for the members it is not, unless forcerecovery=Off says
      // that the wait for a member in error state is what was meant.
      if (ctx.proxy.balancerParams(b, server).get('forcerecovery')?.value.toLowerCase() === 'off') return;
      let longest: { w: Worker; t: TimeoutValue } | undefined;
      for (const w of b.members) {
        const t = ctx.proxy.backendTimeout(w, server);
        if (t.partial) return;
        if (!longest || t.ms > longest.t.ms) longest = { w, t };
      }
      if (!longest || longest.t.ms <= seconds * 1000) return;
      const all = b.members.every((w) => ctx.proxy.backendTimeout(w, server).ms === longest!.t.ms);
      const { w, t } = longest;
      const wait = t.origin === 'worker' ? `${formatSeconds(t.ms)} (${t.param!.key}=${t.param!.value} on its BalancerMember, line ${ctx.lineOf(w.node)})` : describeTimeout(t, ctx.lineOf, node);
      // Without a timeout= of their own on any member, adding one to each member line is the whole change; a member
      // that has one was given it on purpose, and lowering it is the operator's call.
      const bare = b.members.filter((m) => !m.params.has('timeout'));
      const fix = bare.length === b.members.length && b.members.every((m) => m.node.file.path === node.file.path)
        ? apacheFix(`Set timeout=${seconds} on the BalancerMember lines of ${b.name}`, ...bare.map((m) => appendToDirective(m.node, `timeout=${seconds}`)))
        : undefined;
      ctx.report({
        at: { file: param.node.file, start: param.arg.start, end: param.arg.end },
        message: `timeout=${param.value} on ${b.name} does not cap how long its members get to answer: on a balancer, timeout= is how long a request waits for a member to become usable again when every member is in error state (with forcerecovery=Off). ${all ? `Its members wait ${wait}` : `${w.url} waits ${wait}`}, so an answer that takes longer than ${seconds} s is still waited for and passed on; to cap it at ${seconds} s, set timeout=${seconds} on the BalancerMember lines${t.origin === 'worker' ? '' : ` or ProxyTimeout ${seconds} in this server`}`,
        suggestions: fix ? [fix] : [],
      });
    };
    const reportLonger = (param: WorkerParam, b: Balancer, seconds: number, shortest: { w: Worker; t: TimeoutValue }) => {
      const node = param.node;
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

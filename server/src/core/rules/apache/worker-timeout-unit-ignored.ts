import { apacheFix, setParam } from '../../apache-fix';
import type { ApacheNode } from '../../model/apache-tree';
import { checkParamValue, PARAMS, parseParams, type WorkerParam } from '../../model/apache-workers';
import { defineApacheRule } from '../apache-rule';

/**
 * mod_proxy reads timeout=, ttl= and retry= with atoi(): the leading digits, as whole seconds, whatever follows them
 * (reproduced on httpd 2.4.71: timeout=3ms waited 3 s, timeout=500ms waited for a backend silent for 20 s, retry=3000ms
 * logged "AH00959: … disabling worker for (127.0.0.1:…) for 3000s"). connectiontimeout=, ping= and acquire= go through
 * ap_timeout_parameter_parse and do understand ms, s, min and h, so a unit written out of habit on the others is easy
 * to miss. A trailing "s" means what it says; anything else does not.
 */
const MULTIPLIER: Record<string, number> = { ms: 0.001, mi: 60, m: 60, min: 60, h: 3600 };

function misread(p: WorkerParam): { seconds: number; unit: string; intended?: number } | undefined {
  if (PARAMS[p.key]?.kind !== 'seconds' || checkParamValue(p)) return undefined;
  const m = /^\s*(\d+)\s*([A-Za-z]+)/.exec(p.value);
  // Units that mean seconds anyway ("30s", "30sec", "30seconds") come out right.
  if (!m || /^s(ec(ond)?s?)?$/i.test(m[2])) return undefined;
  const seconds = Number(m[1]);
  const factor = MULTIPLIER[m[2].toLowerCase()];
  // Whole seconds only, and at least one: the shortest value httpd accepts.
  return { seconds, unit: m[2], intended: factor === undefined ? undefined : Math.max(1, Math.ceil(seconds * factor)) };
}

export default defineApacheRule({
  id: 'worker-timeout-unit-ignored',
  server: 'apache',
  severity: 'warning',
  outcome: '502/504',
  summary: 'timeout=, ttl= or retry= written with a unit (500ms, 2mi): httpd ignores the unit and reads whole seconds, so timeout=500ms lets a stuck backend hold each request 500 s before the 502/504.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember', 'ProxySet'],
  versions: 'all 2.4',
  check(ctx) {
    const check = (n: ApacheNode, from: number) => {
      if (n.unresolved) return;
      // On a balancer, timeout= is how long a request waits for a member to leave error state (with forcerecovery=Off;
      // not for a busy one, test/servers/apache-hover-doubts.test.ts); on a worker, for the backend's answer.
      const section = n.parent?.lname === 'proxy' ? n.parent.args[0] ?? '' : '';
      const onBalancer = n.lname !== 'balancermember' && /^balancer:\/\//i.test(n.lname === 'proxyset' ? (from === 1 ? n.args[0] : section) : n.args[from - 1] ?? '');
      for (const p of parseParams(n, from).params) {
        const r = misread(p);
        if (!r) continue;
        const longer = r.intended === undefined ? undefined : r.intended < r.seconds;
        let effect = '';
        if (p.key === 'ttl') effect = '; idle backend connections are kept for reuse that long';
        else if (p.key === 'retry') effect = '; a backend that fails is left out (503, or the other members) that long before httpd tries it again';
        else if (onBalancer) effect = longer === false ? '; with every member in error state, requests wait at most that long for one to be usable again' : '; with every member in error state, requests wait up to that long for one to be usable again';
        else if (longer) effect = '; a backend that stalls holds each request that long before the 502 (504 through mod_proxy_fcgi)';
        else if (longer === false) effect = '; answers slower than that end in 502 (504 through mod_proxy_fcgi)';
        ctx.report({
          at: { file: n.file, start: p.arg.start, end: p.arg.end },
          message: `${p.key}=${p.value} means ${r.seconds} s: httpd reads ${p.key}= as whole seconds and ignores "${r.unit}" (connectiontimeout=, ping= and acquire= take units; timeout=, ttl= and retry= do not)${effect}`,
          suggestions:
            r.intended === undefined
              ? []
              : [apacheFix(`Use ${p.key}=${r.intended}${r.unit.toLowerCase() === 'ms' ? ' (whole seconds; 1 is the shortest httpd allows)' : ' (the same time in seconds)'}`, setParam(p, String(r.intended)))],
        });
      }
    };
    // A line whose worker no request reaches (ProxyModel.unreachable) times nothing out: proxypass-shadowed reports
    // the dead line.
    const dead = new Set([...ctx.proxy.unreachable].map((w) => w.node));
    for (const r of ctx.proxy.rules) if (!r.exclusion && r.urlArg && !dead.has(r.node)) check(r.node, r.node.directive.args.indexOf(r.urlArg) + 1);
    for (const w of ctx.proxy.workers) if (w.kind === 'member') check(w.node, w.node.directive.args.indexOf(w.urlArg) + 1);
    for (const n of ctx.nodes('proxyset')) {
      const first = n.args[0] ?? '';
      check(n, /:\/\//.test(first) && !first.includes('=') ? 1 : 0);
    }
  },
});

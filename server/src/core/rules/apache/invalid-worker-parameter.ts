import { apacheFix } from '../../apache-fix';
import type { ApacheNode } from '../../model/apache-tree';
import { proxySetTarget, proxySetTargetError } from '../../model/apache-proxy';
import { checkParamValue, PARAMS, parseParams, type ParamSpec, type WorkerParam } from '../../model/apache-workers';
import { atLeast } from '../../model/version';
import { defineApacheRule } from '../apache-rule';

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

/** What a line configures: one backend (a worker) or a balancer:// (which takes only balancer parameters). */
interface Target {
  kind: 'worker' | 'balancer';
  /** The URL as written, for ProxySet's message. */
  url?: string;
}

/**
 * A parameter of the wrong kind for the line: httpd hands the words after a balancer:// URL to set_balancer_param and
 * all others to set_worker_param, and each rejects what belongs to the other. Its words (Apache 2.4.71):
 * "ProxyPass unknown Balancer parameter" (ProxyPassMatch says "ProxyPass" too),
 * "ProxySet: unknown Balancer parameter keepalive=On; balancer://app", "BalancerMember unknown Worker parameter",
 * "ProxySet: unknown Worker parameter failonstatus=500; http://127.0.0.1:3001/" (checked in
 * test/servers/apache-param-scope.test.ts).
 */
function wrongScope(p: WorkerParam, spec: ParamSpec, label: string, target: Target): string | undefined {
  const balancerOnly = spec.scope === 'b';
  const workerOnly = spec.scope === 'w';
  if (target.kind === 'balancer' && workerOnly) {
    const said = label === 'ProxySet' ? `ProxySet: unknown Balancer parameter ${p.arg.value}; ${target.url}` : `${label} unknown Balancer parameter`;
    return `httpd refuses to start: "${said}": ${p.key}= is a worker parameter and a balancer:// takes only balancer parameters; put it on the BalancerMember lines`;
  }
  if (target.kind === 'worker' && balancerOnly) {
    const said = label === 'ProxySet' ? `ProxySet: unknown Worker parameter ${p.arg.value}; ${target.url}` : `${label} unknown Worker parameter`;
    return `httpd refuses to start: "${said}": ${p.key}= is a balancer parameter; it belongs on the ProxyPass to the balancer:// or a ProxySet in its <Proxy balancer://…> section`;
  }
  return undefined;
}

export default defineApacheRule({
  id: 'invalid-worker-parameter',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A ProxyPass/BalancerMember/ProxySet parameter httpd rejects (unknown key, bad value, not key=value, a worker parameter on a balancer:// or the reverse, too new for the target): httpd refuses to start.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember', 'ProxySet'],
  versions: 'all 2.4',
  check(ctx) {
    const check = (n: ApacheNode, from: number, label: string, target: Target) => {
      if (n.unresolved) return;
      // Words from an unquoted "#" on are a would-be comment: inline-comment-is-argument reports them once.
      const hash = n.directive.args.findIndex((a, k) => k >= from && a.quote === null && a.value.startsWith('#'));
      const cut = (a: { start: number }) => hash < 0 || a.start < n.directive.args[hash].start;
      const parsed = parseParams(n, from);
      const params = parsed.params.filter((p) => cut(p.arg));
      const invalid = parsed.invalid.filter(cut);
      for (const a of invalid) {
        ctx.report({ at: { file: n.file, start: a.start, end: a.end }, message: `httpd refuses to start: "Invalid ProxyPass|ProxyPassMatch parameter. Parameter must be in the form 'key=value'." ("${a.value}" after the URL)` });
      }
      for (const p of params) {
        const spec = PARAMS[p.key];
        const at = { file: n.file, start: p.arg.start, end: p.arg.end };
        if (!spec) {
          const close = Object.keys(PARAMS).filter((k) => distance(k, p.key) <= 2);
          const fix = close.length === 1 ? apacheFix(`Use "${close[0]}="`, { path: n.file.path, start: p.arg.start, end: p.arg.start + p.arg.raw.indexOf('=') , newText: (p.arg.quote ?? '') + close[0] }) : undefined;
          ctx.report({ at, message: `httpd refuses to start: "${label} unknown Worker parameter": "${p.key}" is not a mod_proxy parameter${close.length ? ` (did you mean ${close.map((c) => `"${c}"`).join(' or ')}?)` : ''}`, fix });
          continue;
        }
        const scope = wrongScope(p, spec, label, target);
        if (scope) {
          ctx.report({ at, message: scope });
          continue;
        }
        if (spec.module) continue; // hc* parameters: hcheck-params-without-module knows whether the module is loaded.
        if (spec.since && atLeast(ctx.version, spec.since) === false) {
          ctx.report({ at, message: `httpd refuses to start: "${label} unknown Worker parameter": ${p.key}= needs httpd ${spec.since} or later, and apache.version is older` });
          continue;
        }
        const bad = checkParamValue(p);
        if (bad) ctx.report({ at, message: `httpd refuses to start: "${label} ${bad}" (${p.key}=${p.value})` });
      }
    };
    const kindOf = (url: string | undefined): Target => ({ kind: url && /^balancer:\/\//i.test(url) ? 'balancer' : 'worker', url });
    // httpd says "ProxyPass" for ProxyPassMatch lines too (add_pass in mod_proxy.c).
    for (const r of ctx.proxy.rules) if (!r.exclusion && r.urlArg) check(r.node, r.node.directive.args.indexOf(r.urlArg) + 1, 'ProxyPass', kindOf(r.url));
    for (const w of ctx.proxy.workers) if (w.kind === 'member') check(w.node, w.node.directive.args.indexOf(w.urlArg) + 1, 'BalancerMember', kindOf(undefined));
    for (const n of ctx.nodes('proxyset')) {
      const target = proxySetTarget(n);
      // A name httpd cannot use stops it before the parameters (proxyset-target-invalid reports it).
      if (target && proxySetTargetError(target)) continue;
      // ProxySet takes any name starting with "balancer:" for a balancer (ap_proxy_valid_balancer_name).
      check(n, target?.urlFromLine ? 1 : 0, 'ProxySet', { kind: target && /^balancer:/i.test(target.url) ? 'balancer' : 'worker', url: target?.url });
    }
  },
});

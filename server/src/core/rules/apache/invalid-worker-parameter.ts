import { apacheFix } from '../../apache-fix';
import type { ApacheNode } from '../../model/apache-tree';
import { checkParamValue, PARAMS, parseParams } from '../../model/apache-workers';
import { atLeast } from '../../model/version';
import { defineApacheRule } from '../apache-rule';

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

export default defineApacheRule({
  id: 'invalid-worker-parameter',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A ProxyPass/BalancerMember/ProxySet parameter httpd rejects (unknown key, bad value, not key=value, too new for the target): httpd refuses to start.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember', 'ProxySet'],
  versions: 'all 2.4',
  check(ctx) {
    const check = (n: ApacheNode, from: number, label: string) => {
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
        if (spec.module) continue; // hc* parameters: hcheck-params-without-module knows whether the module is loaded.
        if (spec.since && atLeast(ctx.version, spec.since) === false) {
          ctx.report({ at, message: `httpd refuses to start: "${label} unknown Worker parameter": ${p.key}= needs httpd ${spec.since} or later, and apache.version is older` });
          continue;
        }
        const bad = checkParamValue(p);
        if (bad) ctx.report({ at, message: `httpd refuses to start: "${label} ${bad}" (${p.key}=${p.value})` });
      }
    };
    for (const r of ctx.proxy.rules) if (!r.exclusion && r.urlArg) check(r.node, r.node.directive.args.indexOf(r.urlArg) + 1, r.node.name);
    for (const w of ctx.proxy.workers) if (w.kind === 'member') check(w.node, w.node.directive.args.indexOf(w.urlArg) + 1, 'BalancerMember');
    for (const n of ctx.nodes('proxyset')) {
      const first = n.args[0] ?? '';
      check(n, /:\/\//.test(first) && !first.includes('=') ? 1 : 0, 'ProxySet');
    }
  },
});

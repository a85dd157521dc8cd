import { onOff, parseBackendUrl, POOLED_SCHEMES, proxySetTarget, reuseSwitch, substitutes, type Worker } from '../../model/apache-proxy';
import type { ApacheNode } from '../../model/apache-tree';
import { defineApacheRule, type ApacheRuleContext } from '../apache-rule';

/** The model's workers and rules by their line (the first of each), made once per run (see check()). */
interface ByLine {
  workers: Map<ApacheNode, Worker>;
  urls: Map<ApacheNode, string | undefined>;
}

function byLine(ctx: ApacheRuleContext): ByLine {
  const workers = new Map<ApacheNode, Worker>();
  for (const w of ctx.proxy.workers) if (!workers.has(w.node)) workers.set(w.node, w);
  const urls = new Map<ApacheNode, string | undefined>();
  for (const r of ctx.proxy.rules) if (!urls.has(r.node)) urls.set(r.node, r.url);
  return { workers, urls };
}

/** The backend URL a ProxyPass, BalancerMember or ProxySet line configures, as written. */
function urlOf(lines: ByLine, n: ApacheNode): string | undefined {
  if (n.lname === 'proxyset') return proxySetTarget(n)?.url;
  if (n.lname === 'balancermember') return lines.workers.get(n)?.url;
  return lines.urls.get(n);
}

/** The worker the line sets the parameter on: its own, or for ProxySet the one httpd finds for its URL. */
function workerOf(ctx: ApacheRuleContext, lines: ByLine, n: ApacheNode): Worker | undefined {
  if (n.lname !== 'proxyset') return lines.workers.get(n);
  return ctx.proxy.proxySetWorker(n);
}

/**
 * What reuse looks like for the worker. Checked on Apache 2.4.71 (test/servers/apache-keepalive-param.test.ts):
 * http:// used one connection for three requests with or without keepalive=On; fcgi:// used three either way,
 * and one only with enablereuse=On; so did a ProxyPassMatch to http://…/$1, whose worker httpd defines with reuse
 * off (see substitutes in model/apache-proxy.ts; before 2.4.47 such a worker was not used at all, so the message names
 * the version).
 */
function reuse(scheme: string, w: Worker | undefined): string {
  if (w && substitutes(w)) {
    if (reuseSwitch(w) === true) return `connections to this worker are reused because of ${w.reuse!.key}=${w.reuse!.value} (httpd 2.4.47 and later), not because of this: a worker whose URL holds $1 is not pooled without it`;
    return 'it does not make httpd reuse connections to this worker: its URL holds $1, and for such a worker httpd opens a new connection for every request unless enablereuse=On is set';
  }
  if (POOLED_SCHEMES.has(scheme)) return `connection reuse is on by default for ${scheme}:// and is tuned with ttl= and disablereuse=, not with this`;
  if (scheme === 'fcgi') return 'it does not make httpd reuse fcgi:// connections: each request opens a new one unless enablereuse=On is set';
  return 'it does not control connection reuse';
}

export default defineApacheRule({
  id: 'keepalive-param-is-tcp-keepalive',
  server: 'apache',
  severity: 'info',
  outcome: 'silent',
  summary: 'The worker parameter keepalive=On turns on TCP keep-alive probes only; it does not control HTTP connection reuse.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember', 'ProxySet'],
  versions: 'all 2.4',
  check(ctx) {
    // Made at the first line with keepalive= (most configurations have none): looking each line up in the model's
    // lists instead made this rule n² in the number of proxy lines.
    let lines: ByLine | undefined;
    for (const n of [...ctx.nodes('proxypass'), ...ctx.nodes('proxypassmatch'), ...ctx.nodes('balancermember'), ...ctx.nodes('proxyset')]) {
      if (!n.directive.args.some((a) => /^keepalive=/i.test(a.value))) continue;
      lines ??= byLine(ctx);
      const url = urlOf(lines, n);
      const scheme = url ? parseBackendUrl(url, n.name).scheme : '';
      const worker = url ? workerOf(ctx, lines, n) : undefined;
      // keepalive= is no balancer parameter: on a balancer:// URL httpd refuses to start (invalid-worker-parameter).
      if (scheme === 'balancer') continue;
      // A worker no request reaches (ProxyModel.unreachable): the setting changes nothing, and proxypass-shadowed
      // reports the dead line.
      if (worker && ctx.proxy.unreachable.has(worker)) continue;
      for (const a of n.directive.args) {
        const m = /^keepalive=(.*)$/i.exec(a.value);
        if (!m || onOff({ key: 'keepalive', value: m[1], arg: a, node: n }) !== true) continue;
        ctx.report({
          at: { file: n.file, start: a.start, end: a.end },
          message: `keepalive=On only makes the operating system send TCP keep-alive probes on idle backend connections (the first after net.ipv4.tcp_keepalive_time of silence, 2 hours by default on Linux) so a firewall does not drop them; ${reuse(scheme, worker)}`,
        });
      }
    }
  },
});

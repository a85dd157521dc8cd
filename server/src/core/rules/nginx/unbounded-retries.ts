import type { TextEdit } from '../../finding';
import { insertLinesAfter, replaceSpan } from '../../fix';
import type { PassTarget } from '../../model/nginx-upstreams';
import { parseNginxTime } from '../../model/units';
import { atLeast } from '../../model/version';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { describeGroup, familyOf, humanDuration, passRelated, inForce, insertionAnchor, isDown, nextUpstreamDefault, PASSES, PerLine, timeInForce } from './failover-support';

/** Milliseconds one failing attempt can take before nginx moves on: the connect timeout, plus (http) waiting for the header. */
function perTryMs(ctx: NginxRuleContext, t: PassTarget, family: string): { ms: number; parts: string[] } | undefined {
  const connect = timeInForce(ctx, t, `${family}_connect_timeout`, '60s');
  if (connect === undefined) return undefined;
  if (t.module === 'stream') return { ms: connect.ms, parts: [`proxy_connect_timeout ${connect.text}`] };
  const read = timeInForce(ctx, t, `${family}_read_timeout`, '60s');
  if (read === undefined) return undefined;
  return { ms: connect.ms + read.ms, parts: [`${family}_connect_timeout ${connect.text}`, `${family}_read_timeout ${read.text}`] };
}

/**
 * With `*_next_upstream_tries 0` and `*_next_upstream_timeout 0` (both defaults, "turn off this
 * limitation": https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_next_upstream_tries)
 * a request that keeps timing out is tried on every server of the group in turn, and the client gets
 * the result of the last one. A group of two has a natural bound, so the rule waits for three servers
 * (option `minServers`) and a worst case above a minute (option `maxWaitSeconds`). When the idle
 * timeout of a load balancer in front is known, retry-budget-exceeds-outer-timeout (timeouts family)
 * measures the same http chain against it, so this rule then checks stream servers only.
 */
export default defineNginxRule({
  id: 'unbounded-retries',
  server: 'nginx',
  severity: 'warning',
  outcome: '504',
  summary: 'Retries over a group of several servers have no limit (*_next_upstream_tries and _timeout are 0): a request can take servers × timeouts before its 502/504.',
  directives: [...PASSES, 'proxy_next_upstream_tries', 'proxy_next_upstream_timeout', 'fastcgi_next_upstream_tries', 'uwsgi_next_upstream_tries', 'scgi_next_upstream_tries', 'grpc_next_upstream_tries'],
  versions: '>= 1.7.5',
  check(ctx) {
    // The two limits arrived in 1.7.5; before that there is nothing to set.
    if (atLeast(ctx.target.version, '1.7.5') === false) return;
    const minServers = typeof ctx.options.minServers === 'number' ? ctx.options.minServers : 3;
    const outerKnown = ctx.settings.environment.outerIdleTimeoutMs !== undefined;
    const budget = typeof ctx.options.maxWaitSeconds === 'number' ? ctx.options.maxWaitSeconds * 1000 : 60_000;
    const perLine = new PerLine<{ family: string; tries: number; worst: number; parts: string[] }>();
    for (const t of ctx.upstreams.passes) {
      const family = familyOf(t);
      if (!family || (t.module === 'stream' && family !== 'proxy') || !t.upstream) continue;
      if (outerKnown && t.module === 'http') continue;
      // UDP has no connection handshake to time out: the per-try arithmetic below is TCP's.
      if (t.module === 'stream' && (t.node.parent?.children ?? []).some((c) => c.name === 'listen' && c.directive.args.some((a) => a.value === 'udp'))) continue;
      const tries = t.upstream.servers.filter((s) => !isDown(s)).length;
      if (tries < minServers) continue;
      const next = inForce(ctx, t, `${family}_next_upstream`, nextUpstreamDefault(t)).args;
      // Only timeouts make a try slow; without "timeout" (http) or with "off" failed tries are quick.
      if (t.module === 'stream' ? next[0] === 'off' : !next.includes('timeout')) continue;
      const limitTries = inForce(ctx, t, `${family}_next_upstream_tries`, '0');
      const limitTime = inForce(ctx, t, `${family}_next_upstream_timeout`, '0');
      if (Number(limitTries.args[0]) !== 0 || parseNginxTime(limitTime.args[0] ?? '') !== 0) continue;
      const one = perTryMs(ctx, t, family);
      if (!one || one.ms * tries <= budget) continue;
      perLine.add(limitTries.node ?? limitTime.node ?? t.node, t, { family, tries, worst: one.ms * tries, parts: one.parts });
    }
    for (const [at, { passes, data }] of perLine.entries()) {
      const t = passes[0];
      const { family } = data;
      const stream = t.module === 'stream';
      const what = stream ? 'a connection' : 'a request';
      const end = stream ? 'is closed' : 'gets 502/504';
      ctx.report({
        node: at,
        message: `${what} to ${describeGroup(t.upstream!)} may be tried on ${data.tries} servers in turn (${family}_next_upstream_tries and ${family}_next_upstream_timeout are 0: no limit): with ${data.parts.join(' and ')} a client can wait up to ${humanDuration(data.worst)} before it ${end}`,
        related: at === t.node ? [] : passes.map((p) => passRelated(p, `requests to upstream "${p.upstream!.name}" use it here`)),
        suggestions: [limitFix(ctx, t, family)],
      });
    }
  },
});

/**
 * Adds (or rewrites) both limits next to the pass. `*_next_upstream_timeout` bounds the time in which a
 * new try may start, and that try then runs its own timeouts (nginx 1.22.1, tested); the right value
 * depends on who waits in front of nginx, hence the placeholder.
 */
function limitFix(ctx: NginxRuleContext, t: PassTarget, family: string) {
  const lines: string[] = [];
  const edits: TextEdit[] = [];
  const anchor = insertionAnchor(t);
  for (const [name, value, comment] of [
    [`${family}_next_upstream_tries`, '2', ''],
    [`${family}_next_upstream_timeout`, '10s', '  # TODO: retries start only within this time; it plus one try must stay below what clients wait'],
  ]) {
    const own = (anchor.parent?.children ?? ctx.config.roots).find((c) => c.name === name);
    if (own?.directive.args[0]) edits.push(replaceSpan(own.file, own.directive.args[0], value));
    else lines.push(`${name} ${value};${comment}`);
  }
  if (lines.length) edits.push(insertLinesAfter(anchor, lines));
  return { title: `Limit retries: ${family}_next_upstream_tries 2, ${family}_next_upstream_timeout 10s (edit the time)`, edits };
}

import type { RelatedLocation } from '../../finding';
import type { ConfigNode } from '../../model/nginx-tree';
import { blockContextOf } from '../../model/nginx-effective';
import { moduleOf } from '../../model/nginx-upstreams';
import { formatSize } from '../../model/units';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { BUFFER_MODULES, bufferEdits, bufferError, bufferLines, bufferSet, consistentBuffers, names, nginxBufferMessage, text, type BufferError, type BufferSet } from './neighbours-support';

/** Blocks whose configuration nginx merges (and checks) on its own: every server and location, nested ones included. */
const MERGED = new Set(['server', 'location', 'if-location', 'limit_except']);

function mergeScopes(ctx: NginxRuleContext): (ConfigNode | null)[] {
  const out: (ConfigNode | null)[] = [];
  if (['http', 'server', 'location'].includes(ctx.config.rootContext)) out.push(null);
  for (const n of ctx.config.all) {
    if (!n.directive.block || moduleOf(n) !== 'http') continue;
    const ctxName = blockContextOf(n);
    // http-level values are checked through the servers that inherit them; with no server in sight, check them there.
    if (MERGED.has(ctxName) || (ctxName === 'http' && !n.children.some((c) => c.name === 'server'))) out.push(n);
  }
  return out;
}

function depth(n: ConfigNode): number {
  let d = 0;
  for (let p = n.parent; p; p = p.parent) d++;
  return d;
}

/** The lines behind the failed inequality; the deepest one is the change that broke it (on a tie, the first listed). */
function involved(b: BufferSet, e: BufferError): ConfigNode[] {
  const headerWins = b.bufferSize >= b.size;
  const list = e === 'too-few' ? [b.nodes.buffers] : e === 'busy-too-small' ? [b.nodes.busy, headerWins ? b.nodes.bufferSize : b.nodes.buffers] : [b.nodes.busy ?? (headerWins ? b.nodes.bufferSize : undefined), b.nodes.buffers];
  return list.filter((n): n is ConfigNode => !!n);
}

function detail(m: string, b: BufferSet, e: BufferError): string {
  const n = names(m);
  const max = Math.max(b.bufferSize, b.size);
  const busy = b.busy ?? 2 * max;
  const busyText = b.busy === undefined ? `the default ${n.busy} ${formatSize(busy)} (2 × ${formatSize(max)})` : `${n.busy} ${formatSize(busy)}`;
  if (e === 'too-few') return `${n.buffers} ${b.num} ${formatSize(b.size)} has fewer than 2 buffers`;
  if (e === 'busy-too-small') return `${busyText} is smaller than ${formatSize(max)}, the larger of ${n.bufferSize} ${formatSize(b.bufferSize)} and one ${formatSize(b.size)} buffer`;
  return `${busyText} is more than (${b.num} − 1) × ${formatSize(b.size)} = ${formatSize((b.num - 1) * b.size)} of ${n.buffers} ${b.num} ${formatSize(b.size)}`;
}

/**
 * nginx checks three inequalities between *_buffer_size, *_buffers and *_busy_buffers_size at every level
 * when it merges the configuration, and refuses to start if one fails. Raising proxy_buffer_size alone is the
 * classic trap: it doubles the default busy size past what the default buffers can hold.
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_busy_buffers_size
 */
export default defineNginxRule({
  id: 'buffer-size-arithmetic',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'The *_buffer_size, *_buffers and *_busy_buffers_size values in force do not fit together: nginx refuses to start.',
  directives: BUFFER_MODULES.flatMap((m) => Object.values(names(m))),
  versions: 'all',
  check(ctx) {
    const seen = new Set<ConfigNode>();
    for (const scope of mergeScopes(ctx)) {
      for (const m of BUFFER_MODULES) {
        const b = bufferSet(ctx, scope, m);
        const e = b && bufferError(b);
        if (!b || !e) continue;
        const nodes = involved(b, e);
        if (!nodes.length) continue;
        const culprit = nodes.reduce((a, c) => (depth(c) > depth(a) ? c : a));
        if (seen.has(culprit)) continue;
        seen.add(culprit);
        const level = culprit.parent;
        const atLevel = bufferSet(ctx, level, m);
        let fix;
        if (atLevel && bufferError(atLevel)) {
          const v = consistentBuffers(atLevel);
          const here = [atLevel.nodes.bufferSize, atLevel.nodes.buffers, atLevel.nodes.busy].map((n) => (n && n.parent === level ? n : undefined));
          const lines = bufferLines(m, v);
          const edits = bufferEdits(lines, here, culprit, level);
          if (edits) fix = { title: `Set all three consistently: ${lines.join(' ')}`, edits };
        }
        const related: RelatedLocation[] = nodes.filter((n) => n !== culprit).map((n) => ({ path: n.file.path, start: n.directive.start, end: n.directive.end, message: `also in force: ${text(n)}` }));
        ctx.report({
          node: culprit,
          message: `nginx will not start: ${nginxBufferMessage(m, e)} (${detail(m, b, e)})`,
          fix,
          related,
        });
      }
    }
  },
});

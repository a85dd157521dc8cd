import { flagsInForce } from '../../model/nginx-effective';
import type { ConfigNode } from '../../model/nginx-tree';
import { moduleOf } from '../../model/nginx-upstreams';
import { parseNginxTime, formatDuration } from '../../model/units';
import { eolOf, indentAt } from '../../fix';
import type { TextEdit } from '../../finding';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { text } from './neighbours-support';

const MODULES = ['proxy', 'fastcgi', 'uwsgi', 'scgi'] as const;
/** Without status codes, *_cache_valid caches only these. */
const IMPLICIT = ['200', '301', '302'];

interface Entry {
  node: ConfigNode;
  codes: string[];
  ms: number;
}

function entries(nodes: ConfigNode[]): Entry[] | undefined {
  const out: Entry[] = [];
  for (const node of nodes) {
    const args = node.directive.args.map((a) => a.value);
    const ms = parseNginxTime(args[args.length - 1] ?? '', 'sec');
    if (ms === null || args.some((a) => a.includes('$'))) return undefined;
    out.push({ node, codes: args.length > 1 ? args.slice(0, -1).map((c) => c.toLowerCase()) : IMPLICIT, ms });
  }
  return out;
}

/** nginx walks the list in order and the first line naming the status, or "any", decides (ngx_http_file_cache_valid). */
function ttlOf(list: Entry[], status: string): Entry | undefined {
  return list.find((e) => e.codes.includes('any') || e.codes.includes(status));
}

function cacheInUse(ctx: NginxRuleContext, m: string): boolean {
  if (ctx.config.rootContext !== 'main') return true;
  return ctx.nodes(`${m}_cache`).some((n) => n.directive.args[0]?.value !== 'off');
}

/**
 * When nginx itself answers 502 or 504 (the backend is down or slow) and *_cache_valid gives that status a
 * time, nginx stores the error for the key and answers it from the cache, without asking the backend, until the
 * time is up (ngx_http_upstream_finalize_request → r->cache->error). "any" includes 502 and 504.
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_cache_valid
 */
export default defineNginxRule({
  id: 'cached-error-responses',
  server: 'nginx',
  severity: 'warning',
  outcome: '502/504',
  summary: "*_cache_valid covers 502/504 (directly or with \"any\"): after a backend outage nginx keeps answering the cached error until it expires.",
  directives: MODULES.map((m) => `${m}_cache_valid`),
  versions: 'all',
  check(ctx) {
    const minMs = Number(ctx.options.minTtl ?? 10) * 1000;
    for (const m of MODULES) {
      if (!cacheInUse(ctx, m)) continue;
      const levels = new Set(ctx.nodes(`${m}_cache_valid`).filter((n) => moduleOf(n) === 'http').map((n) => n.parent));
      for (const level of levels) {
        const list = entries((level ? level.children : ctx.config.roots).filter((c) => c.name === `${m}_cache_valid`));
        if (!list) continue;
        const hit = ['502', '504'].map((s) => ({ s, e: ttlOf(list, s) })).filter((x) => x.e && x.e.ms >= minMs);
        if (!hit.length) continue;
        const e = hit[0].e!;
        const statuses = hit.map((x) => x.s).join(' and ');
        // Every *_cache_use_stale line of the deciding level counts: nginx ORs them, and "off" on any wins (flagsInForce).
        const staleCovers = flagsInForce(ctx.effective(level, `${m}_cache_use_stale`), 'off').some((w) => /^(error|timeout|http_502|http_504)$/.test(w));
        const first = list[0].node;
        const line = `${m}_cache_valid 502 504 0;`;
        const eol = eolOf(first.file);
        const edits: TextEdit[] = [
          { path: first.file.path, start: first.directive.start, end: first.directive.start, newText: `${line}  # never keep nginx's own 502/504 (the first matching line wins)${eol}${indentAt(first.file, first.directive.start)}` },
        ];
        ctx.report({
          node: e.node,
          message: `"${text(e.node)}" also caches the ${statuses} that nginx itself returns when the backend fails or times out: once a URL has failed, nginx answers it with that error from the cache for ${formatDuration(e.ms)} without contacting the backend, even after the backend has recovered${staleCovers ? '' : `; ${m}_cache_use_stale error timeout http_502 http_504 would at least serve the last good copy where one exists`}`,
          suggestions: [{ title: `Do not cache 502/504: add "${line}" before the other ${m}_cache_valid lines`, edits }],
        });
      }
    }
  },
});

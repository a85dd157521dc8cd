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

/** Each module's pass line: where a response can be cached, in the block (location, `if`) it is written in. */
const PASS_OF: Record<(typeof MODULES)[number], string> = { proxy: 'proxy_pass', fastcgi: 'fastcgi_pass', uwsgi: 'uwsgi_pass', scgi: 'scgi_pass' };

/**
 * The *_cache_valid lists that apply where responses are cached, each with the blocks it applies to. A list only
 * matters in a block that passes to a backend with a cache in force (`*_cache zone`, not off), and only when it is the
 * list in force there: a block's own *_cache_valid lines replace every outer one, so an http-level `any 10m` under
 * locations that write their own list, or that cache nothing, never keeps an error [lab, nginx 1.22.1: such a
 * location answered 502 with the backend down and 200 at once after it came back].
 */
function listsInUse(ctx: NginxRuleContext, m: (typeof MODULES)[number]): { used: Map<ConfigNode | null, (ConfigNode | null)[]>; below: Set<ConfigNode | null> } {
  const used = new Map<ConfigNode | null, (ConfigNode | null)[]>();
  // Every level with a pass at or below it: in a fragment, a level without one is a snippet whose use is not seen.
  const below = new Set<ConfigNode | null>();
  const whole = ctx.config.rootContext === 'main';
  for (const pass of ctx.nodes(PASS_OF[m])) {
    // A pass at the top level is a location fragment's (nginx.conf would refuse it there).
    const scope = pass.parent;
    if ((!scope && whole) || moduleOf(pass) !== 'http') continue;
    for (let p: ConfigNode | null = scope; p; p = p.parent) below.add(p);
    below.add(null);
    const cache = ctx.effective(scope, `${m}_cache`).nodes[0];
    // In a fragment, a cache written nowhere above the pass may come from the nginx.conf that includes it.
    if (cache ? cache.directive.args[0]?.value === 'off' : whole) continue;
    const list = ctx.effective(scope, `${m}_cache_valid`).nodes[0];
    if (!list) continue;
    const scopes = used.get(list.parent);
    if (scopes) scopes.push(scope);
    else used.set(list.parent, [scope]);
  }
  return { used, below };
}

const blockName = (n: ConfigNode) => [n.name, ...n.directive.args.map((a) => a.raw)].join(' ');

function appliesAt(ctx: NginxRuleContext, scope: ConfigNode, m: string): string {
  const cache = ctx.effective(scope, `${m}_cache`).nodes[0];
  // No cache line above it in a fragment: one in the nginx.conf that includes the file would apply.
  return cache ? `applies here: ${blockName(scope)} caches ("${text(cache)}") and takes this list` : `applies here if the configuration that includes this file turns ${m}_cache on for ${blockName(scope)}`;
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
  options: {
    minTtl: { kind: 'seconds', description: 'A 502 or 504 cached for this many seconds or more is reported (default 10).' },
  },
  check(ctx) {
    const minMs = Number(ctx.options.minTtl ?? 10) * 1000;
    for (const m of MODULES) {
      const valid = ctx.nodes(`${m}_cache_valid`);
      if (!valid.length) continue;
      const { used, below } = listsInUse(ctx, m);
      const levels = new Set(valid.filter((n) => moduleOf(n) === 'http').map((n) => n.parent));
      for (const level of levels) {
        const scopes = used.get(level);
        // Not the list in force anywhere responses are cached. Only in a fragment, at a level with no pass under it
        // (a snippet for locations elsewhere), where it applies is not known: judged as written, as before.
        if (!scopes && (ctx.config.rootContext === 'main' || below.has(level))) continue;
        const list = entries((level ? level.children : ctx.config.roots).filter((c) => c.name === `${m}_cache_valid`));
        if (!list) continue;
        const hit = ['502', '504'].map((s) => ({ s, e: ttlOf(list, s) })).filter((x) => x.e && x.e.ms >= minMs);
        if (!hit.length) continue;
        const e = hit[0].e!;
        const statuses = hit.map((x) => x.s).join(' and ');
        // Where the list applies, the stale copy may be in force or not: the hint is left out only when it is everywhere.
        // Every *_cache_use_stale line of the deciding level counts: nginx ORs them, and "off" on any wins (flagsInForce).
        const staleCovers = (scopes ?? [level]).every((scope) =>
          flagsInForce(ctx.effective(scope, `${m}_cache_use_stale`), 'off').some((w) => /^(error|timeout|http_502|http_504)$/.test(w)),
        );
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
          // Where it applies, when that is not the block the list is written in: an http-level list, for instance.
          related: (scopes ?? [])
            .filter((scope): scope is ConfigNode => scope !== null && scope !== level)
            .slice(0, 5)
            .map((scope) => ({ path: scope.file.path, start: scope.directive.start, end: scope.directive.block?.start ?? scope.directive.end, message: appliesAt(ctx, scope, m) })),
        });
      }
    }
  },
});

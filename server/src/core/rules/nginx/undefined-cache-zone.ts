import type { RelatedLocation } from '../../finding';
import { replaceSpan } from '../../fix';
import { closest } from '../../model/names';
import type { ConfigNode } from '../../model/nginx-tree';
import { TEMPLATE_MARKUP } from '../../model/template-markup';
import { defineNginxRule } from '../rule';
import { nginxBlockContext } from './placement-support';
import { wholeConfiguration } from './whole-config';

const MODULES = ['proxy', 'fastcgi', 'uwsgi', 'scgi'] as const;

/** The zone a *_cache_path line declares (`keys_zone=name:size`), or null when it cannot be told from the text. */
function zoneOf(node: ConfigNode): string | null | undefined {
  const arg = node.directive.args.find((a) => a.value.startsWith('keys_zone='));
  if (!arg) return undefined;
  if (arg.value.includes('$') || TEMPLATE_MARKUP.test(arg.raw)) return null;
  const v = arg.value.slice('keys_zone='.length);
  const colon = v.indexOf(':');
  return colon < 0 ? v : v.slice(0, colon);
}

const related = (node: ConfigNode, message: string): RelatedLocation => ({ path: node.file.path, start: node.directive.start, end: node.directive.end, message });

/**
 * `proxy_cache name;` (or fastcgi_, uwsgi_, scgi_cache) where no `proxy_cache_path … keys_zone=name:…` of the same
 * module declares that zone. nginx stops with `[emerg] "proxy_cache" zone "name" is unknown`, or, when the zone
 * belongs to another module's *_cache_path, with `the shared memory zone "name" is already declared for a different
 * use` [lab, nginx 1.22.1]. Zone names are case-sensitive; `off` and names with variables (looked up per request) are
 * left alone. Only a whole configuration is judged: a fragment's zones are usually declared in nginx.conf.
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_cache
 */
export default defineNginxRule({
  id: 'undefined-cache-zone',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'proxy_cache (or fastcgi_, uwsgi_, scgi_cache) names a zone that no *_cache_path of that module declares: nginx refuses to start.',
  directives: ['proxy_cache', 'fastcgi_cache', 'uwsgi_cache', 'scgi_cache', 'proxy_cache_path', 'fastcgi_cache_path'],
  versions: 'all',
  check(ctx) {
    if (!MODULES.some((m) => ctx.nodes(`${m}_cache`).length) || !wholeConfiguration(ctx)) return;
    const zones = new Map<string, Map<string, ConfigNode>>();
    for (const m of MODULES) {
      const declared = new Map<string, ConfigNode>();
      for (const path of ctx.nodes(`${m}_cache_path`)) {
        const zone = zoneOf(path);
        // A zone written with a variable or template markup: which names exist is not known.
        if (zone === null) return;
        if (zone !== undefined && !declared.has(zone)) declared.set(zone, path);
      }
      zones.set(m, declared);
    }
    for (const m of MODULES) {
      const own = zones.get(m)!;
      for (const node of ctx.nodes(`${m}_cache`)) {
        const arg = node.directive.args[0];
        if (node.directive.args.length !== 1 || !nginxBlockContext(node.context)) continue;
        const zone = arg.value;
        if (zone === 'off' || own.has(zone) || zone.includes('$') || TEMPLATE_MARKUP.test(arg.raw)) continue;
        const at = { file: node.file, start: arg.start, end: arg.end };
        const other = MODULES.find((o) => o !== m && zones.get(o)!.has(zone));
        if (other) {
          const decl = zones.get(other)!.get(zone)!;
          ctx.report({
            at,
            message: `nginx will not start: zone "${zone}" is declared by ${other}_cache_path, and ${m}_cache can only use a zone of ${m}_cache_path ("the shared memory zone "${zone}" is already declared for a different use"); declare one with ${m}_cache_path`,
            related: [related(decl, `zone "${zone}" is declared here, for ${other}_cache`)],
          });
          continue;
        }
        const near = closest(zone, [...own.keys()], 2);
        ctx.report({
          at,
          message: `nginx will not start: "${m}_cache" zone "${zone}" is unknown — no ${m}_cache_path in this configuration declares keys_zone=${zone}${near ? ` (did you mean "${near}"?)` : own.size ? ` (it declares ${[...own.keys()].map((z) => `"${z}"`).join(', ')})` : ''}`,
          suggestions: near ? [{ title: `Change to "${near}"`, edits: [replaceSpan(node.file, arg, near)] }] : [],
          related: near ? [related(own.get(near)!, `zone "${near}" is declared here`)] : [],
        });
      }
    }
  },
});

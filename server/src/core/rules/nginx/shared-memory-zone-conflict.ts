import type { RelatedLocation } from '../../finding';
import type { ConfigNode } from '../../model/nginx-tree';
import { defineNginxRule } from '../rule';
import { CACHE_PATHS, readZone, ZONE_DIRECTIVES, type Zone } from './shared-zones-support';

const DIRECTIVES = ZONE_DIRECTIVES;

const where = (n: ConfigNode) => `${n.file.path.split('/').slice(-1)[0]}:${n.file.lines.positionAt(n.directive.start).line + 1}`;
const related = (n: ConfigNode, message: string): RelatedLocation => ({ path: n.file.path, start: n.directive.start, end: n.directive.end, message });

const isCache = (z: Zone) => CACHE_PATHS.includes(z.node.name);

/**
 * One shared memory zone name declared for two purposes, or twice where nginx allows it once [lab, nginx 1.22.1]. Every
 * zone nginx makes (limit_req_zone, limit_conn_zone, an upstream's `zone`, `ssl_session_cache shared:`, the keys_zone of
 * a *_cache_path) goes into one list of the whole process, looked up by name and tagged with the module that made it.
 * nginx stops at the second line, in the order it reads them:
 * - another module's zone (limit_req_zone and limit_conn_zone both `zone=one`, which tutorials show; an upstream zone
 *   named like a cache; http and stream each with a limit_conn_zone `x`): `the shared memory zone "x" is already declared
 *   for a different use`;
 * - the same module, another size (two upstreams sharing `zone x` with 64k and 128k; two ssl_session_cache sizes):
 *   `the size 131072 of shared memory zone "x" conflicts with already declared size 65536`;
 * - a limit_req / limit_conn naming a zone of another kind (it adds the name with its own module's tag): the same
 *   "different use", at that line;
 * - limit_req_zone or limit_conn_zone twice, even with the same key and size: `limit_req_zone "x" is already bound to key
 *   "$binary_remote_addr"`.
 * Sharing is fine where nginx means it: upstreams naming one zone (`zone x 64k;` and `zone x;`), ssl_session_cache
 * shared:SSL:10m repeated in every server. Cache paths against each other are duplicate-cache-zone's; a cache zone
 * used by proxy_cache of another module is undefined-cache-zone's.
 * https://nginx.org/en/docs/http/ngx_http_limit_req_module.html#limit_req_zone
 */
export default defineNginxRule({
  id: 'shared-memory-zone-conflict',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'One shared memory zone name is declared for two purposes (limit_req_zone and limit_conn_zone both zone=one, an upstream zone named like a cache) or with two sizes: nginx refuses to start.',
  directives: DIRECTIVES,
  versions: 'all',
  check(ctx) {
    const zones: Zone[] = [];
    for (const name of DIRECTIVES) for (const node of ctx.nodes(name)) {
      const z = readZone(node);
      if (z) zones.push(z);
    }
    if (zones.length < 2) return;
    // Document order of the zone lines only: a Map of every node of a large tree cost more than the rest of the rule.
    const lines = new Set(zones.map((z) => z.node));
    const order = new Map<ConfigNode, number>();
    const all = ctx.config.all;
    for (let i = 0; i < all.length && order.size < lines.size; i++) if (lines.has(all[i])) order.set(all[i], i);
    zones.sort((a, b) => order.get(a.node)! - order.get(b.node)!);
    const declared = new Set(zones.filter((z) => !z.ref).map((z) => `${z.owner} ${z.name}`));
    const first = new Map<string, Zone>();
    // The limit_req_zone / limit_conn_zone line that bound each name to its key.
    const bound = new Map<string, Zone>();
    // The size nginx holds for a name: the first non-zero one (a size-less upstream zone takes the other's).
    const sized = new Map<string, Zone>();
    for (const z of zones) {
      const seen = first.get(z.name);
      const binds = !z.ref && (z.node.name === 'limit_req_zone' || z.node.name === 'limit_conn_zone');
      if (!seen) {
        first.set(z.name, z);
        if (z.size) sized.set(z.name, z);
        if (binds) bound.set(z.name, z);
        continue;
      }
      const sameLine = seen.node.file === z.node.file && seen.node.directive.start === z.node.directive.start;
      const at = sameLine ? z.node.via ?? z.node : z.node;
      let said: string;
      let fix: string;
      let before = seen;
      if (seen.owner !== z.owner) {
        // A limit_req / limit_conn whose own kind of zone is declared under that name too: the clash is that
        // declaration's, reported there; renaming it renames this line as well.
        if (z.ref && declared.has(`${z.owner} ${z.name}`)) continue;
        // Two caches: duplicate-cache-zone says it, with the path check nginx makes first.
        if (isCache(seen) && isCache(z)) continue;
        said = `the shared memory zone "${z.name}" is already declared for a different use (${seen.ref ? `named by ${seen.label}, for a ${seen.node.name}_zone,` : seen.label} at ${where(seen.node)})`;
        fix = z.ref
          ? `${z.node.name} needs a zone declared by ${z.node.name}_zone: name one, or declare one for it`
          : `a zone belongs to one purpose: rename this one, and the lines that refer to it`;
      } else {
        const bigger = sized.get(z.name);
        if (z.size && bigger && bigger.size !== z.size) {
          said = `the size ${z.size} of shared memory zone "${z.name}" conflicts with already declared size ${bigger.size} (at ${where(bigger.node)})`;
          fix = `give both lines the same size, or write the size on one line only${z.node.name === 'zone' ? ' (an upstream may say just "zone name;" to share another\'s zone)' : ''}`;
          before = bigger;
        } else if (binds && bound.has(z.name)) {
          before = bound.get(z.name)!;
          said = `${z.node.name} "${z.name}" is already bound to key "${before.key ?? ''}" (at ${where(before.node)})`;
          fix = sameLine ? 'the file is included twice: include it once' : `keep one ${z.node.name} line for the zone, or give this one another name`;
        } else {
          if (z.size && !sized.has(z.name)) sized.set(z.name, z);
          if (binds) bound.set(z.name, z);
          continue;
        }
      }
      ctx.report({
        node: at,
        message: `nginx will not start: ${said}; ${fix}`,
        related: [related(before.node, before.ref ? `zone "${z.name}" is first named here, by ${before.label}` : `zone "${z.name}" is declared here first`)],
      });
    }
  },
});

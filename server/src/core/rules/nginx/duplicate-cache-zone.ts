import type { RelatedLocation } from '../../finding';
import type { ConfigNode } from '../../model/nginx-tree';
import { TEMPLATE_MARKUP } from '../../model/template-markup';
import { parseNginxSize } from '../../model/units';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { wholeConfiguration } from './whole-config';

const PATH_DIRECTIVES = ['proxy_cache_path', 'fastcgi_cache_path', 'uwsgi_cache_path', 'scgi_cache_path'];
const TEMP_DIRECTIVES = ['client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path'];

const where = (n: ConfigNode) => `${n.file.path.split('/').slice(-1)[0]}:${n.file.lines.positionAt(n.directive.start).line + 1}`;
const related = (n: ConfigNode, message: string): RelatedLocation => ({ path: n.file.path, start: n.directive.start, end: n.directive.end, message });
const written = (text: string) => text.includes('$') || TEMPLATE_MARKUP.test(text);

interface CachePath {
  node: ConfigNode;
  path: string;
  /** What nginx compares: see pathKey. */
  key: string;
  zone?: string;
  /** The zone's size in bytes; null when it cannot be read (nginx stops on that first, with another message). */
  size: number | null;
}

/**
 * The directory as nginx compares it (nginx 1.22.1, [lab]): it drops one trailing "/" from the length and, for a relative
 * path, then copies the path behind the prefix, so `a` and `a/` are one directory. An absolute path keeps its text,
 * and nginx's comparison of the whole text still sees the "/": `/a` and `/a/` pass as two. Relative paths are keyed
 * apart from absolute ones, as the prefix nginx puts in front is not known here.
 */
function pathKey(path: string): string {
  if (path.startsWith('/')) return path;
  return 'relative:' + (path.endsWith('/') ? path.slice(0, -1) : path);
}

function read(node: ConfigNode): CachePath | undefined {
  const args = node.directive.args;
  // A path or zone nginx would not read as written (a variable, template markup) tells nothing about collisions.
  if (!args.length || args.some((a) => written(a.raw))) return undefined;
  const out: CachePath = { node, path: args[0].value, key: pathKey(args[0].value), zone: undefined, size: null };
  const keys = args.find((a) => a.value.startsWith('keys_zone='));
  if (keys) {
    const v = keys.value.slice('keys_zone='.length);
    const colon = v.indexOf(':');
    out.zone = colon < 0 ? v : v.slice(0, colon);
    out.size = colon < 0 ? null : parseNginxSize(v.slice(colon + 1));
  }
  return out;
}

/**
 * Two *_cache_path lines that declare the same cache: the same directory, or the same keys_zone name. nginx 1.22.1
 * stops at the second line [lab]:
 * - same directory (whatever the modules): `the same path name "/var/cache/nginx" used in a.conf:3 and in b.conf:7` —
 *   nginx checks this first, so a line that repeats both path and zone gets this message;
 * - same zone, same module and size: `duplicate zone "z"`; with another size: `the size 20971520 of shared memory zone
 *   "z" conflicts with already declared size 10485760`; in another module's *_cache_path: `the shared memory zone "z"
 *   is already declared for a different use`.
 * Paths are compared as nginx compares them (see pathKey). Zones shared with other kinds (limit_req_zone, upstream zone) are not looked at.
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_cache_path
 */
export default defineNginxRule({
  id: 'duplicate-cache-zone',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'Two *_cache_path lines use the same keys_zone name or the same directory (often copied between sites), or a *_temp_path is a cache\'s directory: nginx refuses to start.',
  directives: [...PATH_DIRECTIVES, ...TEMP_DIRECTIVES],
  versions: 'all',
  check(ctx) {
    const lines: CachePath[] = [];
    for (const name of PATH_DIRECTIVES) {
      for (const node of ctx.nodes(name)) {
        // Only where nginx accepts the line (http level); elsewhere it stops with "not allowed here" first.
        if (node.context !== 'http') continue;
        const c = read(node);
        if (c) lines.push(c);
      }
    }
    if (!lines.length) return;
    tempPaths(ctx, lines);
    packagedTempPaths(ctx, lines);
    if (lines.length < 2) return;
    // In the order of the configuration. Positions are found in one pass: indexOf in the comparison searched the
    // whole configuration twice per comparison (k log k times for k cache lines).
    const wanted = new Set(lines.map((c) => c.node));
    const position = new Map<ConfigNode, number>();
    const all = ctx.config.all;
    for (let k = 0; k < all.length && position.size < wanted.size; k++) if (wanted.has(all[k])) position.set(all[k], k);
    lines.sort((a, b) => position.get(a.node)! - position.get(b.node)!);
    const byPath = new Map<string, CachePath>();
    const byZone = new Map<string, CachePath>();
    for (const c of lines) {
      const samePath = byPath.get(c.key);
      const sameZone = c.zone !== undefined ? byZone.get(c.zone) : undefined;
      if (!samePath) byPath.set(c.key, c);
      if (c.zone !== undefined && !sameZone) byZone.set(c.zone, c);
      // The same line twice (one file included twice): nginx names the line; the second include is what to change.
      const first = samePath ?? sameZone;
      const at = first && first.node.file === c.node.file && first.node.directive.start === c.node.directive.start ? c.node.via ?? c.node : c.node;
      if (samePath) {
        ctx.report({
          node: at,
          message: `nginx will not start: the same path name "${c.path.length > 1 && c.path.endsWith('/') ? c.path.slice(0, -1) : c.path}" used in ${where(samePath.node)} and here — two caches cannot share a directory; give this one a directory of its own`,
          related: [related(samePath.node, `"${c.path}" is used here first`)],
        });
        continue;
      }
      // A zone without a size nginx can read stops it at that line first ("invalid zone size"), with other words.
      if (!sameZone || sameZone.size === null || c.size === null) continue;
      const zone = c.zone!;
      const said =
        sameZone.node.name !== c.node.name
          ? `the shared memory zone "${zone}" is already declared for a different use (by ${sameZone.node.name} at ${where(sameZone.node)})`
          : sameZone.size !== null && c.size !== null && sameZone.size !== c.size
            ? `the size ${c.size} of shared memory zone "${zone}" conflicts with already declared size ${sameZone.size} (at ${where(sameZone.node)})`
            : `duplicate zone "${zone}" (already declared at ${where(sameZone.node)})`;
      ctx.report({
        node: at,
        message: `nginx will not start: ${said} — each cache needs a keys_zone name of its own; rename this one and the ${c.node.name.replace('_path', '')} lines that use it`,
        related: [related(sameZone.node, `keys_zone=${zone} is declared here first`)],
      });
    }
  },
});

/**
 * A *_temp_path (client_body_, proxy_, fastcgi_, uwsgi_, scgi_) naming a cache's directory [lab, nginx 1.22.1]: nginx
 * keeps one list of the directories it manages, and a temp directory and a cache are different users of one, so it
 * stops with `the same path name "/var/cache/nginx/app" used in nginx.conf:3 and in nginx.conf:4`, naming the two
 * lines in the order of the file, whatever the level of the temp path (http, server, location). A temp directory
 * inside the cache's directory passes nginx -t, and so do two temp paths sharing a directory with the same levels.
 * The build's default temp paths (--http-proxy-temp-path, /var/lib/nginx/proxy on Debian) are not known here.
 */
function tempPaths(ctx: NginxRuleContext, caches: CachePath[]): void {
  const byKey = new Map<string, CachePath>();
  for (const c of caches) if (!byKey.has(c.key)) byKey.set(c.key, c);
  const order = (n: ConfigNode) => ctx.config.all.indexOf(n);
  for (const name of TEMP_DIRECTIVES) {
    for (const node of ctx.nodes(name)) {
      const arg = node.directive.args[0];
      if (!arg || written(arg.raw) || node.context.startsWith('stream')) continue;
      const cache = byKey.get(pathKey(arg.value));
      if (!cache) continue;
      const [first, second] = order(cache.node) < order(node) ? [cache.node, node] : [node, cache.node];
      const path = arg.value.length > 1 && arg.value.endsWith('/') ? arg.value.slice(0, -1) : arg.value;
      ctx.report({
        node: second,
        message: `nginx will not start: the same path name "${path}" used in ${where(first)} and here — ${node.name} names the directory of the cache of ${cache.node.name} (keys_zone=${cache.zone ?? '?'}); give the temporary files a directory of their own, beside the cache's on the same file system (a response then enters the cache by a rename, not a copy)`,
        related: [related(first, second === node ? `the cache's directory "${cache.path}"` : `${node.name} "${arg.value}"`)],
      });
    }
  }
}

/** The temp directories Debian and Ubuntu compile into their nginx packages (`nginx -V`: --http-proxy-temp-path=…). */
const DEBIAN_TEMP_PATHS: Record<string, string> = {
  '/var/lib/nginx/body': 'client_body_temp_path',
  '/var/lib/nginx/proxy': 'proxy_temp_path',
  '/var/lib/nginx/fastcgi': 'fastcgi_temp_path',
  '/var/lib/nginx/uwsgi': 'uwsgi_temp_path',
  '/var/lib/nginx/scgi': 'scgi_temp_path',
};

/**
 * A cache in one of the temp directories Debian and Ubuntu build into nginx, with that temp path set nowhere: the
 * compiled-in default is then in force, and nginx (1.22.1, Debian 12 [lab]) stops as it does for a temp path written
 * in the file: `the same path name "/var/lib/nginx/proxy" used in nginx.conf:4 and in nginx.conf:9`. Other builds keep
 * their temp files elsewhere (nginx.org's packages under /var/cache/nginx/*_temp), where the same line starts, so the
 * finding is a warning that names the build. Only a whole configuration: a fragment's nginx.conf may set the temp
 * path. The path must match exactly; nginx does not take "/var/lib/nginx/proxy/" for the same directory.
 */
function packagedTempPaths(ctx: NginxRuleContext, caches: CachePath[]): void {
  if (!wholeConfiguration(ctx)) return;
  for (const c of caches) {
    const temp = DEBIAN_TEMP_PATHS[c.key];
    if (!temp || ctx.nodes(temp).length) continue;
    ctx.report({
      node: c.node,
      severity: 'warning',
      message: `nginx as Debian and Ubuntu package it will not start: its compiled-in ${temp} is "${c.path}" (nginx -V: --http-${temp.replace('_path', '').replace(/_/g, '-')}-path), and nginx stops with "the same path name "${c.path}" used in …"; give the cache a directory of its own (/var/cache/nginx/${c.zone ?? 'cache'}), or set ${temp} to another directory in http {}`,
    });
  }
}

import { effective, flagsInForce, lineWithFlag } from '../model/nginx-effective';
import type { NginxTarget } from '../model/nginx-defaults';
import type { ConfigNode, NginxConfig } from '../model/nginx-tree';
import { parseNginxTime } from '../model/units';

/**
 * What the cache in force where nginx handled a request does to a failure that explain would otherwise give as the
 * client's status. Both were seen on nginx 1.22.1 (test/servers/explain-nginx-cache.test.ts):
 * - `*_cache_use_stale error …` with an expired copy in the cache: the last try failed, the error line is logged,
 *   and the client got the stale copy (200 in the access log), not 502 (ngx_http_upstream_next serves it when the
 *   cached entry is expired and use_stale lists the failure's kind);
 * - `*_cache_valid 502 …` (or `any`): the 502 nginx made is stored under the request's key
 *   (ngx_http_upstream_finalize_request sets r->cache->error) and answered from the cache until it expires, with no
 *   request to the backend and no new error-log line.
 * A request is looked up in the cache only when its method is one of *_cache_methods (GET and HEAD by default).
 */
export interface CacheTurn {
  /** The *_cache_use_stale directive that lists the failure's kind (its word: error, timeout, invalid_header). */
  stale?: { node: ConfigNode; word: string };
  /** The *_cache_valid line that gives the status nginx made a time (not 0). */
  keepsError?: { node: ConfigNode; status: string; time: string };
}

/** The families with a cache (grpc_pass has none, and the stream module neither). */
const CACHING = new Set(['proxy', 'fastcgi', 'uwsgi', 'scgi']);
/** Without status codes *_cache_valid covers these. */
const IMPLICIT = ['200', '301', '302'];

/**
 * The cache's turn for a failure of kind `word` (a *_next_upstream word, undefined when the failure has none) that
 * made `status`, for a request by `method`, handled at `scope`. Undefined when no cache is in force there or it
 * changes nothing.
 */
export function cacheTurn(config: NginxConfig, scope: ConfigNode, family: string, method: string | undefined, word: string | undefined, status: string | undefined, target: NginxTarget): CacheTurn | undefined {
  if (!CACHING.has(family) || scope.context === 'stream') return undefined;
  const cache = effective(config, scope, `${family}_cache`, target).nodes;
  if (cache.length === 0 || cache[cache.length - 1].directive.args[0]?.value === 'off') return undefined;
  if (method) {
    const methods = effective(config, scope, `${family}_cache_methods`, target).nodes.flatMap((n) => n.directive.args.map((a) => a.value.toUpperCase()));
    if (!['GET', 'HEAD', ...methods].includes(method.toUpperCase())) return undefined;
  }
  const turn: CacheTurn = {};
  // All lines of the deciding level together, "off" on any winning (flagsInForce); the turn names the line with the word.
  const stale = effective(config, scope, `${family}_cache_use_stale`, target);
  const staleNode = word && flagsInForce(stale).includes(word) ? lineWithFlag(stale, word) : undefined;
  if (word && staleNode) turn.stale = { node: staleNode, word };
  if (status === '502' || status === '504') {
    // nginx walks the lines in order; the first that names the status, or "any", decides (ngx_http_file_cache_valid).
    for (const node of effective(config, scope, `${family}_cache_valid`, target).nodes) {
      const args = node.directive.args.map((a) => a.value);
      const time = args[args.length - 1];
      const codes = args.length > 1 ? args.slice(0, -1).map((c) => c.toLowerCase()) : IMPLICIT;
      if (!codes.includes(status) && !codes.includes('any')) continue;
      // ngx_http_file_cache_valid_set_slot reads the time in seconds ("1y" is a time there, "500ms" is not).
      const ms = parseNginxTime(time, 'sec');
      if (ms !== null && ms > 0) turn.keepsError = { node, status, time };
      break;
    }
  }
  return turn.stale || turn.keepsError ? turn : undefined;
}

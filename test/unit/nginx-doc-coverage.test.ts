// Every directive of nginx's http upstream modules (proxy, fastcgi, uwsgi, scgi, grpc, memcached, upstream), as the
// official reference lists them, has a proxylint hover doc (how it leads to a 502/504, the log line, the default) or
// stands below with the reason it has no 502/504 path. A directive nginx adds to these modules fails this test until
// it gets one or the other, so the hover never falls back to nginx.org's text for a setting that can cause a 502/504.
// The stream module's proxy_* directives are another table (nginx-stream.ts) and are not checked here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nginxDirectiveDoc } from '../../server/src/core/docs/directive-doc';
import reference from '../../server/src/core/model/nginx-directives.json';

const REF = reference as unknown as Record<string, { modules: string[] }>;
const MODULES = ['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc', 'memcached', 'upstream'];
const HTTP_PASSERS = ['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc', 'memcached'];

/** `<module>_<suffix>` for every module that has it (the reference decides), so a list cannot name what does not exist. */
function each(suffixes: string[], modules = HTTP_PASSERS): string[] {
  return modules.flatMap((m) => suffixes.map((s) => `${m}_${s}`)).filter((n) => n in REF);
}

/** Directives with no 502/504 path of their own, by reason. */
const NO_GATEWAY_ERROR: Record<string, string[]> = {
  // What is cached, under which key, when, and how concurrent misses wait. Whether a 502/504 is stored or served from
  // the cache is decided by *_cache_valid and *_cache_use_stale, which have docs.
  caching: each([
    'cache', 'cache_background_update', 'cache_bypass', 'cache_convert_head', 'cache_key', 'cache_lock', 'cache_lock_age', 'cache_lock_timeout',
    'cache_max_range_offset', 'cache_methods', 'cache_min_uses', 'cache_path', 'cache_purge', 'cache_revalidate', 'no_cache',
  ]),
  // Saving responses as files, and where buffered bodies spill to disk.
  'files on disk': each(['store', 'store_access', 'temp_path', 'temp_file_write_size']),
  // Which headers, cookies, redirects and trailers pass, and how they are rewritten: the response is the backend's either
  // way. *_headers_hash_* can only stop start-up (a hash too small to build).
  'response headers': each([
    'hide_header', 'pass_header', 'ignore_headers', 'redirect', 'cookie_domain', 'cookie_flags', 'cookie_path', 'headers_hash_bucket_size',
    'headers_hash_max_size', 'pass_trailers', 'force_ranges',
  ]),
  // What the request tells the application (method, body, CGI parameters, script name): its answers are its own, not
  // gateway errors.
  'request content': each(['method', 'set_body', 'param', 'index', 'split_path_info']),
  // Socket buffer sizes, the low-water mark and the client-side rate limit: throughput, not failures.
  'socket tuning': each(['send_lowat', 'socket_rcvbuf', 'socket_sndbuf', 'limit_rate']),
  // NGINX Plus features whose nginx.org pages describe no 502/504 (the open-source nginx here does not have them, so
  // nothing could be tried): a bind or request made per attempt, a TLS key log, NTLM connection binding, the group's
  // state file, session affinity, and the least_time method (open source since 1.31.0).
  'NGINX Plus, no gateway error described': [...each(['bind_dynamic', 'request_dynamic', 'ssl_key_log']), 'ntlm', 'state', 'sticky', 'least_time'],
};

/**
 * Directives that may lead to a 502/504 but have no doc yet, because neither the nginx docs nor this machine can say how:
 * *_allow_upstream (NGINX Plus) refuses servers before connecting, and its page does not say which status a request gets
 * when every server is refused; uwsgi_modifier1/2 are passed to the uWSGI server as they are, and what a server does with a
 * modifier it has no plugin for is the server's business (no uWSGI in the lab to try it).
 */
const NOT_YET_DOCUMENTED = [...each(['allow_upstream']), 'uwsgi_modifier1', 'uwsgi_modifier2'];

function upstreamModuleDirectives(): string[] {
  return Object.entries(REF)
    .filter(([, e]) => e.modules.some((m) => MODULES.some((x) => m === `ngx_http_${x}_module`)))
    .map(([name]) => name)
    .sort();
}

/** The doc a hover shows for the http meaning: directives of the upstream module are looked up inside `upstream {}`. */
function docFor(name: string) {
  const inUpstream = REF[name].modules.includes('ngx_http_upstream_module');
  return nginxDirectiveDoc(name, inUpstream ? 'upstream' : 'location');
}

test('every directive of the http upstream modules has a proxylint doc or a stated reason for having none', () => {
  const listed = new Map<string, string>();
  for (const [reason, names] of Object.entries(NO_GATEWAY_ERROR)) for (const n of names) listed.set(n, reason);
  for (const n of NOT_YET_DOCUMENTED) listed.set(n, 'not yet documented');
  const all = upstreamModuleDirectives();
  assert.ok(all.length > 300, `only ${all.length} directives found in the reference`);
  const missing = all.filter((n) => !docFor(n) && !listed.has(n));
  assert.deepEqual(missing, [], 'no hover doc and no reason given: write a doc (server/src/core/docs/) or say why there is no 502/504 path');
  const both = all.filter((n) => docFor(n) && listed.has(n));
  assert.deepEqual(both, [], 'documented and listed as having no doc: take it off the list');
  const stale = [...listed.keys()].filter((n) => !all.includes(n));
  assert.deepEqual(stale, [], 'listed but not a directive of these modules');
  const documented = all.filter((n) => docFor(n)).length;
  assert.ok(documented >= 160, `only ${documented} documented`);
});

test('the upstream-module docs link the directive\'s own nginx.org page', () => {
  for (const name of upstreamModuleDirectives()) {
    const doc = docFor(name);
    if (!doc) continue;
    const modules = REF[name].modules.filter((m) => m.startsWith('ngx_http_'));
    const page = doc.url.replace(/^https:\/\/nginx\.org\/en\/docs\/http\/(ngx_http_\w+?)\.html#.*$/, '$1');
    assert.ok(modules.includes(page), `${name}: ${doc.url} is not a page of ${modules.join(', ')}`);
    assert.ok(doc.url.endsWith(`#${name}`), `${name}: ${doc.url}`);
  }
});

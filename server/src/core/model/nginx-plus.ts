import { DIRECTIVE_VERSIONS, parameterMissingInVersion, versionScope } from './nginx-directive-versions';
import type { Version } from './version';

/** Older than any release: every entry of the version table is missing there. */
const OLDEST: Version = [0, 0, 0];

/**
 * Directives and upstream server parameters of the commercial NGINX Plus that open source nginx does not have (or had
 * not before a release). Open source nginx stops at them: `[emerg] unknown directive "api"`, `[emerg] invalid
 * parameter "slow_start=30s"` [lab, nginx 1.22.1; test/servers/plus-only.test.ts runs every entry through it].
 *
 * The names come from the nginx.org reference: the pages of the modules that say "This module is available as part
 * of our commercial subscription", and the directives and parameters that say so on a page of an open source module
 * (@nginx/reference-lib 1.1.41 carries the same text). The health-check modules' health_check, match and
 * health_check_timeout are not here: health-check-requires-plus has reported them since before this table.
 *
 * Those that became open source in a release (sticky and the route= and drain parameters in 1.29.6, least_time in
 * 1.31.0, service= in 1.27.3: "Prior to version …, this directive was available only as part of our commercial
 * subscription") are in the version table (model/nginx-directive-versions.ts) with `plusBefore`, not here.
 */

export interface PlusDirective {
  name: string;
  /**
   * Where it is this directive (our context names): any block of its module's part of nginx. Open source nginx says
   * "unknown directive" wherever the name stands, so the blocks only keep out words of the same spelling inside blocks
   * that are no http or stream context (`status 200;` in a `match` block, the rtmp module's `hls`).
   */
  where: readonly string[];
  /** The directive's reference page. */
  url: string;
}

const HTTP: readonly string[] = ['http', 'server', 'location', 'if-location', 'if-server', 'limit_except', 'upstream'];
const STREAM: readonly string[] = ['stream', 'stream-server', 'stream-upstream'];
const http = (module: string, names: string[]): PlusDirective[] =>
  names.map((name) => ({ name, where: HTTP, url: `https://nginx.org/en/docs/http/ngx_http_${module}_module.html#${name}` }));
const stream = (module: string, names: string[]): PlusDirective[] =>
  names.map((name) => ({ name, where: STREAM, url: `https://nginx.org/en/docs/stream/ngx_stream_${module}_module.html#${name}` }));

export const PLUS_DIRECTIVES: readonly PlusDirective[] = [
  // ngx_http_upstream_module and ngx_stream_upstream_module: "This directive is available as part of our commercial
  // subscription." sticky_cookie_insert is the pre-1.5.7 spelling of "sticky cookie", still on the page as obsolete.
  ...http('upstream', ['queue', 'ntlm', 'state', 'sticky_cookie_insert']),
  ...stream('upstream', ['state']),
  // ngx_http_api_module (status_zone in http and in a stream server), and the modules it superseded:
  // ngx_http_status_module and ngx_http_upstream_conf_module (Plus until 1.13.10).
  ...http('api', ['api', 'status_zone']),
  ...stream('core', ['status_zone']).map((e) => ({ ...e, url: 'https://nginx.org/en/docs/http/ngx_http_api_module.html#status_zone' })),
  ...http('status', ['status', 'status_format']),
  ...http('upstream_conf', ['upstream_conf']),
  ...http('keyval', ['keyval', 'keyval_zone']),
  ...stream('keyval', ['keyval', 'keyval_zone']),
  ...stream('zone_sync', [
    'zone_sync', 'zone_sync_buffers', 'zone_sync_connect_retry_interval', 'zone_sync_connect_timeout', 'zone_sync_interval',
    'zone_sync_recv_buffer_size', 'zone_sync_server', 'zone_sync_ssl', 'zone_sync_ssl_certificate', 'zone_sync_ssl_certificate_key',
    'zone_sync_ssl_ciphers', 'zone_sync_ssl_conf_command', 'zone_sync_ssl_crl', 'zone_sync_ssl_name', 'zone_sync_ssl_password_file',
    'zone_sync_ssl_protocols', 'zone_sync_ssl_server_name', 'zone_sync_ssl_trusted_certificate', 'zone_sync_ssl_verify',
    'zone_sync_ssl_verify_depth', 'zone_sync_timeout',
  ]),
  ...http('auth_jwt', [
    'auth_jwt', 'auth_jwt_claim_set', 'auth_jwt_header_set', 'auth_jwt_key_cache', 'auth_jwt_key_file', 'auth_jwt_key_request',
    'auth_jwt_leeway', 'auth_jwt_require', 'auth_jwt_type',
  ]),
  ...http('session_log', ['session_log', 'session_log_format', 'session_log_zone']),
  ...http('internal_redirect', ['internal_redirect']),
  ...http('f4f', ['f4f', 'f4f_buffer_size']),
  ...http('hls', ['hls', 'hls_buffers', 'hls_forward_args', 'hls_fragment', 'hls_mp4_buffer_size', 'hls_mp4_max_buffer_size']),
  // Commercial directives of open source modules: the mp4 module's rate limit, the cache purge of the proxy family, the
  // stream proxy's session drop.
  ...http('mp4', ['mp4_limit_rate', 'mp4_limit_rate_after']),
  ...http('proxy', ['proxy_cache_purge']),
  ...http('fastcgi', ['fastcgi_cache_purge']),
  ...http('scgi', ['scgi_cache_purge']),
  ...http('uwsgi', ['uwsgi_cache_purge']),
  ...stream('proxy', ['proxy_session_drop']),
  ...stream('mqtt_preread', ['mqtt_preread']),
  ...stream('mqtt_filter', ['mqtt', 'mqtt_buffers', 'mqtt_rewrite_buffer_size', 'mqtt_set_connect']),
  // Newer directives of open source modules whose reference entry says "This directive is available as part of our
  // commercial subscription" (@nginx/reference-lib 1.1.41): *_allow_upstream and the `denied` retry they feed,
  // per-try binding and request building, TLS key logs, error_log_tag, and the event loop's stall report.
  ...http('core', ['error_log_tag']),
  ...http('proxy', ['proxy_allow_upstream', 'proxy_bind_dynamic', 'proxy_request_dynamic', 'proxy_ssl_key_log']),
  ...http('fastcgi', ['fastcgi_allow_upstream', 'fastcgi_bind_dynamic', 'fastcgi_request_dynamic']),
  ...http('grpc', ['grpc_allow_upstream', 'grpc_bind_dynamic', 'grpc_request_dynamic', 'grpc_ssl_key_log']),
  ...http('memcached', ['memcached_allow_upstream', 'memcached_bind_dynamic']),
  ...http('scgi', ['scgi_allow_upstream', 'scgi_bind_dynamic', 'scgi_request_dynamic']),
  ...http('uwsgi', ['uwsgi_allow_upstream', 'uwsgi_bind_dynamic', 'uwsgi_request_dynamic', 'uwsgi_ssl_key_log']),
  ...http('tunnel', ['tunnel_allow_upstream', 'tunnel_bind_dynamic']),
  ...http('ssl', ['ssl_key_log']),
  ...stream('ssl', ['ssl_key_log']),
  ...stream('proxy', ['proxy_bind_dynamic', 'proxy_ssl_key_log']),
  { name: 'stall_threshold', where: ['events'], url: 'https://nginx.org/en/docs/ngx_core_module.html#stall_threshold' },
];

const byName = new Map<string, PlusDirective[]>();
for (const e of PLUS_DIRECTIVES) byName.set(e.name, [...(byName.get(e.name) ?? []), e]);

/** The NGINX Plus directive `name` written in `context`, when it is one there. */
export function plusDirective(name: string, context: string): PlusDirective | undefined {
  const list = byName.get(name);
  if (!list) return undefined;
  for (const e of list) if (e.where.includes(context)) return e;
  return undefined;
}

/**
 * The NGINX Plus directive `name` of the other part of nginx than `context`'s: a stream directive (zone_sync, mqtt) in
 * an http block, or an http one in a stream block. Where `context` is neither (a map, an rtmp block), undefined.
 */
export function plusDirectiveOfOtherPart(name: string, context: string): (PlusDirective & { part: 'http' | 'stream' }) | undefined {
  const list = byName.get(name);
  if (!list || !(HTTP.includes(context) || STREAM.includes(context)) || list.some((e) => e.where.includes(context))) return undefined;
  return { ...list[0], part: list[0].where === STREAM ? 'stream' : 'http' };
}

/** Whether `name` is an NGINX Plus directive anywhere (for the hover's note). */
export function isPlusDirectiveName(name: string): boolean {
  return byName.has(name);
}

export interface PlusParameter {
  /** As written: a name ending in "=" matches any value. */
  param: string;
  /** http's `upstream` or stream's `stream-upstream`. */
  where: readonly string[];
  url: string;
}

/**
 * Parameters of an upstream's `server` lines that only NGINX Plus has at any version: slow_start= (both modules: "the
 * following parameters are available as part of our commercial subscription"). route= and drain (http) and service=
 * (both) came to open source in a release: the version table has them.
 */
export const PLUS_SERVER_PARAMETERS: readonly PlusParameter[] = [
  { param: 'slow_start=', where: ['upstream'], url: 'https://nginx.org/en/docs/http/ngx_http_upstream_module.html#slow_start' },
  { param: 'slow_start=', where: ['stream-upstream'], url: 'https://nginx.org/en/docs/stream/ngx_stream_upstream_module.html#slow_start' },
];

/** The Plus-only server parameter `arg` in an upstream of `context`, when it is one. */
export function plusServerParameter(arg: string, context: string): PlusParameter | undefined {
  for (const p of PLUS_SERVER_PARAMETERS) if (p.where.includes(context) && (p.param.endsWith('=') ? arg.startsWith(p.param) : arg === p.param)) return p;
  return undefined;
}

/** A parameter (or value) that only NGINX Plus takes in a directive open source nginx has. */
export interface PlusDirectiveParameter {
  directive: string;
  /** Our context names where the directive stands. */
  where: readonly string[];
  /** Whether the argument at `index` (0 = the first) of a line of the directive is this parameter. */
  is(arg: string, index: number, count: number): boolean;
  /** What open source nginx 1.22.1 -t says of it (test/servers/plus-only.test.ts checks each). */
  says(arg: string): string;
  /** A value rather than a parameter: the line has no meaning without it, so it is not offered for removal. */
  value?: true;
  url: string;
  /** A line with it, as the server test writes it. */
  example: string;
}

const CACHE_PATHS = ['proxy', 'fastcgi', 'scgi', 'uwsgi'];
const RESOLVER_IN = ['http', 'server', 'location', 'upstream', 'stream', 'stream-server', 'stream-upstream'];

/**
 * From the nginx.org reference: "The sync parameter is available as part of our commercial subscription"
 * (limit_req_zone), the cache paths' "following parameters are available as part of our commercial subscription"
 * (purger=, purger_files=, purger_sleep=, purger_threshold=), resolver's status_zone= ("The parameter is available as
 * part of our commercial subscription"), error_log's json, and server_tokens' string ("as part of our commercial
 * subscription … can be set explicitly using the string"). What open source nginx says differs by directive: it reads
 * the word as the next thing it expects (an extra argument, a host name to resolve, a log level).
 */
export const PLUS_DIRECTIVE_PARAMETERS: readonly PlusDirectiveParameter[] = [
  {
    directive: 'limit_req_zone',
    where: ['http'],
    is: (a, k) => k > 0 && a === 'sync',
    says: () => 'invalid number of arguments in "limit_req_zone" directive',
    url: 'https://nginx.org/en/docs/http/ngx_http_limit_req_module.html#limit_req_zone',
    example: 'limit_req_zone $binary_remote_addr zone=one:10m rate=1r/s sync;',
  },
  ...CACHE_PATHS.flatMap((m) =>
    ['purger=', 'purger_files=', 'purger_sleep=', 'purger_threshold='].map((param) => ({
      directive: `${m}_cache_path`,
      where: ['http'],
      is: (a: string, k: number) => k > 0 && a.startsWith(param),
      says: (a: string) => `invalid parameter "${a}"`,
      url: `https://nginx.org/en/docs/http/ngx_http_${m}_module.html#${m}_cache_path`,
      example: `${m}_cache_path /tmp/proxylint-plus-${m} keys_zone=${m}:1m ${param}${param === 'purger=' ? 'on' : param === 'purger_sleep=' || param === 'purger_threshold=' ? '50ms' : '10'};`,
    })),
  ),
  {
    directive: 'resolver',
    where: RESOLVER_IN,
    is: (a, k) => k > 0 && a.startsWith('status_zone='),
    says: (a) => `host not found in resolver "${a}"`,
    url: 'https://nginx.org/en/docs/http/ngx_http_core_module.html#resolver',
    example: 'resolver 127.0.0.1 status_zone=dns;',
  },
  {
    directive: 'error_log',
    where: ['main', 'http', 'server', 'location', 'stream', 'stream-server'],
    is: (a, k, n) => k > 0 && k === n - 1 && a === 'json',
    says: (a) => `invalid log level "${a}"`,
    url: 'https://nginx.org/en/docs/ngx_core_module.html#error_log',
    example: 'error_log /tmp/proxylint-plus-error.log warn json;',
  },
  {
    directive: 'server_tokens',
    where: ['http', 'server', 'location'],
    // Open source nginx reads the value as an enum with ngx_strcasecmp: "On" and "BUILD" pass nginx -t (1.22.1).
    is: (a, k, n) => k === 0 && n === 1 && !['on', 'off', 'build'].includes(a.toLowerCase()),
    says: (a) => `invalid value "${a}"`,
    value: true,
    url: 'https://nginx.org/en/docs/http/ngx_http_core_module.html#server_tokens',
    example: 'server_tokens MyServer;',
  },
];

/**
 * Whether an upstream server parameter is one plus-only-directive judges: NGINX Plus only at every version, or only
 * before the release the version table gives (service=, route=, drain). invalid-server-parameter leaves these alone.
 */
export function plusOwnedServerParameter(arg: string, context: string): boolean {
  if (plusServerParameter(arg, context)) return true;
  const p = parameterMissingInVersion('server', arg, context, OLDEST);
  return !!p?.plusBefore;
}

/**
 * What a hover says of an NGINX Plus directive: whether open source nginx has it (at all, or from a release on). The
 * reference's own text says "commercial subscription" on the module's page, not on every directive's, so a hover on
 * `api` or `keyval` would not tell.
 */
export function plusNote(name: string, context?: string): string | undefined {
  const e = context === undefined ? byName.get(name)?.[0] : plusDirective(name, context);
  if (e) return `**NGINX Plus only:** open source nginx does not have \`${name}\` and refuses to start with \`unknown directive "${name}"\` (plus-only-directive; set \`nginx.edition\` to \`"plus"\` if this configuration runs on NGINX Plus).`;
  const later = DIRECTIVE_VERSIONS.find((v) => v.plusBefore && v.name === name && (context === undefined || v.where.includes(versionScope(context) ?? ('' as never))));
  if (later) return `**NGINX Plus only before nginx ${later.since}:** older open source nginx refuses to start with \`unknown directive "${name}"\` (plus-only-directive, judged against \`nginx.version\`).`;
  return undefined;
}

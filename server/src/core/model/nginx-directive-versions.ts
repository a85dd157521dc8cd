import { atLeast, type Version } from './version';

/**
 * The part of nginx a context belongs to, as far as the version a directive appeared in goes: a name can be old in one
 * part and new in another (keepalive_timeout has been an http directive for ever, but inside `upstream {}` only since
 * 1.15.3, and nginx then says the line "is not allowed here").
 */
export type VersionScope = 'http' | 'upstream' | 'stream' | 'stream-upstream' | 'mail';

export interface DirectiveVersion {
  name: string;
  /** The parts of nginx the entry is about. */
  where: readonly VersionScope[];
  /** First release with the directive there ("This directive appeared in version …" on its reference page). */
  since?: string;
  /** First release without it: nginx stops with `unknown directive` from then on. */
  removed?: string;
  /** The directive's reference page. */
  url: string;
  /**
   * The name is older elsewhere (http's keepalive_timeout, before the upstream block had its own): nginx then says the
   * line "is not allowed here" rather than that the directive is unknown.
   */
  olderElsewhere?: true;
  /**
   * Before `since` only NGINX Plus had it: plus-only-directive reports it (it weighs the edition too), not
   * directive-not-in-target-version.
   */
  plusBefore?: true;
}

const page = (module: string, name: string) => `https://nginx.org/en/docs/http/ngx_http_${module}_module.html#${name}`;
const http = (module: string, since: string, names: string[]): DirectiveVersion[] => names.map((name) => ({ name, where: ['http'], since, url: page(module, name) }));
const streamPage = (module: string, name: string) => `https://nginx.org/en/docs/stream/ngx_stream_${module}_module.html#${name}`;
/** Stream directives; `olderElsewhere` for the names http has had for longer, which nginx then says are "not allowed here". */
const stream = (module: string, since: string, names: string[], olderElsewhere?: true): DirectiveVersion[] =>
  names.map((name) => ({ name, where: ['stream'], since, url: streamPage(module, name), ...(olderElsewhere ? { olderElsewhere } : {}) }));
const family = (modules: string[], since: string, suffix: string): DirectiveVersion[] => modules.map((m) => ({ name: `${m}_${suffix}`, where: ['http'], since, url: page(m, `${m}_${suffix}`) }));

/**
 * Only versions a source states are here; a directive whose version could not be sourced is left out, and the rule
 * says nothing about it. test/servers/directive-versions.test.ts runs every entry through the real nginx 1.22.1 (one
 * newer than that must be refused as unknown or misplaced, one older accepted), which keeps the table honest around
 * that release. Commercial-only directives are left out: open-source nginx has never had them, at any version (they
 * are in model/nginx-plus.ts); those that came to open source in a release are here with `plusBefore`.
 */
export const DIRECTIVE_VERSIONS: readonly DirectiveVersion[] = [
  // The `<appeared-in>` lines of nginx.org's own source for https://nginx.org/en/docs/http/ngx_http_proxy_module.html
  // (xml/en/docs/http/ngx_http_proxy_module.xml in the nginx/nginx.org repository, rev 88).
  ...http('proxy', '1.1.4', ['proxy_http_version']),
  ...http('proxy', '1.1.12', ['proxy_cache_lock', 'proxy_cache_lock_timeout']),
  ...http('proxy', '1.5.6', ['proxy_ssl_ciphers', 'proxy_ssl_protocols']),
  ...http('proxy', '1.5.7', ['proxy_cache_revalidate']),
  ...http('proxy', '1.7.0', ['proxy_ssl_crl', 'proxy_ssl_name', 'proxy_ssl_server_name', 'proxy_ssl_trusted_certificate', 'proxy_ssl_verify', 'proxy_ssl_verify_depth']),
  ...http('proxy', '1.7.5', ['proxy_next_upstream_timeout', 'proxy_next_upstream_tries']),
  ...http('proxy', '1.7.7', ['proxy_force_ranges', 'proxy_limit_rate']),
  ...http('proxy', '1.7.8', ['proxy_cache_lock_age', 'proxy_ssl_certificate', 'proxy_ssl_certificate_key', 'proxy_ssl_password_file']),
  ...http('proxy', '1.7.11', ['proxy_request_buffering']),
  ...http('proxy', '1.9.7', ['proxy_cache_convert_head']),
  ...http('proxy', '1.11.6', ['proxy_cache_max_range_offset']),
  ...http('proxy', '1.11.10', ['proxy_cache_background_update']),
  ...http('proxy', '1.15.6', ['proxy_socket_keepalive']),
  ...http('proxy', '1.19.3', ['proxy_cookie_flags']),
  ...http('proxy', '1.19.4', ['proxy_ssl_conf_command']),
  ...http('proxy', '1.27.2', ['proxy_pass_trailers']),
  ...http('proxy', '1.27.4', ['proxy_ssl_certificate_cache']),

  // The gRPC module appeared in 1.13.10 ("allows passing requests to a gRPC server (1.13.10)"), its directives with it
  // unless their own line says later: nginx.org's xml/en/docs/http/ngx_http_grpc_module.xml (rev 3) for
  // https://nginx.org/en/docs/http/ngx_http_grpc_module.html.
  ...http('grpc', '1.13.10', [
    'grpc_bind', 'grpc_buffer_size', 'grpc_connect_timeout', 'grpc_hide_header', 'grpc_ignore_headers', 'grpc_intercept_errors',
    'grpc_next_upstream', 'grpc_next_upstream_timeout', 'grpc_next_upstream_tries', 'grpc_pass', 'grpc_pass_header', 'grpc_read_timeout',
    'grpc_send_timeout', 'grpc_set_header', 'grpc_ssl_certificate', 'grpc_ssl_certificate_key', 'grpc_ssl_ciphers', 'grpc_ssl_crl',
    'grpc_ssl_name', 'grpc_ssl_password_file', 'grpc_ssl_protocols', 'grpc_ssl_server_name', 'grpc_ssl_session_reuse',
    'grpc_ssl_trusted_certificate', 'grpc_ssl_verify', 'grpc_ssl_verify_depth',
  ]),
  ...http('grpc', '1.15.6', ['grpc_socket_keepalive']),

  // The version notes of the hover docs (server/src/core/docs/nginx-family-*.ts, nginx-memcached.ts), taken from the
  // FastCGI, uwsgi, SCGI, gRPC and memcached module pages they link to.
  ...family(['fastcgi', 'uwsgi', 'scgi', 'memcached'], '1.7.5', 'next_upstream_tries'),
  ...family(['fastcgi', 'uwsgi', 'scgi', 'memcached'], '1.7.5', 'next_upstream_timeout'),
  ...family(['fastcgi', 'uwsgi', 'scgi'], '1.7.11', 'request_buffering'),
  ...family(['fastcgi', 'uwsgi', 'scgi', 'memcached'], '1.15.6', 'socket_keepalive'),
  ...http('uwsgi', '1.7.8', ['uwsgi_ssl_certificate', 'uwsgi_ssl_certificate_key', 'uwsgi_ssl_password_file']),
  ...family(['uwsgi', 'grpc'], '1.19.4', 'ssl_conf_command'),
  ...family(['uwsgi', 'grpc'], '1.27.4', 'ssl_certificate_cache'),

  // https://nginx.org/en/docs/http/ngx_http_upstream_module.html: keepalive from nginx.org's
  // xml/en/docs/http/ngx_http_upstream_module.xml; the upstream keep-alive limits and resolver from the hover docs
  // (server/src/core/docs/nginx-upstream-block.ts), which quote the same page. Before those versions the name exists in
  // http, server and location only, and nginx says it "is not allowed here".
  { name: 'keepalive', where: ['upstream'], since: '1.1.4', url: page('upstream', 'keepalive') },
  { name: 'keepalive_timeout', where: ['upstream'], since: '1.15.3', url: page('upstream', 'keepalive_timeout'), olderElsewhere: true },
  { name: 'keepalive_requests', where: ['upstream'], since: '1.15.3', url: page('upstream', 'keepalive_requests'), olderElsewhere: true },
  { name: 'resolver', where: ['upstream'], since: '1.27.3', url: page('upstream', 'resolver'), olderElsewhere: true },
  { name: 'resolver_timeout', where: ['upstream'], since: '1.27.3', url: page('upstream', 'resolver_timeout'), olderElsewhere: true },
  // keepalive_time came to both places in 1.19.10 (CHANGES 1.19.10: "Feature: the "keepalive_time" directive"; the
  // core module's page and the upstream page, as the hover docs quote it).
  { name: 'keepalive_time', where: ['http', 'upstream'], since: '1.19.10', url: page('core', 'keepalive_time') },

  // https://nginx.org/en/docs/http/ngx_http_v2_module.html#http2: "This directive appeared in version 1.25.1" (before
  // it only the listen parameter turns HTTP/2 on; grpc-pass-without-http2 says the same).
  { name: 'http2', where: ['http'], since: '1.25.1', url: page('v2', 'http2') },

  // The zone directive inside the upstream block: nginx's CHANGES for 1.9.0 ("Feature: the "zone" directive inside the
  // "upstream" block"; Debian ships it as /usr/share/doc/nginx/changelog.gz).
  { name: 'zone', where: ['upstream'], since: '1.9.0', url: page('upstream', 'zone') },

  // The stream module (1.9.0). The `<appeared-in>` lines of nginx.org's xml/en/docs/stream/ngx_stream_core_module.xml
  // (rev 25) for https://nginx.org/en/docs/stream/ngx_stream_core_module.html. Before 1.11.3 resolver and
  // resolver_timeout were NGINX Plus only in stream; http has had both for long.
  ...stream('core', '1.9.4', ['tcp_nodelay'], true),
  ...stream('core', '1.11.2', ['variables_hash_bucket_size', 'variables_hash_max_size'], true),
  ...stream('core', '1.11.3', ['resolver', 'resolver_timeout'], true),
  ...stream('core', '1.11.4', ['proxy_protocol_timeout']),
  ...stream('core', '1.11.5', ['preread_buffer_size', 'preread_timeout']),
  // xml/en/docs/stream/ngx_stream_proxy_module.xml (rev 22) for https://nginx.org/en/docs/stream/ngx_stream_proxy_module.html.
  ...stream('proxy', '1.9.2', ['proxy_bind'], true),
  ...stream('proxy', '1.9.2', ['proxy_protocol']),
  ...stream('proxy', '1.9.3', ['proxy_download_rate', 'proxy_upload_rate']),
  ...stream('proxy', '1.9.4', ['proxy_buffer_size'], true),
  ...stream('proxy', '1.9.13', ['proxy_responses']),
  ...stream('proxy', '1.15.6', ['proxy_socket_keepalive']),
  ...stream('proxy', '1.15.7', ['proxy_requests']),
  // CHANGES 1.21.4: "Feature: the "proxy_half_close" directive in the stream module".
  ...stream('proxy', '1.21.4', ['proxy_half_close']),
  // xml/en/docs/stream/ngx_stream_ssl_module.xml (rev 29, and rev 22 for ssl_verify_depth) for
  // https://nginx.org/en/docs/stream/ngx_stream_ssl_module.html. The client-certificate ones have been http's for long.
  ...stream('ssl', '1.11.8', ['ssl_client_certificate', 'ssl_crl', 'ssl_trusted_certificate', 'ssl_verify_client', 'ssl_verify_depth'], true),
  ...stream('ssl', '1.19.4', ['ssl_conf_command']),
  ...stream('ssl', '1.21.4', ['ssl_alpn']),
  // Modules that came later than the stream module, their directives with them: the module's page says "(1.11.5)" for
  // ngx_stream_ssl_preread_module (xml rev 2) and "(1.25.5)" for ngx_stream_pass_module (xml rev 1; changes.xml of
  // nginx/nginx for 1.25.5: "the ngx_stream_pass_module"); the others from nginx's CHANGES: "the "allow" and "deny"
  // directives in the stream module" (1.9.2), "the ngx_stream_map_module" and "the ngx_stream_return_module" (1.11.2),
  // "the ngx_stream_geo_module" and "the ngx_stream_split_clients_module" (1.11.3), "the ngx_stream_log_module" and "the
  // ngx_stream_realip_module" (1.11.4), "the ngx_stream_set_module" (1.19.3). Every one of these names but ssl_preread
  // and pass is older in http.
  ...stream('access', '1.9.2', ['allow', 'deny'], true),
  ...stream('map', '1.11.2', ['map'], true),
  ...stream('return', '1.11.2', ['return'], true),
  ...stream('geo', '1.11.3', ['geo'], true),
  ...stream('split_clients', '1.11.3', ['split_clients'], true),
  ...stream('log', '1.11.4', ['access_log', 'log_format', 'open_log_file_cache'], true),
  ...stream('realip', '1.11.4', ['set_real_ip_from'], true),
  ...stream('ssl_preread', '1.11.5', ['ssl_preread']),
  ...stream('set', '1.19.3', ['set'], true),
  ...stream('pass', '1.25.5', ['pass']),
  // random in an upstream block: CHANGES 1.15.1 ("the "random" directive inside the "upstream" block"), and in a stream
  // one xml/en/docs/stream/ngx_stream_upstream_module.xml (rev 34).
  { name: 'random', where: ['upstream'], since: '1.15.1', url: page('upstream', 'random') },
  { name: 'random', where: ['stream-upstream'], since: '1.15.1', url: streamPage('upstream', 'random') },

  // NGINX Plus directives that open source nginx got later. The reference as @nginx/reference-lib 1.1.41 ships it:
  // sticky "Prior to version 1.29.6, this directive was available only as part of our commercial subscription" (its
  // learn mode's sync parameter stays commercial), least_time "Prior to version 1.31.0, …" (http and stream).
  { name: 'sticky', where: ['upstream'], since: '1.29.6', url: page('upstream', 'sticky'), plusBefore: true },
  { name: 'least_time', where: ['upstream'], since: '1.31.0', url: page('upstream', 'least_time'), plusBefore: true },
  { name: 'least_time', where: ['stream-upstream'], since: '1.31.0', url: streamPage('upstream', 'least_time'), plusBefore: true },

  // https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl: "This directive was made obsolete in version 1.15.0
  // and was removed in version 1.25.1" (the reference as @nginx/reference-lib ships it; the mail module's page says the same).
  { name: 'ssl', where: ['http', 'mail'], removed: '1.25.1', url: page('ssl', 'ssl') },
];

/** A parameter that came to a directive later than the directive itself. */
export interface ParameterVersion {
  directive: string;
  /** As written: a name ending in "=" matches any value ("ipv4=off"), anything else the whole word. */
  param: string;
  where: readonly VersionScope[];
  since: string;
  url: string;
  /** What an older nginx says about the argument as written. */
  says: (arg: string) => string;
  /** Before `since` only NGINX Plus had it (see DirectiveVersion). */
  plusBefore?: true;
}

const invalidValue = (arg: string) => `invalid value "${arg}"`;
const invalidParameter = (arg: string) => `invalid parameter "${arg}"`;
/** The stream module's listen words it the other way round. */
const invalidStreamListen = (arg: string) => `the invalid "${arg}" parameter`;

export const PARAMETER_VERSIONS: readonly ParameterVersion[] = [
  // "ipv4=off" since 1.23.1: the hover docs (server/src/core/docs/nginx-core.ts) quote the core module's page. An
  // older resolver takes the word for a name server: [emerg] host not found in resolver "ipv4=off" [lab, nginx 1.22.1].
  { directive: 'resolver', param: 'ipv4=', where: ['http'], since: '1.23.1', url: page('core', 'resolver'), says: (arg) => `host not found in resolver "${arg}"` },
  // CHANGES 1.9.13: "the "non_idempotent" parameter of the "proxy_next_upstream" directive" (the proxy module only).
  // CHANGES 1.11.13: "the "http_429" parameter of the "proxy_next_upstream", "fastcgi_next_upstream",
  // "scgi_next_upstream", and "uwsgi_next_upstream" directives" (grpc_next_upstream, from 1.13.10, had it from the
  // start). An older nginx: [emerg] invalid value "http_429", as for any word the list does not have [lab, nginx 1.22.1].
  { directive: 'proxy_next_upstream', param: 'non_idempotent', where: ['http'], since: '1.9.13', url: page('proxy', 'proxy_next_upstream'), says: invalidValue },
  ...['proxy', 'fastcgi', 'scgi', 'uwsgi'].map((m): ParameterVersion => ({ directive: `${m}_next_upstream`, param: 'http_429', where: ['http'], since: '1.11.13', url: page(m, `${m}_next_upstream`), says: invalidValue })),
  // listen's reuseport: CHANGES 1.9.1 ("the "reuseport" parameter of the "listen" directive"); in stream the core module's
  // page says "this parameter (1.9.1)" too. In stream, CHANGES 1.21.0: "the "fastopen" parameter of the "listen"
  // directive in the stream module"; changes.xml of nginx/nginx for 1.25.5: "the "deferred", "accept_filter", and
  // "setfib" parameters of the "listen" directive in the stream module" (only deferred here: the other two are FreeBSD's,
  // refused on Linux whatever the version); and default_server "(1.25.5)" on https://nginx.org/en/docs/stream/ngx_stream_core_module.html.
  // An older nginx: [emerg] invalid parameter "reuseport" in http, and [emerg] the invalid "deferred" parameter in
  // stream [lab, nginx 1.22.1].
  { directive: 'listen', param: 'reuseport', where: ['http'], since: '1.9.1', url: page('core', 'listen'), says: invalidParameter },
  // quic: CHANGES 1.25.0 ("experimental HTTP/3 support"), the core module's listen page "quic (1.25.0)". An older nginx:
  // [emerg] invalid parameter "quic" [lab, nginx 1.22.1].
  { directive: 'listen', param: 'quic', where: ['http'], since: '1.25.0', url: page('core', 'listen'), says: invalidParameter },
  { directive: 'listen', param: 'reuseport', where: ['stream'], since: '1.9.1', url: streamPage('core', 'listen'), says: invalidStreamListen },
  { directive: 'listen', param: 'fastopen=', where: ['stream'], since: '1.21.0', url: streamPage('core', 'listen'), says: invalidStreamListen },
  { directive: 'listen', param: 'deferred', where: ['stream'], since: '1.25.5', url: streamPage('core', 'listen'), says: invalidStreamListen },
  { directive: 'listen', param: 'default_server', where: ['stream'], since: '1.25.5', url: streamPage('core', 'listen'), says: invalidStreamListen },
  // The server directive of an upstream block: max_conns in open-source nginx from CHANGES 1.11.5 ("the "server"
  // directive in the "upstream" context supports the "max_conns" parameter"; the stream upstream page: "(1.11.5)",
  // before that NGINX Plus only); resolve from changes.xml of nginx/nginx for 1.27.3 ("the "server" directive in the
  // "upstream" block supports the "resolve" parameter"), which does not say whether stream's came with it.
  // An older nginx: [emerg] invalid parameter "resolve" [lab, nginx 1.22.1].
  { directive: 'server', param: 'max_conns=', where: ['upstream'], since: '1.11.5', url: page('upstream', 'max_conns'), says: invalidParameter },
  { directive: 'server', param: 'max_conns=', where: ['stream-upstream'], since: '1.11.5', url: streamPage('upstream', 'max_conns'), says: invalidParameter },
  { directive: 'server', param: 'resolve', where: ['upstream'], since: '1.27.3', url: page('upstream', 'resolve'), says: invalidParameter },
  // Server parameters that were NGINX Plus only before a release, as the reference (@nginx/reference-lib 1.1.41) words
  // it on both upstream pages: service= "Prior to version 1.27.3, this parameter was available only as part of our
  // commercial subscription" (http and stream); route= and drain "Prior to version 1.29.6, …" (http only: a stream
  // server has neither). An older nginx: [emerg] invalid parameter "service=http" [lab, nginx 1.22.1].
  { directive: 'server', param: 'service=', where: ['upstream'], since: '1.27.3', url: page('upstream', 'service'), says: invalidParameter, plusBefore: true },
  { directive: 'server', param: 'service=', where: ['stream-upstream'], since: '1.27.3', url: streamPage('upstream', 'service'), says: invalidParameter, plusBefore: true },
  { directive: 'server', param: 'route=', where: ['upstream'], since: '1.29.6', url: page('upstream', 'route'), says: invalidParameter, plusBefore: true },
  { directive: 'server', param: 'drain', where: ['upstream'], since: '1.29.6', url: page('upstream', 'drain'), says: invalidParameter, plusBefore: true },
];

const PARAMETERS_OF = new Map<string, ParameterVersion[]>();
for (const p of PARAMETER_VERSIONS) PARAMETERS_OF.set(p.directive, [...(PARAMETERS_OF.get(p.directive) ?? []), p]);

/** The argument's entry when nginx `version` does not have that parameter of `directive` in `context`. */
export function parameterMissingInVersion(directive: string, arg: string, context: string, version: Version): ParameterVersion | undefined {
  const scope = versionScope(context);
  const own = version && scope ? PARAMETERS_OF.get(directive) : undefined;
  if (!own) return undefined;
  // Asked for every argument of every line that has an entry (the version note's pass over a whole tree): a loop, not find() with a closure.
  for (let k = 0; k < own.length; k++) {
    const p = own[k];
    if (p.where.includes(scope!) && paramMatches(p, arg) && atLeast(version, p.since) === false) return p;
  }
  return undefined;
}

/**
 * The parameters of `directive` in `context` that nginx `version` lacks, in table order: what
 * parameterMissingInVersion tests each argument against, with the parts that do not depend on the argument (scope,
 * version) settled once. The first of them an argument matches (paramMatches) is parameterMissingInVersion's answer.
 */
export function parametersMissingInVersion(directive: string, context: string, version: Version): ParameterVersion[] {
  const scope = versionScope(context);
  const own = version && scope ? PARAMETERS_OF.get(directive) : undefined;
  if (!own) return [];
  return own.filter((p) => p.where.includes(scope!) && atLeast(version, p.since) === false);
}

/** Whether argument `arg` is parameter `p` (a name ending in "=" matches any value). */
export function paramMatches(p: ParameterVersion, arg: string): boolean {
  return p.param.endsWith('=') ? arg.startsWith(p.param) : arg === p.param;
}

/** Our context names → the part of nginx they belong to; main and events have nothing in the table. */
export function versionScope(context: string): VersionScope | undefined {
  if (context === 'upstream') return 'upstream';
  if (context === 'stream-upstream') return 'stream-upstream';
  if (context.startsWith('stream')) return 'stream';
  if (context.startsWith('mail')) return 'mail';
  return HTTP_CONTEXTS.has(context) ? 'http' : undefined;
}

const HTTP_CONTEXTS = new Set(['http', 'server', 'location', 'if-location', 'if-server', 'limit_except']);

/**
 * Whether the tables know anything about `name` (a directive or one of its parameters that came or went in some
 * release): a pass over every line of a configuration asks this first.
 */
export function hasVersionEntries(name: string): boolean {
  return PARAMETERS_OF.has(name) || entries(name).length > 0;
}

/** The table's entry for `name` in one part of nginx: the release it appeared in there, or the one without it. */
export function directiveVersion(name: string, scope: VersionScope): DirectiveVersion | undefined {
  return entries(name).find((e) => e.where.includes(scope));
}

let byName: Map<string, DirectiveVersion[]> | undefined;
function entries(name: string): DirectiveVersion[] {
  if (!byName) {
    byName = new Map();
    for (const e of DIRECTIVE_VERSIONS) byName.set(e.name, [...(byName.get(e.name) ?? []), e]);
  }
  return byName.get(name) ?? [];
}

/** Whether the entry says the directive exists at `version` (true/false; undefined when the version is unknown). */
function present(e: DirectiveVersion, version: Version): boolean | undefined {
  if (e.since && atLeast(version, e.since) === false) return false;
  if (e.removed) return atLeast(version, e.removed) === undefined ? undefined : !atLeast(version, e.removed);
  return version ? true : undefined;
}

export interface VersionMiss {
  entry: DirectiveVersion;
  /** 'new': the target is older than `since`; 'removed': the target is `removed` or later. */
  why: 'new' | 'removed';
  /**
   * What nginx says: `unknown directive` when the target has the name nowhere, `not allowed here` when it has it in
   * another part (http's keepalive_timeout, for one written in an upstream block before 1.15.3).
   */
  says: 'unknown' | 'not-allowed';
}

/**
 * Why a directive written in `context` does not exist in nginx `version`, when the table says so; undefined when it
 * does exist there, when the table has nothing on it, or when the version is unknown.
 */
export function missingInVersion(name: string, context: string, version: Version): VersionMiss | undefined {
  const scope = versionScope(context);
  if (!version || !scope) return undefined;
  const own = entries(name).find((e) => e.where.includes(scope));
  if (!own || present(own, version) !== false) return undefined;
  const why = own.since && atLeast(version, own.since) === false ? 'new' : 'removed';
  return { entry: own, why, says: why === 'new' && own.olderElsewhere ? 'not-allowed' : 'unknown' };
}

import { nginxDirective } from './nginx-directives';
import type { ConfigNode } from './nginx-tree';

const each = (prefixes: string[], suffixes: string[]) => prefixes.flatMap((p) => suffixes.map((s) => `${p}_${s}`));

/**
 * Directives nginx stores as one value per level: a second one at the same level stops `nginx -t`, a start and a
 * reload with `"<name>" directive is duplicate`. Each entry was checked on nginx 1.22.1 (Debian 12): one line
 * passes `nginx -t`, two lines with different values at one level fail with that message. Left out on purpose,
 * because nginx accepts them more than once at one level: the *_set_header / *_param / *_hide_header /
 * *_pass_header / add_header arrays, http *_next_upstream, *_ignore_headers, *_cache_valid, *_cache_use_stale,
 * *_cache_bypass, *_no_cache, *_cache_methods, *_ssl_protocols, proxy_redirect, proxy_cookie_domain/path,
 * ssl_certificate(_key), ssl_protocols, ssl_session_cache, server_name, access_log, error_log, return and rewrite
 * (http), and the balancing methods (a second one is only a warning).
 */
export const SINGLE_VALUE_DIRECTIVES = {
  /** http, server, location, `if` and `limit_except` levels. */
  http: [
    ...each(['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc', 'memcached'], ['pass', 'connect_timeout', 'send_timeout', 'read_timeout', 'buffer_size', 'next_upstream_tries', 'next_upstream_timeout', 'bind', 'socket_keepalive']),
    ...each(['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc'], ['intercept_errors']),
    ...each(['proxy', 'fastcgi', 'uwsgi', 'scgi'], [
      'buffering', 'request_buffering', 'buffers', 'busy_buffers_size', 'max_temp_file_size', 'temp_file_write_size', 'temp_path',
      'ignore_client_abort', 'limit_rate', 'pass_request_body', 'pass_request_headers', 'force_ranges',
      'cache', 'cache_key', 'cache_lock', 'cache_lock_age', 'cache_lock_timeout', 'cache_min_uses', 'cache_revalidate', 'cache_background_update', 'cache_max_range_offset',
      'store', 'store_access',
    ]),
    ...each(['proxy', 'uwsgi', 'grpc'], ['ssl_certificate', 'ssl_certificate_key', 'ssl_ciphers', 'ssl_crl', 'ssl_name', 'ssl_server_name', 'ssl_session_reuse', 'ssl_trusted_certificate', 'ssl_verify', 'ssl_verify_depth', 'ssl_password_file']),
    'proxy_http_version', 'proxy_method', 'proxy_set_body', 'proxy_headers_hash_bucket_size', 'proxy_headers_hash_max_size', 'proxy_cache_convert_head', 'proxy_send_lowat',
    'fastcgi_send_lowat', 'fastcgi_keep_conn', 'fastcgi_index', 'uwsgi_modifier1', 'uwsgi_modifier2', 'memcached_gzip_flag',
    'client_max_body_size', 'client_body_buffer_size', 'client_body_timeout', 'client_body_temp_path', 'client_body_in_file_only', 'client_body_in_single_buffer',
    'client_header_timeout', 'client_header_buffer_size', 'large_client_header_buffers', 'underscores_in_headers', 'ignore_invalid_headers',
    'keepalive_timeout', 'keepalive_requests', 'keepalive_time', 'send_timeout', 'resolver', 'resolver_timeout',
    'lingering_close', 'lingering_time', 'lingering_timeout', 'reset_timedout_connection', 'sendfile', 'tcp_nodelay', 'tcp_nopush',
    'try_files', 'root', 'alias', 'default_type', 'server_tokens',
    'server_names_hash_bucket_size', 'server_names_hash_max_size', 'variables_hash_bucket_size', 'variables_hash_max_size', 'map_hash_bucket_size', 'map_hash_max_size', 'types_hash_bucket_size', 'types_hash_max_size',
    'ssl_ciphers', 'ssl_prefer_server_ciphers', 'ssl_session_timeout', 'ssl_session_tickets', 'ssl_dhparam', 'ssl_ecdh_curve', 'ssl_buffer_size', 'ssl_early_data',
    'ssl_stapling', 'ssl_stapling_verify', 'ssl_trusted_certificate', 'ssl_client_certificate', 'ssl_verify_client', 'ssl_verify_depth',
  ],
  /** Inside http `upstream {}`. */
  upstream: ['keepalive', 'keepalive_requests', 'keepalive_time', 'keepalive_timeout'],
  /** stream and stream `server {}` levels (stream's proxy_next_upstream is a flag, unlike http's list). */
  stream: [
    'proxy_pass', 'proxy_connect_timeout', 'proxy_timeout', 'proxy_next_upstream', 'proxy_next_upstream_tries', 'proxy_next_upstream_timeout',
    'proxy_buffer_size', 'proxy_bind', 'proxy_protocol', 'proxy_responses', 'proxy_requests', 'proxy_upload_rate', 'proxy_download_rate', 'proxy_socket_keepalive', 'proxy_half_close',
    'proxy_ssl', ...each(['proxy'], ['ssl_certificate', 'ssl_certificate_key', 'ssl_ciphers', 'ssl_crl', 'ssl_name', 'ssl_server_name', 'ssl_session_reuse', 'ssl_trusted_certificate', 'ssl_verify', 'ssl_verify_depth', 'ssl_password_file']),
    'resolver', 'resolver_timeout', 'preread_timeout', 'preread_buffer_size', 'proxy_protocol_timeout', 'tcp_nodelay', 'return',
    'ssl_handshake_timeout', 'ssl_preread', 'ssl_alpn', 'ssl_ciphers', 'ssl_prefer_server_ciphers', 'ssl_session_timeout', 'ssl_session_tickets', 'ssl_dhparam', 'ssl_ecdh_curve',
    'ssl_trusted_certificate', 'ssl_client_certificate', 'ssl_verify_client', 'ssl_verify_depth',
  ],
};

export const TABLES: Record<keyof typeof SINGLE_VALUE_DIRECTIVES, ReadonlySet<string>> = {
  http: new Set(SINGLE_VALUE_DIRECTIVES.http),
  upstream: new Set(SINGLE_VALUE_DIRECTIVES.upstream),
  stream: new Set(SINGLE_VALUE_DIRECTIVES.stream),
};

/** Whether some level refuses a second `name` at all: only such a name can be a duplicate anywhere. */
export function isSingleValueSomewhere(name: string): boolean {
  return TABLES.http.has(name) || TABLES.upstream.has(name) || TABLES.stream.has(name);
}

/** Our context names → the table that applies and the reference's name for the context (to skip "not allowed here"). */
export const LEVELS: Record<string, [keyof typeof TABLES, string]> = {
  http: ['http', 'http'],
  server: ['http', 'server'],
  location: ['http', 'location'],
  'if-location': ['http', 'if in location'],
  'if-server': ['http', 'if'],
  limit_except: ['http', 'limit_except'],
  upstream: ['upstream', 'upstream'],
  stream: ['stream', 'stream'],
  'stream-server': ['stream', 'stream-server'],
};

/** Whether nginx refuses a second `name` at one level of a block whose children sit in `context` ("directive is duplicate"). */
export function isSingleValueAt(name: string, context: string): boolean {
  const lv = LEVELS[context];
  return !!lv && TABLES[lv[0]].has(name);
}

/**
 * Whether `nodes` (the directives of one name at one level, as effective() finds them) are a duplicate nginx refuses:
 * two or more of a single-value directive, each with its ";" (a line without one is a syntax error, and nginx reads
 * the next line into it), where the directive is allowed at all (else nginx stops with "not allowed here" first).
 * Then nginx does not start, and there is no value in force at that level: duplicate-directive reports it.
 */
export function isDuplicateAtLevel(name: string, nodes: readonly ConfigNode[]): boolean {
  if (nodes.length < 2) return false;
  const lv = LEVELS[nodes[0].context];
  if (!lv || !TABLES[lv[0]].has(name)) return false;
  if (!nginxDirective(name)?.contexts.includes(lv[1])) return false;
  let terminated = 0;
  for (const n of nodes) if (n.directive.terminated) terminated++;
  return terminated >= 2;
}

/** Whether block `level` holds `name` twice in a way nginx refuses (see isDuplicateAtLevel). */
export function hasDuplicate(level: ConfigNode, name: string): boolean {
  let first: ConfigNode | undefined;
  for (const c of level.children) {
    if (c.name !== name) continue;
    if (first) return isDuplicateAtLevel(name, level.children.filter((n) => n.name === name));
    first = c;
  }
  return false;
}

import type { Fix, RelatedLocation } from '../../finding';
import type { ConfigNode } from '../../model/nginx-tree';
import { DATA_CONTEXTS } from '../../model/nginx-tree';
import { nginxDirective } from '../../model/nginx-directives';
import { defineNginxRule } from '../rule';
import { deleteLine, text } from './neighbours-support';
import { isSharedFile, sharedNote } from './shared-files';

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

const TABLES: Record<keyof typeof SINGLE_VALUE_DIRECTIVES, ReadonlySet<string>> = {
  http: new Set(SINGLE_VALUE_DIRECTIVES.http),
  upstream: new Set(SINGLE_VALUE_DIRECTIVES.upstream),
  stream: new Set(SINGLE_VALUE_DIRECTIVES.stream),
};

/** Our context names → the table that applies and the reference's name for the context (to skip "not allowed here"). */
const LEVELS: Record<string, [keyof typeof TABLES, string]> = {
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

/** Every name any table lists: a level where none of them comes twice has nothing to report. */
const LISTED: ReadonlySet<string> = new Set([...SINGLE_VALUE_DIRECTIVES.http, ...SINGLE_VALUE_DIRECTIVES.upstream, ...SINGLE_VALUE_DIRECTIVES.stream]);

/**
 * Whether some listed name occurs twice among `children`, without building anything: true for nearly no level
 * of a real configuration, and the per-level map of the full check costs more than the check itself.
 */
function mayRepeat(children: ConfigNode[]): boolean {
  // Big levels (http with every server) would make the pairwise comparison quadratic: they get the full check.
  if (children.length > 32) return true;
  for (let i = 1; i < children.length; i++) {
    const name = children[i].name;
    if (!LISTED.has(name)) continue;
    for (let j = 0; j < i; j++) if (children[j].name === name) return true;
  }
  return false;
}

const where = (n: ConfigNode) => `${n.file.path.split('/').slice(-1)[0]}:${n.file.lines.positionAt(n.directive.start).line + 1}`;

/** The directive's own `include` line when the second copy is the same line of a file included twice at one level. */
function placedBy(n: ConfigNode): ConfigNode {
  return n.via ?? n;
}

export default defineNginxRule({
  id: 'duplicate-directive',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A directive that takes one value per level is set twice at the same level (often by two included snippets): nginx refuses to start ("directive is duplicate").',
  directives: [...LISTED],
  versions: 'all (list checked on 1.22.1)',
  check(ctx) {
    const seen = new Set<string>();
    const levels: (ConfigNode | null)[] = [];
    // Every level is looked at, but only the few where a listed name comes twice get the full treatment below.
    if (mayRepeat(ctx.config.roots)) levels.push(null);
    const all = ctx.config.all;
    for (let k = 0; k < all.length; k++) {
      const n = all[k];
      if (n.children.length && !DATA_CONTEXTS.has(n.name) && mayRepeat(n.children)) levels.push(n);
    }
    for (const level of levels) {
      const children = level ? level.children : ctx.config.roots;
      const byName = new Map<string, ConfigNode[]>();
      for (const c of children) {
        const lv = LEVELS[c.context];
        if (!lv || !TABLES[lv[0]].has(c.name)) continue;
        // A line without its ";" is a syntax error already, and nginx reads the next line into it: not two values.
        if (!c.directive.terminated) continue;
        // A directive not allowed at this level fails with "not allowed here" first; that is not this rule's message.
        if (!nginxDirective(c.name)?.contexts.includes(lv[1])) continue;
        const list = byName.get(c.name);
        if (list) list.push(c);
        else byName.set(c.name, [c]);
      }
      for (const [name, nodes] of byName) {
        if (nodes.length < 2) continue;
        const first = nodes[0];
        for (const dup of nodes.slice(1)) {
          // The same line twice: one file included twice at this level. nginx names the line in the file; point at the second include.
          const sameLine = dup.file === first.file && dup.directive.start === first.directive.start;
          const at = sameLine ? placedBy(dup) : dup;
          const key = `${at.file.path}\0${at.directive.start}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const related: RelatedLocation[] = [{ path: first.file.path, start: first.directive.start, end: first.directive.end, message: `first set here: ${text(first)}` }];
          if (sameLine) {
            const include = placedBy(first);
            related.push({ path: include.file.path, start: include.directive.start, end: include.directive.end, message: 'the file is included here too' });
          }
          else if (first.via) related.push({ path: first.via.file.path, start: first.via.directive.start, end: first.via.directive.end, message: `included here: ${text(first.via)}` });
          const origin = sameLine ? `the file is included twice at this level, so nginx reads ${where(first)} twice (its error names that line)` : first.file === dup.file ? `already set at ${where(first)}` : `already set at ${where(first)}, and an include puts both lines in the same block`;
          ctx.report({
            node: at,
            message: `nginx will not start: "${name}" directive is duplicate — ${origin}; nginx takes one ${name} per level, so keep the value you want and remove the other${!sameLine && dup.via && isSharedFile(ctx.config, dup.file.path) ? ` (${sharedNote(ctx.config, dup)}: removing it there affects every place that includes it)` : ''}`,
            related,
            suggestions: suggestions(ctx.config, first, dup, sameLine),
          });
        }
      }
    }
  },
});

/**
 * Which line is right is the user's call, so there is no safe fix. Suggested: remove the later line (nginx never
 * loaded this configuration, so either choice is a real decision), never in a file other places include too.
 */
function suggestions(config: Parameters<typeof isSharedFile>[0], first: ConfigNode, dup: ConfigNode, sameLine: boolean): Fix[] {
  if (sameLine) {
    const inc = placedBy(dup);
    return inc !== dup && !isSharedFile(config, inc.file.path) ? [{ title: `Remove the second "${text(inc)}"`, edits: [deleteLine(inc)] }] : [];
  }
  const out: Fix[] = [];
  if (!isSharedFile(config, dup.file.path)) out.push({ title: `Remove this "${text(dup)}" (keep ${text(first)} from ${where(first)})`, edits: [deleteLine(dup)] });
  else if (!isSharedFile(config, first.file.path)) out.push({ title: `Remove "${text(first)}" at ${where(first)} (keep ${text(dup)})`, edits: [deleteLine(first)] });
  return out;
}

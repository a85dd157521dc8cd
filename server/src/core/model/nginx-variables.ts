import { atLeast, type Version } from './version';

/**
 * nginx's built-in variables, by module (http and stream have separate sets). nginx looks a variable up when it
 * compiles a value that uses one, while loading the configuration, and stops with `[emerg] unknown "name" variable`
 * when neither a module nor the configuration (set, map, geo, …) defines it. Names are matched in lower case, as nginx
 * does (`$HTTP_HOST` is `$http_host`).
 *
 * The names nginx 1.22.1 (Debian 12's build, with the stream module loaded) accepts were listed by running `nginx -t`
 * on `return 200 "$name";` for each candidate (the varindex names and the words of the binary); names of modules that
 * build leaves out or of other versions (GeoIP, HTTP/3, PROXY protocol TLVs, NGINX Plus, OpenTelemetry) come from
 * https://nginx.org/en/docs/varindex.html and are accepted too, so that they are never reported.
 */

const HTTP = `ancient_browser args binary_remote_addr body_bytes_sent bytes_sent connection connection_requests connection_time
connections_active connections_reading connections_waiting connections_writing content_length content_type date_gmt
date_local document_root document_uri fastcgi_path_info fastcgi_script_name gzip_ratio host hostname http2 https
invalid_referer is_args limit_conn_status limit_rate limit_req_status modern_browser msec msie nginx_version pid pipe
proxy_add_x_forwarded_for proxy_host proxy_port proxy_protocol_addr proxy_protocol_port proxy_protocol_server_addr
proxy_protocol_server_port query_string realip_remote_addr realip_remote_port realpath_root remote_addr remote_port
remote_user request request_body request_body_file request_completion request_filename request_id request_length
request_method request_time request_uri scheme secure_link secure_link_expires server_addr server_name server_port
server_protocol slice_range ssl_alpn_protocol ssl_cipher ssl_ciphers ssl_client_cert ssl_client_escaped_cert
ssl_client_fingerprint ssl_client_i_dn ssl_client_i_dn_legacy ssl_client_raw_cert ssl_client_s_dn ssl_client_s_dn_legacy
ssl_client_serial ssl_client_v_end ssl_client_v_remain ssl_client_v_start ssl_client_verify ssl_curve ssl_curves
ssl_early_data ssl_protocol ssl_server_name ssl_session_id ssl_session_reused status tcpinfo_rcv_space tcpinfo_rtt
tcpinfo_rttvar tcpinfo_snd_cwnd time_iso8601 time_local uid_got uid_reset uid_set upstream_addr upstream_bytes_received
upstream_bytes_sent upstream_cache_status upstream_connect_time upstream_header_time upstream_response_length
upstream_response_time upstream_status uri`;

const STREAM = `binary_remote_addr bytes_received bytes_sent connection hostname limit_conn_status msec nginx_version pid protocol
proxy_protocol_addr proxy_protocol_port proxy_protocol_server_addr proxy_protocol_server_port realip_remote_addr
realip_remote_port remote_addr remote_port server_addr server_port session_time ssl_alpn_protocol ssl_cipher ssl_ciphers
ssl_client_cert ssl_client_escaped_cert ssl_client_fingerprint ssl_client_i_dn ssl_client_raw_cert ssl_client_s_dn
ssl_client_serial ssl_client_v_end ssl_client_v_remain ssl_client_v_start ssl_client_verify ssl_curve ssl_curves
ssl_preread_alpn_protocols ssl_preread_protocol ssl_preread_server_name ssl_protocol ssl_server_name ssl_session_id
ssl_session_reused status time_iso8601 time_local upstream_addr upstream_bytes_received upstream_bytes_sent
upstream_connect_time upstream_first_byte_time upstream_session_time`;

/**
 * Not in that build or version, but nginx's (GeoIP modules, HTTP/3 from 1.25.0, 1.25.3's last server name, stream's
 * server_name from 1.25.5, $request_port and $is_request_port of nginx 1.30 (Debian's fastcgi_params mentions them), Plus,
 * OpenTelemetry).
 */
const GEOIP = `geoip_area_code geoip_city geoip_city_continent_code geoip_city_country_code geoip_city_country_code3
geoip_city_country_name geoip_country_code geoip_country_code3 geoip_country_name geoip_dma_code geoip_latitude
geoip_longitude geoip_org geoip_postal_code geoip_region geoip_region_name`;
const HTTP_OTHER = `${GEOIP} http3 quic upstream_last_server_name upstream_queue_time upstream_cache_key session_log_id
session_log_binary_id spdy spdy_request_priority jwt_payload ssl_sigalg ssl_client_sigalg otel_trace_id otel_span_id
otel_parent_id otel_parent_sampled request_port is_request_port`;
const STREAM_OTHER = `${GEOIP} server_name mqtt_preread_clientid mqtt_preread_username ssl_sigalg ssl_client_sigalg upstream_last_server_name`;

/** Families: any name that starts with one of these is a variable (`$http_x_request_id`, `$arg_page`). */
const HTTP_PREFIXES = ['http_', 'sent_http_', 'sent_trailer_', 'cookie_', 'arg_', 'upstream_http_', 'upstream_cookie_', 'upstream_trailer_', 'proxy_protocol_tlv_', 'jwt_claim_', 'jwt_header_'];
const STREAM_PREFIXES = ['proxy_protocol_tlv_'];

const words = (s: string) => new Set(s.split(/\s+/).filter(Boolean));
const SETS = { http: words(`${HTTP} ${HTTP_OTHER}`), stream: words(`${STREAM} ${STREAM_OTHER}`) };
const PREFIXES = { http: HTTP_PREFIXES, stream: STREAM_PREFIXES };

/** When a built-in variable came to nginx or left it: `since` is its first release, `removed` the first without it. */
export interface VariableVersion {
  since?: string;
  removed?: string;
  /** Where the version is stated. */
  source: string;
}

const CHANGES = 'https://nginx.org/en/CHANGES';
const entries = (since: string, source: string, names: string) => names.split(/\s+/).filter(Boolean).map((n) => [n, { since, source }] as const);

/**
 * Only versions a source states are here (a "Feature: the $name variable" line of nginx's CHANGES, from Debian's
 * /usr/share/doc/nginx/changelog.gz for nginx 1.22.1 and older and from https://nginx.org/en/CHANGES for later ones,
 * or a module page's "(version)"); a name without one is accepted at any version. Variables of NGINX Plus, of modules
 * outside nginx (OpenTelemetry) and of dynamic modules (GeoIP) are left out: their presence is not a matter of the
 * nginx version. test/servers/variable-versions.test.ts runs the entries through the real nginx 1.22.1.
 */
const HTTP_VERSIONS = new Map<string, VariableVersion>([
  ...entries('1.1.11', CHANGES, 'https'),
  ...entries('1.1.18', CHANGES, 'connection_requests tcpinfo_rtt tcpinfo_rttvar tcpinfo_snd_cwnd tcpinfo_rcv_space'),
  ...entries('1.3.14', CHANGES, 'connections_active connections_reading connections_writing'),
  ...entries('1.3.15', CHANGES, 'connections_waiting'),
  ...entries('1.5.11', CHANGES, 'ssl_session_reused'),
  ...entries('1.5.12', CHANGES, 'proxy_protocol_addr'),
  ...entries('1.7.0', CHANGES, 'ssl_server_name'),
  ...entries('1.7.1', CHANGES, 'ssl_client_fingerprint'),
  ...entries('1.7.10', CHANGES, 'upstream_header_time'),
  ...entries('1.9.1', CHANGES, 'upstream_connect_time'),
  ...entries('1.9.7', CHANGES, 'realip_remote_addr'),
  ...entries('1.11.0', CHANGES, 'request_id proxy_protocol_port realip_remote_port'),
  ...entries('1.11.4', CHANGES, 'upstream_bytes_received'),
  ...entries('1.11.6', CHANGES, 'ssl_client_s_dn_legacy ssl_client_i_dn_legacy'),
  ...entries('1.11.7', CHANGES, 'ssl_ciphers ssl_curves ssl_client_v_start ssl_client_v_end ssl_client_v_remain'),
  ...entries('1.13.5', CHANGES, 'ssl_client_escaped_cert'),
  ...entries('1.15.8', CHANGES, 'upstream_bytes_sent'),
  ...entries('1.17.6', CHANGES, 'proxy_protocol_server_addr proxy_protocol_server_port limit_req_status limit_conn_status'),
  ...entries('1.19.10', CHANGES, 'connection_time'),
  ...entries('1.21.4', CHANGES, 'ssl_alpn_protocol'),
  ...entries('1.21.5', CHANGES, 'ssl_curve'),
  // "The ngx_http_v3_module module (1.25.0)", whose variable $http3 is (https://nginx.org/en/docs/http/ngx_http_v3_module.html).
  ...entries('1.25.0', 'https://nginx.org/en/docs/http/ngx_http_v3_module.html', 'http3'),
  // "(1.25.3)" on https://nginx.org/en/docs/http/ngx_http_upstream_module.html#var_upstream_last_server_name.
  ...entries('1.25.3', 'https://nginx.org/en/docs/http/ngx_http_upstream_module.html', 'upstream_last_server_name'),
  ...entries('1.29.3', CHANGES, 'request_port is_request_port ssl_sigalg ssl_client_sigalg'),
  // CHANGES 1.9.5: "the ngx_http_v2_module (replaces ngx_http_spdy_module)", and the SPDY variables went with it.
  ['spdy', { removed: '1.9.5', source: CHANGES }],
  ['spdy_request_priority', { removed: '1.9.5', source: CHANGES }],
]);

/** Stream: only the lines that name the stream module (its variables often came later, or earlier, than http's). */
const STREAM_VERSIONS = new Map<string, VariableVersion>([
  ...entries('1.11.4', CHANGES, 'bytes_received session_time protocol status upstream_addr upstream_bytes_sent upstream_bytes_received upstream_connect_time upstream_first_byte_time upstream_session_time proxy_protocol_addr proxy_protocol_port'),
  ...entries('1.13.10', CHANGES, 'ssl_preread_alpn_protocols'),
  ...entries('1.15.2', CHANGES, 'ssl_preread_protocol'),
  // CHANGES 1.25.5: "virtual servers in the stream module", with the server_name directive and its variable.
  ...entries('1.25.5', CHANGES, 'server_name'),
  // New to nginx altogether in 1.29.3, so in stream no earlier.
  ...entries('1.29.3', CHANGES, 'ssl_sigalg ssl_client_sigalg'),
]);
const VERSIONS = { http: HTTP_VERSIONS, stream: STREAM_VERSIONS };
/** Every entry, per module (for the test that runs them through a real nginx). */
export const NGINX_VARIABLE_VERSIONS: Readonly<Record<'http' | 'stream', ReadonlyMap<string, VariableVersion>>> = VERSIONS;

/** When `$name` came to (or left) nginx's module, where a source says so. */
export function nginxVariableVersion(name: string, module: 'http' | 'stream'): VariableVersion | undefined {
  return VERSIONS[module].get(name.toLowerCase());
}

/**
 * Whether nginx defines `$name` itself in that module. `name` without the `$`. With a target version, a name that
 * came later or went earlier (by VERSIONS) is not; without one (null), any build or version of nginx counts.
 */
export function isBuiltinNginxVariable(name: string, module: 'http' | 'stream', version: Version = null): boolean {
  const n = name.toLowerCase();
  if (SETS[module].has(n)) return !version || inVersion(VERSIONS[module].get(n), version);
  return PREFIXES[module].some((p) => n.startsWith(p));
}

function inVersion(v: VariableVersion | undefined, version: Version): boolean {
  if (!v) return true;
  if (v.since && atLeast(version, v.since) === false) return false;
  return !(v.removed && atLeast(version, v.removed) === true);
}

/** The built-in names of a module (in that version, when one is given), for "did you mean". */
export function builtinNginxVariables(module: 'http' | 'stream', version: Version = null): string[] {
  const out: string[] = [];
  for (const n of SETS[module]) if (!version || inVersion(VERSIONS[module].get(n), version)) out.push(n);
  return out;
}

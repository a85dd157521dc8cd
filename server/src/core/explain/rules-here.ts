/**
 * The rules worth naming for a log line placed in a configuration: a kind of line has a fixed list of rules that may
 * explain it (LogPattern.rules), but most look at one kind of setup only. A "Rules:" list naming balancer-single-member
 * under a balancer of two members, or a FastCGI rule under grpc_pass, points the reader at checks that cannot be the
 * cause there. So the list is narrowed by what the place says (its pass directive and target, the group's servers, the
 * worker's scheme and host, the balancer's members), and a rule that reported on the lines that applied is kept
 * whatever the facts say. Without a place (no configuration, or a line that fits several places alike) the list stays
 * whole. The CLI and the editor both print the result (ExplainedEntry.rules).
 */
import type { Finding } from '../finding';
import type { ConfigNode } from '../model/nginx-tree';
import type { PassTarget, UpstreamGraph } from '../model/nginx-upstreams';
import type { Worker } from '../model/apache-proxy';
import type { ApachePlace } from './apache-place';
import { isIpLiteral } from '../rules/nginx/addresses-support';

/** What one backend setup at the place is: an nginx pass target (with its group), or an httpd worker. */
export interface Setup {
  /** nginx: proxy_pass, fastcgi_pass, …; httpd: undefined. */
  directive?: string;
  /** The target's scheme (http, https, grpcs, h2, fcgi, …), when written. */
  scheme?: string;
  /** The backend hosts as written (a group's servers' hosts), with a variable shown as '$'. */
  hosts: string[];
  /** nginx: the upstream group's number of server lines; httpd: the balancer's number of members. */
  members?: number;
  /** nginx: the target is an upstream group; httpd: the worker is a balancer member. */
  pooled: boolean;
  /** A Unix domain socket. */
  socket?: boolean;
}

const TLS_SCHEMES = new Set(['https', 'grpcs', 'suwsgi', 'wss', 'h2']);
const HTTPD_HTTP_TLS = new Set(['https', 'wss']);
const named = (h: string) => h !== '$' && !isIpLiteral(h.replace(/^\[|\]$/g, ''));

/**
 * When a rule can report something about a setup. A rule not listed may apply to any setup. Each test reads what the
 * rule's own page says it checks.
 */
const APPLIES: Readonly<Record<string, (s: Setup) => boolean>> = {
  // nginx: an upstream group of one server (and no backup), of several, or any group.
  'single-server-upstream': (s) => s.pooled && s.members === 1,
  'max-fails-zero': (s) => s.pooled && (s.members ?? 0) > 1,
  'no-backup-server': (s) => s.pooled,
  'all-servers-down': (s) => s.pooled,
  'backup-with-hash-balancing': (s) => s.pooled,
  'keepalive-timeout-races-backend': (s) => s.pooled,
  'upstream-keepalive-ineffective': (s) => s.pooled,
  // FastCGI settings in a location that passes with proxy_pass.
  'fastcgi-settings-without-fastcgi-pass': (s) => s.directive === 'proxy_pass',
  // TLS to the backend.
  'tls-upstream-without-sni': (s) => !s.scheme || TLS_SCHEMES.has(s.scheme),
  'tls-verify-without-trusted-certificate': (s) => !s.scheme || TLS_SCHEMES.has(s.scheme),
  'tls-certificate-without-key': (s) => !s.scheme || TLS_SCHEMES.has(s.scheme),
  // These two look at mod_proxy_http's TLS workers (https://, wss://), not at h2:// ones.
  'tls-backend-ip-name-check': (s) => (!s.scheme || HTTPD_HTTP_TLS.has(s.scheme)) && s.hosts.some((h) => h === '$' || !named(h)),
  'tls-backend-checked-against-client-host': (s) => !s.scheme || HTTPD_HTTP_TLS.has(s.scheme),
  'sslproxyverify-without-ca': (s) => !s.scheme || TLS_SCHEMES.has(s.scheme),
  'https-backend-without-sslproxyengine': (s) => !s.scheme || TLS_SCHEMES.has(s.scheme),
  // A host name that is looked up (not an IP address, not a socket).
  'hostname-resolved-at-startup': (s) => !s.socket && s.hosts.some(named),
  'backend-dns-cached-per-child': (s) => !s.socket && s.hosts.some(named),
  'localhost-upstream': (s) => s.hosts.some((h) => h.toLowerCase() === 'localhost' || h === '$'),
  // httpd: a balancer, or one of one member.
  'balancer-single-member': (s) => s.pooled && s.members === 1,
  'balancer-no-usable-member': (s) => s.pooled,
  'forcerecovery-off-prolongs-outage': (s) => s.pooled,
  'balancer-member-without-health-check': (s) => s.pooled,
  'balancer-without-failonstatus': (s) => s.pooled,
};

/**
 * Rules that report whenever the configuration has what they look for (a balancer of one member, a backend with no
 * connectiontimeout, SSLProxyVerify without a CA, a socket path written without "|"): no threshold and no setting
 * they wait for. When the configuration was linted (explain --in) and such a rule found nothing anywhere in it, the
 * log line cannot be about it, wherever the line was placed. Rules with a threshold (proxy-timeout-too-low) or that
 * need a setting to report (pooled-connection-outlives-backend-keepalive) are not here: their silence proves nothing.
 */
const REPORTS_WHAT_IT_CHECKS: ReadonlySet<string> = new Set([
  'proxytimeout-inherits-timeout',
  'no-connectiontimeout',
  'forcerecovery-off-prolongs-outage',
  'balancer-member-without-health-check',
  'balancer-without-failonstatus',
  'balancer-single-member',
  'sslproxyverify-without-ca',
  'https-backend-without-sslproxyengine',
  'backend-is-own-listener-wrong-scheme',
  'tls-backend-checked-against-client-host',
  'tls-backend-ip-name-check',
  'unix-socket-target-syntax',
  'sethandler-unix-socket-syntax',
  'backend-dns-cached-per-child',
  'single-server-upstream',
  'max-fails-zero',
  'all-servers-down',
  'upstream-keepalive-ineffective',
  'fastcgi-settings-without-fastcgi-pass',
  'tls-verify-without-trusted-certificate',
  'tls-certificate-without-key',
  'localhost-upstream',
]);

/**
 * Of `rules`, those that can apply to one of the setups, in their order, or that reported on the lines that applied
 * (`findings`). No setups: `rules` as they are, but for the rules of REPORTS_WHAT_IT_CHECKS that found nothing in the
 * linted configuration (`linted`: every rule that reported in it; undefined when no configuration was given).
 */
export function rulesHere(rules: readonly string[], setups: readonly Setup[] | undefined, findings: readonly Finding[], linted?: ReadonlySet<string>): string[] {
  const silent = (id: string) => linted !== undefined && REPORTS_WHAT_IT_CHECKS.has(id) && !linted.has(id);
  if (!setups?.length) return rules.filter((id) => !silent(id));
  const reported = new Set(findings.map((f) => f.ruleId));
  return rules.filter((id) => reported.has(id) || (!silent(id) && (!APPLIES[id] || setups.some(APPLIES[id]))));
}

/**
 * nginx: the setups of the pass lines of the block that handled the request (a location, or a stream server), its
 * `if` and `limit_except` blocks included. undefined when it has none, or one proxylint could not read.
 */
export function nginxSetups(scope: ConfigNode, upstreams: UpstreamGraph | undefined): Setup[] | undefined {
  const own = (t: PassTarget) => t.node.parent === scope || (t.node.parent?.parent === scope && (t.node.parent.name === 'if' || t.node.parent.name === 'limit_except'));
  const passes = (upstreams?.passes ?? []).filter(own);
  if (!passes.length || passes.some((t) => t.error)) return undefined;
  return passes.map((t) => {
    if (t.hasVariables && !t.upstream) return { directive: t.directive, scheme: t.scheme, hosts: ['$'], pooled: false };
    const group = t.upstream;
    const hosts = group ? group.servers.map((s) => (s.address?.hasVariables ? '$' : s.address?.unix ? '' : s.address?.host ?? '$')) : [t.address?.unix ? '' : t.address?.host ?? '$'];
    const socket = group ? group.servers.every((s) => !!s.address?.unix) : !!t.address?.unix;
    return { directive: t.directive, scheme: t.scheme, hosts: hosts.filter((h) => h !== ''), ...(group ? { members: group.servers.length } : {}), pooled: !!group, socket };
  });
}

/**
 * httpd: the worker the line was placed at, or each member of the balancer it was placed at. undefined for a place
 * in doubt, or one that is no worker (a RewriteRule, a SetHandler).
 */
export function apacheSetups(place: ApachePlace): Setup[] | undefined {
  if (place.ambiguous) return undefined;
  const one = (w: Worker): Setup => {
    const b = w.balancer;
    return { scheme: w.target.scheme || undefined, hosts: w.target.socket ? [] : [w.target.host], ...(b ? { members: b.members.length } : {}), pooled: !!b, socket: !!w.target.socket };
  };
  if (place.worker) return [one(place.worker)];
  if (place.balancer && !place.rewrite && !place.handler) return place.balancer.members.length ? place.balancer.members.map(one) : undefined;
  return undefined;
}

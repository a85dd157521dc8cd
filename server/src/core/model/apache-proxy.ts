import type { ApacheArg } from '../syntax/apache/ast';
import { pushTo } from '../collections';
import { takesMainBalancers } from './apache-balancer-scope';
import { contextOf, isApacheEntry, virtualHostOf, type ApacheConfig, type ApacheNode } from './apache-tree';
import { atoi, parseApacheDuration, parseParams, PROXYPASS_FLAGS, type WorkerParam } from './apache-workers';
import { deSocketfy, findsWorker, lookupHost, workerName } from './apache-worker-names';
import { proxyRewritesOf, type ProxyRewrite } from './apache-rewrite';
import { locationOverrides, type LocationOverride } from './apache-location-override';
import { servingLines, type Serving } from './apache-serving-line';
import { shadowedLines } from './apache-proxypass-order';
import { unreachableWorkers } from './apache-unreachable-worker';

/**
 * The reverse-proxy model of an httpd configuration: ProxyPass rules in the order httpd tries them,
 * the workers (backends) they create, balancers and their members, and each worker's effective
 * timeouts with the directive they come from.
 * https://httpd.apache.org/docs/2.4/mod/mod_proxy.html
 */

export interface BackendUrl {
  /** Lower-case scheme (`http`, `fcgi`, `balancer`, …), or '' when there is none. */
  scheme: string;
  host: string;
  /** The port as written, or '' for the scheme's default. */
  port: string;
  path: string;
  /** For `unix:/path|http://…` targets, the socket path. */
  socket?: string;
  /** Why httpd rejects the URL when it loads the configuration, in its own words. */
  error?: string;
}

/**
 * The word httpd puts before a URL error. add_pass (mod_proxy.c) says "ProxyPass" for ProxyPassMatch and the
 * one-argument form too; add_member says "BalancerMember".
 */
function errorPrefix(directive: string): string {
  const d = directive.toLowerCase();
  return d === 'proxypass' || d === 'proxypassmatch' ? 'ProxyPass' : d === 'balancermember' ? 'BalancerMember' : directive;
}

/**
 * Splits a URL the way apr_uri_parse does (APR 1.7, which httpd 2.4 uses), or returns undefined where it fails
 * ("Unable to parse URL"). A scheme starts with a letter and is followed by ":"; without one, a first path segment
 * holding ":" is an error (RFC 3986 4.2), so "127.0.0.1:8080/" fails while "backend:8080/" parses as scheme
 * "backend" with no host. In the authority, the port follows the first ":" (or "]" for IPv6) and must be a number.
 */
function aprUriParse(url: string): { scheme?: string; host?: string; port: string; path: string } | undefined {
  let i = 0;
  if (/^[A-Za-z]/.test(url)) {
    i = 1;
    while (i < url.length && /[A-Za-z0-9+.-]/.test(url[i])) i++;
  }
  let scheme: string | undefined;
  if (i > 0 && url[i] === ':') scheme = url.slice(0, i++);
  else i = 0;
  if (!url.startsWith('//', i)) {
    // apr_uri_parse looks for ":" up to the first "/", past "?" and "#": "https?://b/" and "^http://b/" fail.
    if (!scheme && /^[^/]*:/.test(url)) return undefined;
    return { scheme, port: '', path: url.slice(i) };
  }
  const authority = /^[^/?#]*/.exec(url.slice(i + 2))![0];
  const path = url.slice(i + 2 + authority.length);
  const hostinfo = authority.slice(authority.lastIndexOf('@') + 1);
  let colon: number;
  if (hostinfo.startsWith('[')) {
    const close = hostinfo.indexOf(']');
    if (close < 0) return undefined;
    colon = hostinfo[close + 1] === ':' ? close + 1 : -1;
  } else colon = hostinfo.indexOf(':');
  if (colon < 0) return { scheme, host: hostinfo, port: '', path };
  const port = hostinfo.slice(colon + 1);
  // strtol must read the whole port: "80a" and "80:90" fail, "" means the scheme's default.
  if (port !== '' && !/^\s*[+-]?\d+$/.test(port)) return undefined;
  return { scheme, host: hostinfo.slice(0, colon), port, path };
}

/**
 * A backend URL as mod_proxy reads it when the configuration loads (ap_proxy_de_socketfy, then
 * ap_proxy_define_worker): `error` is httpd's own message for the line, prefixed as it prints it.
 */
export function parseBackendUrl(url: string, directive = 'ProxyPass'): BackendUrl {
  const who = errorPrefix(directive);
  let rest = url;
  let socket: string | undefined;
  const fail = (error: string): BackendUrl => ({ scheme: '', host: '', port: '', path: '', socket, error });
  if (/^unix:/i.test(url)) {
    const bar = url.indexOf('|');
    if (bar < 0) {
      // No "|": an ordinary URL with scheme "unix" and no host.
      socket = url.slice(5);
    } else {
      socket = url.slice(5, bar);
      rest = url.slice(bar + 1);
      // After "|" httpd wants a scheme: "unix:/s|http:" is short for "unix:/s|http://localhost".
      const colon = rest.indexOf(':');
      if (colon < 0) return fail(`${who === 'ProxyPass' ? 'ProxyPass|ProxyPassMatch' : who} uses an invalid "unix:" URL`);
      if (colon === rest.length - 1) rest += '//localhost';
    }
  }
  const u = aprUriParse(rest);
  if (!u) return fail(`${who} Unable to parse URL: ${url}`);
  const viaSocket = socket !== undefined && rest !== url;
  // Over a UNIX socket the host is only a name for the worker: httpd accepts "unix:/s|backend:80/".
  if (!u.scheme || (!u.host && !viaSocket)) return fail(`${who} URL must be absolute!: ${url}`);
  return { scheme: u.scheme.toLowerCase(), host: u.host ?? '', port: u.port, path: u.path, socket: viaSocket ? socket : undefined };
}

export interface ProxyPassRule {
  node: ApacheNode;
  /**
   * httpd matches the path as a regular expression (see passPathIsRegex): ProxyPassMatch, `ProxyPass ~`, and a section's
   * ProxyPass when the section's path has a wildcard; else the path is a prefix (in <LocationMatch> too).
   */
  regex: boolean;
  /** The URL-path (or regex) the rule matches; from the enclosing <Location> for the one-argument form. */
  path: string;
  /** The argument holding the path, when written on this line. */
  pathArg?: ApacheArg;
  /** The enclosing <Location>/<LocationMatch> for the one-argument form. */
  location?: ApacheNode;
  /** `!`: requests under the path are not proxied. */
  exclusion: boolean;
  url: string;
  urlArg?: ApacheArg;
  target?: BackendUrl;
  params: WorkerParam[];
  flags: ApacheArg[];
  invalid: ApacheArg[];
  vhost: ApacheNode | null;
  /**
   * A path written where httpd takes only the URL: inside <Location>, <LocationMatch>, <Proxy> or <ProxyMatch>
   * httpd uses the section's path as the first word, so `ProxyPass /app http://b/` there stops it from starting.
   * A <Location> rule is modelled as if the path were not there (its URL and parameters are the words after it).
   */
  misplacedPath?: MisplacedPath;
}

export interface MisplacedPath {
  /** The path (or regex) written on the line. */
  arg: ApacheArg;
  /** The section whose path httpd uses instead. */
  section: ApacheNode;
  /** What apache2 -t says about the line (httpd 2.4.71, add_pass in mod_proxy.c). */
  says: string;
}

export interface Worker {
  /** The ProxyPass(Match) or BalancerMember line that defines it. */
  node: ApacheNode;
  kind: 'proxypass' | 'member';
  url: string;
  urlArg: ApacheArg;
  target: BackendUrl;
  /**
   * Own parameters, plus those of ProxySet lines that find this worker (the longest worker name their URL starts with,
   * in the same server, defined before them; later lines win); not for a BalancerMember, whose worker
   * belongs to its balancer: ProxySet with its URL outside a section stops httpd (proxyset-target-not-found), and
   * inside <Proxy "url"> it sets up another worker (on 2.4.71 a member kept ProxyTimeout's 4 s after
   * <Proxy "url"> ProxySet timeout=1, and took 1 s with timeout=1 on its own line).
   */
  params: Map<string, WorkerParam>;
  /**
   * The enablereuse= or disablereuse= word httpd reads last: both set the same switch (disablereuse in
   * set_worker_param, mod_proxy.c), so "enablereuse=On disablereuse=On" turns reuse off.
   */
  reuse?: WorkerParam;
  /** A regex worker (see isRegexWorker), whose URL may hold $1…$9. */
  match: boolean;
  balancer?: Balancer;
  vhost: ApacheNode | null;
  /**
   * The earlier worker httpd uses for this line instead of defining one (add_pass / add_member in mod_proxy.c,
   * "AH01145: Sharing worker 'x' instead of creating new worker 'y'", AH01149 for BalancerMember): `params` and
   * `reuse` are then that worker's, and the line's own parameters are in `ignored`. See sharedWorker.
   */
  shares?: Worker;
  /** This line's own parameters, which httpd ignores because it shares `shares` ("AH01146: Ignoring parameter …"). */
  ignored?: WorkerParam[];
  /**
   * The ProxyTimeout httpd copied into this worker when a ProxyPass(Match) line defined it: the last one at the level of
   * the line's own server read before that line (add_pass copies the server's ProxyTimeout into a worker it defines).
   * It is then the worker's own timeout, like timeout=, and the ProxyTimeout of the server a request comes to no longer
   * matters; a line that shares the worker has the defining line's. On 2.4.71 a main-server "ProxyTimeout 6" before a
   * ProxyPass made requests through it to a virtual host with "ProxyTimeout 2" wait 6 s; written after it, 2 s
   * (test/servers/apache-proxytimeout-fixed-at-line.test.ts).
   */
  proxyTimeout?: ApacheNode;
}

/**
 * A balancer of one server: httpd gives each server (the main server, each <VirtualHost>) its own balancers, defined
 * by that server's lines, so two servers' `balancer://pool` are two balancers (see takesMainBalancers for which one a
 * request uses).
 */
export interface Balancer {
  /** `balancer://name`, lower-case, without a trailing slash. */
  name: string;
  /** The server whose lines define it: null for the main server, else its <VirtualHost>. */
  vhost: ApacheNode | null;
  /** This server's `<Proxy balancer://name>` section, when there is one. */
  section: ApacheNode | null;
  /** This server's BalancerMember lines for the name. */
  members: Worker[];
  /** Balancer parameters from this server's ProxySet lines and ProxyPass lines to it (the last of each key). */
  params: Map<string, WorkerParam>;
  /**
   * The ProxyPass(Match) lines whose requests go through it: this server's, and for the main server's balancer, those of
   * every virtual host that takes the main server's balancers (balancerFor); none for one that is hidden (hiddenBy).
   */
  users: ProxyPassRule[];
  /**
   * For a virtual host's balancer whose name the main server defines too, in a virtual host that takes the main
   * server's balancers: the main server's, which its requests use instead; this one's members get none.
   */
  hiddenBy?: Balancer;
}

export type TimeoutOrigin = 'worker' | 'ProxyTimeout' | 'Timeout' | 'default';

export interface TimeoutValue {
  ms: number;
  origin: TimeoutOrigin;
  /**
   * The file linted is a fragment (a vhost file, a conf.d snippet), not a complete configuration, and the
   * value comes from Timeout or its default: the main configuration, which is not visible, may set Timeout
   * or ProxyTimeout for it (Debian's apache2.conf sets Timeout 300).
   */
  partial?: boolean;
  /** The directive the value comes from (absent for the built-in default). */
  node?: ApacheNode;
  param?: WorkerParam;
}

/** What the timeout chain needs of a worker (a Worker, or the bare chain of a server for a URL no worker finds). */
export type TimedWorker = { params: Map<string, WorkerParam>; vhost: ApacheNode | null; node?: ApacheNode; proxyTimeout?: ApacheNode };

export interface ProxyModel {
  rules: ProxyPassRule[];
  workers: Worker[];
  /** Every server's balancers, in the order their first line is read. */
  balancers: Balancer[];
  /**
   * The balancer a line of `server` (null: the main server) uses by this name (`balancer://name`, see balancerName):
   * the main server's when it defines one and the virtual host takes the main server's balancers, else the server's
   * own; undefined when neither defines one.
   */
  balancerFor(server: ApacheNode | null, name: string): Balancer | undefined;
  /** The balancer of this name that `server`'s own lines define, whether or not its requests use it (see hiddenBy). */
  ownBalancer(server: ApacheNode | null, name: string): Balancer | undefined;
  /**
   * The balancer settings in force for requests to `server` through `b`: its own server's lines', and for a virtual host
   * that uses the main server's balancer, its own lines' for the same name on top, key by key (merge_proxy_config copies
   * what the virtual host sets onto the main server's balancer). failonstatus= adds up: on 2.4.71 with failonstatus=503 in
   * the main server and failonstatus=500 on the virtual host's ProxyPass, the virtual host's requests still took out a
   * member that answered 503; failontimeout=On and forcerecovery=Off on the virtual host's line held for its requests
   * and not for the main server's (test/servers/apache-balancer-scope.test.ts, apache-balancer-scope-rules.test.ts).
   */
  balancerParams(b: Balancer, server: ApacheNode | null): Map<string, WorkerParam>;
  /**
   * True when the configuration linted is complete (httpd.conf/apache2.conf, or a file that sets ServerRoot or
   * loads an MPM): server-wide values not found in it are httpd's defaults. A fragment inherits them from a
   * main configuration that is not visible.
   */
  complete: boolean;
  /**
   * Server-level ProxyPass(Match) rules in the order httpd tries them for requests to `vhost` (null = the main
   * server): the main server's first, in every virtual host. <Location> forms are left out: httpd tries a request's
   * <Location> ProxyPass before all of these.
   */
  rulesFor(vhost: ApacheNode | null): ProxyPassRule[];
  /**
   * Every ProxyPass(Match) rule in the order httpd tries them when the server a request went to is not known (an
   * error-log line names no virtual host): <Location> forms first (a request's <Location> ProxyPass is tried before the
   * server's list), then the main server's lines (first in every virtual host, see rulesFor), then each virtual host's.
   */
  tryOrder: ProxyPassRule[];
  /**
   * The one-argument ProxyPass lines of <Location> sections that a later <Location>'s ProxyPass overrides for every
   * path they match (the last matching section's ProxyPass wins), each with the later lines (the last covering
   * <Location>, and the one that serves the section's own path): httpd defines their workers but never sends the
   * section's requests through them (see locationOverrides).
   */
  overriddenBy: ReadonlyMap<ApacheNode, LocationOverride>;
  /**
   * The ProxyPass(Match) line that serves a request for `path` (a URL-path, after MergeSlashes) that came to `server`
   * (null: the main server): the line of the <Location>/<LocationMatch> section merged last when it maps the path, else
   * the first line of the server's list that does (see servingLines). `rule` is undefined when no line maps it, and
   * `known` false when that cannot be told. Memoized per server and path.
   */
  servedBy(server: ApacheNode | null, path: string): Serving;
  /**
   * Server-level ProxyPass lines (and ProxyPassMatch lines whose every match starts with text the section covers) that
   * serve no request: in every server they run in, a plain <Location>'s ProxyPass takes their whole path first
   * (proxy_trans tries the request's <Location> line before the server's list), with that <Location> line (see
   * servingLines). httpd still defines their workers, which other lines may reach.
   */
  takenByLocation: ReadonlyMap<ApacheNode, ProxyPassRule>;
  /**
   * Server-level ProxyPass(Match) lines (and exclusions) that an earlier line of their server's list takes every request
   * of, with the first such line (see shadowedLines): the first match in the list decides, and a virtual host's list
   * starts with the main server's lines, wherever they are written. httpd still defines their workers.
   */
  shadowedBy: ReadonlyMap<ApacheNode, ProxyPassRule>;
  /**
   * The workers no request reaches (see unreachableWorkers): defined only by dead lines (overriddenBy, takenByLocation,
   * shadowedBy) and found by no live line (a ProxyPass, ProxyPassMatch, RewriteRule [P] or SetHandler "proxy:…" whose
   * URL can land on them). Rules that judge a worker's parameters skip these: no request ever uses them.
   */
  unreachable: ReadonlySet<Worker>;
  /**
   * The worker a ProxySet line (or the <Proxy "url"> section around it) configures, as httpd finds it when it reads the
   * line, or defines it inside a section; undefined for a balancer, for <ProxyMatch>, and where httpd finds none.
   */
  proxySetWorker(node: ApacheNode): Worker | undefined;
  /**
   * The worker a request of `server` proxied to `url` goes through when a RewriteRule [P] (or another handler) hands it
   * to mod_proxy: the longest worker name the URL finds among the server's ProxyPass(Match) and <Proxy "url"> ProxySet
   * workers and the main server's (merge_proxy_config puts those first, so they win a tie; names are compared, and a
   * worker over a UNIX socket is named without its "unix:/path|"), also with ProxyPassInherit
   * Off in the virtual host; undefined when none is found, and httpd uses its default worker, which has no parameters.
   * On 2.4.68 a [P] rule to http://h/w/… in a virtual host with Timeout 1 got 200 from a backend that took 2 s through
   * "ProxyPass /w/ http://h/w/ timeout=5" (in that virtual host, or in the main server whether or not the virtual host
   * said ProxyPassInherit Off), and 502 after 1 s to a URL no worker's name starts (test/servers/apache-rewrite-worker.test.ts).
   */
  workerForUrl(server: ApacheNode | null, url: string): Worker | undefined;
  /** The last `name` directive at server level of `vhost`, else of the main server (server-scoped directives). */
  serverValue(vhost: ApacheNode | null, lname: string): ApacheNode | undefined;
  /**
   * How long httpd waits for the backend to answer: worker timeout → ProxyTimeout → Timeout → 60 s, the last two of
   * `server`, the server the request came to (by default the worker's own): httpd reads them from the request's server
   * when it opens the connection (ap_proxy_connect_backend), so a main-server worker used from a virtual host waits
   * that virtual host's ProxyTimeout or Timeout (test/servers/apache-vhost-timeouts.test.ts). A ProxyTimeout copied into
   * the worker by the line that defined it (Worker.proxyTimeout) comes right after timeout= and before the server's.
   */
  backendTimeout(w: TimedWorker, server?: ApacheNode | null): TimeoutValue;
  /** How long httpd waits for a connection: worker connectiontimeout → the backend timeout chain (of `server`). */
  connectTimeout(w: TimedWorker, server?: ApacheNode | null): TimeoutValue;
  /** The Timeout of `server` (its own, else the main server's, else 60 s): the client side of a WebSocket tunnel. */
  serverTimeout(server: ApacheNode | null): TimeoutValue;
  /** The main server and every <VirtualHost>, in file order (the main server first). */
  servers: ServerInfo[];
  /**
   * Whether requests can reach the main server itself: false when the configuration is complete and every Listen
   * address is one a <VirtualHost> takes (httpd then hands every connection to a virtual host).
   */
  mainServerAnswers: boolean;
  /** The Listen ports whose connections the main server answers (no <VirtualHost> takes them); undefined when not known. */
  mainServerPorts?: string[];
  /**
   * What an ErrorLogFormat in the configuration writes about the request's server: its name (%v, %V, %{Host}i) or
   * local address (%A); `tail` when it writes one of them after the message (%M), where it is read from the end of the
   * line (see errorLogTail).
   */
  errorLogFormat: { name?: string; address: boolean; tail?: ErrorLogTail };
  /**
   * The servers whose requests use worker `w`: its own virtual host; for a main-server ProxyPass worker, every server
   * (its lines come first in each virtual host, see rulesFor); for a balancer member, the servers of the ProxyPass
   * lines that use its balancer. The main server is left out when it answers no request (mainServerAnswers).
   */
  serversOf(w: Worker): (ApacheNode | null)[];
  /** The RewriteRule … [P] lines to a URL that run, with the servers whose requests they see (see proxyRewritesOf). */
  rewrites: ProxyRewrite[];
  /**
   * `SetHandler "proxy:unix:/path|scheme://host/"` lines (PHP-FPM's usual set-up on Debian): the socket each names. Their
   * requests go through a worker no ProxyPass or BalancerMember defines, so an error-log line naming the socket
   * (AH02454) is placed at them.
   */
  socketHandlers: { node: ApacheNode; socket: string; url: string }[];
}

export interface ServerInfo {
  /** null for the main server. */
  vhost: ApacheNode | null;
  /** ServerName and ServerAlias values, lower-case, without a port. */
  names: string[];
  /** The <VirtualHost> addresses: `*`, `_default_`, an IP or a host name, and the port (`*` for any). */
  addresses: { host: string; port: string }[];
}

/**
 * The servers (null: the main server) whose RewriteRule … [P] lines send requests to each balancer, as each server
 * resolves the name (balancerFor): with the ProxyPass users (Balancer.users), the servers a member's requests come
 * from, and so the SSLProxy* settings those requests are made with.
 */
export function rewriteUsersOfBalancers(proxy: ProxyModel, rewrites: readonly ProxyRewrite[] = proxy.rewrites): Map<Balancer, (ApacheNode | null)[]> {
  const users = new Map<Balancer, (ApacheNode | null)[]>();
  for (const r of rewrites) {
    if (r.target.scheme !== 'balancer') continue;
    for (const server of r.servers) {
      const b = proxy.balancerFor(server, balancerName(r.url));
      if (b) pushTo(users, b, server);
    }
  }
  return users;
}

export function balancerName(url: string): string {
  const m = /^balancer:\/\/([^/]*)/i.exec(url);
  return m ? `balancer://${m[1].toLowerCase()}` : url.toLowerCase();
}

/** `<Proxy url>`: the URL of the enclosing proxy section, if any. */
function proxySectionOf(node: ApacheNode): ApacheNode | null {
  for (let p = node.parent; p; p = p.parent) if (p.lname === 'proxy') return p;
  return null;
}

/** Containers httpd reads in place: a line inside one has the enclosing section as its parent. */
const TRANSPARENT = new Set(['ifmodule', 'ifdefine', 'ifversion', 'iffile', 'ifdirective', 'ifsection']);

/**
 * The <Proxy> or <ProxyMatch> section a ProxySet line takes its name from: its parent for httpd (set_proxy_param
 * in mod_proxy.c compares the parent's name with "<Proxy", which <ProxyMatch> starts with too), if any.
 */
export function proxySetSection(node: ApacheNode): ApacheNode | undefined {
  let p = node.parent;
  while (p && TRANSPARENT.has(p.lname)) p = p.parent;
  return p && (p.lname === 'proxy' || p.lname === 'proxymatch') ? p : undefined;
}

export interface ProxySetTarget {
  /** The worker or balancer name httpd uses: the section's first word inside a section, else the line's first word. */
  url: string;
  /** Outside a section: the name is the line's first word, and the parameters follow it. */
  urlFromLine: boolean;
  section: ApacheNode | null;
  /** In <ProxyMatch>: httpd takes the regular expression, as written, for the name. */
  match: boolean;
}

/**
 * What a ProxySet line configures, as httpd reads it: inside a section every word is a parameter and the section
 * names the worker; outside, the first word is the name, whatever it looks like. Undefined for a bare `ProxySet`
 * outside a section.
 */
export function proxySetTarget(node: ApacheNode): ProxySetTarget | undefined {
  const section = proxySetSection(node);
  if (section) return { url: section.args[0] ?? '', urlFromLine: false, section, match: section.lname === 'proxymatch' };
  return node.args.length > 0 ? { url: node.args[0], urlFromLine: true, section: null, match: false } : undefined;
}

/**
 * What httpd says when it cannot use a ProxySet line's name, before it reads a parameter (set_proxy_param in
 * mod_proxy.c, 2.4.71): a "unix:" URL with no ":" after its "|", anywhere; and inside a section, where httpd defines
 * the worker or balancer it does not find, a name ap_proxy_define_balancer or ap_proxy_define_worker rejects.
 * A name with "scheme://x" could still find a ProxyPassMatch worker whose $1 matches anything; callers that can
 * see the workers check that. Outside a section, a name that finds nothing is proxyset-target-not-found's case.
 */
export function proxySetTargetError(t: ProxySetTarget): string | undefined {
  const name = t.url;
  // ap_proxy_valid_balancer_name(name, 9): "balancer:" in any case.
  if (/^balancer:/i.test(name)) {
    if (!t.section) return undefined;
    const c = name.indexOf(':');
    return name[c + 1] === '/' && name[c + 2] === '/' && c + 3 < name.length ? undefined : `ProxySet Bad syntax for a balancer name (${name})`;
  }
  if (deSocketfy(name) === undefined) return 'ProxySet uses an invalid "unix:" URL';
  return t.section ? parseBackendUrl(name, 'ProxySet').error : undefined;
}

function locationOf(node: ApacheNode): ApacheNode | null {
  for (let p = node.parent; p; p = p.parent) if (p.lname === 'location' || p.lname === 'locationmatch') return p;
  return null;
}

/** Sections httpd refuses ProxyPass in outright ("ProxyPass cannot occur within <Directory> section"). */
const NO_PROXYPASS_SECTIONS = new Set(['directory', 'directorymatch', 'files', 'filesmatch', 'if', 'elseif', 'else', 'limit', 'limitexcept']);

/**
 * Whether a section's "~" form makes it a regex section: core's <Location ~>, <Directory ~> and <Files ~> have one,
 * proxysection in mod_proxy.c 2.4.71 does not. There "~" is the section's name (cmd->path), and a regex after it is one
 * more parameter: apache2 -t refuses `<Proxy ~ "^http://h/">` ("<Proxy> arguments are not supported for non url."),
 * and a lone `<Proxy ~>` is a plain section for the name "~" (BalancerMember inside it: "Bad syntax for a balancer
 * name (~)"), test/servers/apache-proxy-line-param-check.test.ts.
 */
const hasTildeForm = (section: ApacheNode) => section.lname !== 'proxy' && section.args[0] === '~';

/** Whether httpd matches a section's path as a regular expression (<LocationMatch>, <ProxyMatch>, <Location ~ "re">). */
export function sectionIsRegex(section: ApacheNode): boolean {
  return section.lname.endsWith('match') || hasTildeForm(section);
}

/** An httpd (PCRE) regex in JavaScript: a leading (?i) becomes the i flag; undefined when it does not compile. */
export function pcreRegExp(pattern: string): RegExp | undefined {
  const caseless = pattern.startsWith('(?i)');
  try {
    return new RegExp(caseless ? pattern.slice(4) : pattern, caseless ? 'i' : '');
  } catch {
    return undefined;
  }
}

/**
 * Whether httpd's location walk applies a <Location>/<LocationMatch> section to a request path (undefined: a regex
 * JavaScript does not compile).
 */
export function locationTakes(section: ApacheNode, path: string): boolean | undefined {
  const at = sectionPath(section);
  if (sectionIsRegex(section)) return pcreRegExp(at)?.test(path);
  // core's location walk compares a path with a wildcard by apr_fnmatch with APR_FNM_PATHNAME (d_is_fnmatch =
  // apr_fnmatch_test, urlsection): the whole path, "*" and "?" stopping at "/" (see fnmatchRegExp).
  if (fnmatchTest(at)) return fnmatchRegExp(at).test(path);
  // <Location "/a"> takes /a, /a/ and /a/x, not /ab.
  return path === at || (path.startsWith(at) && (at.endsWith('/') || path[at.length] === '/'));
}

/**
 * apr_fnmatch(pattern, string, APR_FNM_PATHNAME) as a regular expression: the whole string must match; "*" matches
 * any run and "?" any one character other than "/", a "[…]" class (negated by "!" or "^", with ranges) any one
 * character it holds other than "/", and "\" makes the next character literal; a "[" with no "]" after it is itself.
 * So <Location "/app*"> takes /app and /apple, not /app/x (real httpd 2.4.71: test/servers/apache-location-fnmatch.test.ts).
 */
export function fnmatchRegExp(pattern: string): RegExp {
  const lit = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\' && i + 1 < pattern.length) out += lit(pattern[++i]);
    else if (c === '[') {
      let j = i + 1;
      const negate = pattern[j] === '!' || pattern[j] === '^';
      if (negate) j++;
      let body = '';
      // A "]" right after "[" or "[!" is a member.
      for (let first = true; j < pattern.length && (first || pattern[j] !== ']'); first = false, j++) {
        let ch = pattern[j];
        if (ch === '\\' && j + 1 < pattern.length) ch = pattern[++j];
        if (pattern[j + 1] === '-' && j + 2 < pattern.length && pattern[j + 2] !== ']') {
          let hi = pattern[j + 2];
          j += 2;
          if (hi === '\\' && j + 1 < pattern.length) hi = pattern[++j];
          body += hi >= ch ? `${lit(ch)}-${lit(hi)}` : '';
        } else body += lit(ch);
      }
      if (j >= pattern.length) out += lit(c);
      else {
        out += negate ? `(?!/)[^${body}]` : body ? `(?!/)[${body}]` : '(?!)';
        i = j;
      }
    } else out += lit(c);
  }
  return new RegExp(`^${out}$`);
}

/**
 * apr_fnmatch_test: whether a word has a wildcard ("*", "?", or "[" with a "]" after it; a "\" escapes the next
 * character). add_pass makes a ProxyPass in a section a regex line only when the section's path passes it.
 */
export function fnmatchTest(p: string): boolean {
  let nesting = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '?' || c === '*') return true;
    if (c === '\\') {
      if (++i >= p.length) return false;
    } else if (c === '[') nesting++;
    else if (c === ']' && nesting) return true;
  }
  return false;
}

/** The path a section gives httpd (`<Location ~ "re">` has it second; `<Proxy ~ "re">` has "~", see hasTildeForm). */
export function sectionPath(section: ApacheNode): string {
  return (hasTildeForm(section) ? section.args[1] : section.args[0]) ?? '';
}

/** A word httpd could take for a backend URL: something with a scheme (`http:`, `unix:`, `balancer:`) or `!`. */
const urlLike = (w: string) => w === '!' || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(w);

/**
 * `ProxyPass /app http://b/` inside a section that gives httpd the path: add_pass starts from the section's path,
 * takes "/app" for the URL and rejects the next bare word. It says "can not have a path" when the word it took for
 * the URL starts with "/", "Invalid … parameter" otherwise (a regex), and when every later word is a flag or holds
 * "=" it fails on "/app" as a URL instead.
 */
function misplacedPath(node: ApacheNode): MisplacedPath | undefined {
  const a = node.directive.args;
  if (node.unresolved || a.length < 2 || urlLike(node.args[0]) || !urlLike(node.args[1])) return undefined;
  let section: ApacheNode | undefined;
  for (let p = node.parent; p; p = p.parent) {
    if (NO_PROXYPASS_SECTIONS.has(p.lname)) return undefined;
    if (!section && /^(location|locationmatch|proxy|proxymatch)$/.test(p.lname)) section = p;
  }
  if (!section) return undefined;
  const r = node.args[0];
  const bare = node.args.slice(1).some((w) => !PROXYPASS_FLAGS.has(w.toLowerCase()) && !w.includes('='));
  const says = !bare
    ? `ProxyPass URL must be absolute!: ${r}`
    : r.startsWith('/')
      ? 'ProxyPass|ProxyPassMatch can not have a path when defined in a location.'
      : "Invalid ProxyPass|ProxyPassMatch parameter. Parameter must be in the form 'key=value'.";
  return { arg: a[0], section, says };
}

/**
 * Whether add_pass (mod_proxy.c, 2.4) reads a ProxyPass(Match) line's path as a regex, which also makes the worker it
 * defines a regex worker (AP_PROXY_WORKER_IS_MATCH, one flag decides both): ProxyPassMatch always; ProxyPass when "~"
 * comes before its path; and a ProxyPass in a <Location>/<LocationMatch> section (`section`, whose path httpd gives
 * the line) only when that path has a wildcard by apr_fnmatch_test (see fnmatchTest), whatever the kind of section.
 * Otherwise the path is a prefix, compared as written (alias_match). On 2.4.71 (test/servers/apache-locationmatch-
 * proxypass.test.ts): `<LocationMatch "/api"> ProxyPass "http://a/"` sent /api/x to a as "//x" and left /v1/api/x to
 * the server's other lines; `<LocationMatch "\.php$">` and `<LocationMatch "^/api/">` mapped nothing (no URL starts
 * with them); `<LocationMatch "^/app/(.*)$"> ProxyPass "http://a/$1"` sent /app/x to a as "/x".
 */
export function passPathIsRegex(node: ApacheNode, section: ApacheNode | undefined): boolean {
  if (node.lname === 'proxypassmatch') return true;
  if (section) return fnmatchTest(sectionPath(section));
  return node.args[0] === '~';
}

/**
 * A ProxyPass in a <LocationMatch> or <Location ~> section whose path is read as a prefix (no wildcard, see
 * passPathIsRegex) but is written as a regex: it does not start with "/" ("\.php$", "^/api/"), or it holds "^", "$",
 * "\", "(", ")" or "|", which alias_match compares as the characters themselves. Such a line maps no request the
 * section means (on 2.4.71 `<LocationMatch "^/api/">`, `"\.php$"`, `"^/(api|v2)/"` and `"/api/v1$"` left every request to
 * the server's other lines: test/servers/apache-proxypass-maps-no-request.test.ts). Undefined for any other line.
 */
export function prefixWrittenAsRegex(r: Pick<ProxyPassRule, 'regex' | 'path' | 'location' | 'misplacedPath' | 'node'>): 'no-slash' | 'literal' | undefined {
  if (r.regex || !r.location || r.misplacedPath || r.node.lname !== 'proxypass' || !sectionIsRegex(r.location)) return undefined;
  if (!r.path.startsWith('/')) return 'no-slash';
  return /[$^\\()|]/.test(r.path) ? 'literal' : undefined;
}

/**
 * A regex worker: the worker a line defines is one exactly when add_pass reads its path as a regex (passPathIsRegex,
 * kept in ProxyPassRule.regex). Its name keeps $1…, which match any text in lookups, and with "$" in it reuse is off
 * by default.
 */
export function isRegexWorker(r: Pick<ProxyPassRule, 'regex'>): boolean {
  return r.regex;
}

function applyParams(w: Worker, params: WorkerParam[]): void {
  for (const p of params) {
    w.params.set(p.key, p);
    if (p.key === 'enablereuse' || p.key === 'disablereuse') w.reuse = p;
  }
}

/**
 * The worker ap_proxy_get_worker_ex finds for `url` among those defined so far in a server (or balancer): of the names
 * the URL finds (see findsWorker), the longest, looked up with the URL after "unix:/path|". `kinds` says which workers
 * may be found: ProxyPass finds only ProxyPass workers and ProxyPassMatch only ProxyPassMatch ones when they share
 * (add_pass), ProxySet finds either (set_proxy_param).
 */
function findWorker(defined: DefinedWorkers | undefined, url: string, kinds: { plain: boolean; match: boolean }): Worker | undefined {
  return findNamed(defined, url, kinds)?.worker;
}

/** findWorker, with the length of the name found (what ap_proxy_get_worker_ex compares, "unix:/path|" left out). */
function findNamed(defined: DefinedWorkers | undefined, url: string, kinds: { plain: boolean; match: boolean }): { length: number; worker: Worker } | undefined {
  const lookup = deSocketfy(url);
  if (lookup === undefined || !defined) return undefined;
  let best: { length: number; worker: Worker } | undefined;
  if (kinds.plain) {
    // A plain name is found when it is a prefix of the URL (host part lower-cased) at least as long as its
    // scheme://host:port (see findsWorker): the longest such prefix that is a name, looked up by length, so a
    // server with thousands of ProxyPass lines to one backend is not searched line by line for each of them.
    const head = lookupHost(lookup);
    if (head !== undefined) {
      const copy = head + lookup.slice(head.length);
      for (let n = copy.length; n >= head.length && !best; n--) {
        const w = defined.plain.get(copy.slice(0, n));
        if (w) best = { length: n, worker: w };
      }
    }
  }
  if (kinds.match) {
    for (const e of defined.match) {
      if (!findsWorker(lookup, e.name, true)) continue;
      if (!best || e.name.length > best.length) best = { length: e.name.length, worker: e.worker };
    }
  }
  return best;
}

/**
 * The earlier worker httpd shares for a new ProxyPass(Match) or BalancerMember URL, of those defined before it in the
 * same server (or balancer): the longest name the URL finds (ap_proxy_get_worker_ex, see findsWorker), looked up with
 * the URL after "unix:/path|" (so two sockets behind the same "http://localhost/" share the first socket's worker).
 * ProxyPass finds only ProxyPass workers, ProxyPassMatch only ProxyPassMatch ones. Seen on httpd 2.4.71
 * (test/servers/apache-worker-sharing.test.ts): "http://h/" is shared by "http://h/", "http://h/slow/" and
 * "HTTP://h/x", not by "http://h"; a virtual host does not share the main server's workers, nor another host's.
 */
function sharedWorker(defined: DefinedWorkers | undefined, url: string, match: boolean): Worker | undefined {
  return findWorker(defined, url, { plain: !match, match });
}

/** The workers a server (or balancer) has defined so far: plain ones by name (no two share one), regex ones in a list. */
interface DefinedWorkers {
  plain: Map<string, Worker>;
  match: { name: string; worker: Worker }[];
}

export function buildProxyModel(config: ApacheConfig): ProxyModel {
  const complete = !config.htaccess && isApacheEntry(config.entry);
  const rules: ProxyPassRule[] = [];
  const workers: Worker[] = [];
  const balancers: Balancer[] = [];
  const ownBalancers = new Map<ApacheNode | null, Map<string, Balancer>>();
  // <Proxy balancer://…> sections: one with neither BalancerMember nor ProxySet defines no balancer (on 2.4.71 a
  // main-server one did not hide a virtual host's balancer of the name), so they are given to balancers afterwards.
  const sections: { server: ApacheNode | null; name: string; node: ApacheNode }[] = [];
  const proxySetWorkers = new Map<ApacheNode, Worker>();
  // Workers httpd has defined so far, per server (each virtual host keeps its own list while the configuration is
  // read) and per balancer: a later line whose URL finds one of them shares it (sharedWorker).
  const defined = new Map<unknown, DefinedWorkers>();
  const define = (scope: unknown, w: Worker, params: WorkerParam[]): void => {
    let known = defined.get(scope);
    if (!known) defined.set(scope, (known = { plain: new Map(), match: [] }));
    const owner = sharedWorker(known, w.url, w.match);
    if (owner) {
      w.shares = owner;
      w.ignored = params;
      return;
    }
    applyParams(w, params);
    const name = workerName(w.url, w.match);
    if (name === undefined) return;
    if (w.match) known.match.push({ name, worker: w });
    else if (!known.plain.has(name)) known.plain.set(name, w);
  };

  const balancer = (server: ApacheNode | null, name: string): Balancer => {
    let mine = ownBalancers.get(server);
    if (!mine) ownBalancers.set(server, (mine = new Map()));
    let b = mine.get(name);
    if (!b) {
      mine.set(name, (b = { name, vhost: server, section: null, members: [], params: new Map(), users: [] }));
      balancers.push(b);
    }
    return b;
  };

  // Parameters on a <Proxy "url"> line itself (<Proxy "fcgi://localhost/" enablereuse=on timeout=300>, the PHP-FPM
  // recipe of httpd's manual; <Proxy balancer://b failonstatus=503>). proxysection in mod_proxy.c reads the section's
  // lines first and then sets these on the worker or balancer the URL finds, defining it when there is none, as a
  // ProxySet at the end of the section would: they are applied after the section's last line. On 2.4.71,
  // <Proxy "http://h/" timeout=3> with ProxyTimeout 8 made "ProxyPass /r/ http://h/" give up after 3 s.
  // <ProxyMatch> and wildcard URLs refuse parameters (httpd does not start).
  // By the index in config.all of the line before which they apply (the one after the section's last line).
  const lineParamsBefore = new Map<number, ApacheNode[]>();
  {
    const last = new Map<ApacheNode, number>();
    config.all.forEach((node, i) => {
      if (node.lname === 'proxy' && node.directive.args.length > 1 && !node.unresolved && /:/.test(node.args[0] ?? '') && !/[*?[]/.test(node.args[0] ?? '')) last.set(node, i);
      for (let p = node.parent; p; p = p.parent) if (last.has(p)) last.set(p, i);
    });
    for (const [section, i] of last) pushTo(lineParamsBefore, i + 1, section);
  }
  const applySectionLine = (section: ApacheNode): void => {
    const url = section.args[0];
    const { params } = parseParams(section, 1);
    const vhost = virtualHostOf(section);
    if (/^balancer:\/\//i.test(url)) {
      const b = balancer(vhost, balancerName(url));
      b.section ??= section;
      for (const p of params) b.params.set(p.key, p);
      return;
    }
    const found = findWorker(defined.get(vhost), url, { plain: true, match: true });
    if (found) {
      applyParams(found, params);
      return;
    }
    const target = parseBackendUrl(url, 'Proxy');
    if (target.error) return;
    define(vhost, { node: section, kind: 'proxypass', url, urlArg: section.directive.args[0], target, params: new Map(), match: false, vhost }, params);
  };

  // The ProxyTimeout read so far at each server's own level (a virtual host's is its own until the configuration is
  // merged after reading, so a main-server one written above a <VirtualHost> is not copied into its workers).
  const proxyTimeoutSoFar = new Map<ApacheNode | null, ApacheNode>();
  for (let i = 0; i <= config.all.length; i++) {
    for (const section of lineParamsBefore.get(i) ?? []) applySectionLine(section);
    if (i === config.all.length) break;
    const node = config.all[i];
    const a = node.directive.args;
    // ProxyTimeout sets its server's value as it is read (set_proxy_timeout); a ProxyPass read later copies it.
    if (node.lname === 'proxytimeout' && a.length === 1 && !node.unresolved && atoi(node.args[0]) >= 1 && contextOf(node, config) !== 'directory') proxyTimeoutSoFar.set(virtualHostOf(node), node);
    if (node.lname === 'proxypass' || node.lname === 'proxypassmatch') {
      const location = locationOf(node);
      const inLocation = location !== null && contextOf(node, config) === 'directory';
      const misplaced = contextOf(node, config) === 'directory' ? misplacedPath(node) : undefined;
      // `ProxyPass ~ "^/re" "url"` outside a section: "~" makes the next word a regex path (add_pass).
      const tilde = !inLocation && node.lname === 'proxypass' && node.args[0] === '~' ? 1 : 0;
      // In a <Location> the words after a misplaced path are read as what they were meant to be (URL, parameters).
      const urlIndex = inLocation && !misplaced ? 0 : 1 + tilde;
      if (a.length <= urlIndex) continue;
      const url = node.args[urlIndex];
      const exclusion = url === '!';
      const { params, flags, invalid } = parseParams(node, urlIndex + 1);
      const rule: ProxyPassRule = {
        node,
        regex: passPathIsRegex(node, inLocation ? location! : undefined),
        path: inLocation ? sectionPath(location!) : node.args[tilde],
        pathArg: inLocation ? undefined : a[tilde],
        location: inLocation ? location! : undefined,
        exclusion,
        url,
        urlArg: a[urlIndex],
        target: exclusion || node.unresolved ? undefined : parseBackendUrl(url, node.name),
        params,
        flags,
        invalid,
        vhost: virtualHostOf(node),
        misplacedPath: misplaced,
      };
      rules.push(rule);
      if (rule.target && !rule.target.error) {
        if (rule.target.scheme === 'balancer') {
          // The line defines the balancer in its server when the server has none of the name yet (add_pass).
          const b = balancer(rule.vhost, balancerName(url));
          for (const p of params) b.params.set(p.key, p);
        } else {
          const w: Worker = { node, kind: 'proxypass', url, urlArg: a[urlIndex], target: rule.target, params: new Map(), match: isRegexWorker(rule), vhost: rule.vhost, proxyTimeout: proxyTimeoutSoFar.get(rule.vhost) };
          define(rule.vhost, w, params);
          workers.push(w);
        }
      }
    } else if (node.lname === 'balancermember') {
      const section = proxySectionOf(node);
      const inSection = section !== null && /^balancer:\/\//i.test(section.args[0] ?? '');
      const name = inSection ? balancerName(section!.args[0]) : a.length >= 2 && /^balancer:\/\//i.test(node.args[0]) ? balancerName(node.args[0]) : undefined;
      const urlIndex = inSection ? 0 : 1;
      // Members with unresolved values still count as members (rules that read the URL skip them).
      if (!name || a.length <= urlIndex) continue;
      const b = balancer(virtualHostOf(node), name);
      if (inSection) b.section ??= section;
      const url = node.args[urlIndex];
      const { params } = parseParams(node, urlIndex + 1);
      const w: Worker = { node, kind: 'member', url, urlArg: a[urlIndex], target: parseBackendUrl(url, 'BalancerMember'), params: new Map(), match: false, balancer: b, vhost: virtualHostOf(node) };
      if (w.target.error || node.unresolved) applyParams(w, params);
      else define(b, w, params);
      b.members.push(w);
      workers.push(w);
    } else if (node.lname === 'proxyset') {
      const target = proxySetTarget(node);
      // <ProxyMatch>: a worker or balancer named by the expression as written, which ProxyPass lines do not use.
      if (!target || target.match) continue;
      const { url, urlFromLine, section } = target;
      const { params } = parseParams(node, urlFromLine ? 1 : 0);
      if (/^balancer:\/\//i.test(url)) {
        const b = balancer(virtualHostOf(node), balancerName(url));
        if (section && !urlFromLine) b.section ??= section;
        for (const p of params) b.params.set(p.key, p);
      } else {
        // httpd looks the worker up when it reads the line, in this server's workers defined so far, by the longest
        // name the URL starts with (ap_proxy_get_worker): on 2.4.71 ProxySet "http://h/b/deeper" timeout=1 gave the
        // worker "http://h/b/" a 1 s timeout and left "http://h/" alone (test/servers/apache-proxyset-prefix.test.ts).
        // Its parameters then replace the worker's own, in the order the lines are read.
        const vhost = virtualHostOf(node);
        const found = node.unresolved ? undefined : findWorker(defined.get(vhost), url, { plain: true, match: true });
        if (found) {
          applyParams(found, params);
          proxySetWorkers.set(node, found);
        } else if (section && !node.unresolved) {
          // In a <Proxy "url"> section, ProxySet defines the worker when none is found (set_proxy_param): a later
          // ProxyPass whose URL starts with its name shares it (on 2.4.71, AH01145; a section without ProxySet defined
          // none). Outside a section httpd refuses to start (proxyset-target-not-found).
          const target = parseBackendUrl(url, 'ProxySet');
          if (!target.error) {
            const w: Worker = { node: section, kind: 'proxypass', url, urlArg: section.directive.args[0], target, params: new Map(), match: false, vhost };
            define(vhost, w, params);
            proxySetWorkers.set(node, w);
          }
        }
      }
    } else if (node.lname === 'proxy' && /^balancer:\/\//i.test(node.args[0] ?? '')) {
      sections.push({ server: virtualHostOf(node), name: balancerName(node.args[0]), node });
    }
  }
  // A line that shares a worker has that worker's parameters in force (ProxySet lines included).
  for (const w of workers) {
    if (!w.shares) continue;
    w.params = w.shares.params;
    w.reuse = w.shares.reuse;
    w.proxyTimeout = w.shares.proxyTimeout;
  }

  // Server-level directives (ProxyTimeout, Timeout, SSLProxyEngine, …): the last one at the top of the
  // main server or directly in a <VirtualHost> (conditional sections such as <IfModule> count as that level).
  // Indexed once by name and virtual host: rules ask for every worker.
  const serverLevel = new Map<string, Map<ApacheNode | null, ApacheNode>>();
  for (const node of config.all) {
    if (contextOf(node, config) === 'directory') continue;
    let byHost = serverLevel.get(node.lname);
    if (!byHost) serverLevel.set(node.lname, (byHost = new Map()));
    byHost.set(virtualHostOf(node), node);
  }
  const serverValue = (vhost: ApacheNode | null, lname: string): ApacheNode | undefined => {
    const byHost = serverLevel.get(lname);
    if (!byHost) return undefined;
    return byHost.get(vhost) ?? (vhost ? byHost.get(null) : undefined);
  };

  for (const s of sections) {
    const b = ownBalancers.get(s.server)?.get(s.name);
    if (b) b.section ??= s.node;
  }
  const balancerFor = (server: ApacheNode | null, name: string): Balancer | undefined => {
    const main = ownBalancers.get(null)?.get(name);
    if (server !== null && main && takesMainBalancers(serverValue, server)) return main;
    return ownBalancers.get(server)?.get(name);
  };
  for (const r of rules) if (r.target && !r.target.error && r.target.scheme === 'balancer') balancerFor(r.vhost, balancerName(r.url))!.users.push(r);
  for (const b of balancers) {
    const used = b.vhost ? balancerFor(b.vhost, b.name) : b;
    if (used !== b) b.hiddenBy = used;
  }
  const balancerParams = (b: Balancer, server: ApacheNode | null): Map<string, WorkerParam> => {
    const mine = server === b.vhost ? undefined : ownBalancers.get(server)?.get(b.name);
    if (!mine || mine.hiddenBy !== b) return b.params;
    const out = new Map(b.params);
    for (const [key, p] of mine.params) {
      const base = out.get(key);
      out.set(key, key === 'failonstatus' && base ? { ...p, value: `${base.value},${p.value}` } : p);
    }
    return out;
  };

  const serverTimeout = (server: ApacheNode | null): TimeoutValue => {
    const partial = complete ? undefined : true;
    const t = serverValue(server, 'timeout');
    // core.c reads Timeout with atoi: "2min" is 2 s, "500ms" 500 s, and "abc" or "0" make every read time out at
    // once (2.4.71: 502 at once, "(11)Resource temporarily unavailable: … AH01102").
    if (t && t.args.length === 1) {
      const n = atoi(t.args[0]);
      if (n >= 0) return { ms: n * 1000, origin: 'Timeout', node: t, partial };
    }
    return { ms: 60_000, origin: 'default', partial };
  };
  const backendTimeout: ProxyModel['backendTimeout'] = (w, server = w.vhost) => {
    const p = w.params.get('timeout');
    if (p) {
      const n = atoi(p.value);
      if (n >= 1) return { ms: n * 1000, origin: 'worker', node: p.node, param: p };
    }
    if (w.proxyTimeout) return { ms: atoi(w.proxyTimeout.args[0]) * 1000, origin: 'ProxyTimeout', node: w.proxyTimeout };
    const pt = serverValue(server, 'proxytimeout');
    if (pt && pt.args.length === 1) {
      // atoi too; below 1 httpd refuses to start ("Proxy Timeout must be at least 1 second.").
      const n = atoi(pt.args[0]);
      if (n >= 1) return { ms: n * 1000, origin: 'ProxyTimeout', node: pt };
    }
    return serverTimeout(server);
  };
  const connectTimeout: ProxyModel['connectTimeout'] = (w, server = w.vhost) => {
    const p = w.params.get('connectiontimeout');
    if (p) {
      const ms = parseApacheDuration(p.value);
      if (ms !== null && ms >= 1) return { ms, origin: 'worker', node: p.node, param: p };
    }
    return backendTimeout(w, server);
  };

  const servers = serverInfos(config);
  const mainServerPorts = complete ? portsLeftToMain(config, servers) : undefined;
  const mainServerAnswers = !mainServerPorts || mainServerPorts.length > 0;
  const formats = config.all.filter((n) => n.lname === 'errorlogformat').map((n) => n.args.join(' '));
  const nameItem = formats.map((f) => /%[-+~]*\d*(v|V|\{Host\}i)/i.exec(f)?.[0]).find((x) => x);
  const tail = formats.map(errorLogTail).find((t) => t);
  const errorLogFormat = { ...(nameItem ? { name: nameItem.replace(/^%[-+~]*\d*/, '%') } : {}), address: formats.some((f) => /%[-+~]*\d*A/.test(f)), ...(tail ? { tail } : {}) };
  const allServers = [...(mainServerAnswers ? [null] : []), ...servers.filter((s) => s.vhost).map((s) => s.vhost)];
  const serversOf = (w: Worker): (ApacheNode | null)[] => {
    const users = w.balancer ? w.balancer.users.map((r) => r.vhost) : [w.vhost];
    if (users.includes(null)) return allServers;
    const own = [...new Set(users)];
    return own.length ? own : [w.vhost];
  };

  const serverRules = new Map<ApacheNode | null, ProxyPassRule[]>();
  for (const r of rules) {
    if (r.location) continue;
    const list = serverRules.get(r.vhost);
    if (list) list.push(r);
    else serverRules.set(r.vhost, [r]);
  }
  const rewrites = proxyRewritesOf(config.all, mainServerAnswers, servers.flatMap((s) => (s.vhost ? [s.vhost] : [])), config.htaccess);
  const rulesFor = (vhost: ApacheNode | null): ProxyPassRule[] => {
    const server = (v: ApacheNode | null) => serverRules.get(v) ?? [];
    // merge_proxy_config (mod_proxy.c, 2.4) appends a virtual host's aliases to the main server's, whatever the order
    // of the lines in the files, and proxy_trans takes the first match. ProxyPassInherit Off keeps only the main
    // server's workers out, not its aliases: on 2.4.71 a main-server "ProxyPass /" still took /api/ in a virtual host
    // with ProxyPassInherit Off and its own "ProxyPass /api/" (test/servers/apache-main-server-proxypass.test.ts).
    return vhost ? [...server(null), ...server(vhost)] : server(null);
  };

  const tryOrder = [...rules.filter((r) => r.location), ...rules.filter((r) => !r.location && r.vhost === null), ...rules.filter((r) => !r.location && r.vhost !== null)];

  const ownBalancer = (server: ApacheNode | null, name: string) => ownBalancers.get(server)?.get(name);
  const workerForUrl = (server: ApacheNode | null, url: string): Worker | undefined => {
    const kinds = { plain: true, match: true };
    const own = findNamed(defined.get(server), url, kinds);
    // merge_proxy_config gives a virtual host the main server's workers with its balancers: not when both
    // BalancerInherit and ProxyPassInherit are Off (on 2.4.71 a [P] rule to a URL only a main-server ProxyPass worker
    // with timeout=20 starts then waited the virtual host's Timeout 2, test/unit/apache-hover-request-worker.test.ts).
    if (server === null || !takesMainBalancers(serverValue, server)) return own?.worker;
    // It puts them first in one list, and ap_proxy_get_worker_ex keeps the first of the longest names: the main
    // server's wins a tie. Names, not URLs, are compared: a worker over a UNIX socket is named by the URL after
    // "unix:/path|". On 2.4.71 a virtual host's "http://h/" worker with timeout=5 lost its requests to the main
    // server's "http://h/" with timeout=1, and a virtual host's "unix:/s|http://localhost/v/" won over the main
    // server's "unix:/a-longer-path|http://localhost/" (test/servers/apache-vhost-main-worker.test.ts).
    const main = findNamed(defined.get(null), url, kinds);
    if (!own || !main) return (own ?? main)?.worker;
    return own.length > main.length ? own.worker : main.worker;
  };
  const socketHandlers: ProxyModel['socketHandlers'] = [];
  for (const n of config.all) {
    if (n.lname !== 'sethandler') continue;
    const m = /^proxy:(unix:([^|]+)\|.*)$/i.exec(n.args[0] ?? '');
    if (m) socketHandlers.push({ node: n, socket: m[2], url: m[1] });
  }
  // A main-server line runs in every server that answers requests (allServers).
  const serving = servingLines(rules, rulesFor, allServers);
  const model: ProxyModel = { rules, workers, balancers, balancerFor, ownBalancer, balancerParams, complete, rulesFor, tryOrder, overriddenBy: locationOverrides(rules, config.all), servedBy: serving.servedBy, takenByLocation: serving.takenByLocation, shadowedBy: shadowedLines(rulesFor, config.all.filter((n) => n.lname === 'virtualhost')), unreachable: new Set(), proxySetWorker: (n) => proxySetWorkers.get(n), workerForUrl, serverValue, backendTimeout, connectTimeout, serverTimeout, servers, mainServerAnswers, mainServerPorts, errorLogFormat, serversOf, rewrites, socketHandlers };
  // It looks up workers the way requests do, through the model itself.
  model.unreachable = unreachableWorkers(model, config);
  return model;
}

/** The end of an ErrorLogFormat's lines, after the message, that holds the server's name or local address. */
export interface ErrorLogTail {
  /** Matches the end of a line; its first group is the name or address. */
  pattern: RegExp;
  kind: 'name' | 'address';
}

const FORMAT_ITEM = /%[-+~]*\d*(?:\{[^}]*\})?[a-zA-Z%]/g;
const escapeRe = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * For an ErrorLogFormat that writes the request's server (%v, %V, %{Host}i) or local address (%A) after the message
 * (%M), as in `… %M [vhost %v]`: a pattern for the end of its lines that captures it. httpd leaves out a whole field
 * (delimited by a space or "% ") whose items are empty, so the fields after it are optional; literal fields just
 * before it are kept ("[vhost"). Undefined when the format writes neither after the message.
 * https://httpd.apache.org/docs/2.4/mod/core.html#errorlogformat
 */
export function errorLogTail(format: string): ErrorLogTail | undefined {
  const message = /%[-+~]*\d*M/.exec(format);
  if (!message) return undefined;
  const fields = format.slice(message.index + message[0].length).split(/% |(?<!\\) /).filter((f) => f !== '');
  const target = (item: string) => (/^%[-+~]*\d*(?:v|V|\{Host\}i)$/.test(item) ? 'name' : /^%[-+~]*\d*A$/.test(item) ? 'address' : undefined);
  const k = fields.findIndex((f) => [...f.matchAll(FORMAT_ITEM)].some((m) => target(m[0])));
  if (k < 0) return undefined;
  let kind: ErrorLogTail['kind'] = 'name';
  const literal = (t: string) => escapeRe(t.replace(/\\(.)/g, '$1'));
  const fieldRe = (f: string, capture: boolean) => {
    let out = '';
    let last = 0;
    let captured = false;
    for (const m of f.matchAll(FORMAT_ITEM)) {
      out += literal(f.slice(last, m.index));
      const t = target(m[0]);
      if (capture && t && !captured) {
        kind = t;
        captured = true;
        out += '(\\S+?)';
      } else out += m[0] === '%%' ? '%' : '.*?';
      last = m.index! + m[0].length;
    }
    return out + literal(f.slice(last));
  };
  let before = k;
  while (before > 0 && !fields[before - 1].includes('%')) before--;
  const head = fields.slice(before, k).map((f) => `${fieldRe(f, false)}\\s*`).join('');
  const own = fieldRe(fields[k], true);
  const after = fields.slice(k + 1).map((f) => `(?:\\s*${fieldRe(f, false)})?`).join('');
  return { pattern: new RegExp(`${head}${own}${after}\\s*$`), kind };
}

/** The main server and each <VirtualHost>: names (ServerName, ServerAlias) and addresses. */
function serverInfos(config: ApacheConfig): ServerInfo[] {
  const main: ServerInfo = { vhost: null, names: [], addresses: [] };
  const byNode = new Map<ApacheNode | null, ServerInfo>([[null, main]]);
  const out = [main];
  for (const node of config.all) {
    if (node.lname === 'virtualhost') {
      const info: ServerInfo = {
        vhost: node,
        names: [],
        addresses: node.args.map((a) => {
          const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+|\*))?$/.exec(a);
          return { host: (m?.[1] ?? a).toLowerCase(), port: m?.[2] ?? '*' };
        }),
      };
      byNode.set(node, info);
      out.push(info);
    } else if ((node.lname === 'servername' || node.lname === 'serveralias') && contextOf(node, config) !== 'directory' && !node.unresolved) {
      const info = byNode.get(virtualHostOf(node));
      // ServerName takes one name (with an optional scheme and port); ServerAlias a list, wildcards allowed.
      const names = node.lname === 'servername' ? node.args.slice(0, 1).map((n) => n.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')) : node.args;
      for (const n of names) info?.names.push(n.replace(/:\d+$/, '').toLowerCase());
    }
  }
  return out;
}

/**
 * The ports of the Listen addresses no <VirtualHost> takes (httpd hands a connection to a virtual host whose address
 * has its port, or any port, and its IP, `*` or `_default_`; the main server answers the others); undefined when not
 * known: no Listen line, or one proxylint cannot read. A vhost named by a host name is not matched (proxylint does not
 * resolve it), so the main server is then taken to answer.
 */
function portsLeftToMain(config: ApacheConfig, servers: ServerInfo[]): string[] | undefined {
  const listens = config.all.filter((n) => n.lname === 'listen' && virtualHostOf(n) === null && contextOf(n, config) === 'server');
  if (listens.length === 0 || listens.some((n) => n.unresolved)) return undefined;
  const addresses = servers.flatMap((s) => s.addresses);
  const left = new Set<string>();
  for (const l of listens) {
    const m = /^(?:(\[[^\]]*\]|[^:]+):)?(\d+)$/.exec(l.args[0] ?? '');
    if (!m) return undefined;
    const ip = m[1]?.toLowerCase();
    if (!addresses.some((a) => (a.port === '*' || a.port === m[2]) && (a.host === '*' || a.host === '_default_' || (ip !== undefined && a.host === ip)))) left.add(m[2]);
  }
  return [...left];
}

/**
 * Describes a timeout and where it comes from, for messages: `5 s (timeout=5)`, `300 s (ProxyTimeout 300, line 12)`.
 * In a fragment linted alone, a value from Timeout or its default is stated as what it is: inherited from
 * a main configuration proxylint does not see.
 */
export function describeTimeout(t: TimeoutValue, lineOf: (n: ApacheNode) => number, from?: ApacheNode, place?: (n: ApacheNode) => string): string {
  const s = formatSeconds(t.ms);
  const at = (n: ApacheNode) => place ? place(n) : (from && n.file !== from.file ? `line ${lineOf(n)} of ${n.file.path.slice(n.file.path.lastIndexOf('/') + 1)}` : `line ${lineOf(n)}`);
  // `ProxyTimeout` or `Timeout ""` with no value: httpd stops at the line ("… takes one argument"), nothing waits.
  if ((t.origin === 'ProxyTimeout' || t.origin === 'Timeout') && t.node!.args.every((a) => a === '')) return `none (${t.origin} on ${at(t.node!)} has no value, so httpd refuses to start)`;
  switch (t.origin) {
    case 'worker':
      return `${s} (${t.param!.key}=${t.param!.value})`;
    case 'ProxyTimeout':
      // Copied into the worker by the line that defined it: the request's server's ProxyTimeout does not change it.
      return `${s} (ProxyTimeout ${t.node!.args[0]}, ${at(t.node!)})`;
    case 'Timeout':
      return t.partial
        ? `${s} (Timeout ${t.node!.args[0]} on ${at(t.node!)}, which ProxyTimeout inherits unless the main configuration sets ProxyTimeout)`
        : `${s} (Timeout ${t.node!.args[0]} on ${at(t.node!)}, which ProxyTimeout inherits)`;
    default:
      return t.partial ? 'the Timeout inherited from the main configuration (60 s unless set)' : `${s} (the default Timeout, which ProxyTimeout inherits)`;
  }
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** A literal IPv4 or IPv6 address (httpd needs no DNS for it). */
export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || /^\[[0-9a-fA-F:.]*\]$/.test(host);
}

/** Worker URL schemes that open TCP connections mod_proxy pools and reuses. */
export const POOLED_SCHEMES = new Set(['http', 'https', 'h2', 'h2c', 'ajp', 'ws', 'wss']);

/** Schemes that reach a backend over the network (everything but balancer://). */
export const BACKEND_SCHEMES = new Set(['http', 'https', 'h2', 'h2c', 'ajp', 'fcgi', 'scgi', 'uwsgi', 'ws', 'wss', 'ftp']);

/** On/Off parameter value, or undefined when not set. */
export function onOff(p: WorkerParam | undefined): boolean | undefined {
  if (!p) return undefined;
  return /^on$/i.test(p.value) ? true : /^off$/i.test(p.value) ? false : undefined;
}

/**
 * The reuse switch as the worker parameters leave it: true when reuse is asked for (enablereuse=On, disablereuse=Off),
 * false when it is turned off, undefined when neither is written (or the value is one httpd rejects).
 */
export function reuseSwitch(w: Worker): boolean | undefined {
  const on = onOff(w.reuse);
  return on === undefined ? undefined : w.reuse!.key === 'enablereuse' ? on : !on;
}

/**
 * A regex worker whose URL holds "$" (for $1…$9): since 2.4.47 httpd defines it with disablereuse on unless the
 * configuration turns reuse on (ap_proxy_define_worker_ex looks for any "$"; before 2.4.47 such workers were never
 * used, and requests went through the default worker, which does not pool).
 */
export const substitutes = (w: Worker) => w.match && w.url.includes('$');

/**
 * True when mod_proxy keeps this worker's connections open for reuse. Checked on Apache 2.4.71
 * (test/servers/apache-reuse-and-address-cache.test.ts), three requests through each kind of worker:
 * http:// used one connection; fcgi:// three, and one with enablereuse=On or disablereuse=Off (mod_proxy_fcgi closes
 * unless reuse was written); a ProxyPassMatch to http://…/$1 three, and one with enablereuse=On.
 */
export function reusesConnections(w: Worker): boolean {
  const reuse = reuseSwitch(w);
  if (reuse === false) return false;
  if (w.target.scheme === 'fcgi' || substitutes(w)) return reuse === true;
  return POOLED_SCHEMES.has(w.target.scheme);
}

/** Schemes whose workers were seen to keep the backend's address (fcgi, scgi, uwsgi without pooling connections). */
const ADDRESS_CACHING_SCHEMES = new Set([...POOLED_SCHEMES, 'fcgi', 'scgi', 'uwsgi']);

/**
 * True when httpd resolves the backend's host name once per child process and keeps the address: whenever reuse is
 * not switched off (the worker's is_address_reusable), whether or not connections are pooled. On Apache 2.4.71 an
 * fcgi://, scgi:// or uwsgi:// worker opened a new connection per request and still went to the old address after
 * the name changed; with disablereuse=On, and for a ProxyPassMatch to …/$1 without enablereuse=On, the next request
 * went to the new one (test/servers/apache-reuse-and-address-cache.test.ts).
 */
export function cachesAddress(w: Worker): boolean {
  const reuse = reuseSwitch(w);
  if (reuse === false) return false;
  if (substitutes(w)) return reuse === true;
  return ADDRESS_CACHING_SCHEMES.has(w.target.scheme);
}

/**
 * How a worker tunnels WebSocket connections, if it does: `http` for mod_proxy_http (`upgrade=websocket` on an
 * http(s):// worker, and ws:// / wss:// when mod_proxy_http is loaded and ProxyWebsocketFallbackToProxyHttp is not Off),
 * `wstunnel` for mod_proxy_wstunnel (ws:// / wss:// otherwise).
 */
export function webSocketTunnel(proxy: ProxyModel, w: Worker, modules: { known: boolean; isLoaded(m: string): boolean }): 'http' | 'wstunnel' | undefined {
  const scheme = w.target.scheme;
  if (scheme === 'ws' || scheme === 'wss') {
    const fallback = proxy.serverValue(w.vhost, 'proxywebsocketfallbacktoproxyhttp');
    if (fallback && /^off$/i.test(fallback.args[0] ?? '')) return 'wstunnel';
    // A fragment does not show the modules: mod_proxy_http is the usual one (Debian's proxy_wstunnel.load needs it).
    return modules.known && !modules.isLoaded('proxy_http') ? 'wstunnel' : 'http';
  }
  if ((scheme === 'http' || scheme === 'https') && (w.params.get('upgrade')?.value ?? '').split(',').some((p) => /^websocket$/i.test(p.trim()))) return 'http';
  return undefined;
}

/**
 * How long mod_proxy_http keeps an idle WebSocket tunnel for a request to `server`: the longer of the client
 * connection's timeout (the server's Timeout) and the backend connection's (timeout=, else ProxyTimeout, else Timeout).
 * On 2.4.71 with Timeout 4 the tunnels closed after 4 s for timeout=1 and after 6 s for timeout=6, and a virtual host's
 * Timeout 2 made it 2 s for timeout=1 there; nothing is logged at LogLevel warn (test/servers/apache-vhost-timeouts.test.ts).
 */
export function tunnelIdle(proxy: ProxyModel, w: Worker, server: ApacheNode | null): { ms: number; client: TimeoutValue; backend: TimeoutValue } {
  const client = proxy.serverTimeout(server);
  const backend = proxy.backendTimeout(w, server);
  return { ms: Math.max(client.ms, backend.ms), client, backend };
}

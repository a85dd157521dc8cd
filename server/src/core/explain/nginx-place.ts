import { effective, flagsInForce, isBitmaskDirective } from '../model/nginx-effective';
import { BUILD_DEPENDENT_DEFAULTS, versionedDefault, type NginxTarget } from '../model/nginx-defaults';
import { nginxDirective } from '../model/nginx-directives';
import { atLeast } from '../model/version';
import type { ConfigNode, NginxConfig } from '../model/nginx-tree';
import { PASS_DIRECTIVES, type Address, type UpstreamGraph } from '../model/nginx-upstreams';
import { locationMatch } from '../rules/nginx/addresses-support';
import type { LogFields } from './log-patterns';
import { serverOf, type RetryLimits } from './nginx-requests';
import { handOffChains, type HandOff, type Lookup } from './nginx-handoff';
import type { CheckedNginx } from './explain';

/** Where in the configuration nginx handled the request an error-log line is about. */
export interface NginxPlace {
  server: ConfigNode;
  /** The location that passed the request to the backend; undefined when the line names no request or none matches. */
  location?: ConfigNode;
  /** How the server block and location were picked, for the reader to judge. */
  how: string;
  /** Picked by what the line says (`server:`, Host, the backend it names), not as the only or the default server. */
  byName: boolean;
  /** The internal redirects that took the request from the location its path matched to `location`, in order. */
  handoff?: HandOff[];
  /** Other blocks or locations that could as well have handled the request: the line does not tell them apart. */
  others?: PlaceCandidate[];
  /**
   * What of the line fits this place, to choose between configurations (see placeIn in explain.ts): nginx could have
   * chosen the block for the Host (see couldWin), the block listens on the Host's port, the location passes to the
   * line's backend.
   */
  fits?: { host: boolean; port: boolean; backend: boolean };
}

/** A block and location that may have handled the request, and how the request got there. */
export interface PlaceCandidate {
  server: ConfigNode;
  location?: ConfigNode;
  handoff?: HandOff[];
  /** The configuration the block is in, when it is another than the place's (several configurations given). */
  checked?: CheckedNginx;
}

export interface ValueHere {
  directive: string;
  /** The value as written (all arguments), or the default. */
  value: string | undefined;
  /** "set here", "inherited", "default" or "not set". */
  origin: 'here' | 'inherited' | 'default' | 'unset';
  /** The directive that decides it, when written (the last line of its level). */
  node?: ConfigNode;
  /** How many lines at that level make the value together (a bitmask directive written more than once). */
  lines?: number;
  /**
   * Not written in the configuration read, and that is a fragment checked alone: the file that includes it on the
   * server may set the value, so the default is only the likely one.
   */
  includerMaySet?: true;
  /** A default that changed between nginx releases, and the target version is not set: `value` lists each. */
  versionDependent?: true;
  /** A default the nginx build decides (configure options, see BUILD_DEPENDENT_DEFAULTS): which builds have which. */
  buildDependent?: string;
  /** The value in each of the place's `others`, when one differs: the line does not tell which is in force. */
  others?: { server: ConfigNode; location?: ConfigNode; value: ValueHere }[];
  /** A directive of the upstream group the location passes to (keepalive), not of the location: the group's name. */
  group?: string;
}

const serverNames = (server: ConfigNode): string[] => server.children.filter((c) => c.name === 'server_name').flatMap((c) => c.directive.args.map((a) => a.value));

const SERVERS = new WeakMap<NginxConfig, ConfigNode[]>();

/** The http server blocks, found once per configuration: a long log asks for them on every line. */
function serversOf(config: NginxConfig): ConfigNode[] {
  let list = SERVERS.get(config);
  if (!list) SERVERS.set(config, (list = config.all.filter((n) => n.name === 'server' && n.context === 'http')));
  return list;
}

/** A listen line's address:port as nginx groups server blocks by it (`*` for all addresses); port 80 when the line gives none. */
interface ListenKey {
  key: string;
  port: string;
  isDefault: boolean;
}

function listenKeys(server: ConfigNode): ListenKey[] {
  const listens = server.children.filter((c) => c.name === 'listen');
  if (listens.length === 0) return [{ key: '*:80', port: '80', isDefault: false }];
  return listens.map(listenKeyOf);
}

function listenKeyOf(l: ConfigNode): ListenKey {
  const a = (l.directive.args[0]?.value ?? '').toLowerCase();
  const isDefault = l.directive.args.some((x) => x.value === 'default_server' || x.value === 'default');
  if (a.startsWith('unix:')) return { key: a, port: '', isDefault };
  if (/^\d+$/.test(a)) return { key: `*:${a}`, port: a, isDefault };
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(a);
  const host = !m || m[1] === '*' || m[1] === '0.0.0.0' ? '*' : m[1];
  return { key: `${host}:${m?.[2] ?? '80'}`, port: m?.[2] ?? '80', isDefault };
}

/** The ports a server block listens on (80 when it has no listen). */
function listenPorts(server: ConfigNode): string[] {
  return listenKeys(server).map((k) => k.port);
}

const GROUPS = new WeakMap<NginxConfig, Map<string, ConfigNode[]>>();

/** The http server blocks of each listen address:port, in the order nginx reads them. */
function listenGroups(config: NginxConfig): Map<string, ConfigNode[]> {
  let groups = GROUPS.get(config);
  if (groups) return groups;
  groups = new Map();
  for (const s of serversOf(config)) {
    for (const { key } of listenKeys(s)) {
      const list = groups.get(key) ?? [];
      if (!list.includes(s)) list.push(s);
      groups.set(key, list);
    }
  }
  GROUPS.set(config, groups);
  return groups;
}

/**
 * Whether nginx could have given a request with this Host name to `server`: on one of its listen address:ports, it
 * is the block nginx chooses there by name (see chosenByName), or no name there matches and it is that
 * address:port's default server (marked default_server, else the first block listening there). nginx chooses the
 * blocks of the address:port the request came to first, and only among them by name: a Host that another block of
 * that address:port names never reaches this one there (nginx 1.22.1, test/servers/explain-nginx-configs.test.ts).
 */
function couldWin(config: NginxConfig, server: ConfigNode, hostName: string): boolean {
  const groups = listenGroups(config);
  return listenKeys(server).some(({ key }) => {
    const group = groups.get(key) ?? [server];
    const chosen = chosenByName(group, hostName);
    if (chosen) return chosen.server === server;
    const marked = group.find((s) => listenKeys(s).some((k) => k.key === key && k.isDefault));
    return (marked ?? group[0]) === server;
  });
}

/**
 * The block nginx gives a request for `host` among the blocks of one address:port (in the order it reads them), by
 * name alone; undefined when no name there matches (then the default server gets it). nginx's order
 * (ngx_http_find_virtual_server, https://nginx.org/en/docs/http/server_names.html): the exact name; else the longest
 * wildcard starting with `*` (or `.example.com`); else the longest wildcard ending with `*`; else the first regular
 * expression that matches, in the order written. Only the names nginx kept are looked at (see keptNames).
 */
function chosenByName(group: readonly ConfigNode[], host: string): { server: ConfigNode; rank: number } | undefined {
  let best: { server: ConfigNode; rank: number; length: number } | undefined;
  for (const { server, name } of keptNames(group)) {
    const m = nameMatch(name, host);
    if (m && (!best || m.rank > best.rank || (m.rank === best.rank && m.length > best.length))) best = { server, ...m };
  }
  return best && { server: best.server, rank: best.rank };
}

const KEPT = new WeakMap<readonly ConfigNode[], { server: ConfigNode; name: string }[]>();

/**
 * The server_names of one address:port's blocks that nginx keeps, in the order written. A name that takes a key an
 * earlier name took is nginx's "conflicting server name ..., ignored", all of it: the exact name `a.test` after
 * `.a.test` (which is a.test too), `.b.test` after `b.test` or `*.b.test` (then neither b.test nor x.b.test reaches
 * it), and a name two blocks share is the first's (nginx 1.22.1, test/servers/explain-nginx-server-names.test.ts).
 * Regular expressions never conflict.
 */
function keptNames(group: readonly ConfigNode[]): { server: ConfigNode; name: string }[] {
  let kept = KEPT.get(group);
  if (kept) return kept;
  kept = [];
  const taken = new Set<string>();
  for (const server of group) {
    for (const name of serverNames(server)) {
      const n = name.toLowerCase();
      const keys = n.startsWith('~') ? [] : n.startsWith('*.') ? [`*${n.slice(1)}`] : n.startsWith('.') ? [`=${n.slice(1)}`, `*${n}`] : n.endsWith('.*') ? [`${n}`] : [`=${n}`];
      if (keys.some((k) => taken.has(k))) continue;
      for (const k of keys) taken.add(k);
      kept.push({ server, name });
    }
  }
  KEPT.set(group, kept);
  return kept;
}

/** A regular expression of nginx (PCRE) in JavaScript: a leading (?i) becomes the i flag; undefined when it does not compile. */
function toRegExp(pattern: string, caseless: boolean): RegExp | undefined {
  let p = pattern;
  let flags = caseless ? 'i' : '';
  if (p.startsWith('(?i)')) {
    p = p.slice(4);
    flags = 'i';
  }
  try {
    return new RegExp(p, flags);
  } catch {
    return undefined;
  }
}

/**
 * How `name` (a server_name) matches the host, in nginx's order: rank 4 exact, 3 leading wildcard, 2 trailing
 * wildcard, 1 regular expression; undefined for none. `length` is the wildcard's fixed part: among wildcards of one
 * kind nginx takes the longest (its wildcard hashes are searched label by label, the deepest match first). Exact names
 * and regular expressions have 0: the first of them wins. https://nginx.org/en/docs/http/server_names.html
 */
function nameMatch(name: string, host: string): { rank: number; length: number } | undefined {
  const n = name.toLowerCase();
  if (n.startsWith('~')) return toRegExp(name.slice(1), false)?.test(host) ? { rank: 1, length: 0 } : undefined;
  if (n === host) return { rank: 4, length: 0 };
  if (n.startsWith('*.')) return host.endsWith(n.slice(1)) ? { rank: 3, length: n.length - 1 } : undefined;
  if (n.startsWith('.')) return host === n.slice(1) || host.endsWith(n) ? { rank: 3, length: n.length } : undefined;
  if (n.endsWith('.*')) return host.startsWith(n.slice(0, -1)) ? { rank: 2, length: n.length - 1 } : undefined;
  return undefined;
}

interface ServerChoice {
  servers: ConfigNode[];
  how: string;
  byName: boolean;
  /** The blocks are ones nginx could have given the request to by its Host, on one of their listen address:ports (see couldWin). */
  hostFits?: boolean;
  /** The Host's port, when a block of `servers` listens on it (those come first). */
  port?: string;
}

/**
 * The candidate server blocks, best first. nginx writes the chosen block's first server_name as `server:` (empty for
 * a block without one), so blocks with that first name are candidates, those nginx could have chosen for the Host on
 * one of their listen address:ports before the others (see couldWin); several blocks may share it (the port 80
 * redirect and the port 443 proxy): all are candidates, those listening on the Host's port first (only a preference:
 * behind a port mapping or a balancer the Host's port is not nginx's). Without `server:` the Host is matched as nginx
 * matches names. A `server:` that no block has means the line is from another configuration: no candidates.
 * No `host:` in a line is taken as unknown, not as a request without Host: a record longer than 2 KiB loses its end.
 */
function findServers(config: NginxConfig, fields: LogFields): ServerChoice | undefined {
  const servers = serversOf(config);
  // nginx drops a trailing dot of the Host's name before it looks for a server_name (ngx_http_validate_host).
  const hostName = fields.host?.toLowerCase().replace(/:\d+$/, '').replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const port = fields.host ? /:(\d+)$/.exec(fields.host)?.[1] : undefined;
  const listensOn = (s: ConfigNode) => port !== undefined && listenPorts(s).includes(port);
  const byPort = (list: ConfigNode[]) => (port ? [...list.filter(listensOn), ...list.filter((s) => !listensOn(s))] : list);
  const portOf = (list: ConfigNode[]) => (list.some(listensOn) ? { port } : {});
  if (fields.serverName !== undefined) {
    const named = servers.filter((s) => (serverNames(s)[0] ?? '') === fields.serverName);
    if (named.length === 0) return undefined;
    // A name this code cannot match as nginx does (a regular expression of PCRE's own syntax) leaves none that fit:
    // then all the blocks of that name stay candidates.
    const fit = hostName !== undefined ? named.filter((s) => couldWin(config, s, hostName)) : [];
    const list = fit.length ? fit : named;
    const what = fields.serverName === '' ? 'it has no server_name, like the log line\'s empty "server:"' : `its server_name ${fields.serverName} is the log line's "server:"`;
    return { servers: byPort(list), how: list.length > 1 ? `${what} (${list.length} blocks have it)` : what, byName: true, ...(fit.length ? { hostFits: true } : {}), ...portOf(list) };
  }
  if (hostName) {
    // The block each address:port chooses by name (see chosenByName): a block that loses there to a longer wildcard,
    // an earlier regular expression or the first of a name two blocks share is no candidate. Of those, the best
    // rank (an exact name before a wildcard elsewhere), as before.
    const winners = [...listenGroups(config).values()].map((g) => chosenByName(g, hostName)).filter((c) => c !== undefined);
    const best = Math.max(0, ...winners.map((c) => c.rank));
    const ranked = byPort(servers.filter((s) => winners.some((c) => c.server === s && c.rank === best)));
    if (ranked.length) return { servers: ranked, how: `a server_name matches the Host "${fields.host}"`, byName: true, ...portOf(ranked) };
  }
  // No name matched: nginx uses the default server of the address and port the request came in on, the block marked
  // default_server there or else the first block listening there.
  const isDefault = (s: ConfigNode) => s.children.some((c) => c.name === 'listen' && c.directive.args.some((a) => a.value === 'default_server' || a.value === 'default'));
  const onPort = port ? servers.filter((s) => listenPorts(s).includes(port)) : [];
  if (onPort.length) {
    const d = onPort.find(isDefault) ?? onPort[0];
    return { servers: [d], how: `the default server for port ${port}, the Host's (no server_name matched)`, byName: true, port };
  }
  if (servers.length === 1) return { servers, how: 'the only server block', byName: false };
  const fallback = servers.filter(isDefault);
  return fallback.length ? { servers: fallback, how: 'a default_server (no name in the log line matched)', byName: false } : undefined;
}

/** The request path as nginx matches locations: percent-decoded, slashes merged, "." and ".." resolved. */
export function normalizePath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // a malformed escape: nginx answers 400 before any location; keep the text
  }
  const out: string[] = [];
  for (const seg of decoded.replace(/\/{2,}/g, '/').split('/').slice(1)) {
    if (seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

/** locationMatch, with `^~` (a prefix that ends the search) told apart. */
function matchOf(loc: ConfigNode): { kind: 'exact' | 'prefix' | 'stop' | 'regex' | 'named'; pattern: string; caseless: boolean } {
  const m = locationMatch(loc);
  return m.kind === 'prefix' && loc.directive.args.length >= 2 && loc.directive.args[0].value === '^~' ? { ...m, kind: 'stop' } : m;
}

interface Search {
  location?: ConfigNode;
  /** True when the search is over (an exact match, a ^~ prefix or a regular expression matched). */
  final: boolean;
  /** Regular expressions that could not be evaluated here (PCRE-only syntax). */
  unknown: string[];
}

/**
 * nginx's search (ngx_http_core_find_location): an exact match ends it; else the longest matching prefix is
 * remembered and its nested locations are searched the same way, and what they find wins if it ended the search;
 * unless that prefix has ^~, the regular expressions of this level are then tried in order, and the first match
 * (searched inside as well) wins; else the remembered prefix (or a nested prefix found inside it) is used.
 */
function search(level: ConfigNode, path: string, unknown: string[]): Search {
  const locations = level.children.filter((c) => c.name === 'location');
  let longest: ConfigNode | undefined;
  let longestLen = -1;
  for (const loc of locations) {
    const m = matchOf(loc);
    if (m.kind === 'exact' && m.pattern === path) return { location: loc, final: true, unknown };
    if ((m.kind === 'prefix' || m.kind === 'stop') && path.startsWith(m.pattern) && m.pattern.length > longestLen) {
      longest = loc;
      longestLen = m.pattern.length;
    }
  }
  let found = longest;
  if (longest) {
    const inner = search(longest, path, unknown);
    if (inner.final) return inner;
    found = inner.location ?? longest;
    if (matchOf(longest).kind === 'stop') return { location: found, final: true, unknown };
  }
  for (const loc of locations) {
    const m = matchOf(loc);
    if (m.kind !== 'regex') continue;
    const re = toRegExp(m.pattern, m.caseless);
    if (!re) unknown.push(m.pattern);
    else if (re.test(path)) return { location: search(loc, path, unknown).location ?? loc, final: true, unknown };
  }
  return { location: found, final: false, unknown };
}

/** "http://127.0.0.1:9101/x" → host and port as nginx logs the peer; unix sockets by path. */
function peerOf(upstream: string | undefined): { host?: string; port?: number; unix?: string } | undefined {
  if (!upstream) return undefined;
  const rest = upstream.replace(/^[a-z]+:\/\//, '');
  if (rest.startsWith('unix:')) return { unix: rest.slice(5).replace(/:.*$/, '') };
  const m = /^\[([^\]]+)\](?::(\d+))?/.exec(rest) ?? /^([^:/]+)(?::(\d+))?/.exec(rest);
  return m ? { host: m[1].toLowerCase(), port: m[2] ? Number(m[2]) : undefined } : undefined;
}

/**
 * The addresses a name in the configuration stands for in a log line, as far as they are known without a lookup: nginx
 * resolves a name in proxy_pass or `server` when it starts and logs the address it got (`upstream:
 * "http://127.0.0.1:8080/"` for `localhost:8080`). `localhost` is the loopback address of either family.
 */
function loggedAs(host: string): string[] {
  const h = host.toLowerCase();
  return h === 'localhost' ? [h, '127.0.0.1', '::1'] : [h];
}

function sameAddress(a: Address | undefined, peer: { host?: string; port?: number; unix?: string }, defaultPort: number): boolean {
  if (!a) return false;
  if (peer.unix !== undefined) return a.unix === peer.unix;
  return peer.host !== undefined && loggedAs(a.host).includes(peer.host) && (a.port ?? defaultPort) === (peer.port ?? defaultPort);
}

/**
 * The group a line's backend names: when nginx has no server of a group to try ("no live upstreams"), it logs the
 * group's name in `upstream:` ("http://app/"), not an address. Group names are matched without regard to case, as
 * nginx does (ngx_http_upstream_add).
 */
function groupNamed(upstreams: UpstreamGraph, peer: NonNullable<ReturnType<typeof peerOf>>): string | undefined {
  if (peer.host === undefined || peer.port !== undefined) return undefined;
  return upstreams.upstreams.find((u) => u.module === 'http' && u.name.toLowerCase() === peer.host)?.name;
}

const VARIABLE = /\$(?:\{[A-Za-z0-9_]+\}|[A-Za-z0-9_]+)/g;

/** A text with variables as a pattern: each variable may hold anything, the rest must be as written. */
function withVariables(text: string): RegExp {
  const literal = text.split(VARIABLE).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${literal.join('.*')}$`, 'i');
}

/**
 * Whether a pass target built with variables can be the peer, by what is written of its address: a literal IP or
 * name with a port from a variable (`http://127.0.0.1:$port`), a literal port after a variable part, and so on.
 * nginx logs such a target by the address the values gave, so only the literal parts can be checked; a host name
 * is logged by the address it resolved to, so a name with variables in it never fits.
 */
function variableAddressFits(value: string, a: Address | undefined, peer: { host?: string; port?: number; unix?: string }, defaultPort: number): boolean {
  if (peer.host === undefined || peer.unix !== undefined) return false;
  // fastcgi_pass and the other gateways write no scheme.
  const sep = value.indexOf('://');
  const authority = (sep >= 0 ? value.slice(sep + 3) : value).split('/')[0];
  // The port as written: after the host (and its "]" for IPv6), up to the URI.
  const afterHost = authority.startsWith('[') ? authority.slice(authority.indexOf(']') + 1) : authority.slice(authority.lastIndexOf(':') >= 0 ? authority.lastIndexOf(':') : authority.length);
  const portText = afterHost.startsWith(':') ? afterHost.slice(1) : undefined;
  const port = String(peer.port ?? defaultPort);
  // A host that is one variable (`set $upstream app; proxy_pass http://$upstream:3000`, the usual container setup):
  // what it held is not in the configuration, so only a port written out can tell, and must.
  if (/^\$(\{\w+\}|\w+)$/.test(authority.slice(0, authority.length - afterHost.length))) return portText !== undefined && !portText.includes('$') && portText === port;
  if (!a || a.unix !== undefined) return false;
  const hostFits = a.host.includes('$') ? withVariables(a.host).test(peer.host) : loggedAs(a.host).includes(peer.host);
  if (!hostFits) return false;
  if (portText === undefined) return port === String(defaultPort);
  return withVariables(portText).test(port);
}

/** Whether `location` itself passes requests to the peer (its own pass directive, directly or through its group, or to the group the peer names). */
function passesTo(location: ConfigNode, upstreams: UpstreamGraph, peer: NonNullable<ReturnType<typeof peerOf>>): boolean {
  return passTo(location, upstreams, peer) !== undefined;
}

/** The pass of this location (or of an if / limit_except in it) that can reach the line's backend. */
function passTo(location: ConfigNode, upstreams: UpstreamGraph, peer: NonNullable<ReturnType<typeof peerOf>>): UpstreamGraph['passes'][number] | undefined {
  return upstreams.passes.find((t) => {
    if (t.node.parent !== location && t.node.parent?.parent !== location) return false; // also inside an if / limit_except
    const port = t.scheme === 'https' ? 443 : 80;
    if (t.upstream) return t.upstream.servers.some((s) => sameAddress(s.address, peer, 80)) || (peer.port === undefined && t.upstream.name.toLowerCase() === peer.host);
    if (t.hasVariables) return variableAddressFits(t.arg.value, t.address, peer, port);
    return sameAddress(t.address, peer, port);
  });
}

const FOUND = new WeakMap<NginxConfig, Map<string, ServerChoice | undefined>>();

function allLocations(level: ConfigNode): ConfigNode[] {
  return level.children.filter((c) => c.name === 'location').flatMap((l) => [l, ...allLocations(l)]);
}

/** nginx's lookups inside one server block: a URI by the location search, a name among its named locations. */
function lookupIn(server: ConfigNode, unknown: string[]): Lookup {
  return {
    uri: (uri) => search(server, normalizePath(uri), unknown).location,
    named: (name) => server.children.find((c) => c.name === 'location' && c.directive.args.length === 1 && c.directive.args[0].value === name),
  };
}

/** How sure a candidate is: its path's own location passes to the backend, a hand-off leads there, or it is the one location that does. */
type Tier = 'direct' | 'handed' | 'sole';

/**
 * The server block and location that handled the request. The location nginx chose for the path is checked against
 * the backend the line names. When it does not pass there, the request was handed on: the try_files, error_page and
 * rewrite of that location are followed to the location that passes to the backend (the settings in force are
 * that one's: proxy_read_timeout in `location @app`, not in `location /`), and the steps are kept for the reader.
 * When none leads there, the one location of the block that passes to the backend is taken (a hand-off this code
 * does not follow, such as a server-level rewrite).
 * Several blocks of one name (the port 80 and port 443 twins) may each pass to the backend: the Host's port picks
 * the one listening there; else the line cannot tell them apart, and all are kept (`others`), since their
 * settings may differ. When no location passes to the backend (a host name nginx resolved), the path decides alone.
 */
export function findNginxPlace(config: NginxConfig, fields: LogFields, upstreams?: UpstreamGraph): NginxPlace | undefined {
  if (fields.stream) return findStreamPlace(config, fields);
  if (fields.beforeRequest) return findListenPlace(config, fields);
  if (fields.resolver && !fields.serverName && !fields.client) return placeOfResolver(config, fields.resolver, false);
  // The candidates depend on the name and Host only, and a log names few: found once per pair.
  let cache = FOUND.get(config);
  if (!cache) FOUND.set(config, (cache = new Map()));
  const key = `${fields.serverName}\0${fields.host}`;
  if (!cache.has(key)) cache.set(key, findServers(config, fields));
  const choice = cache.get(key);
  if (!choice) return undefined;
  const path = fields.path === undefined ? undefined : normalizePath(fields.path);
  const unknown: string[] = [];
  const byPath = choice.servers.map((server) => ({ server, location: path === undefined ? undefined : search(server, path, unknown).location }));
  // Following hand-offs searches again: a pattern that could not be tried is named once.
  const caveat = () => {
    const u = [...new Set(unknown)];
    return u.length ? `; ${u.length === 1 ? 'a regular expression' : `${u.length} regular expressions`} of nginx's syntax could not be tried here (${u.slice(0, 2).map((x) => `"${x}"`).join(', ')})` : '';
  };
  const peer = peerOf(fields.upstream);
  let passing = 0;
  if (peer && upstreams && path !== undefined) {
    const passes = (l: ConfigNode) => passesTo(l, upstreams, peer);
    // A unix socket's path has slashes of its own: the scheme and the server as nginx logs it, not up to the first slash.
    const backend = `${/^[a-z]+:\/\//.exec(fields.upstream!)?.[0] ?? ''}${serverOf(fields.upstream) ?? ''}`;
    const found: (PlaceCandidate & { tier: Tier })[] = [];
    for (const { server, location } of byPath) {
      if (location && passes(location)) {
        found.push({ server, location, tier: 'direct' });
        continue;
      }
      const chains = location ? handOffChains(location, path, lookupIn(server, unknown), passes) : [];
      if (chains.length) {
        for (const handoff of chains) found.push({ server, location: handoff[handoff.length - 1].to, handoff, tier: 'handed' });
        continue;
      }
      const all = allLocations(server).filter(passes);
      if (all.length === 1) found.push({ server, location: all[0], tier: 'sole' });
      passing = Math.max(passing, all.length);
    }
    // A block whose own location (or a hand-off from it) leads to the backend beats a guess at the one location that passes there.
    let best = found.some((c) => c.tier !== 'sole') ? found.filter((c) => c.tier !== 'sole') : found;
    const servers = new Set(best.map((c) => c.server));
    const port = fields.host ? /:(\d+)$/.exec(fields.host)?.[1] : undefined;
    let byPort = '';
    if (servers.size > 1 && port) {
      const there = best.filter((c) => listenPorts(c.server).includes(port));
      if (there.length && there.length < best.length) {
        best = there;
        byPort = `; of the ${servers.size} blocks that pass it to ${backend}, ${new Set(there.map((c) => c.server)).size === 1 ? 'only this one listens' : 'these listen'} on the Host's port ${port}`;
      }
    }
    // The group the location passes to, when the line's backend is one of its servers: the location names the group, not the address.
    const viaGroup = (location: ConfigNode | undefined) => {
      const t = location ? passTo(location, upstreams, peer) : undefined;
      if (t && !t.upstream && t.hasVariables) return `${t.arg.value}, whose variables can give the line's ${backend}`;
      return t?.upstream && t.upstream.name.toLowerCase() !== peer.host ? `upstream "${t.upstream.name}", one of whose servers is the line's ${backend}` : backend;
    };
    if (best.length) {
      const [first, ...others] = best;
      const what =
        first.tier === 'direct'
          ? `its location for ${path} passes to ${viaGroup(first.location)}`
          : first.tier === 'handed'
            ? `its location for ${path} does not pass to ${backend} but hands the request on to one that does`
            : `the location that passes to the line's backend (the request for ${path} was handed on to it: try_files, rewrite … last or error_page)`;
      const blocks = new Set(best.map((c) => c.server)).size > 1;
      const doubt = others.length
        ? `; ${others.length + 1} ${blocks ? 'blocks' : 'locations'} could have passed it to ${backend}, and the line does not tell which${blocks && !port ? ' (its Host has no port)' : ''}: all are listed`
        : '';
      const fits = { host: !!choice.hostFits, port: !!port && listenPorts(first.server).includes(port), backend: true };
      const place: NginxPlace = { server: first.server, location: first.location, how: `${choice.how}; ${what}${byPort}${doubt}${caveat()}`, byName: true, fits };
      if (first.handoff) place.handoff = first.handoff;
      if (others.length) place.others = others.map(({ server, location, handoff }) => ({ server, location, ...(handoff ? { handoff } : {}) }));
      return place;
    }
  }
  // The path decides: among the blocks of the name, those on the Host's port; the rest are listed, not guessed at.
  const there = choice.port ? byPath.filter((c) => listenPorts(c.server).includes(choice.port!)) : [];
  const left = there.length ? there : byPath;
  const [first, ...rest] = left;
  const onPort = there.length && there.length < byPath.length ? `; of the ${byPath.length} blocks, ${there.length === 1 ? 'only this one listens' : 'these listen'} on the Host's port ${choice.port}` : '';
  const doubt = rest.length ? `; ${left.length} blocks could have handled it, and the line does not tell which${choice.port ? '' : fields.host ? ' (its Host has no port)' : ' (it has no Host)'}: all are listed` : '';
  const group = peer && upstreams ? groupNamed(upstreams, peer) : undefined;
  const backend = group !== undefined ? `upstream "${group}"` : 'the line\'s backend';
  const unmatched = passing > 1
    ? `; ${passing} locations pass to ${backend}, and the one for the path is not among them (the request was handed on to one of them), so the path decided`
    : group !== undefined
      ? `; no location passes to upstream "${group}" by its name (a pass target with variables may, at run time), so the path decided`
      : '; no location names the line\'s backend as it is logged (a host name is logged by the address it resolved to, a target built from variables by what they held), so the path decided';
  const fits = { host: !!choice.hostFits, port: !!choice.port && listenPorts(first.server).includes(choice.port), backend: false };
  const place: NginxPlace = { server: first.server, location: first.location, how: `${choice.how}${onPort}${peer && upstreams && path !== undefined ? unmatched : ''}${doubt}${caveat()}`, byName: choice.byName, fits };
  if (rest.length) place.others = rest.map(({ server, location }) => ({ server, location }));
  return place;
}

/**
 * A stream line's `server:` is the address the client connected to: the stream server block that listens on it
 * (its port, and its address unless it listens on all). The block stands for both server and location, since it is
 * where proxy_pass and its settings are.
 */
/**
 * A line written before nginx read a request (a listen with proxy_protocol that got no PROXY header) names the listen
 * address:port as "server:", not a server_name: the http server blocks with a listen there that has proxy_protocol.
 * nginx takes the parameter from the address's first listen line, so all blocks on the address share it.
 */
function findListenPlace(config: NginxConfig, fields: LogFields): NginxPlace | undefined {
  const m = fields.serverName ? /^(.*):(\d+)$/.exec(fields.serverName) : null;
  if (!m) return undefined;
  const [, addr, port] = m;
  const found: { server: ConfigNode; listen: ConfigNode }[] = [];
  for (const server of serversOf(config)) {
    for (const l of server.children) {
      if (l.name !== 'listen' || !l.directive.args.some((a) => a.value === 'proxy_protocol')) continue;
      const key = listenKeyOf(l);
      const host = key.key.slice(0, key.key.length - key.port.length - 1);
      if (key.port === port && (host === '*' || host === addr.toLowerCase())) found.push({ server, listen: l });
    }
  }
  if (found.length === 0) return undefined;
  const [first, ...rest] = found;
  const listen = `listen ${first.listen.directive.args.map((a) => a.raw).join(' ')}`;
  return {
    server: first.server,
    how: `its "${listen}" is the line's "server:", the address the connection came to${rest.length ? `; ${rest.length} other block${rest.length > 1 ? 's' : ''} listen${rest.length > 1 ? '' : 's'} there with proxy_protocol too` : ''}`,
    byName: true,
    others: rest.map((r) => ({ server: r.server })),
  };
}

function findStreamPlace(config: NginxConfig, fields: LogFields): NginxPlace | undefined {
  if (!fields.serverName && fields.resolver) return placeOfResolver(config, fields.resolver, true);
  const m = fields.serverName ? /^(.*):(\d+)$/.exec(fields.serverName) : null;
  if (!m) return undefined;
  const [, addr, port] = m;
  const servers = config.all.filter((n) => n.name === 'server' && n.context === 'stream' && n.directive.block);
  const found = servers.filter((s) =>
    s.children.some((l) => {
      if (l.name !== 'listen') return false;
      const v = l.directive.args[0]?.value ?? '';
      const lm = /^(?:(.*):)?(\d+)$/.exec(v);
      return !!lm && lm[2] === port && (!lm[1] || lm[1] === '*' || lm[1] === '0.0.0.0' || lm[1] === '[::]' || lm[1] === addr);
    }),
  );
  if (found.length !== 1) return undefined;
  return { server: found[0], location: found[0], how: `the stream server that listens on ${fields.serverName}`, byName: true };
}

/**
 * A resolver's line names no server, request or connection: the block it was for is the one where that DNS server is
 * the resolver in force, when there is one such server block (stream: its own resolver, else the stream block's;
 * http: its own, a location's in it, or http's), and in http the one location there that passes with it, if only
 * one does. With several the line cannot tell them apart.
 */
function placeOfResolver(config: NginxConfig, dns: string, stream: boolean): NginxPlace | undefined {
  // A log repeats a resolver's line for every lookup: each DNS server is looked for once per configuration.
  let cache = RESOLVER_PLACES.get(config);
  if (!cache) RESOLVER_PLACES.set(config, (cache = new Map()));
  const key = `${stream}\0${dns}`;
  if (!cache.has(key)) cache.set(key, findResolverPlace(config, dns, stream));
  return cache.get(key);
}
const RESOLVER_PLACES = new WeakMap<NginxConfig, Map<string, NginxPlace | undefined>>();

function findResolverPlace(config: NginxConfig, dns: string, stream: boolean): NginxPlace | undefined {
  const inForce = (scope: ConfigNode): boolean => {
    for (let level: ConfigNode | null = scope; level; level = level.parent) {
      const own = level.children.filter((c) => c.name === 'resolver');
      if (own.length) return own.some((r) => resolverNames(r, dns));
    }
    return false;
  };
  const servers = config.all.filter((n) => n.name === 'server' && n.context === (stream ? 'stream' : 'http') && n.directive.block);
  const using = servers.filter((s) => inForce(s) || (!stream && allLocations(s).some(inForce)));
  if (using.length !== 1) return undefined;
  const server = using[0];
  const how = `the only ${stream ? 'stream ' : ''}server block whose resolver is ${dns}`;
  if (stream) return { server, location: server, how, byName: true };
  const passing = allLocations(server).filter((l) => inForce(l) && l.children.some((c) => PASSES.has(c.name)));
  return { server, location: passing.length === 1 ? passing[0] : undefined, how, byName: true };
}

/** The directives that hand a request to a backend (and so may need a lookup). */
const PASSES: ReadonlySet<string> = new Set(PASS_DIRECTIVES);

/**
 * Whether a `resolver` line lists this DNS server as nginx writes it in its lines (address:port, IPv6 in brackets;
 * nginx fills in port 53 when the line leaves it out). Names are not looked up: only addresses are compared.
 */
export function resolverNames(node: ConfigNode, dns: string): boolean {
  const want = dns.toLowerCase();
  return node.directive.args.some((a) => {
    const v = a.value.toLowerCase();
    if (v.includes('=')) return false;
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(v) ?? /^([^:]+)(?::(\d+))?$/.exec(v);
    if (m) return `${m[0].startsWith('[') ? `[${m[1]}]` : m[1]}:${m[2] ?? '53'}` === want;
    // A bare IPv6 address (nginx takes "::1" too): port 53.
    return `[${v}]:53` === want;
  });
}

/** The values in force where the request was handled, for the directives the log line points at. */
export function valuesAt(config: NginxConfig, scope: ConfigNode, directives: string[], target: NginxTarget): ValueHere[] {
  return directives.map((directive) => {
    // A directive of the main level only (user): effective() climbs no higher than http, and nginx reads it at the
    // top of nginx.conf, so that is where it is looked up.
    const mainOnly = nginxDirective(directive)?.contexts.every((c) => c === 'main');
    const e = effective(config, mainOnly ? null : scope, directive, target);
    const node = e.nodes[e.nodes.length - 1];
    // Several lines of a bitmask directive (*_next_upstream, *_cache_use_stale…) at the deciding level are one value
    // to nginx: their flags together, "off" on any line winning (flagsInForce).
    if (node && e.nodes.length > 1 && isBitmaskDirective(directive, node.context)) {
      return { directive, value: flagsInForce(e).join(' '), origin: e.origin, node, lines: e.nodes.length };
    }
    // Set at the top of nginx.conf, not in the block the request was handled in: "inherited", not "set here".
    if (node) return { directive, value: node.directive.args.map((a) => a.raw).join(' '), origin: mainOnly ? 'inherited' : e.origin, node };
    const includer = config.rootContext === 'main' ? {} : { includerMaySet: true as const };
    // A default nginx changed in a release (proxy_ssl_protocols, proxy_http_version), for a target whose version is
    // not known: there is a default, only which one is open; "not set" would say there is none.
    const built = BUILD_DEPENDENT_DEFAULTS[directive];
    if (built && e.origin !== 'here' && e.origin !== 'inherited') return { directive, value: built.value, origin: 'default', buildDependent: built.note, ...includer };
    const versioned = e.origin === 'unset' ? versionedDefault(directive) : undefined;
    if (versioned) {
      const value = `${versioned.before} (${versioned.changes.map((c) => `${c.value} from nginx ${c.since}`).join(', ')})`;
      return { directive, value, origin: 'default', versionDependent: true, ...includer };
    }
    return { directive, value: e.defaultValue, origin: e.origin, ...includer };
  });
}

/** An address as nginx writes the peer in `upstream:` (127.0.0.1:80, [::1]:8080, unix:/run/a.sock); undefined for a host name. */
function peerName(a: Address | undefined, defaultPort: number): string | undefined {
  if (!a || a.hasVariables) return undefined;
  if (a.unix !== undefined) return `unix:${a.unix}`;
  if (!a.isIp) return undefined;
  return `${a.ipv6 ? `[${a.host}]` : a.host}:${a.port ?? defaultPort}`;
}

/**
 * The values of `directives` in the `upstream` group `location` passes to with its own `<family>_pass` (one target,
 * without variables), each marked with the group's name; none when it passes to no group. An upstream block hands
 * nothing down, so a directive it does not write has nginx's default there.
 */
export function groupValuesAt(config: NginxConfig, location: ConfigNode, upstreams: UpstreamGraph | undefined, family: string, directives: string[], target: NginxTarget): ValueHere[] {
  const own = (t: { node: ConfigNode }) => t.node.parent === location || (t.node.parent?.parent === location && (t.node.parent.name === 'if' || t.node.parent.name === 'limit_except'));
  const passes = (upstreams?.passes ?? []).filter((t) => t.directive === `${family}_pass` && own(t));
  const group = passes.length === 1 && !passes[0].hasVariables ? passes[0].upstream : undefined;
  if (!group) return [];
  return valuesAt(config, group.node, directives, target).map((v) => {
    // keepalive_timeout has two defaults, 75s for client connections (what valuesAt cannot choose between) and 60s
    // in an upstream block (ngx_http_upstream_keepalive_module).
    const groupDefault = v.origin === 'unset' ? GROUP_DEFAULTS[v.directive] : undefined;
    return { ...v, ...(groupDefault ? { value: groupDefault, origin: 'default' as const } : {}), group: group.name, includerMaySet: undefined };
  });
}

const GROUP_DEFAULTS: Record<string, string> = { keepalive_timeout: '60s' };

/**
 * How far nginx could go on with a failed request handled in `location`: the servers it could try (the group's,
 * without `down` ones, or the pass target's own address; undefined when a host name or a variable hides them), and
 * the family's *_next_upstream and *_next_upstream_tries in force there.
 */
export function retryLimits(config: NginxConfig, location: ConfigNode, upstreams: UpstreamGraph | undefined, family: string, target: NginxTarget): RetryLimits {
  const [next, tries] = valuesAt(config, location, [`${family}_next_upstream`, `${family}_next_upstream_tries`], target);
  const limits: RetryLimits = {};
  // stream's proxy_next_upstream is on or off: on passes every failed connect (error or timeout) to the next server.
  const stream = location.context === 'stream';
  if (next.value) limits.nextUpstream = stream ? (next.value === 'off' ? ['off'] : ['error', 'timeout']) : next.value.split(/\s+/);
  const n = Number(tries.value);
  if (Number.isInteger(n) && n > 0) limits.maxTries = n;
  // grpc_pass always streams the request body (gRPC requests are streams): nginx never passes a gRPC request it has
  // begun to send to another server, whatever grpc_next_upstream lists (nginx 1.22.1, test
  // explain-nginx-grpc-retry: `error timeout non_idempotent`, a backend that closed after the request, 502 with the
  // other server of the group untried).
  if (!stream && family === 'grpc') limits.unbuffered = 'grpc_pass';
  // The families with *_request_buffering (grpc_pass and the stream module have none).
  if (!stream && ['proxy', 'fastcgi', 'uwsgi', 'scgi'].includes(family)) {
    const [buffering] = valuesAt(config, location, [`${family}_request_buffering`], target);
    if (buffering.value === 'off') limits.unbuffered = `${family}_request_buffering`;
  }
  // Only the location's own pass target (or one inside its `if` / limit_except): a nested location passes by itself.
  const own = (t: { node: ConfigNode }) => t.node.parent === location || (t.node.parent?.parent === location && (t.node.parent.name === 'if' || t.node.parent.name === 'limit_except'));
  const passes = (upstreams?.passes ?? []).filter((t) => t.directive === `${family}_pass` && own(t));
  const t = passes.length === 1 && !passes[0].hasVariables ? passes[0] : undefined;
  // A target built with variables around an IP written out (`http://127.0.0.1:$port`): whatever the variables
  // hold, nginx makes one peer of that address for the request, with no group and no kept-alive connections. Only
  // an upstream block named like the IP could stand in for it, which is checked.
  const v = passes.length === 1 && passes[0].hasVariables ? passes[0] : undefined;
  const oneAddress = !!v?.address?.isIp && !v.address.host.includes('$') && !v.address.unix && !upstreams?.find(stream ? 'stream' : 'http', v.address.host);
  // uwsgi and SCGI never keep connections; the others may wherever the group has keepalive, and everywhere from
  // 1.29.7 on. A target that cannot be told may; with no version set, a target without keepalive is taken not to
  // (the versions in use before 1.29.7 are by far the most): saying otherwise would hedge every such line.
  const keepalive = t?.upstream?.node.children.find((c) => c.name === 'keepalive')?.directive.args[0]?.value;
  limits.reuses = !stream && family !== 'uwsgi' && family !== 'scgi' && keepalive !== '0' && ((!t && !oneAddress) || keepalive !== undefined || atLeast(target.version, '1.29.7') === true);
  if (oneAddress) limits.oneServer = true;
  if (!t) return limits;
  const port = t.scheme === 'https' || t.scheme === 'grpcs' ? 443 : 80;
  const names = t.upstream ? t.upstream.servers.filter((s) => !s.params.has('down')).map((s) => peerName(s.address, 80)) : [peerName(t.address, port)];
  if (names.length > 0 && names.every((x): x is string => x !== undefined)) limits.servers = names;
  return limits;
}

/**
 * The place of an error page's own try: the error_page `via`, in force where an earlier failure of the request was
 * handled (`from`), sent the request to a location (a named one, or the URI's), and that location passes to the
 * backend the later line names. The hand-off is added to the way the request came (once: an error page that sends
 * the request back to itself, with recursive_error_pages on, is not listed again). Undefined when the error page
 * does not lead to a location that passes there.
 */
export function errorPagePlace(from: NginxPlace | PlaceCandidate, via: ConfigNode, fields: LogFields, upstreams: UpstreamGraph | undefined, how: string): NginxPlace | undefined {
  const peer = peerOf(fields.upstream);
  if (!peer || !upstreams || !from.location) return undefined;
  const arg = via.directive.args[via.directive.args.length - 1]?.value ?? '';
  const lookup = lookupIn(from.server, []);
  const uri = arg.startsWith('@') ? fields.path : arg.replace(/\?.*$/, '');
  const to = arg.startsWith('@') ? lookup.named(arg) : arg.startsWith('/') && !arg.includes('$') ? lookup.uri(uri!) : undefined;
  if (!to || uri === undefined || !passesTo(to, upstreams, peer)) return undefined;
  const chain = from.handoff ?? [];
  const seen = chain.some((h) => h.via === via && h.to === to);
  const handoff = seen ? chain : [...chain, { from: from.location, via, to, uri }];
  return { server: from.server, location: to, handoff, how, byName: true };
}

/** The location an error_page (`via`, in `server`) sends a request to, when it names a named location or a plain URI. */
export function errorPageLocation(server: ConfigNode, via: ConfigNode): ConfigNode | undefined {
  const arg = via.directive.args[via.directive.args.length - 1]?.value ?? '';
  const lookup = lookupIn(server, []);
  if (arg.startsWith('@')) return lookup.named(arg);
  return arg.startsWith('/') && !arg.includes('$') ? lookup.uri(arg.replace(/\?.*$/, '')) : undefined;
}

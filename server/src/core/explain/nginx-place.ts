import { effective } from '../model/nginx-effective';
import type { NginxTarget } from '../model/nginx-defaults';
import type { ConfigNode, NginxConfig } from '../model/nginx-tree';
import { locationMatch } from '../rules/nginx/addresses-support';
import type { LogFields } from './log-patterns';

/** Where in the configuration nginx handled the request an error-log line is about. */
export interface NginxPlace {
  server: ConfigNode;
  /** The location nginx chose for the request path; undefined when the line names no request or none matches. */
  location?: ConfigNode;
  /** How the server block was picked, for the reader to judge. */
  how: string;
  /** Picked by the line's `server:` or Host, rather than as the only or the default server block. */
  byName: boolean;
}

export interface ValueHere {
  directive: string;
  /** The value as written (all arguments), or the default. */
  value: string | undefined;
  /** "set here", "inherited", "default" or "not set". */
  origin: 'here' | 'inherited' | 'default' | 'unset';
  /** The directive that decides it, when written. */
  node?: ConfigNode;
}

const serverNames = (server: ConfigNode): string[] => server.children.filter((c) => c.name === 'server_name').flatMap((c) => c.directive.args.map((a) => a.value));

/** nginx's server_name forms: exact, "*.example.com", "www.example.*", ".example.com", "~regex". */
function nameMatches(pattern: string, host: string): boolean {
  const h = host.toLowerCase().replace(/:\d+$/, '');
  const p = pattern.toLowerCase();
  if (p.startsWith('~')) {
    try {
      return new RegExp(pattern.slice(1)).test(host);
    } catch {
      return false;
    }
  }
  if (p.startsWith('*.')) return h.endsWith(p.slice(1));
  if (p.startsWith('.')) return h === p.slice(1) || h.endsWith(p);
  if (p.endsWith('.*')) return h.startsWith(p.slice(0, -1));
  return h === p;
}

const SERVERS = new WeakMap<NginxConfig, ConfigNode[]>();

/** The http server blocks, found once per configuration: a long log asks for them on every line. */
function serversOf(config: NginxConfig): ConfigNode[] {
  let list = SERVERS.get(config);
  if (!list) SERVERS.set(config, (list = config.all.filter((n) => n.name === 'server' && n.context === 'http')));
  return list;
}

/** The ports a server block listens on (80 when it has no listen). */
function listenPorts(server: ConfigNode): string[] {
  const listens = server.children.filter((c) => c.name === 'listen');
  if (listens.length === 0) return ['80'];
  return listens.map((l) => {
    const a = l.directive.args[0]?.value ?? '';
    return /^\d+$/.test(a) ? a : /:(\d+)$/.exec(a)?.[1] ?? '80';
  });
}

/**
 * The server block: nginx writes the block's first server_name as `server:` in the log line, so that is matched
 * first; otherwise the Host header: blocks listening on its port are preferred, then its name is matched against
 * every server_name; a single block on that port is taken as well. The default server comes last.
 */
function findServer(config: NginxConfig, fields: LogFields): { server: ConfigNode; how: string; byName: boolean } | undefined {
  const servers = serversOf(config);
  if (fields.serverName) {
    const named = servers.find((s) => serverNames(s)[0] === fields.serverName);
    if (named) return { server: named, how: `its server_name ${fields.serverName} is the log line's "server:"`, byName: true };
  }
  const port = fields.host ? /:(\d+)$/.exec(fields.host)?.[1] : undefined;
  // Only a preference: behind a port mapping (Docker's 8080:80) or a balancer the Host's port is not nginx's.
  const onPort = port ? servers.filter((s) => listenPorts(s).includes(port)) : [];
  const candidates = onPort.length ? onPort : servers;
  if (fields.host) {
    const byHost = candidates.find((s) => serverNames(s).some((n) => nameMatches(n, fields.host!)));
    if (byHost) return { server: byHost, how: `a server_name matches the Host "${fields.host}"`, byName: true };
  }
  if (onPort.length === 1) return { server: candidates[0], how: `the only server block listening on port ${port}, the Host's`, byName: true };
  if (servers.length === 1) return { server: servers[0], how: 'the only server block', byName: false };
  const fallback = servers.find((s) => s.children.some((c) => c.name === 'listen' && c.directive.args.some((a) => a.value === 'default_server')));
  return fallback ? { server: fallback, how: 'the default_server (no name in the log line matched)', byName: false } : undefined;
}

/** addresses-support's reading of a location, with `^~` (a prefix that ends the search) told apart. */
function matchOf(loc: ConfigNode): { kind: 'exact' | 'prefix' | 'stop' | 'regex' | 'named'; pattern: string; caseless: boolean } {
  const m = locationMatch(loc);
  return m.kind === 'prefix' && loc.directive.args.length >= 2 && loc.directive.args[0].value === '^~' ? { ...m, kind: 'stop' } : m;
}

function regexMatches(m: { pattern: string; caseless: boolean }, path: string): boolean {
  try {
    return new RegExp(m.pattern, m.caseless ? 'i' : '').test(path);
  } catch {
    return false; // PCRE-only syntax: cannot say, so not chosen
  }
}

/**
 * nginx's order (https://nginx.org/en/docs/http/ngx_http_core_module.html#location): an exact match ends the search;
 * otherwise the longest matching prefix is remembered (and ends the search when it has ^~), nested locations of it
 * are searched the same way, then regular expressions are tried in the order written, and the first match wins;
 * with none, the remembered prefix is used.
 */
function chooseLocation(level: ConfigNode, path: string): ConfigNode | undefined {
  const locations = level.children.filter((c) => c.name === 'location');
  let longest: ConfigNode | undefined;
  let longestLen = -1;
  for (const loc of locations) {
    const m = matchOf(loc);
    if (m.kind === 'exact' && m.pattern === path) return loc;
    if ((m.kind === 'prefix' || m.kind === 'stop') && path.startsWith(m.pattern) && m.pattern.length > longestLen) {
      longest = loc;
      longestLen = m.pattern.length;
    }
  }
  if (longest) {
    const inner = chooseLocation(longest, path);
    if (inner && inner !== longest) return inner;
    if (matchOf(longest).kind === 'stop') return longest;
  }
  for (const loc of locations) {
    const m = matchOf(loc);
    if (m.kind === 'regex' && regexMatches(m, path)) return chooseLocation(loc, path) ?? loc;
  }
  return longest;
}

const FOUND = new WeakMap<NginxConfig, Map<string, ReturnType<typeof findServer>>>();

export function findNginxPlace(config: NginxConfig, fields: LogFields): NginxPlace | undefined {
  // The server block depends on the name and Host only, and a log names few: found once per pair (it compares every
  // server_name of the configuration).
  let cache = FOUND.get(config);
  if (!cache) FOUND.set(config, (cache = new Map()));
  const key = `${fields.serverName}\0${fields.host}`;
  let found = cache.get(key);
  if (!cache.has(key)) cache.set(key, (found = findServer(config, fields)));
  if (!found) return undefined;
  const location = fields.path ? chooseLocation(found.server, fields.path) : undefined;
  return { server: found.server, location, how: found.how, byName: found.byName };
}

/** The values in force where the request was handled, for the directives the log line points at. */
export function valuesAt(config: NginxConfig, scope: ConfigNode, directives: string[], target: NginxTarget): ValueHere[] {
  return directives.map((directive) => {
    const e = effective(config, scope, directive, target);
    const node = e.nodes[e.nodes.length - 1];
    if (node) return { directive, value: node.directive.args.map((a) => a.raw).join(' '), origin: e.origin, node };
    return { directive, value: e.defaultValue, origin: e.origin };
  });
}

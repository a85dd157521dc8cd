import type { Arg } from '../syntax/nginx/ast';
import type { ConfigNode, NginxConfig } from './nginx-tree';

export interface Address {
  /** Host name or IP literal (IPv6 without brackets); empty for UNIX sockets. */
  host: string;
  port?: number;
  unix?: string;
  isIp: boolean;
  ipv6: boolean;
  hasVariables: boolean;
}

export interface UpstreamServer {
  node: ConfigNode;
  address?: Address;
  /** `weight=2` → weight: "2"; flags such as `backup` → true. */
  params: Map<string, string | true>;
  error?: string;
}

export interface Upstream {
  name: string;
  node: ConfigNode;
  module: 'http' | 'stream';
  servers: UpstreamServer[];
}

/**
 * The lines of one upstream group as far as this configuration shows them: an `upstream` block's, or those at the
 * top level of a fragment meant to be included inside one (`upstream app { include upstreams/app.conf; }`) and
 * checked on its own. For a fragment the group's name, its other lines and the passes that use it are unknown, so
 * only what its own lines say can be judged: their addresses and parameters, and their order among themselves.
 */
export interface UpstreamMembers {
  module: 'http' | 'stream';
  /** The group's block; undefined for a fragment's top level. */
  upstream: Upstream | undefined;
  servers: UpstreamServer[];
  /** The directives in the group, in order: the block's children, or the fragment's top-level directives. */
  children: ConfigNode[];
  /** How a message names the group: `upstream "app"`, or the one a fragment is included in. */
  label: string;
}

export const PASS_DIRECTIVES = ['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass'] as const;
export type PassDirective = (typeof PASS_DIRECTIVES)[number];

export interface PassTarget {
  node: ConfigNode;
  directive: PassDirective;
  module: 'http' | 'stream';
  arg: Arg;
  scheme?: string;
  address?: Address;
  /** The URI part after the address, with its leading "/". */
  uri?: string;
  hasVariables: boolean;
  upstream?: Upstream;
  /** Why nginx would refuse this target at start-up, in nginx's words where possible. */
  error?: string;
  errorKind?: 'scheme' | 'address';
}

export interface UpstreamGraph {
  /** The `upstream` blocks of the configuration. */
  upstreams: Upstream[];
  /**
   * The server lines of each group, and of an upstream fragment checked on its own: for rules about the lines
   * themselves. Rules about a group as a whole (its name, all its servers, who uses it) read `upstreams`.
   */
  members: UpstreamMembers[];
  passes: PassTarget[];
  /**
   * The first `upstream` block of that name (names are compared without case, as nginx does). Where two blocks share a
   * name nginx refuses to start ("duplicate upstream"; see the duplicate-upstream-name rule); the first is kept here
   * so that the other rules judge one group, and `sameName` tells hover and definition that there is more than one.
   */
  find(module: 'http' | 'stream', name: string): Upstream | undefined;
  /** Every `upstream` block with this one's module and name, in document order: one unless the name is duplicated. */
  sameName(up: Upstream): Upstream[];
  /** Pass targets that name this upstream. */
  usersOf(up: Upstream): PassTarget[];
}

/** Schemes each http pass directive accepts (none listed, and every stream one: a bare address only). */
const HTTP_SCHEMES: Record<string, string[]> = {
  proxy_pass: ['http', 'https'],
  grpc_pass: ['grpc', 'grpcs'],
  uwsgi_pass: ['uwsgi', 'suwsgi'],
};
const NO_SCHEMES: string[] = [];
const PASS_SET: ReadonlySet<string> = new Set(PASS_DIRECTIVES);

export function moduleOf(node: ConfigNode): 'http' | 'stream' {
  return node.context.startsWith('stream') ? 'stream' : 'http';
}

/**
 * Whether `host` is written as an IPv4 address, four dot-separated groups of one to three digits: 1 when every group
 * is at most 255, 2 when one is larger, 0 for any other text. Character codes rather than a regular expression: its
 * match array and four substrings per server line were a good part of the allocations of a large configuration.
 */
function ipv4Form(host: string): 0 | 1 | 2 {
  let groups = 0, digits = 0, value = 0, over = false;
  for (let i = 0; i <= host.length; i++) {
    // The end of the text closes the last group as a dot would.
    const c = i < host.length ? host.charCodeAt(i) : 46;
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return 0;
      value = value * 10 + (c - 48);
    } else if (c === 46 && digits > 0) {
      if (value > 255) over = true;
      groups++;
      digits = value = 0;
    } else return 0;
  }
  return groups !== 4 ? 0 : over ? 2 : 1;
}
const DIGITS = /^\d+$/;
/** A character nginx does not accept in a host name. */
const HOST_CHARS = /[^A-Za-z0-9.\-_]/;

type ParsedAddress = { address?: Address; error?: string };

/**
 * Parsed addresses by text, frozen because they are shared: a large configuration passes to the same few
 * hundred targets thousands of times. Bounded for a long-running language server.
 */
const addressCache = new Map<string, Readonly<ParsedAddress>>();
const ADDRESS_CACHE_MAX = 10_000;

/** Parses `host[:port]`, `[v6]:port` or `unix:/path` as nginx's ngx_parse_url would; returns an error text instead of throwing. */
export function parseAddress(text: string): { address?: Address; error?: string } {
  let parsed = addressCache.get(text);
  if (!parsed) {
    parsed = parseAddressText(text);
    if (parsed.address) Object.freeze(parsed.address);
    Object.freeze(parsed);
    if (addressCache.size >= ADDRESS_CACHE_MAX) addressCache.clear();
    addressCache.set(text, parsed);
  }
  return parsed;
}

/** ngx_inet_addr: exactly four dot-separated decimal octets up to 255 (empty ones count as 0, as nginx reads them). */
function inetAddr(text: string): boolean {
  let octet = 0, dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (octet > 255) return false;
    } else if (c === 46 /* . */) {
      dots++;
      octet = 0;
    } else return false;
  }
  return dots === 3;
}

/**
 * Whether nginx 1.22.1's ngx_inet6_addr reads the text between the brackets of `[…]:port` as an address, step by step
 * as it does: no zone index (`fe80::1%eth0` is refused), at most one `::`, up to four hex digits a group, an IPv4
 * tail only in the last two groups. Its quirks are kept: one leading `:` is skipped (`[:1::2]` is read), and a `::`
 * after seven groups is refused (`[1:2:3:4:5:6:7::]`). Checked against nginx -t in test/servers/pass-addresses.test.ts.
 */
export function inet6Addr(text: string): boolean {
  let p = text.charCodeAt(0) === 58 /* : */ ? 1 : 0;
  let zero = false, digit = -1, nibbles = 0, n = 8;
  for (; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (c === 58 /* : */) {
      if (nibbles) {
        digit = p + 1;
        if (--n) { nibbles = 0; continue; }
      } else if (!zero) {
        digit = p + 1;
        zero = true;
        continue;
      }
      return false;
    }
    if (c === 46 /* . */ && nibbles) {
      // The IPv4 tail takes two groups and ends the address.
      if (n < 2 || digit < 0 || !inetAddr(text.slice(digit))) return false;
      n--;
      break;
    }
    if (++nibbles > 4) return false;
    const h = c | 0x20;
    if (!((c >= 48 && c <= 57) || (h >= 97 && h <= 102))) return false;
  }
  if (nibbles === 0 && !zero) return false;
  return --n ? zero : !zero;
}

function parseAddressText(text: string): ParsedAddress {
  const hasVariables = text.includes('$');
  if (text.startsWith('unix:')) {
    const path = text.slice(5);
    if (!path) return { error: `no path in the UNIX socket address "${text}"` };
    return { address: { host: '', unix: path, isIp: false, ipv6: false, hasVariables } };
  }
  let host = text, portText: string | undefined;
  let ipv6 = false;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    // nginx 1.22.1: `server [fe80::1:80;` gives invalid host in upstream "[fe80::1:80"
    if (close < 0) return { error: `invalid host in upstream "${text}"` };
    host = text.slice(1, close);
    ipv6 = true;
    if (host && !hasVariables && !inet6Addr(host)) {
      const zone = host.indexOf('%');
      return { error: `invalid IPv6 address in upstream "${text}"${zone >= 0 ? `: nginx takes no zone index ("${host.slice(zone)}") in an address` : ''}` };
    }
    const rest = text.slice(close + 1);
    if (rest) {
      if (!rest.startsWith(':')) return { error: `invalid host in upstream "${text}"` };
      portText = rest.slice(1);
    }
  } else {
    const colon = text.lastIndexOf(':');
    if (colon >= 0) {
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
    }
  }
  if (!host) return { error: `no host in upstream "${text}"` };
  let port: number | undefined;
  if (portText !== undefined && !portText.includes('$')) {
    port = Number(portText);
    if (!DIGITS.test(portText) || port < 1 || port > 65535) return { error: `invalid port in upstream "${text}"` };
  }
  if (!hasVariables && !ipv6 && HOST_CHARS.test(host)) return { error: `invalid host in upstream "${text}"` };
  const v4 = ipv4Form(host);
  if (v4 === 2) {
    // nginx does not reject it as an address: it tries to resolve it as a name and fails.
    return { error: `"${host}" is not a valid IPv4 address; nginx treats it as a host name and fails with "host not found in upstream"` };
  }
  return { address: { host, port, isIp: ipv6 || v4 === 1, ipv6, hasVariables } };
}

const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * The error ngx_http_script_compile (nginx 1.22.1) stops with on the `$` references of a value, or undefined: a `$`
 * needs a name of letters, digits and underscores after it (or a capture digit 1-9), or one in braces, `${name}`.
 * `$` at the end, `$/`, `$-x` and `${}` are "invalid variable name"; `${name` without its brace is "the closing
 * bracket in "name" variable is missing". Checked against nginx -t in test/servers/pass-addresses.test.ts.
 */
export function variableSyntaxError(value: string): string | undefined {
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '$') continue;
    if (++i === value.length) return 'invalid variable name';
    if (value[i] >= '1' && value[i] <= '9') continue;
    let bracket = false;
    if (value[i] === '{') {
      bracket = true;
      if (++i === value.length) return 'invalid variable name';
    }
    const start = i;
    let end = i;
    for (; i < value.length; i++) {
      if (value[i] === '}' && bracket) {
        bracket = false;
        break;
      }
      if (!NAME_CHAR.test(value[i])) break;
      end = i + 1;
    }
    if (bracket) return `the closing bracket in "${value.slice(start, end)}" variable is missing`;
    if (end === start) return 'invalid variable name';
    // The loop stopped on the character after the name (or on the closing brace): look at it again.
    if (value[i] !== '}') i--;
  }
  return undefined;
}

function parsePass(node: ConfigNode): PassTarget | undefined {
  const arg = node.directive.args[0];
  if (!arg) return undefined;
  const directive = node.name as PassDirective;
  const module = moduleOf(node);
  const value = arg.value;
  // Every field from the start, in one order: all targets then share one object shape, which keeps the many rules
  // that read them fast (fields added later would give each combination of fields a shape of its own).
  const target: PassTarget = {
    node,
    directive,
    module,
    arg,
    scheme: undefined,
    address: undefined,
    uri: undefined,
    hasVariables: value.includes('$'),
    upstream: undefined,
    error: undefined,
    errorKind: undefined,
  };
  // An http pass with a variable is compiled as a script before anything else is read from it.
  const scriptError = target.hasVariables && module === 'http' && directive !== 'memcached_pass' ? variableSyntaxError(value) : undefined;
  if (scriptError) {
    target.errorKind = 'address';
    target.error = scriptError;
    return target;
  }
  const allowed = (module === 'http' && HTTP_SCHEMES[directive]) || NO_SCHEMES;
  const sep = value.indexOf('://');
  let rest = value;
  if (sep >= 0) {
    const scheme = value.slice(0, sep).toLowerCase();
    target.scheme = scheme;
    // `$scheme://…` is chosen per request; nginx checks it only then.
    if (scheme.includes('$')) return target;
    if (!allowed.includes(scheme)) {
      target.errorKind = 'scheme';
      target.error =
        directive === 'proxy_pass' && module === 'http'
          ? `invalid URL prefix in "${value}": proxy_pass takes http:// or https://`
          : `invalid host in upstream "${value}": ${directive}${module === 'stream' ? ' (stream)' : ''} takes ${allowed.length ? allowed.map((s) => s + '://').join(' or ') + ' or ' : ''}a bare address`;
      return target;
    }
    rest = value.slice(sep + 3);
  } else if (directive === 'proxy_pass' && module === 'http') {
    if (!target.hasVariables) {
      target.errorKind = 'scheme';
      target.error = `invalid URL prefix in "${value}": proxy_pass needs http:// or https:// in front of the address`;
    }
    return target;
  }
  if (target.hasVariables && rest.startsWith('$')) return target;
  let hostPart = rest;
  if (rest.startsWith('unix:')) {
    // http://unix:/path/to.sock:/uri — a colon closes the socket path when a URI follows.
    const close = rest.indexOf(':', 5);
    hostPart = close >= 0 ? rest.slice(0, close) : rest;
    if (close >= 0) target.uri = rest.slice(close + 1);
  } else {
    const slash = rest.indexOf('/');
    if (slash >= 0) {
      hostPart = rest.slice(0, slash);
      target.uri = rest.slice(slash);
    }
    // Only http's proxy_pass passes a URI on; stream's proxy_pass connects to an address (nginx 1.22.1:
    // `proxy_pass 127.0.0.1:19005/;` in stream {} stops it with invalid host in upstream "127.0.0.1:19005/").
    if (target.uri !== undefined && (directive !== 'proxy_pass' || module === 'stream')) {
      target.errorKind = 'address';
      // nginx quotes what follows the scheme: grpc_pass grpc://u/x gives invalid host in upstream "u/x".
      target.error = `invalid host in upstream "${rest}": ${directive}${module === 'stream' ? ' in stream {}' : ''} takes an address without a URI`;
      return target;
    }
  }
  const parsed = parseAddress(hostPart);
  if (parsed.error && !target.hasVariables) {
    target.errorKind = 'address';
    target.error = parsed.error;
  }
  target.address = parsed.address;
  return target;
}

/** How messages name the group of an upstream fragment checked on its own: its name is not in the file. */
export const FRAGMENT_GROUP = 'the upstream that includes this file';

/** `upstream "app" server 10.0.0.1:80`, or just `server 10.0.0.1:80` in an upstream fragment. */
export function serverCalled(up: UpstreamMembers, address: string): string {
  return up.upstream ? `${up.label} server ${address}` : `server ${address}`;
}

const SCHEME_PREFIX = /^[a-z][a-z0-9+.-]*:\/\//i;

function parseServer(node: ConfigNode): UpstreamServer {
  const args = node.directive.args;
  const addr = args[0];
  const params = new Map<string, string | true>();
  // Indexed from 1, not `[addr, ...rest]`: destructuring with a rest element is slow in code not yet optimised.
  for (let k = 1; k < args.length; k++) {
    const v = args[k].value;
    const eq = v.indexOf('=');
    params.set(eq < 0 ? v : v.slice(0, eq), eq < 0 ? true : v.slice(eq + 1));
  }
  // `address` written out even when absent, so that every server has the same object shape.
  if (!addr) return { node, address: undefined, params, error: 'invalid number of arguments in "server" directive' };
  if (addr.value.includes('://') && SCHEME_PREFIX.test(addr.value)) return { node, address: undefined, params, error: `invalid host in upstream "${addr.value}": a server address takes no scheme` };
  const slash = addr.value.startsWith('unix:') ? -1 : addr.value.indexOf('/');
  if (slash >= 0) return { node, address: undefined, params, error: `invalid host in upstream "${addr.value}": a server address takes no URI` };
  // Not through the cache: server addresses are nearly all distinct (a port each), so it would only grow.
  const parsed = parseAddressText(addr.value);
  return { node, address: parsed.address, params, error: parsed.error };
}

export function buildUpstreamGraph(config: NginxConfig): UpstreamGraph {
  const upstreams: Upstream[] = [];
  const passes: PassTarget[] = [];
  // Indexed loop: for…of allocates an iterator result per node until the loop is optimised.
  const all = config.all;
  for (let k = 0; k < all.length; k++) {
    const node = all[k];
    if (node.name === 'upstream' && node.directive.block && node.directive.args[0]) {
      const up: Upstream = { name: node.directive.args[0].value, node, module: moduleOf(node), servers: [] };
      const children = node.children;
      for (let j = 0; j < children.length; j++) if (children[j].name === 'server') up.servers.push(parseServer(children[j]));
      upstreams.push(up);
    } else if (PASS_SET.has(node.name)) {
      const t = parsePass(node);
      if (t) passes.push(t);
    }
  }
  const members: UpstreamMembers[] = upstreams.map((u) => ({ module: u.module, upstream: u, servers: u.servers, children: u.node.children, label: `upstream "${u.name}"` }));
  if (config.rootContext === 'upstream' || config.rootContext === 'stream-upstream') {
    const roots = config.roots;
    const servers: UpstreamServer[] = [];
    for (let k = 0; k < roots.length; k++) if (roots[k].name === 'server') servers.push(parseServer(roots[k]));
    members.push({ module: config.rootContext === 'stream-upstream' ? 'stream' : 'http', upstream: undefined, servers, children: roots, label: FRAGMENT_GROUP });
  }
  // One index per module, keyed by the lower-cased name: no "module:name" string to build per lookup.
  const httpIndex = new Map<string, Upstream>();
  const streamIndex = new Map<string, Upstream>();
  // Only names written more than once get a list: nearly every configuration has none.
  let repeated: Map<Upstream, Upstream[]> | undefined;
  for (const u of upstreams) {
    const index = u.module === 'stream' ? streamIndex : httpIndex;
    const key = u.name.toLowerCase();
    const first = index.get(key);
    if (!first) {
      index.set(key, u);
      continue;
    }
    repeated ??= new Map();
    const list = repeated.get(first) ?? [first];
    list.push(u);
    repeated.set(first, list);
    repeated.set(u, list);
  }
  const users = new Map<Upstream, PassTarget[]>();
  for (const p of passes) {
    if (!p.address || p.address.unix || p.hasVariables) continue;
    const up = (p.module === 'stream' ? streamIndex : httpIndex).get(p.address.host.toLowerCase());
    if (!up) continue;
    if (p.address.port !== undefined) {
      p.errorKind ??= 'address';
      p.error ??= `upstream "${up.name}" may not have port ${p.address.port}: a pass to a named upstream takes no port`;
      continue;
    }
    p.upstream = up;
    const list = users.get(up);
    if (list) list.push(p);
    else users.set(up, [p]);
  }
  return {
    upstreams,
    members,
    passes,
    find: (module, name) => (module === 'stream' ? streamIndex : httpIndex).get(name.toLowerCase()),
    sameName: (up) => repeated?.get(up) ?? [up],
    usersOf: (up) => users.get(up) ?? [],
  };
}

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
  upstreams: Upstream[];
  passes: PassTarget[];
  find(module: 'http' | 'stream', name: string): Upstream | undefined;
  /** Pass targets that name this upstream. */
  usersOf(up: Upstream): PassTarget[];
}

/** Schemes each pass directive accepts (none listed = a bare address only). */
const SCHEMES: Record<string, string[]> = {
  'http:proxy_pass': ['http', 'https'],
  'http:grpc_pass': ['grpc', 'grpcs'],
  'http:uwsgi_pass': ['uwsgi', 'suwsgi'],
};

export function moduleOf(node: ConfigNode): 'http' | 'stream' {
  return node.context.startsWith('stream') ? 'stream' : 'http';
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses `host[:port]`, `[v6]:port` or `unix:/path` as nginx's ngx_parse_url would; returns an error text instead of throwing. */
export function parseAddress(text: string): { address?: Address; error?: string } {
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
    if (close < 0) return { error: `invalid IPv6 address "${text}"` };
    host = text.slice(1, close);
    ipv6 = true;
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
    if (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) return { error: `invalid port in upstream "${text}"` };
    port = Number(portText);
  }
  if (!hasVariables && !ipv6 && /[^A-Za-z0-9.\-_]/.test(host)) return { error: `invalid host in upstream "${text}"` };
  const v4 = IPV4.exec(host);
  if (v4 && v4.slice(1).some((o) => Number(o) > 255)) {
    // nginx does not reject it as an address: it tries to resolve it as a name and fails.
    return { error: `"${host}" is not a valid IPv4 address; nginx treats it as a host name and fails with "host not found in upstream"` };
  }
  return { address: { host, port, isIp: ipv6 || !!v4, ipv6, hasVariables } };
}

function parsePass(node: ConfigNode): PassTarget | undefined {
  const arg = node.directive.args[0];
  if (!arg) return undefined;
  const directive = node.name as PassDirective;
  const module = moduleOf(node);
  const value = arg.value;
  const target: PassTarget = { node, directive, module, arg, hasVariables: value.includes('$') };
  const allowed = SCHEMES[`${module}:${directive}`] ?? [];
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
    if (target.uri !== undefined && directive !== 'proxy_pass') {
      target.errorKind = 'address';
      target.error = `invalid host in upstream "${value}": ${directive} takes an address without a URI`;
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

function parseServer(node: ConfigNode): UpstreamServer {
  const [addr, ...rest] = node.directive.args;
  const params = new Map<string, string | true>();
  for (const p of rest) {
    const eq = p.value.indexOf('=');
    params.set(eq < 0 ? p.value : p.value.slice(0, eq), eq < 0 ? true : p.value.slice(eq + 1));
  }
  if (!addr) return { node, params, error: 'invalid number of arguments in "server" directive' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(addr.value)) return { node, params, error: `invalid host in upstream "${addr.value}": a server address takes no scheme` };
  const slash = addr.value.startsWith('unix:') ? -1 : addr.value.indexOf('/');
  if (slash >= 0) return { node, params, error: `invalid host in upstream "${addr.value}": a server address takes no URI` };
  const parsed = parseAddress(addr.value);
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
      for (const c of node.children) if (c.name === 'server') up.servers.push(parseServer(c));
      upstreams.push(up);
    } else if ((PASS_DIRECTIVES as readonly string[]).includes(node.name)) {
      const t = parsePass(node);
      if (t) passes.push(t);
    }
  }
  const index = new Map<string, Upstream>();
  for (const u of upstreams) {
    const key = `${u.module}:${u.name.toLowerCase()}`;
    if (!index.has(key)) index.set(key, u);
  }
  const users = new Map<Upstream, PassTarget[]>();
  for (const p of passes) {
    if (!p.address || p.address.unix || p.hasVariables) continue;
    const up = index.get(`${p.module}:${p.address.host.toLowerCase()}`);
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
    passes,
    find: (module, name) => index.get(`${module}:${name.toLowerCase()}`),
    usersOf: (up) => users.get(up) ?? [],
  };
}

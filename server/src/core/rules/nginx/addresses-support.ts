import type { TextEdit } from '../../finding';
import { keptIn, type Made } from '../../reads';
import { oncePer } from '../../collections';
import { insertLinesBefore } from '../../fix';
import { blockContextOf, enclosing } from '../../model/nginx-effective';
import type { ConfigNode, NginxConfig } from '../../model/nginx-tree';
import type { PassTarget, Upstream, UpstreamGraph } from '../../model/nginx-upstreams';
import type { Arg, Span } from '../../syntax/nginx/ast';
import { atLeast } from '../../model/version';
import type { NginxRuleContext } from '../rule';
import { isLoopbackHost } from '../../model/hosts';
import { nginxDirective } from '../../model/nginx-directives';

/** Pass directives that take a host name nginx may have to look up (memcached_pass takes no variables and no TLS). */
export const RESOLVING_PASSES = ['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass'];

export const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export function isIpLiteral(host: string): boolean {
  return IPV4.test(host) || host.includes(':') || host.startsWith('[');
}

/** The span of `part` inside an argument's source text (the whole argument when it cannot be found). */
export function spanIn(arg: Arg, part: string | undefined, from = 0): Span {
  const i = part ? arg.raw.indexOf(part, from) : -1;
  return i < 0 ? { start: arg.start, end: arg.end } : { start: arg.start + i, end: arg.start + i + part!.length };
}

/** Where a pass target's host is written (after the scheme), for findings about the host. */
export function hostSpan(t: PassTarget): Span {
  const a = t.address;
  if (!a || a.unix) return { start: t.arg.start, end: t.arg.end };
  const after = t.arg.raw.indexOf('://');
  return spanIn(t.arg, a.host, after < 0 ? 0 : after + 3);
}

/** A flag directive (on/off) in force at `scope`, with the node that sets it when it is written down. */
export function flag(ctx: NginxRuleContext, scope: ConfigNode | null, name: string): { on: boolean; node?: ConfigNode } {
  const e = ctx.effective(scope, name);
  const node = e.nodes[e.nodes.length - 1];
  const value = node?.directive.args[0]?.value ?? e.defaultValue ?? 'off';
  return { on: value.toLowerCase() === 'on', node };
}

/** The value of a single-argument directive in force at `scope`. */
export function valueOf(ctx: NginxRuleContext, scope: ConfigNode | null, name: string): { value?: string; node?: ConfigNode } {
  const e = ctx.effective(scope, name);
  const node = e.nodes[e.nodes.length - 1];
  return { value: node?.directive.args[0]?.value, node };
}

export type LocationKind = 'prefix' | 'exact' | 'regex' | 'named';

/** `value` written the way `arg` is: in the same quotes, with those quotes and backslashes escaped. */
export function writtenLike(arg: Arg, value: string): string {
  if (!arg.quote) return value;
  return arg.quote + value.replace(new RegExp(`([${arg.quote}\\\\])`, 'g'), '\\$1') + arg.quote;
}

/** How a `location` matches, as ngx_http_core_location reads its arguments (`~ re`, `~re`, `~* re`, `= /x`, `@name`, …). */
export function locationMatch(loc: ConfigNode): { kind: LocationKind; pattern: string; caseless: boolean } {
  const a = loc.directive.args.map((x) => x.value);
  if (a.length >= 2) {
    const mod = a[0];
    if (mod === '~' || mod === '~*') return { kind: 'regex', pattern: a[1], caseless: mod === '~*' };
    return { kind: mod === '=' ? 'exact' : 'prefix', pattern: a[1], caseless: false };
  }
  const name = a[0] ?? '';
  if (name.startsWith('~*')) return { kind: 'regex', pattern: name.slice(2), caseless: true };
  if (name.startsWith('~')) return { kind: 'regex', pattern: name.slice(1), caseless: false };
  if (name.startsWith('=')) return { kind: 'exact', pattern: name.slice(1), caseless: false };
  if (name.startsWith('@')) return { kind: 'named', pattern: name, caseless: false };
  return { kind: 'prefix', pattern: name, caseless: false };
}

/**
 * True when the level that hands values down to `node` (http for http modules, stream for stream) is not in
 * the linted files: the file is a fragment included from an nginx.conf we have not seen, which may set
 * resolvers and TLS defaults for it.
 */
export function outerLevelUnseen(config: NginxConfig, node: ConfigNode): boolean {
  if (config.rootContext === 'main') return false;
  return !enclosing(node, 'http', 'stream');
}

/** The nearest enclosing block (or `node` itself) where `directive` may be written, from the reference contexts. */
export function levelFor(node: ConfigNode | null, allowed: string[]): ConfigNode | null {
  for (let p = node; p; p = p.parent) if (allowed.includes(blockContextOf(p))) return p;
  return null;
}

/** Inserts statements as the first ones of `block` (or before `fallback` when there is no block in the file). */
export function insertFirstIn(block: ConfigNode | null, fallback: ConfigNode, lines: string[]): TextEdit {
  const first = block ? block.children.find((c) => c.file === block.file) : undefined;
  return insertLinesBefore(first ?? fallback, lines);
}

/** The TLS directive family a pass target belongs to, when the target can speak TLS. */
export function sslFamily(t: PassTarget): 'proxy' | 'grpc' | 'uwsgi' | undefined {
  if (t.directive === 'proxy_pass') return 'proxy';
  if (t.directive === 'grpc_pass' && t.module === 'http') return 'grpc';
  if (t.directive === 'uwsgi_pass' && t.module === 'http') return 'uwsgi';
  return undefined;
}

const TLS_SCHEMES = new Set(['https', 'grpcs', 'suwsgi']);

/**
 * Whether nginx sets up TLS to the upstream for this target: a TLS scheme, or (stream) `proxy_ssl on`.
 * `variablesCount`: nginx 1.22.1 also prepares TLS for any http target with variables (the scheme may be
 * https at run time), which is what makes `*_ssl_verify on` fail at start-up there [lab].
 */
export function tlsTarget(ctx: NginxRuleContext, t: PassTarget, variablesCount: boolean): boolean {
  if (t.module === 'stream') return t.directive === 'proxy_pass' && flag(ctx, t.node.parent, 'proxy_ssl').on;
  if (!sslFamily(t)) return false;
  if (t.scheme && TLS_SCHEMES.has(t.scheme)) return true;
  return variablesCount && t.hasVariables;
}

/** Upstream groups by module, for host names that may be group names. */
export function groupNamed(ctx: NginxRuleContext, module: 'http' | 'stream', name: string): Upstream | undefined {
  return ctx.upstreams.find(module, name);
}

/** The default port of a scheme (what nginx uses when none is written). */
export function defaultPort(scheme: string | undefined): number {
  return scheme === 'https' || scheme === 'grpcs' ? 443 : 80;
}

/**
 * nginx turns every static pass target into an implicit upstream named by its host and port; at run time a
 * variable target whose host and port match one is served by it without a resolver.
 */
export function implicitUpstream(ctx: NginxRuleContext, host: string, port: number): PassTarget | undefined {
  return implicitUpstreams(ctx.upstreams).get(`${host.toLowerCase()} ${port}`);
}

/** The static http passes by "host port", the first of each: gathered once per configuration (asked for every variable target, a search of all passes each time was n²). */
const implicitUpstreams = oncePer((graph: UpstreamGraph) => {
  const byAddress = new Map<string, PassTarget>();
  for (const p of graph.passes) {
    if (p.module !== 'http' || p.hasVariables || p.error || p.upstream || !p.address || p.address.unix) continue;
    const key = `${p.address.host.toLowerCase()} ${p.address.port ?? defaultPort(p.scheme)}`;
    if (!byAddress.has(key)) byAddress.set(key, p);
  }
  return byAddress;
});

/** A placeholder the user must replace, kept visible in the inserted line. */
/**
 * Whether `server … resolve` (and `resolver` inside an upstream block) exists on the target: open-source nginx has
 * them since 1.27.3, NGINX Plus before that (https://nginx.org/en/CHANGES). True/false when known, undefined when
 * the version is unknown.
 */
export function resolveAvailable(ctx: NginxRuleContext): boolean | undefined {
  if (ctx.target.edition === 'plus') return true;
  return atLeast(ctx.target.version, '1.27.3');
}

/** What a suggestion that adds `resolve` needs, said in its title when the version is unknown. */
export const RESOLVE_NEEDS = 'needs open-source nginx ≥ 1.27.3 or NGINX Plus';

/** Appended to the title of a suggestion that adds `resolve`, when the version is unknown. */
export const resolveRequirement = (known: boolean | undefined) => (known === undefined ? ` (${RESOLVE_NEEDS})` : '');

export const RESOLVER_LINE = 'resolver 127.0.0.11 valid=30s;  # TODO: your DNS server (127.0.0.11 is Docker\'s embedded DNS)';

/** A port (or UNIX socket) this configuration itself listens on, and what nginx speaks there. */
export interface LocalListen {
  node: ConfigNode;
  /** 0 for a UNIX socket. */
  port: number;
  /** undefined for a stream listener without `ssl`: it relays raw TCP, so what speaks there is whatever it passes to. */
  tls: boolean | undefined;
  /** An http server block's listener, or a stream one. */
  module: 'http' | 'stream';
  /** http: some server on this socket has the `http2` listen parameter or `http2 on;` (1.25.1) in force. */
  http2: boolean;
  /**
   * http: some listen line of this socket has `proxy_protocol`, so every connection must start with a PROXY protocol
   * header (nginx 1.22.1 merges it like ssl: a server on the same address without it still demanded one).
   */
  proxyProtocol: boolean;
}

/** The listeners of a configuration: TCP ones by port, then host; UNIX sockets by path. */
interface LocalListens {
  byPort: Map<number, Map<string, LocalListen>>;
  byPath: Map<string, LocalListen>;
}

/** IPv4 and IPv6 wildcards are separate sockets (nginx listens on [::] with ipv6only=on by default). */
const WILDCARD_V4 = '*';
const WILDCARD_V6 = '[::]';
/** Per configuration, with what building it read (core/reads.ts): one listener per address:port, options merged. */
const listenCache = new WeakMap<object, Made<LocalListens>>();

/**
 * Whether a switch such as `ssl on` (before nginx 1.25.1) or `http2 on` (1.25.1) is on for the listener: in its server
 * block or, inherited, at http level. `lineOfBlock` remembers each block's line of that name.
 */
function switchOn(node: ConfigNode, name: 'ssl' | 'http2', lineOfBlock: Map<ConfigNode, ConfigNode | undefined>): boolean {
  for (let level = node.parent; level; level = level.parent) {
    // Looked up once per block: every listen asks its http block, which in a large configuration has one child per
    // server block (a search per listen made building the index quadratic: 75 s of rules on a 20 MB file).
    let line = lineOfBlock.get(level);
    if (!lineOfBlock.has(level)) lineOfBlock.set(level, (line = level.children.find((c) => c.name === name)));
    if (line) return line.directive.args[0]?.value.toLowerCase() === 'on';
  }
  return false;
}

/** Records a listen line; lines of one socket merge their options, as nginx does (ssl, http2 and proxy_protocol on one apply to all). */
function addListen(into: Map<string, LocalListen>, key: string, l: LocalListen): void {
  const known = into.get(key);
  if (!known) {
    into.set(key, l);
    return;
  }
  // The TLS line is the one findings about TLS quote.
  const merged = { http2: l.http2 || known.http2, proxyProtocol: l.proxyProtocol || known.proxyProtocol };
  if (l.tls && !known.tls) into.set(key, { ...l, ...merged });
  else Object.assign(known, merged);
}

/**
 * Every TCP `listen` of the configuration (http and stream servers), one per address:port, and every UNIX-socket one.
 * nginx speaks TLS on an address:port when any server listening there says `ssl` (the options of one address are
 * merged), or, before 1.25.1, when `ssl on` is in force for that server; HTTP/2 likewise with `http2`. QUIC and UDP
 * listeners are left out: a proxied TCP connection never reaches them. Indexed by port, then host: a large
 * configuration has a listen per server block, and every pass target asks.
 */
function localListens(ctx: NginxRuleContext): LocalListens {
  return keptIn(listenCache, ctx.config, () => buildLocalListens(ctx));
}

function buildLocalListens(ctx: NginxRuleContext): LocalListens {
  const byPort = new Map<number, Map<string, LocalListen>>();
  const byPath = new Map<string, LocalListen>();
  const sslOfBlock = new Map<ConfigNode, ConfigNode | undefined>();
  const http2OfBlock = new Map<ConfigNode, ConfigNode | undefined>();
  for (const node of ctx.nodes('listen')) {
    if (node.context !== 'server' && node.context !== 'stream-server') continue;
    const args = node.directive.args.map((a) => a.value.toLowerCase());
    const addr = args[0];
    if (!addr || addr.includes('$') || args.includes('quic') || args.includes('udp')) continue;
    const module = node.context === 'server' ? 'http' : 'stream';
    // A stream listener without ssl relays raw TCP: what speaks there is whatever it passes to.
    const tls = args.includes('ssl') || switchOn(node, 'ssl', sslOfBlock) ? true : module === 'stream' ? undefined : false;
    const http2 = module === 'http' && (args.includes('http2') || switchOn(node, 'http2', http2OfBlock));
    const proxyProtocol = module === 'http' && args.includes('proxy_protocol');
    if (addr.startsWith('unix:')) {
      // The path as written (case kept): unix:/run/a.sock is a file name.
      const path = node.directive.args[0].value.slice(5);
      if (path) addListen(byPath, path, { node, port: 0, tls, module, http2, proxyProtocol });
      continue;
    }
    let host = WILDCARD_V4, portText = '80';
    if (/^\d+$/.test(addr)) portText = addr;
    else if (addr.startsWith('[')) {
      const close = addr.indexOf(']');
      host = addr.slice(1, close);
      if (addr[close + 1] === ':') portText = addr.slice(close + 2);
      if (host === '::') host = WILDCARD_V6;
    } else {
      const colon = addr.lastIndexOf(':');
      if (colon >= 0) {
        host = addr.slice(0, colon);
        portText = addr.slice(colon + 1);
      } else host = addr;
      if (host === '*' || host === '0.0.0.0') host = WILDCARD_V4;
    }
    const port = Number(portText);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) continue;
    let hosts = byPort.get(port);
    if (!hosts) byPort.set(port, (hosts = new Map()));
    addListen(hosts, host, { node, port, tls, module, http2, proxyProtocol });
  }
  return { byPort, byPath };
}

/** The listener of this configuration on the UNIX socket `path`, if it listens there. */
export function localSocketListener(ctx: NginxRuleContext, path: string): LocalListen | undefined {
  return localListens(ctx).byPath.get(path);
}

/**
 * The listener of this configuration that a connection to host:port reaches, when that can be told from the text.
 * As in nginx, a listener on the exact address wins over a wildcard one; a loopback target reaches the wildcard of
 * its family (127.x: IPv4's `*`, ::1: `[::]`), and `localhost` is taken as 127.0.0.1 first. A host name that is not
 * loopback may be another machine, so a wildcard listener says nothing about it.
 */
export function localListenerFor(ctx: NginxRuleContext, host: string, port: number): LocalListen | undefined {
  const hosts = localListens(ctx).byPort.get(port);
  if (!hosts) return undefined;
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return hosts.get('127.0.0.1') ?? hosts.get(WILDCARD_V4) ?? hosts.get('::1') ?? hosts.get(WILDCARD_V6) ?? hosts.get(h);
  if (h === 'ip6-localhost') return hosts.get('::1') ?? hosts.get(WILDCARD_V6) ?? hosts.get(h);
  const exact = hosts.get(h);
  if (exact) return exact;
  if (!isLoopbackHost(h)) return undefined;
  return hosts.get(h.includes(':') ? WILDCARD_V6 : WILDCARD_V4);
}

/**
 * Whether a module or an nginx fork changes how `block` (or a level above it) gets its TLS certificate or key: an
 * `ssl_…` directive stock nginx does not have, such as OpenResty's ssl_certificate_by_lua_block (the certificate is
 * picked at handshake time) or Tengine's ssl_keyless (the key stays on a key server). Stock nginx's checks of
 * certificates and keys then say nothing certain.
 */
export function tlsFromModule(block: ConfigNode): boolean {
  for (let level: ConfigNode | null = block; level; level = level.parent) {
    if (hasModuleTlsLine(level)) return true;
  }
  return false;
}

/**
 * Per level, whether one of its own lines is such a directive. Remembered: every server block asks about the http
 * level above it, whose children are all the server blocks, so scanning it each time made a configuration of n server
 * blocks cost n² (4,000 TLS servers: 154 ms in listen-ssl-without-certificate alone).
 */
const hasModuleTlsLine = oncePer((level: ConfigNode) => level.children.some((c) => c.name.startsWith('ssl_') && !nginxDirective(c.name)));

import { pushTo } from '../../collections';
import type { RelatedLocation } from '../../finding';
import type { ConfigNode } from '../../model/nginx-tree';
import type { Span } from '../../syntax/nginx/ast';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { text } from './neighbours-support';
import { boundSockets, implicitSockets, listenSockets, type Module, type Socket } from './listen-sockets-support';

const where = (n: ConfigNode) => `${n.file.path.split('/').slice(-1)[0]}:${n.file.lines.positionAt(n.directive.start).line + 1}`;

/** The line to point at: a listen read twice because its file is included twice is reported at the second include. */
function placed(later: Socket, earlier: Socket): { node: ConfigNode; at: Span } {
  const n = later.node;
  if (n.file === earlier.node.file && n.directive.start === earlier.node.directive.start && n.via) return { node: n.via, at: n.via.directive };
  return { node: n, at: later.at };
}

/** Whether the kernel refuses to bind `b` while `a` listens (Linux; SO_REUSEADDR is set on both, and does not help). */
function overlaps(a: Socket, b: Socket): boolean {
  if (a.reuseport && b.reuseport) return false;
  if (a.family === 'unix' || b.family === 'unix') return a.text === b.text;
  if (a.port !== b.port) return false;
  if (a.family !== b.family) return (a.family === 'ipv6' ? a : b).dualStack;
  return a.host === b.host || a.wildcard || b.wildcard;
}

/**
 * Sockets that can overlap share this key (a TCP port, or a unix socket's path): comparing within it, not each socket
 * with every earlier one, keeps a configuration of thousands of listen lines linear instead of quadratic.
 */
const portKey = (s: Socket): string | number => (s.family === 'unix' ? s.text : s.port);

/** Why nginx counts the two as one address, when they are written differently. */
function how(earlier: Socket, later: Socket): string {
  if (earlier.text === later.text) return '';
  if (earlier.family !== later.family) {
    const v6 = earlier.family === 'ipv6' ? earlier : later;
    return ` (${v6.text} with ipv6only=off takes the port's IPv4 connections too)`;
  }
  const wide = earlier.wildcard ? earlier : later;
  const narrow = wide === earlier ? later : earlier;
  return ` (${wide.text} covers every ${wide.family === 'ipv6' ? 'IPv6' : 'IPv4'} address of the port, ${narrow.text} included)`;
}

const describe = (s: Socket) => (s.node.name === 'listen' ? `"${text(s.node)}"` : 'server block with no listen line (nginx gives it *:80 when started as root)');

/**
 * Listen lines of two modules (http, stream, mail) on one TCP address [lab, nginx 1.22.1, Linux]: `nginx -t` passes,
 * since each module checks its own listen lines only, but at start nginx binds every module's sockets one after the
 * other (in the order of the blocks), and the kernel refuses the later one: `bind() to 0.0.0.0:8080 failed (98:
 * Address already in use)` five times, `still could not bind()`, exit 1. A reload that adds the clash fails the same
 * way and leaves the old configuration running. Overlapping means the same port and the same address, or the wildcard
 * of the family (0.0.0.0, [::]) against any address of it; [::] with ipv6only=off covers IPv4 too. Not a clash: a
 * stream udp listener, [::] (ipv6only=on, the default) beside 0.0.0.0, and reuseport on both sockets. Also within one
 * module (withinModule): the wildcard beside an address with `bind` or a socket option, and [::] ipv6only=off beside IPv4.
 * https://nginx.org/en/docs/http/ngx_http_core_module.html#listen
 */
export default defineNginxRule({
  id: 'listen-address-in-use',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'An http, stream or mail server listens on a TCP address another of these modules listens on too, or one module has the wildcard and, with bind or a socket option, a specific address of a port: nginx -t passes, but nginx cannot bind the second socket and will not start.',
  directives: ['listen'],
  versions: 'all',
  check(ctx) {
    // Only a whole configuration shows all the modules nginx will start.
    if (ctx.config.rootContext !== 'main') return;
    const blockOrder = (m: Module) => ctx.config.all.findIndex((n) => n.name === m && n.context === 'main' && n.directive.block);
    const order = new Map((['http', 'stream', 'mail'] as Module[]).map((m) => [m, blockOrder(m)]));
    const sockets = boundSockets([...implicitSockets(ctx), ...listenSockets(ctx)]);
    for (const m of ['http', 'stream', 'mail'] as Module[]) withinModule(ctx, sockets.filter((s) => s.module === m));
    if (new Set(sockets.map((s) => s.module)).size < 2) return;
    const byPort = new Map<string | number, Socket[]>();
    for (const s of sockets) pushTo(byPort, portKey(s), s);
    for (const later of sockets) {
      const earlier = byPort.get(portKey(later))!.filter((s) => s.module !== later.module && order.get(s.module)! < order.get(later.module)! && overlaps(s, later));
      if (!earlier.length) continue;
      const first = earlier[0];
      const { node, at } = placed(later, first);
      ctx.report({
        // A server block is pointed at by its name: the whole block would cover the editor.
        ...(node.name === 'server' ? { at: { file: node.file, ...at } } : { node }),
        message:
          `nginx -t passes, but nginx will not start: this ${later.module} ${later.node.name === 'listen' ? 'listen' : 'server block (no listen line: nginx gives it *:80 when started as root)'} and the ${first.module} ${describe(first)} at ${where(first.node)} bind the same TCP address${how(first, later)}, ` +
          `and nginx opens the ${first.module} socket first; at start it logs "bind() to ${later.text} failed (98: Address already in use)" and exits (a reload keeps the old configuration). ` +
          `An address:port belongs to one module: give one of them another port or address`,
        related: earlier.map((s) => rel(s, `the ${s.module} ${s.node.name === 'listen' ? 'listen' : 'server'} that binds ${s.text} first`)),
      });
    }
  },
});

/**
 * Two sockets of one module the kernel will not both bind [lab, nginx 1.22.1]: the port's wildcard and a specific
 * address of the family that gets a socket of its own through `bind` or a socket option (`listen 8080;` and
 * `listen 127.0.0.1:8080 bind;`), or a dual-stack `[::]:8080 ipv6only=off` and an IPv4 socket of the port. nginx binds
 * a module's sockets port by port, in the order each family and port first appear, and within a port the specific
 * addresses before the wildcard (ngx_http_cmp_conf_addrs; stream and mail the same), so it is the wildcard's bind()
 * that fails, whichever line comes first.
 */
function withinModule(ctx: NginxRuleContext, mine: Socket[]): void {
  const group = (s: Socket) => `${s.family} ${s.port}`;
  const firstSeen = new Map<string, number>();
  const rank = new Map<Socket, number>();
  mine.forEach((s, i) => {
    const g = group(s);
    if (!firstSeen.has(g)) firstSeen.set(g, i);
    rank.set(s, firstSeen.get(g)!);
  });
  const bindOrder = mine.filter((s) => s.family !== 'unix').sort((a, b) => rank.get(a)! - rank.get(b)! || Number(a.wildcard) - Number(b.wildcard));
  // The sockets bound before `later`, by port (see portKey): in bind order, as the reports name them.
  const before = new Map<string | number, Socket[]>();
  bindOrder.forEach((later) => {
    const earlier = (before.get(portKey(later)) ?? []).filter((s) => overlaps(s, later));
    pushTo(before, portKey(later), later);
    const dual = earlier.filter((s) => s.family !== later.family);
    for (const spec of earlier.filter((s) => s.family === later.family)) {
      // The specific address has a socket of its own only through its options (boundSockets): the line to change.
      const node = spec.optionsAt ?? spec.node;
      const opts = `${spec.options.length > 1 ? 'the parameters' : ''} "${spec.options.join(' ')}"`.trim();
      ctx.report({
        node,
        message:
          `nginx -t passes, but nginx will not start: ${opts} gives this ${spec.module} listen a socket of its own for ${spec.text}, beside the ${later.module} wildcard ${describe(later)} at ${where(later.node)}, ` +
          `whose wildcard socket covers every ${later.family === 'ipv6' ? 'IPv6' : 'IPv4'} address of port ${later.port}; nginx binds ${spec.text} first, and at start it logs "bind() to ${later.text} failed (98: Address already in use)" and exits (a reload keeps the old configuration). ` +
          `Drop ${opts} from this line (the wildcard socket serves ${spec.text} anyway), or listen on specific addresses only on port ${later.port}, or put reuseport on both lines`,
        related: [rel(later, `the ${later.module} ${later.node.name === 'listen' ? 'listen' : 'server'} whose ${later.text} nginx cannot bind then`)],
      });
    }
    if (!dual.length) return;
    const first = dual[0];
    const { node, at } = placed(later, first);
    const v6 = later.family === 'ipv6' ? later : first;
    ctx.report({
      ...(node.name === 'server' ? { at: { file: node.file, ...at } } : { node }),
      message:
        `nginx -t passes, but nginx will not start: this ${later.module} ${later.node.name === 'listen' ? 'listen' : 'server block (no listen line: nginx gives it *:80 when started as root)'} and the ${first.module} ${describe(first)} at ${where(first.node)} bind the same TCP address${how(first, later)}, ` +
        `and nginx binds ${first.text} first; at start it logs "bind() to ${later.text} failed (98: Address already in use)" and exits (a reload keeps the old configuration). ` +
        `Drop ipv6only=off from ${v6.text} (it then takes IPv6 only, and the IPv4 listen the IPv4 connections), or the IPv4 listen of port ${later.port}`,
      related: dual.map((s) => rel(s, `the ${s.module} ${s.node.name === 'listen' ? 'listen' : 'server'} that binds ${s.text} first`)),
    });
  });
}

function rel(s: Socket, message: string): RelatedLocation {
  return { path: s.node.file.path, start: s.at.start, end: s.at.end, message };
}

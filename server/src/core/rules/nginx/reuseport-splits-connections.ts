import type { RelatedLocation } from '../../finding';
import type { ConfigNode } from '../../model/nginx-tree';
import { defineNginxRule } from '../rule';
import { boundSockets, implicitSockets, listenSockets, type Socket } from './listen-sockets-support';

const where = (n: ConfigNode) => `${n.file.path.split('/').slice(-1)[0]}:${n.file.lines.positionAt(n.directive.start).line + 1}`;
const rel = (s: Socket, message: string): RelatedLocation => ({ path: s.node.file.path, start: s.at.start, end: s.at.end, message });

/**
 * Two modules (http, stream, mail) listening on one TCP address with `reuseport` on both lines [lab, nginx 1.22.1,
 * Linux]: nginx -t passes and nginx starts, since SO_REUSEPORT lets every socket bind the address, and the kernel then
 * hands each new connection to one of the sockets by a hash of the client's address and port. A share of the HTTP
 * clients reach the stream server and the other way round: of 40 connections to 127.0.0.1:38301, 23 were answered by
 * http and 17 by stream. Without reuseport on both lines nginx does not start at all (listen-address-in-use).
 * Only the same address counts: beside a wildcard, the kernel prefers the socket bound to the exact address, which then
 * takes all of that address's connections (a layout that may be meant), and the wildcard the rest.
 * https://nginx.org/en/docs/http/ngx_http_core_module.html#reuseport
 */
export default defineNginxRule({
  id: 'reuseport-splits-connections',
  server: 'nginx',
  severity: 'warning',
  outcome: 'silent',
  summary: 'http and stream (or mail) listen on the same address with reuseport on both: nginx starts, and the kernel spreads the connections over both modules, so some HTTP clients reach the stream server.',
  directives: ['listen'],
  versions: 'all',
  check(ctx) {
    // Only a whole configuration shows all the modules nginx will start.
    if (ctx.config.rootContext !== 'main') return;
    const sockets = boundSockets([...implicitSockets(ctx), ...listenSockets(ctx)]).filter((s) => s.reuseport && s.family !== 'unix');
    const first = new Map<string, Socket>();
    for (const s of sockets) {
      const other = first.get(s.text);
      if (!other) {
        first.set(s.text, s);
        continue;
      }
      if (other.module === s.module) continue;
      ctx.report({
        node: s.node,
        message:
          `nginx starts, but the kernel splits the connections to ${s.text} between two modules: this ${s.module} listen and the ${other.module} listen at ${where(other.node)} both set reuseport, ` +
          `so each new connection goes to one of the two sockets by a hash of the client's address and port, and a share of the ${other.module} clients reach this ${s.module} server and the other way round. ` +
          `An address:port belongs to one module: give one of them another port or address`,
        related: [rel(other, `the ${other.module} listen on ${other.text} with reuseport`)],
      });
    }
  },
});

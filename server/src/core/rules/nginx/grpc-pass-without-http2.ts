import type { Fix } from '../../finding';
import { replaceSpan } from '../../fix';
import type { ConfigNode } from '../../model/nginx-tree';
import { atLeast } from '../../model/version';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { insertFirstIn } from './addresses-support';
import { wholeConfiguration } from './whole-config';

/** nginx 1.25.1: the `http2` directive (before it, only the listen parameter turns HTTP/2 on). */
const HTTP2_DIRECTIVE_SINCE = '1.25.1';

interface Listen {
  node: ConfigNode;
  /** "tcp host:port" (or the unix: path): the socket nginx merges the options of, across server blocks. */
  key: string;
  http2: boolean;
  tls: boolean;
}

/** An http server's listen line as nginx groups it: options such as http2 belong to the address:port, not the block. */
function parseListen(node: ConfigNode): Listen | undefined {
  const args = node.directive.args.map((a) => a.value.toLowerCase());
  const addr = args[0];
  // A QUIC listener is HTTP/3, which gRPC clients do not use; variables cannot be judged.
  if (!addr || addr.includes('$') || args.includes('quic')) return undefined;
  let host = '*', port = '80';
  if (addr.startsWith('unix:')) return { node, key: addr, http2: args.includes('http2'), tls: args.includes('ssl') };
  if (/^\d+$/.test(addr)) port = addr;
  else if (addr.startsWith('[')) {
    const close = addr.indexOf(']');
    host = addr.slice(0, close + 1);
    if (addr[close + 1] === ':') port = addr.slice(close + 2);
  } else {
    const colon = addr.lastIndexOf(':');
    host = colon < 0 ? addr : addr.slice(0, colon);
    if (colon >= 0) port = addr.slice(colon + 1);
    if (host === '0.0.0.0') host = '*';
  }
  return { node, key: `tcp ${host}:${port}`, http2: args.includes('http2'), tls: args.includes('ssl') };
}

const where = (l: Listen) => `"listen ${l.node.directive.args.map((a) => a.value).join(' ')}"`;

/** The server block a node is in, if it is in sight. */
function serverOf(node: ConfigNode): ConfigNode | undefined {
  for (let p = node.parent; p; p = p.parent) if (p.name === 'server' && p.context === 'http') return p;
  return undefined;
}

/** The `http2 on;` in force for a server block, if any. */
function http2On(ctx: NginxRuleContext, server: ConfigNode): ConfigNode | undefined {
  const e = ctx.effective(server, 'http2');
  const node = e.nodes[e.nodes.length - 1];
  return node?.directive.args[0]?.value.toLowerCase() === 'on' ? node : undefined;
}

/**
 * grpc_pass in a server where nginx does not speak HTTP/2 to clients. gRPC runs over HTTP/2 only; nginx serves HTTP/2
 * on an address:port only when a listen of it has `http2` (any server block's: the option belongs to the socket), or,
 * from 1.25.1, with `http2 on;`. On nginx 1.22.1 [lab]: a gRPC client over cleartext (h2c, prior knowledge) gets a
 * 400 from nginx itself — the access log shows `"PRI * HTTP/2.0" 400` and the error log nothing — and over TLS nginx
 * offers no "h2" in ALPN, so a client that offers only h2 (as gRPC clients do) fails the handshake with `no application
 * protocol`, logged at info level only. https://nginx.org/en/docs/http/ngx_http_v2_module.html
 */
export default defineNginxRule({
  id: 'grpc-pass-without-http2',
  server: 'nginx',
  severity: 'warning',
  outcome: '400',
  summary: 'grpc_pass in a server whose listen lines lack http2 (and no "http2 on"): nginx answers gRPC clients itself, with a 400 or a failed TLS handshake, and logs no error.',
  directives: ['grpc_pass', 'listen', 'http2'],
  versions: 'all ("http2 on" counts from 1.25.1)',
  check(ctx) {
    const passes = ctx.nodes('grpc_pass');
    if (!passes.length) return;
    const byServer = new Map<ConfigNode, ConfigNode[]>();
    for (const p of passes) {
      const server = serverOf(p);
      if (!server) continue; // a location fragment: its server block and listen lines are not in sight
      const list = byServer.get(server);
      if (list) list.push(p);
      else byServer.set(server, [p]);
    }
    if (!byServer.size) return;
    // Per socket, whether some server block turns HTTP/2 on for it.
    const h2Sockets = new Set<string>();
    for (const n of ctx.nodes('listen')) {
      const l = n.context === 'server' ? parseListen(n) : undefined;
      if (l?.http2) h2Sockets.add(l.key);
    }
    const whole = wholeConfiguration(ctx);
    const newDirective = atLeast(ctx.target.version, HTTP2_DIRECTIVE_SINCE) === true;
    const tooOld = atLeast(ctx.target.version, HTTP2_DIRECTIVE_SINCE) === false;
    for (const [server, grpc] of byServer) {
      // Before 1.25.1 there is no such directive: nginx refuses to start over it, so it cannot turn HTTP/2 on.
      const on = http2On(ctx, server);
      if (on && !tooOld) continue;
      // In a fragment, an include inside the server may hold its listen lines.
      if (!whole && server.children.some((c) => c.name === 'include')) continue;
      const written = server.children.filter((c) => c.name === 'listen');
      const listens = written.map(parseListen).filter((l): l is Listen => l !== undefined);
      if (written.length && !listens.length) continue; // only QUIC or variables
      const keys = listens.length ? listens.map((l) => l.key) : ['tcp *:80'];
      if (keys.some((k) => h2Sockets.has(k))) continue;
      const tls = listens.length > 0 && listens.every((l) => l.tls);
      const plain = !listens.some((l) => l.tls);
      const said = listens.length ? listens.map(where).join(', ') : 'no listen line (nginx listens on *:80)';
      const effect = plain
        ? `a gRPC client's HTTP/2 preface gets a 400 from nginx itself ("PRI * HTTP/2.0" 400 in the access log, nothing in the error log)`
        : tls
          ? `over TLS nginx offers no "h2" in ALPN, so a gRPC client (it offers only h2) fails the handshake ("no application protocol", logged at info level only)`
          : `gRPC clients get a 400 from nginx itself on the plain-text port and fail the TLS handshake ("no application protocol") on the TLS one, and nothing reaches the error log`;
      const suggestions: Fix[] = [];
      if (newDirective) suggestions.push({ title: 'Add "http2 on;" to the server block', edits: [insertFirstIn(server, grpc[0], ['http2 on;'])] });
      if (listens.length) {
        suggestions.push({
          title: plain
            ? 'Add "http2" to the listen lines (before nginx 1.25.1, HTTP/1.x clients can then no longer use this plain-text port)'
            : 'Add "http2" to the listen lines (HTTP/1.1 clients keep working: they choose it in ALPN)',
          edits: listens.map((l) => {
            const last = l.node.directive.args[l.node.directive.args.length - 1];
            return replaceSpan(l.node.file, { start: last.end, end: last.end }, ' http2');
          }),
        });
      }
      if (on) {
        // Saying what clients would get is beside the point: this nginx does not start.
        ctx.report({
          node: grpc[0],
          message: `gRPC clients cannot reach this grpc_pass: the "http2 on;" meant to turn HTTP/2 on here (line ${on.file.lines.positionAt(on.directive.start).line + 1}${on.file !== grpc[0].file ? ` of ${on.file.path}` : ''}) exists only from nginx ${HTTP2_DIRECTIVE_SINCE} on, and nginx ${ctx.target.version!.join('.')} refuses to start over it ([emerg] unknown directive "http2"); on this version the "http2" parameter of the listen lines turns HTTP/2 on`,
          suggestions: suggestions.filter((x) => x.title.startsWith('Add "http2" to the listen lines')),
          related: [{ path: on.file.path, start: on.directive.start, end: on.directive.end, message: `nginx ${ctx.target.version!.join('.')} does not know this directive` }],
        });
        continue;
      }
      ctx.report({
        node: grpc[0],
        message:
          `gRPC clients cannot reach this grpc_pass: nginx speaks HTTP/2 to clients only where a listen has "http2"${newDirective ? ' or "http2 on;" is set' : ''}, and this server has ${said}; ${effect}` +
          (whole ? '' : ' (unless a server block not in sight listens on the same address and port with "http2")') +
          (grpc.length > 1 ? `. ${grpc.length - 1} more grpc_pass in this server ${grpc.length > 2 ? 'are' : 'is'} in the same position` : ''),
        severity: whole ? undefined : 'info',
        suggestions,
        related: [...listens.map((l) => ({ path: l.node.file.path, start: l.node.directive.start, end: l.node.directive.end, message: `no "http2" here` })), ...grpc.slice(1).map((g) => ({ path: g.file.path, start: g.directive.start, end: g.directive.end, message: 'grpc_pass in the same server' }))],
      });
    }
  },
});

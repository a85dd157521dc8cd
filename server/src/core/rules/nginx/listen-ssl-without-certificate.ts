import type { RelatedLocation } from '../../finding';
import { enclosing } from '../../model/nginx-effective';
import { parseListen, type ListenAddress } from '../../model/nginx-listen';
import type { ConfigNode } from '../../model/nginx-tree';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { flag, tlsFromModule } from './addresses-support';
import { text } from './neighbours-support';

const where = (n: ConfigNode) => `${n.file.path.split('/').slice(-1)[0]}:${n.file.lines.positionAt(n.directive.start).line + 1}`;

interface Address {
  /** Each server block listening there, in the order nginx reads them, with its first listen of the address. */
  servers: Map<ConfigNode, ListenAddress>;
  ssl?: ListenAddress;
  defaultServer?: ConfigNode;
}

/**
 * Includes nginx would read that proxylint could not (missing, unreadable, too deep), keyed by file and offset of
 * their argument: what they hold is unknown.
 */
function unreadIncludes(ctx: NginxRuleContext): Set<string> {
  return new Set(ctx.config.problems.filter((p) => p.kind !== 'bad-directive-name').map((p) => `${p.file.path}\0${p.span.start}`));
}

/** Whether `level` has an include among its own lines whose content proxylint has not seen. */
function hasUnreadInclude(level: ConfigNode, unread: Set<string>): boolean {
  return level.children.some((c) => c.name === 'include' && c.directive.args[0] && unread.has(`${c.file.path}\0${c.directive.args[0].start}`));
}

/**
 * A `listen … ssl` address whose server has no certificate to show. nginx checks, for every address:port where any
 * listen says ssl (the flag belongs to the address, so a plain `listen` of another server there is TLS as well), the
 * address's default server — the one marked default_server, else the first to listen there: without ssl_certificate
 * (and without ssl_reject_handshake on) nginx stops with `no "ssl_certificate" is defined for the "listen ... ssl"
 * directive in <file>:<line of that server {>`; when the default server rejects handshakes, every other server there
 * needs a certificate or ssl_reject_handshake too. Other servers without one pass nginx -t (they answer with the
 * default server's certificate). A stream server with `listen … ssl` needs its own certificate (the message then names
 * the listen line). [lab, nginx 1.22.1, nginx -t]
 * https://nginx.org/en/docs/http/ngx_http_core_module.html#listen
 * https://nginx.org/en/docs/stream/ngx_stream_core_module.html#listen
 */
export default defineNginxRule({
  id: 'listen-ssl-without-certificate',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'An address:port is TLS ("listen … ssl") but the server that answers its handshakes has no ssl_certificate in force: nginx refuses to start.',
  directives: ['listen', 'ssl_certificate', 'ssl_reject_handshake'],
  versions: 'all',
  check(ctx) {
    const unread = unreadIncludes(ctx);
    for (const module of ['http', 'stream'] as const) {
      const serverContext = module === 'http' ? 'server' : 'stream-server';
      const addresses = new Map<string, Address>();
      const blocks = new Set<ConfigNode>();
      const reported = new Set<ConfigNode>();
      for (const node of ctx.nodes('listen')) {
        if (node.context !== serverContext || !node.parent) continue;
        const l = parseListen(node);
        if (!l) continue;
        const server = node.parent;
        const a: Address = addresses.get(l.key) ?? { servers: new Map() };
        addresses.set(l.key, a);
        if (!a.servers.has(server)) a.servers.set(server, l);
        if (l.ssl && !a.ssl) a.ssl = l;
        if (module === 'http' && l.defaultServer && !a.defaultServer) a.defaultServer = server;
        const block = enclosing(server, module);
        if (block) blocks.add(block);
      }
      // A fragment whose http (stream) block is not in sight: that block may set the certificate for every server.
      if (blocks.size !== 1) continue;
      const [block] = blocks;
      if (hasUnreadInclude(block, unread)) continue;
      // Servers without a listen line listen on *:80 (or *:8000), and may come first there.
      const implicit = module === 'http' && block.children.some((c) => c.name === 'server' && !c.children.some((k) => k.name === 'listen'));
      for (const [key, a] of addresses) {
        if (!a.ssl) continue;
        if (implicit && (key === '0.0.0.0:80' || key === '0.0.0.0:8000')) continue;
        const servers = [...a.servers.keys()];
        if (servers.some((s) => hasUnreadInclude(s, unread) || flag(ctx, s, 'ssl').on || tlsFromModule(s))) continue;
        // Stream servers share an address only from 1.25.5 on, where the default server's certificate may serve the
        // others as in http: only an address of one stream server is judged.
        if (module === 'stream' && servers.length > 1) continue;
        const first = a.defaultServer ?? servers[0];
        const missing = (s: ConfigNode) => !ctx.effective(s, 'ssl_certificate').nodes.length && !flag(ctx, s, 'ssl_reject_handshake').on;
        if (module === 'stream') {
          // Checked per server block (its first ssl listen is named), not per address.
          for (const s of servers) {
            if (!a.servers.get(s)!.ssl || !missing(s) || reported.has(s)) continue;
            reported.add(s);
            report(ctx, module, a.servers.get(s)!, a);
          }
          continue;
        }
        if (missing(first)) report(ctx, module, a.servers.get(first)!, a);
        else if (!ctx.effective(first, 'ssl_certificate').nodes.length) {
          for (const s of servers) if (s !== first && missing(s)) report(ctx, module, a.servers.get(s)!, a, a.servers.get(first));
        }
      }
    }
  },
});

function report(ctx: NginxRuleContext, module: 'http' | 'stream', l: ListenAddress, a: Address, behindReject?: ListenAddress): void {
  const server = l.node.parent!;
  // nginx names the server block in http, the listen line in stream.
  const named = module === 'http' ? server : l.node;
  const related: RelatedLocation[] = [];
  const sslElsewhere = !l.ssl && a.ssl;
  if (sslElsewhere) related.push({ path: a.ssl!.node.file.path, start: a.ssl!.node.directive.start, end: a.ssl!.node.directive.end, message: `"${text(a.ssl!.node)}" makes ${l.text} a TLS address for every server there` });
  if (behindReject) related.push({ path: behindReject.node.file.path, start: behindReject.node.directive.start, end: behindReject.node.directive.end, message: `the default server of ${l.text} (at ${where(behindReject.node.parent!)}) has ssl_reject_handshake on and no certificate` });
  const why = behindReject
    ? `the default server of ${l.text} only rejects handshakes (ssl_reject_handshake on), so nginx needs a certificate or ssl_reject_handshake in every other server there`
    : module === 'stream'
      ? `a stream server that listens with ssl needs a certificate`
      : `this server is ${a.defaultServer === server ? 'the default_server' : 'the first server block'} of ${l.text}, which answers the TLS handshakes there${sslElsewhere ? ` (the address is TLS because of "${text(a.ssl!.node)}" at ${where(a.ssl!.node)}: ssl belongs to the address, not to one server)` : ''}`;
  ctx.report({
    node: l.node,
    message: `nginx will not start: no "ssl_certificate" is defined for the "listen ... ssl" directive in ${where(named)} — ${why}, and no ssl_certificate is in force here (nor at the ${module} level); add ssl_certificate and ssl_certificate_key to this server or the ${module} block`,
    related,
  });
}

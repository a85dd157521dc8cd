import type { Fix, RelatedLocation } from '../../finding';
import { replaceSpan } from '../../fix';
import { parseListen, type ListenAddress } from '../../model/nginx-listen';
import type { ConfigNode } from '../../model/nginx-tree';
import { atLeast } from '../../model/version';
import type { Arg } from '../../syntax/nginx/ast';
import { defineNginxRule } from '../rule';
import { deleteLine, text } from './neighbours-support';
import { isSharedFile } from './shared-files';

/** nginx 1.25.5: virtual servers in the stream module (several stream servers may share an address:port). */
const STREAM_VIRTUAL_SERVERS = '1.25.5';

const where = (n: ConfigNode) => `${n.file.path.split('/').slice(-1)[0]}:${n.file.lines.positionAt(n.directive.start).line + 1}`;

/** The line to point at: a listen read twice because its file is included twice is reported at the second include. */
function placed(later: ListenAddress, earlier: ListenAddress): ConfigNode {
  const n = later.node;
  return n.file === earlier.node.file && n.directive.start === earlier.node.directive.start && n.via ? n.via : n;
}

/** How the two lines wrote the address, when nginx reads different spellings (8080, *:8080) as one. */
function sameAs(a: ListenAddress, b: ListenAddress): string {
  const x = a.node.directive.args[0].value, y = b.node.directive.args[0].value;
  return x === y ? '' : ` (nginx reads "${y}" and "${x}" as the same address, ${a.text})`;
}

/** An edit that takes parameters out of a listen line, with the blank before each. */
function withoutParams(node: ConfigNode, drop: (a: Arg) => boolean): Fix['edits'] {
  const args = node.directive.args;
  const edits: Fix['edits'] = [];
  for (let i = 1; i < args.length; i++) if (drop(args[i])) edits.push(replaceSpan(node.file, { start: args[i - 1].end, end: args[i].end }, ''));
  return edits;
}

interface Seen {
  first: ListenAddress;
  servers: Map<ConfigNode | null, ListenAddress>;
  options?: ListenAddress;
  defaultServer?: ListenAddress;
}

/**
 * `listen` lines nginx refuses at start-up because they clash with another listen of the same address:port
 * [lab, nginx 1.22.1, nginx -t]:
 * - http, one server block listening on an address twice: `a duplicate listen 127.0.0.1:8080`;
 * - http, socket options (backlog=, rcvbuf=, sndbuf=, fastopen=, deferred, bind, ipv6only=, reuseport, so_keepalive=)
 *   on two listen lines of one address, even identical ones: `duplicate listen options for 127.0.0.1:8080`
 *   (ssl, http2, proxy_protocol and default_server may be repeated: they are merged);
 * - http, two server blocks marking one address default_server: `a duplicate default server for 127.0.0.1:8080`;
 * - stream before 1.25.5, two listens of one address and protocol: `duplicate "127.0.0.1:8080" address and port pair`.
 * The address is the socket address: `8080`, `*:8080` and `0.0.0.0:8080` are one, `127.0.0.1:8080` and `[::]:8080`
 * others. Host names are left alone (nginx looks them up). Each finding names the line nginx names, the later one.
 * https://nginx.org/en/docs/http/ngx_http_core_module.html#listen
 */
export default defineNginxRule({
  id: 'listen-conflict',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'Two listen lines clash on one address:port (two default_server, socket options such as backlog= or reuseport set twice, the same listen twice, or a stream address used by two servers): nginx refuses to start.',
  directives: ['listen'],
  versions: 'all (stream: < 1.25.5)',
  check(ctx) {
    // server_name in a stream server exists from 1.25.5 on (older nginx stops at it): such a configuration is written
    // for the versions where stream servers may share an address.
    const streamShared = atLeast(ctx.target.version, STREAM_VIRTUAL_SERVERS) ?? (ctx.nodes('server_name').some((n) => n.context === 'stream-server') || undefined);
    const seen = new Map<string, Seen>();
    for (const node of ctx.nodes('listen')) {
      const stream = node.context === 'stream-server';
      if (node.context !== 'server' && !stream) continue;
      const l = parseListen(node);
      if (!l) continue;
      const server = node.parent;
      const key = `${stream ? 'stream' : 'http'} ${l.key}`;
      const s = seen.get(key);
      if (!s) {
        seen.set(key, { first: l, servers: new Map([[server, l]]), options: l.socketOptions.length ? l : undefined, defaultServer: l.defaultServer ? l : undefined });
        continue;
      }
      if (stream) {
        if (streamShared === true) continue;
        const other = s.first;
        const at = placed(l, other);
        const sameBlock = s.servers.has(server);
        ctx.report({
          node: at,
          message: `${streamShared === false ? 'nginx will not start' : 'nginx before 1.25.5 will not start'}: duplicate "${l.text}" address and port pair — ${sameBlock ? 'this stream server already listens' : 'the stream server'} at ${where(other.node)}${sameBlock ? '' : ' already listens'} there${sameAs(other, l)}; ${streamShared === false ? 'a stream address:port belongs to one server block' : 'before 1.25.5 a stream address:port belongs to one server block (1.25.5 added virtual servers, told apart by server_name)'}, so give this one another port or address`,
          related: [rel(other.node, `"${text(other.node)}" listens on ${l.text} first`)],
        });
        s.servers.set(server, l);
        continue;
      }
      const mine = s.servers.get(server);
      if (mine) {
        ctx.report({
          node: placed(l, mine),
          message: `nginx will not start: a duplicate listen ${l.text} — this server block already listens there at ${where(mine.node)}${sameAs(mine, l)}; keep one of the two lines`,
          related: [rel(mine.node, `the server's first "listen" of ${l.text}`)],
          suggestions: isSharedFile(ctx.config, l.node.file.path) || placed(l, mine) !== l.node ? [] : [{ title: `Remove this "${text(l.node)}"`, edits: [deleteLine(l.node)] }],
        });
        continue;
      }
      s.servers.set(server, l);
      if (l.socketOptions.length && s.options) {
        const other = s.options;
        ctx.report({
          node: placed(l, other),
          message: `nginx will not start: duplicate listen options for ${l.text} — ${l.socketOptions.join(' ')} here, and the listen at ${where(other.node)} already sets ${other.socketOptions.join(' ')} for that address${sameAs(other, l)}; socket options belong to the address:port, so write them on one of its listen lines only (the others just "listen ${other.node.directive.args[0].value};")`,
          related: [rel(other.node, `socket options for ${l.text} set first here: ${other.socketOptions.join(' ')}`)],
          suggestions: isSharedFile(ctx.config, l.node.file.path) ? [] : [{ title: `Remove ${l.socketOptions.join(' ')} from this listen (keep the options at ${where(other.node)})`, edits: withoutParams(l.node, (a) => l.socketOptions.includes(a.value)) }],
        });
      } else if (l.socketOptions.length) s.options = l;
      if (l.defaultServer && s.defaultServer) {
        const other = s.defaultServer;
        ctx.report({
          node: placed(l, other),
          message: `nginx will not start: a duplicate default server for ${l.text} — the server block at ${where(other.node.parent ?? other.node)} is already the default_server of that address ("${text(other.node)}" at ${where(other.node)})${sameAs(other, l)}; one server block per address:port answers requests no server_name matches, so remove default_server from one of the two`,
          related: [rel(other.node, `default_server for ${l.text} first here`)],
          suggestions: isSharedFile(ctx.config, l.node.file.path) ? [] : [{ title: `Remove default_server from this listen (the server at ${where(other.node)} stays the default)`, edits: withoutParams(l.node, (a) => ['default_server', 'default'].includes(a.value.toLowerCase())) }],
        });
      } else if (l.defaultServer) s.defaultServer = l;
    }
  },
});

function rel(node: ConfigNode, message: string): RelatedLocation {
  return { path: node.file.path, start: node.directive.start, end: node.directive.end, message };
}

import type { Fix } from '../../finding';
import { replaceSpan } from '../../fix';
import { noValueIn } from '../../model/nginx-effective';
import type { PassTarget, Upstream, UpstreamServer } from '../../model/nginx-upstreams';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { localListenerFor, type LocalListen, spanIn, tlsTarget } from './addresses-support';

/**
 * A heuristic on well-known ports: 80/8080 speak plain HTTP, 443/8443 speak TLS. nginx itself does not
 * care, and uses port 80 for any upstream server written without one
 * (https://nginx.org/en/docs/http/ngx_http_upstream_module.html#server), also behind https://.
 * When the target is one of this configuration's own listeners (same host, or loopback and a listener on every
 * address), its `listen … ssl` settles the question instead: nginx in front of nginx on 8080 with `ssl` is fine,
 * and plain HTTP to a local port it serves with TLS is certain to fail, whatever the number.
 */

const PLAIN = new Set([80, 8080]);
const TLS = new Set([443, 8443]);
const SWAP: Record<number, number> = { 80: 443, 8080: 8443, 443: 80, 8443: 8080 };

const handshake = (stream: boolean) =>
  `the TLS handshake fails and ${stream ? 'the connection is closed' : 'clients get 502'} ("SSL_do_handshake() failed (… wrong version number) while SSL handshaking to upstream")`;
const PLAINTEXT = 'a TLS backend cannot read it: an nginx backend answers 400 ("The plain HTTP request was sent to HTTPS port"), which nginx passes on to the client, and others close the connection (502)';

function schemeFix(t: PassTarget, to: string): Fix {
  const from = t.arg.raw.indexOf('://');
  return { title: `Use ${to}:// (if the backend really listens for ${to === 'https' ? 'TLS' : 'plain HTTP'} there)`, edits: [replaceSpan(t.node.file, { start: t.arg.start, end: t.arg.start + from }, to)] };
}

function portFix(t: PassTarget, port: number): Fix | undefined {
  const span = spanIn(t.arg, `:${port}`, t.arg.raw.indexOf('://') + 3);
  if (span.end - span.start !== `:${port}`.length) return undefined;
  return { title: `Use port ${SWAP[port]}`, edits: [replaceSpan(t.node.file, span, `:${SWAP[port]}`)] };
}

/** Moves the listed servers to the port that matches the scheme (a server without a port gets one written). */
function serverPortsFix(bad: UpstreamServer[], tls: boolean): Fix {
  const edits = bad.map((s) => {
    const arg = s.node.directive.args[0];
    const from = serverPort(s)!;
    const to = tls ? (from === 8080 ? 8443 : 443) : SWAP[from];
    return s.address!.port === undefined ? { path: s.node.file.path, start: arg.end, end: arg.end, newText: `:${to}` } : replaceSpan(s.node.file, spanIn(arg, `:${from}`), `:${to}`);
  });
  return { title: `Use the ${tls ? 'TLS' : 'plain-HTTP'} port on ${bad.length > 1 ? 'these servers' : 'this server'}`, edits };
}

/** The pass as findings quote it (made only when reporting: most passes are fine). */
function describe(t: PassTarget): string {
  return t.module === 'stream' ? `proxy_pass ${t.arg.value} with proxy_ssl on` : `proxy_pass ${t.arg.value}`;
}

function serverPort(s: UpstreamServer): number | undefined {
  return s.address && !s.address.unix ? s.address.port ?? 80 : undefined;
}

/** Whether host:port speaks the wrong kind for `tls`: the local listener's `ssl` when there is one, else the port's habit. */
function mismatch(ctx: NginxRuleContext, host: string, port: number, tls: boolean): { bad: boolean; listen?: LocalListen } {
  const listen = localListenerFor(ctx, host, port);
  // A local stream listener without ssl relays bytes: TLS may well be spoken end to end through it.
  if (listen) return { bad: listen.tls !== undefined && listen.tls !== tls, listen };
  return { bad: tls ? PLAIN.has(port) : TLS.has(port) };
}

const listenNote = (l: LocalListen) => `this configuration serves port ${l.port} with${l.tls ? '' : 'out'} TLS ("listen ${l.node.directive.args.map((a) => a.value).join(' ')}")`;

export default defineNginxRule({
  id: 'scheme-port-mismatch',
  server: 'nginx',
  severity: 'warning',
  outcome: '502',
  summary: 'TLS to a plain-HTTP port (80, 8080, or an upstream server without a port) or plain HTTP to a TLS port (443, 8443): the backend cannot understand the request.',
  directives: ['proxy_pass', 'proxy_ssl', 'upstream'],
  versions: 'all',
  check(ctx: NginxRuleContext) {
    // The servers on the wrong kind of port, per group and direction: thousands of passes share a few groups.
    type Bad = { server: UpstreamServer; listen?: LocalListen };
    const badFor = [new Map<Upstream, Bad[]>(), new Map<Upstream, Bad[]>()];
    for (const t of ctx.upstreams.passes) {
      if (t.directive !== 'proxy_pass' || t.error || t.hasVariables || !t.address || t.address.unix) continue;
      const tls = t.module === 'stream' ? tlsTarget(ctx, t, false) : t.scheme === 'https';
      if (t.module === 'http' && t.scheme !== 'https' && t.scheme !== 'http') continue;
      // Stream proxying without proxy_ssl to 443 is TLS passthrough: perfectly normal.
      if (t.module === 'stream' && !tls) continue;
      // proxy_ssl written twice at one level: nginx does not start, so whether this is TLS is not decided.
      if (t.module === 'stream' && noValueIn(ctx.effective, t.node.parent, ['proxy_ssl'])) continue;
      if (t.upstream) {
        const cache = badFor[tls ? 1 : 0];
        let bad = cache.get(t.upstream);
        if (!bad) {
          bad = [];
          for (const server of t.upstream.servers) {
            const p = serverPort(server);
            // A server marked down is never sent anything.
            if (p === undefined || server.params.has('down')) continue;
            const m = mismatch(ctx, server.address!.host, p, tls);
            if (m.bad) bad.push({ server, listen: m.listen });
          }
          cache.set(t.upstream, bad);
        }
        if (!bad.length) continue;
        const what = describe(t);
        const list = bad.slice(0, 3).map(({ server: s, listen }) => `${s.node.directive.args[0].value}${listen ? ` (${listenNote(listen)})` : s.address!.port === undefined ? ' (no port: 80)' : ''}`).join(', ');
        // Another port number is offered only where the port's habit is the evidence; a local listener's port is what it is.
        const guessed = bad.filter((b) => !b.listen).map((b) => b.server);
        ctx.report({
          at: { file: t.node.file, ...t.arg },
          message: `${what}: upstream "${t.upstream.name}" sends it to ${list}; ${tls ? handshake(t.module === 'stream') : PLAINTEXT}`,
          // Switching the scheme only helps when every server of the group is on the other kind of port.
          suggestions: [
            ...(t.module === 'http' && bad.length === t.upstream.servers.length ? [schemeFix(t, tls ? 'http' : 'https')] : []),
            ...(guessed.length ? [serverPortsFix(guessed, tls)] : []),
          ],
          related: bad.map(({ server: s, listen }) => ({ path: s.node.file.path, start: s.node.directive.start, end: s.node.directive.end, message: listen ? `port ${serverPort(s)}: served with${listen.tls ? '' : 'out'} TLS by this configuration` : `port ${serverPort(s)}` })),
        });
        continue;
      }
      const port = t.address.port;
      if (port === undefined) continue;
      const { bad, listen } = mismatch(ctx, t.address.host, port, tls);
      if (!bad) continue;
      const what = describe(t);
      if (listen) {
        // The configuration says what the port speaks: only the scheme can be wrong (another port number would be a guess).
        ctx.report({
          at: { file: t.node.file, ...t.arg },
          message: `${what}: ${tls ? 'TLS' : 'plain HTTP'} to port ${port}, but ${listenNote(listen)}: ${tls ? handshake(t.module === 'stream') : PLAINTEXT}`,
          suggestions: t.module === 'http' ? [schemeFix(t, tls ? 'http' : 'https')] : [],
          related: [{ path: listen.node.file.path, start: listen.node.directive.start, end: listen.node.directive.end, message: `port ${port} is served with${listen.tls ? '' : 'out'} TLS here` }],
        });
        continue;
      }
      const fixes = [t.module === 'http' ? schemeFix(t, tls ? 'http' : 'https') : undefined, portFix(t, port)].filter((f): f is Fix => !!f);
      ctx.report({ at: { file: t.node.file, ...t.arg }, message: `${what}: ${tls ? `TLS to port ${port}, which normally speaks plain HTTP: ${handshake(t.module === 'stream')}` : `plain HTTP to port ${port}, which normally speaks TLS: ${PLAINTEXT}`}`, suggestions: fixes });
    }
  },
});

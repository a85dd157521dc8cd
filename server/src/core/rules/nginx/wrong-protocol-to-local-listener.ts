import type { Address, PassTarget, Upstream, UpstreamServer } from '../../model/nginx-upstreams';
import { atLeast } from '../../model/version';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { flag, localListenerFor, localSocketListener, type LocalListen } from './addresses-support';
import { wholeConfiguration } from './whole-config';

/**
 * fastcgi_pass, uwsgi_pass, scgi_pass, memcached_pass and grpc_pass to an address this same configuration listens on
 * with an http server block: nginx then speaks FastCGI (or uwsgi, SCGI, memcached, HTTP/2) to itself, and its own
 * HTTP listener answers "HTTP/1.1 400 Bad Request". What the client gets, on nginx 1.22.1 (test/evidence and
 * test/servers/wrong-protocol-to-local-listener.test.ts):
 * - fastcgi_pass: 502, "upstream sent unsupported FastCGI protocol version: 72" (72 is the "H" of "HTTP/1.1"), also to
 *   a listener with ssl (nginx answers a non-TLS first byte in plain HTTP); 0 from a plain listener with http2.
 * - uwsgi_pass, scgi_pass: the 400 is a well-formed answer for them, so the client gets it (no 502, nothing in the
 *   error log); from a plain listener with http2 (which waits for the HTTP/2 preface) 502 "upstream sent invalid
 *   header".
 * - memcached_pass: 502, memcached sent invalid response: "HTTP/1.1 400 Bad Request"; a plain http2 listener waits
 *   for the rest of a preface, so 504 once memcached_read_timeout runs out.
 * - grpc_pass grpc:// to a listener without http2, or with ssl: 502, "upstream sent too large http2 frame: 4740180"
 *   ("HTT" read as a frame length); grpcs:// to a listener without ssl: 502, "wrong version number"; grpcs:// to a
 *   listener with ssl and without http2: 502, [crit] "… no application protocol" (no h2 in ALPN).
 * - suwsgi:// to a listener without ssl: 502 "wrong version number" (and to one with ssl, the 400 as above).
 * - any of them without TLS to a stream listener with ssl: the handshake fails, 502 "upstream prematurely closed
 *   connection while reading response header from upstream". A stream listener without ssl relays bytes to whatever
 *   it proxies to (php-fpm, say), so it says nothing.
 * - any pass, proxy_pass included, to a listener with proxy_protocol (on any listen line of that address): the
 *   listener logs "broken header: … while reading PROXY protocol" and closes, 502 "upstream prematurely closed
 *   connection while reading response header from upstream" (with TLS: "peer closed connection in SSL handshake").
 * - stream's proxy_pass to an http listener: with "proxy_protocol on" and no proxy_protocol on the listener, the
 *   "PROXY TCP4 …" line is read as the request line (400 Bad Request, in plain text on a TLS listener); without it
 *   and with proxy_protocol on the listener, "broken header" and the connection closed with no answer.
 * Otherwise proxy_pass is scheme-port-mismatch's (https:// to a local listener without ssl, http:// to one with it).
 * https://nginx.org/en/docs/http/ngx_http_core_module.html#listen
 */

/** 'tcp': stream's proxy_pass, which relays bytes and differs from an http listener only in the PROXY protocol header. */
type Kind = 'proxy' | 'fastcgi' | 'uwsgi' | 'scgi' | 'memcached' | 'grpc' | 'tcp';

const PROTOCOL: Record<Kind, string> = { proxy: 'HTTP', fastcgi: 'FastCGI', uwsgi: 'uwsgi', scgi: 'SCGI', memcached: 'memcached', grpc: 'gRPC (HTTP/2)', tcp: 'TCP' };

const WRONG_VERSION = '"SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream"';

/**
 * Whether a plain-text listener with `http2` speaks only HTTP/2 (true), or HTTP/1.x as well (false): nginx 1.25.1
 * tells the two apart by the HTTP/2 preface; before it such a listener took HTTP/2 only. Undefined: version unknown.
 */
function h2cOnly(ctx: NginxRuleContext, l: LocalListen): boolean | undefined {
  if (!l.http2 || l.tls) return false;
  const newer = atLeast(ctx.target.version, '1.25.1');
  return newer === undefined ? undefined : !newer;
}

/** What the answer of an HTTP/1.x listener and of an HTTP/2-only one do to the request, merged when it is not known which. */
function either(only: boolean | undefined, http1: string, http2: string): string {
  if (only === true) return http2;
  if (only === false) return http1;
  return `${http1}; before nginx 1.25.1, where a listener with http2 and without ssl speaks only HTTP/2, ${http2}`;
}

interface Effect {
  text: string;
  /** The outcome hangs on ssl or http2, which a listen line of the same socket in a file not in sight could add. */
  onOptions: boolean;
}

/**
 * Stream's proxy_pass to an http listener: the bytes pass through, so only the PROXY protocol header can be wrong
 * (nginx 1.22.1, test/servers/wrong-protocol-to-local-listener.test.ts).
 */
function streamEffect(pp: boolean, l: LocalListen): Effect | undefined {
  if (l.module !== 'http' || pp === l.proxyProtocol) return undefined;
  if (pp) {
    return {
      text: `the listener has no proxy_protocol, so it reads the "PROXY TCP4 …" line as the request line and answers 400 Bad Request${l.tls ? ' in plain text: TLS clients fail the handshake' : ': HTTP clients get that 400'}, logged at info only ("client sent invalid request while reading client request line")`,
      // proxy_protocol on another listen line of the address, in a file not in sight, would make it right.
      onOptions: true,
    };
  }
  return { text: 'the listener has proxy_protocol and wants a PROXY protocol header first: it logs "broken header: … while reading PROXY protocol" and closes the connection, so clients get no answer at all', onOptions: false };
}

/** What goes wrong when `kind` (over TLS when `tls`) reaches `l`, or undefined when it works or cannot be told. */
function effect(ctx: NginxRuleContext, kind: Kind, tls: boolean, l: LocalListen): Effect | undefined {
  // The PROXY protocol header comes before anything else, and http's passes never send one.
  if (l.module === 'http' && l.proxyProtocol) {
    // proxy_pass with the wrong scheme for the listener is scheme-port-mismatch's.
    if (kind === 'proxy' && tls !== l.tls) return undefined;
    const closed = tls ? '"peer closed connection in SSL handshake (104: Connection reset by peer) while SSL handshaking to upstream"' : '"upstream prematurely closed connection while reading response header from upstream"';
    return { text: `the listener has proxy_protocol, so it wants a PROXY protocol header first, which nginx's passes do not send: it logs "broken header: … while reading PROXY protocol" and closes the connection, and clients get 502 (${closed})`, onOptions: false };
  }
  if (kind === 'proxy' || kind === 'tcp') return undefined;
  const text = plainEffect(ctx, kind, tls, l);
  return text === undefined ? undefined : { text, onOptions: kind === 'grpc' || tls || l.module === 'stream' };
}

function plainEffect(ctx: NginxRuleContext, kind: Exclude<Kind, 'proxy' | 'tcp'>, tls: boolean, l: LocalListen): string | undefined {
  if (l.module === 'stream') {
    // Without ssl the stream listener relays bytes, and with ssl it takes TLS off and relays the rest.
    if (!l.tls || tls) return undefined;
    return 'that stream listener expects a TLS handshake and closes the connection, so clients get 502 ("upstream prematurely closed connection while reading response header from upstream")';
  }
  if (tls && !l.tls) return `the listener answers the TLS handshake in plain HTTP, so clients get 502 (${WRONG_VERSION})`;
  if (kind === 'grpc') {
    if (tls) return l.http2 ? undefined : 'the listener offers no HTTP/2 in the TLS handshake (no "http2" there), so the handshake fails and clients get 502 ("SSL_do_handshake() failed (… no application protocol …) while SSL handshaking to upstream", logged at crit)';
    if (l.http2 && !l.tls) return undefined;
    return `grpc:// sends the HTTP/2 preface in plain text and the listener${l.tls ? ', which expects TLS,' : ''} answers "HTTP/1.1 400 Bad Request"; nginx reads its first bytes as an HTTP/2 frame header whose length, "HTT" or 4740180, is far over the 16384 bytes it accepts, so clients get 502 ("upstream sent too large http2 frame: 4740180 while reading response header from upstream")`;
  }
  const only = h2cOnly(ctx, l);
  if (kind === 'fastcgi') {
    return either(
      only,
      'the listener answers "HTTP/1.1 400 Bad Request", which nginx reads as FastCGI, so clients get 502 ("upstream sent unsupported FastCGI protocol version: 72 while reading response header from upstream": 72 is the "H" of "HTTP")',
      'the listener, waiting for the HTTP/2 preface, answers with HTTP/2 frames, which nginx reads as FastCGI, so clients get 502 ("upstream sent unsupported FastCGI protocol version: 0")',
    );
  }
  if (kind === 'memcached') {
    return either(
      only,
      `the listener answers "HTTP/1.1 400 Bad Request", so clients get 502 ("memcached sent invalid response: "HTTP/1.1 400 Bad Request" while reading response header from upstream")`,
      'the listener waits for the rest of an HTTP/2 preface, so clients get 504 once memcached_read_timeout runs out',
    );
  }
  return either(
    only,
    `the listener answers "HTTP/1.1 400 Bad Request", which is a valid ${PROTOCOL[kind]} answer: nginx passes the 400 on to every client (no 502, and nothing in the error log)`,
    `the listener answers with an HTTP/2 frame and clients get 502 ("upstream sent invalid header: "\\x00..." while reading response header from upstream")`,
  );
}

function kindOf(t: PassTarget): Kind | undefined {
  switch (t.directive) {
    case 'proxy_pass':
      return t.module === 'stream' ? 'tcp' : 'proxy';
    case 'fastcgi_pass':
      return 'fastcgi';
    case 'uwsgi_pass':
      return 'uwsgi';
    case 'scgi_pass':
      return 'scgi';
    case 'memcached_pass':
      return 'memcached';
    case 'grpc_pass':
      return 'grpc';
    default:
      return undefined;
  }
}

/** This configuration's listener at an address, if it has one there (an upstream server without a port uses 80). */
function listenerAt(ctx: NginxRuleContext, a: Address, portless: number | undefined): LocalListen | undefined {
  if (a.hasVariables) return undefined;
  if (a.unix) return localSocketListener(ctx, a.unix);
  const port = a.port ?? portless;
  return port === undefined ? undefined : localListenerFor(ctx, a.host, port);
}

/** The address as nginx's log lines write it: host:port, [v6]:port or unix:path. */
const addressText = (a: Address) => (a.unix ? `unix:${a.unix}` : `${a.ipv6 ? `[${a.host}]` : a.host}:${a.port}`);

const listenLine = (l: LocalListen) => `"listen ${l.node.directive.args.map((a) => a.value).join(' ')}"`;

const where = (l: LocalListen) => (l.module === 'stream' ? `a stream server of this configuration (${listenLine(l)})` : `an http server of this configuration (${listenLine(l)})`);

interface Hit {
  server?: UpstreamServer;
  listen: LocalListen;
  effect: Effect;
}

export default defineNginxRule({
  id: 'wrong-protocol-to-local-listener',
  server: 'nginx',
  severity: 'error',
  outcome: '502',
  summary: 'fastcgi_pass, uwsgi_pass, scgi_pass, memcached_pass or grpc_pass to an address this same configuration serves with HTTP (or TLS), or any pass to one of its proxy_protocol listeners (and stream proxy_pass with the opposite proxy_protocol setting): the listener does not speak that protocol, and every request fails (502, or a relayed 400 for uwsgi and SCGI).',
  directives: ['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'memcached_pass', 'grpc_pass', 'listen', 'upstream'],
  versions: 'all',
  check(ctx) {
    const whole = wholeConfiguration(ctx);
    // Per group and protocol: many passes share a few groups.
    const byGroup = new Map<Upstream, Map<string, Hit[]>>();
    for (const t of ctx.upstreams.passes) {
      const kind = kindOf(t);
      if (!kind || t.error || t.hasVariables) continue;
      const tls = kind === 'tcp' ? flag(ctx, t.node.parent, 'proxy_ssl').on : t.scheme === 'grpcs' || t.scheme === 'suwsgi' || t.scheme === 'https';
      const pp = kind === 'tcp' && flag(ctx, t.node.parent, 'proxy_protocol').on;
      const judge = (l: LocalListen) => (kind === 'tcp' ? streamEffect(pp, l) : effect(ctx, kind, tls, l));
      const key = `${kind} ${tls} ${pp}`;
      let hits: Hit[];
      let total = 1;
      if (t.upstream) {
        let cached = byGroup.get(t.upstream);
        if (!cached) byGroup.set(t.upstream, (cached = new Map()));
        const known = cached.get(key);
        if (known) hits = known;
        else {
          hits = [];
          for (const server of t.upstream.servers) {
            // A server marked down is never sent anything.
            if (!server.address || server.params.has('down')) continue;
            const listen = listenerAt(ctx, server.address, 80);
            const e = listen && judge(listen);
            if (listen && e) hits.push({ server, listen, effect: e });
          }
          cached.set(key, hits);
        }
        total = t.upstream.servers.length;
      } else {
        if (!t.address) continue;
        const listen = listenerAt(ctx, t.address, undefined);
        const e = listen && judge(listen);
        hits = listen && e ? [{ listen, effect: e }] : [];
      }
      if (!hits.length) continue;
      const first = hits[0];
      const said = `${t.directive} ${t.arg.value}`;
      const target = first.server
        ? `upstream "${t.upstream!.name}" sends ${hits.length < total ? `some requests (${hits.length} of its ${total} servers)` : 'them'} to ${hits.slice(0, 3).map((h) => h.server!.node.directive.args[0].value).join(', ')}, which ${hits.length > 1 ? 'are' : 'is'} served by ${where(first.listen)}`
        : `${addressText(t.address!)} is served by ${where(first.listen)}`;
      // With FastCGI, memcached, plain uwsgi and SCGI every kind of HTTP listener fails, and so does everything at a
      // proxy_protocol one; other outcomes hang on options an unseen listen line of the same socket could add.
      ctx.report({
        at: { file: t.node.file, ...t.arg },
        message: `${said} ${kind === 'tcp' ? (pp ? 'starts each connection with a PROXY protocol header ("proxy_protocol on")' : 'sends no PROXY protocol header') : `speaks ${tls ? `${PROTOCOL[kind]} over TLS` : PROTOCOL[kind]}`}, but ${target}: ${first.effect.text}`,
        severity: first.effect.onOptions && !whole ? 'warning' : undefined,
        related: hits.flatMap((h) => [
          ...(h.server ? [{ path: h.server.node.file.path, start: h.server.node.directive.start, end: h.server.node.directive.end, message: `${h.server.node.directive.args[0].value}: this configuration's own listener` }] : []),
          { path: h.listen.node.file.path, start: h.listen.node.directive.start, end: h.listen.node.directive.end, message: `nginx itself listens here (${h.listen.module === 'stream' ? 'stream, with TLS' : `HTTP${h.listen.tls ? ' over TLS' : ''}${h.listen.http2 ? ', with http2' : ''}${h.listen.proxyProtocol ? ', with proxy_protocol' : ''}`})` },
        ]),
      });
    }
  },
});

import { isLoopbackHost } from '../../model/hosts';
import type { ApacheNode } from '../../model/apache-tree';
import { contextOf, virtualHostOf } from '../../model/apache-tree';
import { defineApacheRule, type ApacheRuleContext } from '../apache-rule';

/**
 * A ProxyPass or BalancerMember whose backend is an address this same httpd Listens on: httpd serves HTTP there (or
 * HTTPS, with SSLEngine on in the virtual hosts of that port), so fcgi://, scgi://, uwsgi://, ajp:// and h2c:// get
 * an HTTP server's answer, https:// meets plain text, and http:// meets TLS. On httpd 2.4.71
 * (test/servers/apache-own-listener.test.ts, test/evidence): fcgi:// to an HTTP port waits until the listener gives up
 * on the request line (mod_reqtimeout's 20 s, Debian's default: 503, "AH01067: Failed to read FastCGI header"); without
 * mod_reqtimeout both sides wait Timeout, and a proxy that gives up first answers 504 ("AH01075 … (polling)"); to an HTTPS port 503 at once (AH01067, or AH01074 when it closes first); https:// to an HTTP port 500
 * ("AH00898: Error during SSL Handshake with remote server"); http:// to an HTTPS port the listener's 400, passed on.
 * https://httpd.apache.org/docs/2.4/mod/mpm_common.html#listen
 */

/** What a local listener answers to each scheme, as seen on 2.4.71. */
function outcome(scheme: string, tls: boolean, h2c: boolean): string | undefined {
  if (scheme === 'fcgi') {
    return tls
      ? 'the listener expects TLS and drops the FastCGI bytes, so clients get 503 at once ("AH01067: Failed to read FastCGI header", or "(32)Broken pipe: … AH01074: Failed writing Environment to …" or "(32)Broken pipe: … AH01075: Error dispatching request to …: (sending empty stdin)" when it closes first, as far as httpd got)'
      : 'the listener waits for the end of an HTTP request line that never comes, so clients wait too: 503 once the listener gives up (mod_reqtimeout, about 20 s by default: "AH01067: Failed to read FastCGI header"); without mod_reqtimeout both sides wait Timeout (60 s), and it is that 503 or a 504 ("AH01075: Error dispatching request to … (polling)"), whichever side gives up first';
  }
  if (scheme === 'scgi' || scheme === 'uwsgi') return `the listener does not answer ${scheme === 'scgi' ? 'SCGI' : 'uwsgi'}, so clients wait until it gives up on the request (mod_reqtimeout, about 20 s by default) and then get 500${scheme === 'scgi' ? ' ("End of script output before headers", "AH00860: error reading response headers from …")' : ''}; without mod_reqtimeout both sides wait Timeout (60 s), and it is that 500 or a 504, whichever side gives up first`;
  if (scheme === 'ajp') return `the listener answers in HTTP, and clients get 503 ("AH01080: ajp_msg_check_header() got bad signature ${tls ? '…' : '4854'}": 4854 is "HT")`;
  if (scheme === 'h2c') return tls || h2c ? undefined : 'the listener does not speak HTTP/2 in plain text (no "Protocols h2c"), and clients get 503';
  if (scheme === 'https' && !tls) return 'the listener answers the TLS handshake in plain HTTP, and clients get 500 ("AH00898: Error during SSL Handshake with remote server")';
  if (scheme === 'http' && tls) return 'the listener expects TLS and answers 400 Bad Request, which httpd passes on to every client';
  return undefined;
}

interface Listener {
  node: ApacheNode;
  /** The IP as written, or undefined for every address. */
  ip?: string;
  port: string;
  /** Listen's protocol argument (`https`), lower-case. */
  protocol?: string;
}

function listeners(ctx: ApacheRuleContext): Listener[] {
  const out: Listener[] = [];
  for (const n of ctx.nodes('listen')) {
    if (n.unresolved || virtualHostOf(n) !== null || contextOf(n, ctx.config) !== 'server') continue;
    const m = /^(?:(\[[^\]]*\]|[^:]+):)?(\d+)$/.exec(n.args[0] ?? '');
    if (!m) continue;
    const ip = m[1]?.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    out.push({ node: n, ip: ip === '*' || ip === '0.0.0.0' ? undefined : ip, port: m[2], protocol: n.args[1]?.toLowerCase() });
  }
  return out;
}

/**
 * Whether httpd speaks TLS on the listener: SSLEngine on in the virtual hosts that take its port (or, when none does,
 * in the main server); undefined when they disagree, or when Listen says https and nothing turns SSLEngine on.
 */
function tlsAt(ctx: ApacheRuleContext, l: Listener): boolean | undefined {
  const vhosts = ctx.proxy.servers.filter((s) => s.vhost && s.addresses.some((a) => (a.port === '*' || a.port === l.port) && (a.host === '*' || a.host === '_default_' || a.host === l.ip)));
  const on = vhosts.map((s) => /^on$/i.test(ctx.proxy.serverValue(s.vhost, 'sslengine')?.args[0] ?? ''));
  // No virtual host takes the port: the main server answers, with its own SSLEngine.
  if (!on.length) on.push(/^on$/i.test(ctx.proxy.serverValue(null, 'sslengine')?.args[0] ?? ''));
  if (on.every(Boolean)) return true;
  // "Listen 443 https" without SSLEngine anywhere on it is a set-up proxylint does not judge.
  if (!on.some(Boolean)) return l.protocol === 'https' ? undefined : false;
  return undefined;
}

const DEFAULT_PORT: Record<string, string> = { http: '80', https: '443' };

export default defineApacheRule({
  id: 'backend-is-own-listener-wrong-scheme',
  server: 'apache',
  severity: 'error',
  outcome: '503',
  summary: 'ProxyPass or BalancerMember to an address this same httpd Listens on, with a scheme its listener does not speak (fcgi://, scgi://, uwsgi://, ajp://, h2c:// to HTTP; https:// to plain HTTP; http:// to HTTPS): every request fails.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember', 'Listen', 'SSLEngine'],
  versions: 'all 2.4',
  check(ctx) {
    const ls = listeners(ctx);
    if (!ls.length) return;
    // mod_http2 speaks HTTP/2 in plain text where Protocols lists h2c: any such line, wherever, keeps h2c:// unjudged.
    const h2c = ctx.nodes('protocols').some((p) => p.args.some((a) => a.toLowerCase() === 'h2c'));
    for (const w of ctx.proxy.workers) {
      const t = w.target;
      if (t.error || t.socket || w.match || /[$%]/.test(w.url)) continue;
      const port = t.port || DEFAULT_PORT[t.scheme];
      if (!port) continue;
      const host = t.host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
      // An exact address wins; a Listen without one covers loopback too (other names may be other machines).
      const l = ls.find((x) => x.port === port && x.ip === host) ?? (isLoopbackHost(host) ? ls.find((x) => x.port === port && x.ip === undefined) : undefined);
      if (!l) continue;
      const tls = tlsAt(ctx, l);
      if (tls === undefined) continue;
      const said = outcome(t.scheme, tls, h2c);
      if (!said) continue;
      ctx.report({
        at: { file: w.node.file, start: w.urlArg.start, end: w.urlArg.end },
        message: `${w.url} is this httpd's own ${tls ? 'HTTPS' : 'HTTP'} port ("${l.node.args.join(' ')}", line ${ctx.lineOf(l.node)}): ${said}; point it at the real ${t.scheme === 'fcgi' ? 'FastCGI server (php-fpm)' : 'backend'}`,
        related: [{ path: l.node.file.path, start: l.node.directive.start, end: l.node.directive.end, message: `httpd itself listens here (${tls ? 'TLS' : 'plain HTTP'})` }],
      });
    }
  },
});

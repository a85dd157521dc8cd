import { apacheFix, insertLinesAfter } from '../../apache-fix';
import { rewriteUsersOfBalancers } from '../../model/apache-proxy';
import type { ApacheNode } from '../../model/apache-tree';
import { defineApacheRule } from '../apache-rule';

const TLS_SCHEMES = new Set(['https', 'wss', 'h2']);
/** Debian's and Ubuntu's bundle of the system's CAs (package ca-certificates): what a publicly signed backend needs. */
const SYSTEM_CAS = '/etc/ssl/certs/ca-certificates.crt';

export default defineApacheRule({
  id: 'sslproxyverify-without-ca',
  server: 'apache',
  severity: 'error',
  outcome: '500',
  summary: 'SSLProxyVerify require (or optional) is in force for a server that proxies to a TLS backend, but neither SSLProxyCACertificateFile nor SSLProxyCACertificatePath is set: mod_ssl has no CA to check the certificate with, and every request to the backend gets 500.',
  directives: ['SSLProxyVerify', 'SSLProxyCACertificateFile', 'SSLProxyCACertificatePath'],
  versions: 'all 2.4',
  check(ctx) {
    if (ctx.config.htaccess) return;
    if (ctx.modules.known && !ctx.modules.isLoaded('ssl')) return;
    // Since 2.4.30 the SSLProxy* directives may sit in a <Proxy> section too, for the backends under it: where a
    // configuration does that, which backend gets which value is not worked out here, and nothing is reported.
    const inSection = ctx.config.all.some((n) => /^sslproxy(verify|cacertificatefile|cacertificatepath)$/.test(n.lname) && sectionOf(n));
    if (inSection) return;
    const value = (s: ApacheNode | null, lname: string) => ctx.proxy.serverValue(s, lname);
    const engineOn = (s: ApacheNode | null) => /^on$/i.test(value(s, 'sslproxyengine')?.args[0] ?? '');
    const verifies = (s: ApacheNode | null) => {
      const v = value(s, 'sslproxyverify');
      return v && /^(require|optional)$/i.test(v.args[0] ?? '') ? v : undefined;
    };
    const hasCa = (s: ApacheNode | null) => value(s, 'sslproxycacertificatefile') !== undefined || value(s, 'sslproxycacertificatepath') !== undefined;
    // The TLS backends each server's requests go to: ProxyPass and BalancerMember workers (members for the servers whose
    // rules use their balancer) and RewriteRule [P] targets (for the servers that run the rule).
    const backends: { node: ApacheNode; url: string; servers: (ApacheNode | null)[] }[] = [];
    const rewriteUsers = rewriteUsersOfBalancers(ctx.proxy);
    for (const w of ctx.proxy.workers) {
      if (!TLS_SCHEMES.has(w.target.scheme) || w.node.unresolved) continue;
      const users = w.balancer ? [...w.balancer.users.map((u) => u.vhost), ...(rewriteUsers.get(w.balancer) ?? [])] : ctx.proxy.serversOf(w);
      backends.push({ node: w.node, url: w.url, servers: [...new Set(users.length ? users : [w.vhost])] });
    }
    for (const r of ctx.proxy.rewrites) if (TLS_SCHEMES.has(r.target.scheme) && r.servers.length) backends.push({ node: r.node, url: r.url, servers: r.servers });
    // One finding per SSLProxyVerify line in force, at that line, naming the first backend it breaks.
    const found = new Map<ApacheNode, { backend: (typeof backends)[number]; server: ApacheNode | null; count: number }>();
    for (const b of backends) {
      for (const s of b.servers) {
        const v = verifies(s);
        if (!v || !engineOn(s) || hasCa(s)) continue;
        const f = found.get(v);
        if (f) f.count++;
        else found.set(v, { backend: b, server: s, count: 1 });
      }
    }
    for (const [v, { backend, server, count }] of found) {
      const level = v.args[0]!.toLowerCase();
      const where = backend.node.file === v.file ? `line ${ctx.lineOf(backend.node)}` : `line ${ctx.lineOf(backend.node)} of ${backend.node.file.path.slice(backend.node.file.path.lastIndexOf('/') + 1)}`;
      const more = count > 1 ? ` (and ${count - 1} more backend${count > 2 ? 's' : ''} or server${count > 2 ? 's' : ''})` : '';
      const inHost = server ? ` for the <VirtualHost ${server.args.join(' ')}> on line ${ctx.lineOf(server)}` : '';
      ctx.report({
        node: v,
        message: `SSLProxyVerify ${level} makes mod_ssl check each TLS backend's certificate against the CAs that SSLProxyCACertificateFile or SSLProxyCACertificatePath name, and neither is set${inHost}; httpd does not use the system's CA store for backends, so no certificate can be verified: every request to ${backend.url} (${where})${more} gets 500 ("AH02039: Certificate Verification: Error (20): unable to get local issuer certificate", then "AH00898: Error during SSL Handshake with remote server")${level === 'require' ? '; at start-up httpd only warns ("AH01897: Init: Oops, you want to request client authentication, but no CAs are known for verification!?")' : ''}. Name the CA that signed the backend's certificate with SSLProxyCACertificateFile (${SYSTEM_CAS} for a publicly signed one)`,
        suggestions: [apacheFix(`Add "SSLProxyCACertificateFile ${SYSTEM_CAS}" (the system's CAs; for a private CA, name its file instead)`, insertLinesAfter(v, [`SSLProxyCACertificateFile ${SYSTEM_CAS}`]))],
      });
    }
  },
});

/** The <Proxy> or <ProxyMatch> section a directive is in, if any. */
function sectionOf(n: ApacheNode): ApacheNode | undefined {
  for (let p = n.parent; p; p = p.parent) if (p.lname === 'proxy' || p.lname === 'proxymatch') return p;
  return undefined;
}

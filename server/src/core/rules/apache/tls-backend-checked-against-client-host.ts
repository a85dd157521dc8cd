import { apacheFix, insertLinesAfter, insertLinesInSection, insertLinesBefore } from '../../apache-fix';
import type { Fix } from '../../finding';
import { virtualHostOf, type ApacheNode } from '../../model/apache-tree';
import { isPreserveHostOn, preserveHostFor, rulesOfWorker } from '../../model/apache-preserve-host';
import type { ProxyModel, Worker } from '../../model/apache-proxy';
import { defineApacheRule } from '../apache-rule';
import { isOn, nameCheck, TLS_SCHEMES } from '../apache-tls-check';

/** Whether a ServerName/ServerAlias value (lower case, "*" and "?" wildcards for aliases) covers a host name. */
function covers(name: string, host: string): boolean {
  if (!/[*?]/.test(name)) return name === host;
  const re = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(host);
}

/**
 * The ProxyPreserveHost On line in force for requests of `scope` through `w`, from the server level or from a
 * <Location>/<Proxy> section that covers one of the ProxyPass lines using it; undefined when it is off for all of them
 * or a section proxylint cannot place may decide it.
 */
function preserveHostOn(proxy: ProxyModel, lines: readonly ApacheNode[], w: Worker, scope: ApacheNode | null): ApacheNode | undefined {
  const rules = rulesOfWorker(proxy, w).filter((r) => r.vhost === scope || r.vhost === null);
  if (!rules.length) {
    const n = proxy.serverValue(scope, 'proxypreservehost');
    return isPreserveHostOn(n) ? n : undefined;
  }
  for (const r of rules) {
    const v = preserveHostFor(proxy, lines, r, scope);
    if (v.known && isPreserveHostOn(v.node)) return v.node;
  }
  return undefined;
}

/**
 * With ProxyPreserveHost On, mod_proxy_http sends the client's Host to a TLS backend as the SNI name and mod_ssl
 * checks the backend's certificate against that name (SSLProxyCheckPeerName, on by default, even with SSLProxyVerify
 * none), not against the host of the backend URL. On 2.4.71 a virtual host with ServerName www.example.com,
 * "ProxyPreserveHost On" and "ProxyPass /v/ https://localhost:19443/" to a backend whose certificate names localhost
 * answered 500 to Host: www.example.com ("AH00898: Error during SSL Handshake with remote server") and 200 to
 * Host: localhost.
 */
export default defineApacheRule({
  id: 'tls-backend-checked-against-client-host',
  server: 'apache',
  severity: 'warning',
  outcome: '500',
  summary: 'A TLS backend (https://, wss://) is used with ProxyPreserveHost On while SSLProxyCheckPeerName is on (the default): httpd checks the backend\'s certificate against the client\'s Host, not the backend\'s name, and unless the certificate names the site\'s host names every request gets 500.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember', 'ProxyPreserveHost', 'SSLProxyCheckPeerName'],
  versions: 'all 2.4',
  check(ctx) {
    // SSLProxyCheckPeerName/CN in a <Proxy> section (2.4.30+) apply to the URLs under it: not worked out here.
    if ([...ctx.nodes('sslproxycheckpeername'), ...ctx.nodes('sslproxycheckpeercn')].some((n) => n.parent && (n.parent.lname === 'proxy' || n.parent.lname === 'proxymatch'))) return;
    const reported = new Set<ApacheNode>();
    for (const w of ctx.proxy.workers) {
      if (!TLS_SCHEMES.has(w.target.scheme) || w.node.unresolved || w.target.socket !== undefined || reported.has(w.node)) continue;
      const host = w.target.host.replace(/^\[|\]$/g, '').toLowerCase();
      if (!host || /[%$]/.test(host)) continue;
      const scopes = w.balancer && w.balancer.users.length ? [...new Set(w.balancer.users.map((u) => u.vhost))] : ctx.proxy.serversOf(w);
      for (const scope of scopes) {
        // Without SSLProxyEngine On the request fails earlier (https-backend-without-sslproxyengine reports that).
        if (!isOn(ctx.proxy.serverValue(scope, 'sslproxyengine'))) continue;
        const preserve = preserveHostOn(ctx.proxy, ctx.nodes('proxypreservehost'), w, scope);
        if (!preserve) continue;
        const explicit = ctx.proxy.serverValue(scope, 'sslproxycheckpeername');
        const check = nameCheck(explicit, ctx.proxy.serverValue(scope, 'sslproxycheckpeercn'));
        if (!check) continue;
        // The names clients use for this server: when the backend URL's host is one of them, the certificate that
        // name needs is the one it needs anyway.
        const names = ctx.proxy.servers.find((s) => s.vhost === scope)?.names ?? [];
        if (names.some((n) => covers(n, host))) continue;
        reported.add(w.node);
        const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ', …' : '');
        const clientHost = names.length ? `the client's Host (${shown}, ${names.length > 1 ? 'the names' : 'the name'} of ${scope ? `the <VirtualHost> on line ${ctx.lineOf(scope)}` : 'the main server'})` : 'the client\'s Host';
        const verify = ctx.proxy.serverValue(scope, 'sslproxyverify');
        const verifying = verify !== undefined && !/^none$/i.test(verify.args[0] ?? '');
        const suggestions: Fix[] = [];
        // With SSLProxyVerify none (the default) the certificate is not verified at all, so the name check adds no
        // protection and turning it off loses nothing; with verification on, only the user knows the right name.
        if (!verifying && check === 'name' && (!explicit || virtualHostOf(explicit) === scope)) {
          const a = explicit?.directive.args[0];
          const engine = ctx.proxy.serverValue(scope, 'sslproxyengine')!;
          const edit = a
            ? { path: explicit!.file.path, start: a.start, end: a.end, newText: 'off' }
            : virtualHostOf(engine) === scope && engine.parent?.lname !== 'ifmodule'
              ? insertLinesAfter(engine, ['SSLProxyCheckPeerName off'])
              : scope
                ? insertLinesInSection(scope, ['SSLProxyCheckPeerName off'])
                : insertLinesBefore(w.balancer?.section ?? w.node, ['SSLProxyCheckPeerName off']);
          suggestions.push(apacheFix(`Turn the certificate name check off ${scope ? 'in this <VirtualHost>' : 'in the main server'} (SSLProxyVerify is none, so the certificate is not verified anyway)`, edit));
        }
        const name = names[0] ?? 'www.example.com';
        ctx.report({
          at: { file: w.node.file, start: w.urlArg.start, end: w.urlArg.end },
          message:
            `ProxyPreserveHost is on (line ${ctx.lineOf(preserve)}), so httpd sends ${clientHost} to ${w.url} as the TLS server name and, with SSLProxyCheckPeerName ${explicit ? `on (line ${ctx.lineOf(explicit)})` : 'on by default'}, checks the backend's certificate against that name, not against "${host}": ` +
            `unless the certificate also names ${names.length ? 'those host names' : 'every host name clients use'}, every request gets 500 ("AH00898: Error during SSL Handshake with remote server"; at LogLevel ssl:info "AH02411: SSL Proxy: Peer certificate does not match for hostname ${name}"); ` +
            (verifying
              ? 'give the backend a certificate for those names, or turn ProxyPreserveHost off if the backend does not need the client\'s Host (SSLProxyVerify is on, so keep the check)'
              : 'give the backend a certificate for those names, turn ProxyPreserveHost off if the backend does not need the client\'s Host, or set "SSLProxyCheckPeerName off" (with SSLProxyVerify none the certificate is not verified anyway)'),
          suggestions,
        });
        break;
      }
    }
  },
});

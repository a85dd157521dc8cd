import { apacheFix, insertLinesAfter, insertLinesBefore, insertLinesInSection } from '../../apache-fix';
import type { Fix, TextEdit } from '../../finding';
import type { Worker } from '../../model/apache-proxy';
import { virtualHostOf, type ApacheNode } from '../../model/apache-tree';
import { isPreserveHostOn, preserveHostFor, rulesOfWorker } from '../../model/apache-preserve-host';
import { defineApacheRule } from '../apache-rule';
import { isOn, nameCheck, TLS_SCHEMES } from '../apache-tls-check';

const isIpLiteral = (host: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || /^\[[0-9a-f:.]+\]$/i.test(host);

/**
 * mod_ssl checks the backend certificate against the host name of the request to the backend whenever
 * SSLProxyCheckPeerName is on, its default, even with SSLProxyVerify none (ssl_engine_io.c, AH02411). That name is
 * the host of the backend URL, or the client's Host with ProxyPreserveHost On. httpd 2.4.71 compares it with the
 * certificate's DNS names and common name only, so an IP address in the URL fails against an ordinary certificate,
 * one with the address as an IP SAN included: every request gets 500 "Error during SSL Handshake with remote server".
 */
export default defineApacheRule({
  id: 'tls-backend-ip-name-check',
  server: 'apache',
  severity: 'warning',
  outcome: '500',
  summary: 'A TLS backend (https://, wss://) is addressed by IP while SSLProxyCheckPeerName is on (the default): httpd matches the certificate against the IP address and every request gets 500.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember', 'SSLProxyCheckPeerName', 'ProxyPreserveHost'],
  versions: 'all 2.4',
  check(ctx) {
    // SSLProxyCheckPeerName in a <Proxy> section (2.4.30+) applies to the URLs it matches; <ProxyMatch> is not
    // evaluated here, so any such section with the directive makes every worker unknown.
    const inSections = [...ctx.nodes('sslproxycheckpeername'), ...ctx.nodes('sslproxycheckpeercn')].filter((n) => n.parent && (n.parent.lname === 'proxy' || n.parent.lname === 'proxymatch'));
    const sectionDecides = (w: Worker): boolean =>
      inSections.some((n) => {
        const s = n.parent!;
        if (s.lname === 'proxymatch') return true;
        if (w.balancer?.section === s) return true;
        const prefix = (s.args[0] ?? '').replace(/\*+$/, '').toLowerCase();
        return prefix !== '' && w.url.toLowerCase().startsWith(prefix);
      });
    // With ProxyPreserveHost On the name checked is the client's Host: the value in force for the ProxyPass lines that use
    // the worker, from the server level or a <Location>/<Proxy> section that covers them. Off (known) for one of them
    // is enough: its requests check the IP address.
    const preserveOff = (w: Worker, scope: ApacheNode | null): boolean => {
      const rules = rulesOfWorker(ctx.proxy, w).filter((r) => r.vhost === scope || r.vhost === null);
      if (!rules.length) return !isOn(ctx.proxy.serverValue(scope, 'proxypreservehost'));
      return rules.some((r) => {
        const v = preserveHostFor(ctx.proxy, ctx.nodes('proxypreservehost'), r, scope);
        return v.known && !isPreserveHostOn(v.node);
      });
    };

    for (const w of ctx.proxy.workers) {
      if (!TLS_SCHEMES.has(w.target.scheme) || w.node.unresolved || w.target.socket !== undefined || !isIpLiteral(w.target.host)) continue;
      if (sectionDecides(w)) continue;
      const scopes = w.balancer && w.balancer.users.length ? [...new Set(w.balancer.users.map((u) => u.vhost))] : [w.vhost];
      const failing = scopes.filter((s) => {
        // Without SSLProxyEngine On the request fails earlier (https-backend-without-sslproxyengine reports that).
        if (!isOn(ctx.proxy.serverValue(s, 'sslproxyengine'))) return false;
        if (!nameCheck(ctx.proxy.serverValue(s, 'sslproxycheckpeername'), ctx.proxy.serverValue(s, 'sslproxycheckpeercn'))) return false;
        return preserveOff(w, s);
      });
      if (!failing.length) continue;
      const scope = failing[0];
      const explicit = ctx.proxy.serverValue(scope, 'sslproxycheckpeername');
      const cn = ctx.proxy.serverValue(scope, 'sslproxycheckpeercn');
      const check = nameCheck(explicit, cn);
      const verify = ctx.proxy.serverValue(scope, 'sslproxyverify');
      const verifying = verify !== undefined && !/^none$/i.test(verify.args[0] ?? '');
      const host = w.target.host.replace(/^\[|\]$/g, '');
      const where = scope ? `this <VirtualHost> (line ${ctx.lineOf(scope)})` : 'the main server';
      const inherited = !explicit && !ctx.proxy.complete ? ' unless the main configuration, not linted here, turns it off' : '';
      const suggestions: Fix[] = [];
      // With SSLProxyVerify none (the default) the certificate is not verified at all, so the name check adds no
      // protection and turning it off loses nothing. With verification on, the right fix is a host name the
      // certificate names, which only the user knows.
      if (!verifying) {
        const engine = ctx.proxy.serverValue(scope, 'sslproxyengine')!;
        // A line of this server is changed to `off`; one inherited from the main server is overridden here (changing it
        // would change every virtual host).
        const ownLine = (n: ApacheNode | undefined): n is ApacheNode => n !== undefined && virtualHostOf(n) === scope && n.directive.args.length > 0;
        const off = (n: ApacheNode): TextEdit => {
          const a = n.directive.args[0];
          return { path: n.file.path, start: a.start, end: a.end, newText: 'off' };
        };
        const edits: TextEdit[] = [];
        const lines: string[] = [];
        if (check === 'name') {
          if (ownLine(explicit)) edits.push(off(explicit));
          else lines.push('SSLProxyCheckPeerName off');
        }
        // SSLProxyCheckPeerName off with SSLProxyCheckPeerCN on still compares the common name: that one goes off too.
        if (isOn(cn)) {
          if (ownLine(cn)) edits.push(off(cn));
          else lines.push('SSLProxyCheckPeerCN off');
        }
        if (lines.length) {
          edits.push(
            virtualHostOf(engine) === scope && engine.parent?.lname !== 'ifmodule'
              ? insertLinesAfter(engine, lines)
              : scope
                ? insertLinesInSection(scope, lines)
                : insertLinesBefore(w.balancer?.section ?? w.node, lines),
          );
        }
        suggestions.push(apacheFix(`Turn the certificate name check off ${scope ? 'in this <VirtualHost>' : 'in the main server'} (SSLProxyVerify is none, so the certificate is not verified anyway)`, ...edits));
      }
      ctx.report({
        at: { file: w.node.file, start: w.urlArg.start, end: w.urlArg.end },
        message:
          check === 'cn'
            ? `${w.url} names the backend by IP address while SSLProxyCheckPeerName is off (line ${ctx.lineOf(explicit!)}) and SSLProxyCheckPeerCN is on (line ${ctx.lineOf(cn!)}): ` +
              `httpd then compares the backend certificate's common name with "${host}", which a certificate issued for a host name does not match, ` +
              `so every request gets 500 ("AH00898: Error during SSL Handshake with remote server"; at LogLevel ssl:info "AH02005: SSL Proxy: Peer certificate CN mismatch: … Requested hostname: ${host}"); ` +
              (verifying
                ? 'use a host name that the certificate names (SSLProxyVerify is on, so keep the check)'
                : 'use a host name that the certificate names, or set "SSLProxyCheckPeerCN off" too (with SSLProxyVerify none the certificate is not verified anyway)')
            : `${w.url} names the backend by IP address while SSLProxyCheckPeerName is ${explicit ? `on (line ${ctx.lineOf(explicit)})` : `on by default in ${where}`}${inherited}: ` +
              `httpd checks the backend's certificate against "${host}", which a certificate issued for a host name does not match (on httpd 2.4.71 an IP-address entry in the certificate did not count either), ` +
              `so every request gets 500 ("AH00898: Error during SSL Handshake with remote server"; at LogLevel ssl:info "AH02411: SSL Proxy: Peer certificate does not match for hostname ${host}"); ` +
              (verifying
                ? 'use a host name that the certificate names (SSLProxyVerify is on, so keep the check)'
                : `use a host name that the certificate names, or set "SSLProxyCheckPeerName off"${isOn(cn) ? ' and "SSLProxyCheckPeerCN off"' : ''} (with SSLProxyVerify none the certificate is not verified anyway)`),
        suggestions,
      });
    }
  },
});

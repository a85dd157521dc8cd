import { inheritingHosts } from '../../model/apache-rewrite';
import { apacheFix, ifModuleSections, insertLinesBefore, insertLinesInSection, loadModuleFix } from '../../apache-fix';
import { stopsWithoutProxy } from '../../model/apache-modules';
import { rewriteUsersOfBalancers, type BackendUrl } from '../../model/apache-proxy';
import type { ApacheNode } from '../../model/apache-tree';
import type { ApacheArg } from '../../syntax/apache/ast';
import { defineApacheRule } from '../apache-rule';

const TLS_SCHEMES = new Set(['https', 'wss', 'h2']);

export default defineApacheRule({
  id: 'https-backend-without-sslproxyengine',
  server: 'apache',
  severity: 'error',
  outcome: '500',
  summary: 'A backend is reached over TLS (https://, wss://, h2://, from ProxyPass, BalancerMember or RewriteRule [P]) but SSLProxyEngine is off for that server: every request to it gets 500.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember', 'RewriteRule', 'SSLProxyEngine'],
  versions: 'all 2.4',
  check(ctx) {
    const on = (vhost: ApacheNode | null) => {
      const v = ctx.proxy.serverValue(vhost, 'sslproxyengine');
      return v !== undefined && /^on$/i.test(v.args[0] ?? '');
    };
    const fixedScopes = new Set<ApacheNode | null>();
    let loadOffered = false;
    const sslKnown = ctx.modules.known && ctx.modules.isLoaded('ssl');
    // .htaccess rules run in a server whose SSLProxyEngine this file does not show.
    const rewrites = ctx.config.htaccess ? [] : ctx.proxy.rewrites;
    const report = (o: { node: ApacheNode; at?: ApacheArg; url: string; target: BackendUrl; scopes: (ApacheNode | null)[]; top: ApacheNode; inheritedBy?: ApacheNode[] }) => {
      const off = o.scopes.filter((s) => !on(s));
      if (off.length === 0) return;
      // Without mod_proxy a [P] rule's requests get 403 (AH00669) before TLS matters: proxy-scheme-module-missing says so.
      if (o.node.lname === 'rewriterule' && ctx.modules.known && !ctx.modules.isLoaded('proxy')) return;
      const scope = off[0];
      let fix;
      // The last SSLProxyEngine of a scope decides: change that line rather than add one above it (which would
      // never take effect). A line without its argument stops httpd anyway, and gets no fix here.
      const existing = ctx.proxy.serverValue(scope, 'sslproxyengine');
      const existingArg = existing?.directive.args[0];
      if (!fixedScopes.has(scope) && (!existing || existingArg)) {
        fixedScopes.add(scope);
        let top = o.top;
        while (top.parent && top.parent !== scope) top = top.parent;
        const edit = existingArg
          ? { path: existing!.file.path, start: existingArg.start, end: existingArg.end, newText: 'On' }
          : scope
            ? insertLinesInSection(scope, ['SSLProxyEngine On'])
            : insertLinesBefore(top, ['SSLProxyEngine On']);
        fix = apacheFix(existingArg ? `Turn SSLProxyEngine on (it is "${existingArg.value}" here)` : `Add "SSLProxyEngine On" ${scope ? 'to this <VirtualHost>' : 'to the server configuration'}`, edit);
      }
      // Without mod_ssl the new line would stop httpd ("Invalid command 'SSLProxyEngine'"): load it in the same fix, once.
      // httpd starts today, so loading mod_ssl is safe only when no <IfModule mod_ssl> section would switch with it.
      let withModule;
      let switches: ApacheNode[] = [];
      if (fix && !sslKnown && ctx.modules.known && !loadOffered) {
        const load = loadModuleFix(ctx.modules, ['ssl']);
        switches = ifModuleSections(ctx.config, ['ssl']);
        if (load) {
          const also = switches.length ? ` (also turns on the <IfModule ${switches[0].args[0]}> section${switches.length > 1 ? 's' : ''} on line ${switches.map((n) => ctx.lineOf(n)).join(', ')})` : '';
          withModule = apacheFix(`Load mod_ssl and ${fix.title[0].toLowerCase()}${fix.title.slice(1)}${also}`, ...load.edits, ...fix.edits);
        }
        loadOffered = true;
      }
      // Without mod_ssl, mod_proxy_http declines https:// and wss:// and httpd logs the missing-handler line instead;
      // mod_proxy_http2 still says AH00961 (both seen on 2.4.71, test/servers/apache-no-mod-ssl.test.ts).
      const scheme = o.target.scheme;
      const said =
        ctx.modules.known && !sslKnown && scheme !== 'h2'
          ? `AH01144: No protocol handler was valid for the URL … (scheme '${scheme}')`
          : `AH00961: ${scheme === 'h2' ? 'H2' : scheme}: failed to enable ssl support for ${/[%$]/.test(o.target.host) ? '<host>' : o.target.host}…`;
      const what = o.node.lname === 'rewriterule' ? `${o.url} (RewriteRule [P])` : o.url;
      // A main-server RewriteRule runs in a virtual host that says RewriteOptions Inherit, under that host's SSLProxyEngine.
      const where = !scope
        ? 'in the main server'
        : o.inheritedBy?.includes(scope)
          ? `in the <VirtualHost> at line ${ctx.lineOf(scope)}, which runs this main-server rule through ${inheritingHosts(ctx.config.all).get(scope) === 'InheritDown' ? 'its RewriteEngine On and the main server\'s RewriteOptions InheritDown' : 'its RewriteOptions Inherit'}${off.length > 1 ? ` (and ${off.length - 1} more server${off.length > 2 ? 's' : ''} that run${off.length > 2 ? '' : 's'} it)` : ''}`
          : `in this <VirtualHost> (line ${ctx.lineOf(scope)})`;
      ctx.report({
        ...(o.at ? { at: { file: o.node.file, start: o.at.start, end: o.at.end } } : { node: o.node }),
        message: `${what} is reached over TLS, but SSLProxyEngine is off ${where}: ${stopsWithoutProxy(ctx.modules, o.node) ? 'once mod_proxy is loaded (without it httpd refuses to start at this line),' : 'httpd starts, and'} every request to it gets 500 ("${said}"); add "SSLProxyEngine On" to the server or virtual host${sslKnown || !ctx.modules.known ? '' : ' and load mod_ssl'}`,
        fix: sslKnown ? fix : switches.length ? undefined : withModule,
        suggestions: !sslKnown && fix && !withModule ? [fix] : withModule && switches.length ? [withModule] : [],
      });
    };
    // The servers whose requests a balancer's members serve: those of the ProxyPass lines and of the RewriteRule [P]
    // lines that name it. On 2.4.71 a main-server balancer with an https:// member, used from a virtual host's
    // RewriteRule [P] with SSLProxyEngine On there and not in the main server, made the TLS handshake (no AH01961).
    const rewriteUsers = rewriteUsersOfBalancers(ctx.proxy, rewrites);
    for (const w of ctx.proxy.workers) {
      if (!TLS_SCHEMES.has(w.target.scheme) || w.node.unresolved) continue;
      // Members are used from the virtual hosts whose ProxyPass or RewriteRule names their balancer.
      const users = w.balancer ? [...w.balancer.users.map((u) => u.vhost), ...(rewriteUsers.get(w.balancer) ?? [])] : [];
      const scopes = users.length ? [...new Set(users)] : [w.vhost];
      report({ node: w.node, url: w.url, target: w.target, scopes, top: w.balancer?.section ?? w.node });
    }
    // RewriteRule "…" "https://backend/$1" [P]: the request's server decides (2.4.71: 500 with AH01961 and AH00961 in a
    // virtual host without SSLProxyEngine, also for https://%{HTTP_HOST}/$1; the handshake with it On).
    for (const r of rewrites) {
      if (!TLS_SCHEMES.has(r.target.scheme)) continue;
      // A main-server rule runs for the main server's requests (none when every Listen address belongs to a virtual
      // host) and in the virtual hosts with RewriteOptions Inherit, under each one's SSLProxyEngine (model/apache-rewrite).
      if (!r.servers.length) continue;
      report({ node: r.node, at: r.arg, url: r.url, target: r.target, scopes: r.servers, top: r.node, inheritedBy: r.inheritedBy });
    }
  },
});

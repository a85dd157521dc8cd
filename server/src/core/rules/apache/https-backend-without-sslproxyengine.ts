import { apacheFix, ifModuleSections, insertLinesBefore, insertLinesInSection, loadModuleFix } from '../../apache-fix';
import type { ApacheNode } from '../../model/apache-tree';
import { defineApacheRule } from '../apache-rule';

const TLS_SCHEMES = new Set(['https', 'wss', 'h2']);

export default defineApacheRule({
  id: 'https-backend-without-sslproxyengine',
  server: 'apache',
  severity: 'error',
  outcome: '500',
  summary: 'A backend is reached over TLS (https://, wss://, h2://) but SSLProxyEngine is off for that server: every request to it gets 500.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember', 'SSLProxyEngine'],
  versions: 'all 2.4',
  check(ctx) {
    const on = (vhost: ApacheNode | null) => {
      const v = ctx.proxy.serverValue(vhost, 'sslproxyengine');
      return v !== undefined && /^on$/i.test(v.args[0] ?? '');
    };
    const fixedScopes = new Set<ApacheNode | null>();
    let loadOffered = false;
    for (const w of ctx.proxy.workers) {
      if (!TLS_SCHEMES.has(w.target.scheme) || w.node.unresolved) continue;
      // Members are used from the virtual hosts whose ProxyPass names their balancer.
      const scopes = w.balancer && w.balancer.users.length ? [...new Set(w.balancer.users.map((u) => u.vhost))] : [w.vhost];
      const off = scopes.filter((s) => !on(s));
      if (off.length === 0) continue;
      const scope = off[0];
      let fix;
      const sslKnown = ctx.modules.known && ctx.modules.isLoaded('ssl');
      // The last SSLProxyEngine of a scope decides: change that line rather than add one above it (which would
      // never take effect). A line without its argument stops httpd anyway, and gets no fix here.
      const existing = ctx.proxy.serverValue(scope, 'sslproxyengine');
      const existingArg = existing?.directive.args[0];
      if (!fixedScopes.has(scope) && (!existing || existingArg)) {
        fixedScopes.add(scope);
        let top: ApacheNode = w.balancer?.section ?? w.node;
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
      const said =
        ctx.modules.known && !sslKnown && w.target.scheme !== 'h2'
          ? `AH01144: No protocol handler was valid for the URL … (scheme '${w.target.scheme}')`
          : `AH00961: ${w.target.scheme === 'h2' ? 'H2' : w.target.scheme}: failed to enable ssl support for ${w.target.host}…`;
      ctx.report({
        node: w.node,
        message: `${w.url} is reached over TLS, but SSLProxyEngine is off ${scope ? `in this <VirtualHost> (line ${ctx.lineOf(scope)})` : 'in the main server'}: httpd starts, and every request to it gets 500 ("${said}"); add "SSLProxyEngine On" to the server or virtual host${sslKnown || !ctx.modules.known ? '' : ' and load mod_ssl'}`,
        fix: sslKnown ? fix : switches.length ? undefined : withModule,
        suggestions: !sslKnown && fix && !withModule ? [fix] : withModule && switches.length ? [withModule] : [],
      });
    }
  },
});

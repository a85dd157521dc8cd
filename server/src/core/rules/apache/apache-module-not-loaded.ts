import { enableHint, loadModuleFix } from '../../apache-fix';
import { moduleOfDirective } from '../../model/apache-modules';
import { defineApacheRule } from '../apache-rule';

export default defineApacheRule({
  id: 'apache-module-not-loaded',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A proxy directive (or a companion such as RequestHeader, RewriteRule or SSLProxyEngine) belongs to a module the configuration does not load: httpd refuses to start with "Invalid command".',
  directives: ['ProxyPass', 'ProxyTimeout', 'BalancerMember', 'SSLProxyEngine', 'ProxyHCExpr', 'RequestReadTimeout', 'RequestHeader', 'Header', 'RewriteEngine', 'RewriteRule', 'RewriteCond'],
  versions: 'all 2.4',
  check(ctx) {
    const m = ctx.modules;
    if (!m.known) return;
    const fixed = new Set<string>();
    for (const n of ctx.config.all) {
      const mod = moduleOfDirective(n.lname);
      if (!mod || m.isLoaded(mod) || m.guardedBy(n, mod)) continue;
      const deps = mod.startsWith('proxy_') && !m.isLoaded('proxy') ? ['proxy', mod] : [mod];
      const fix = fixed.has(mod) ? undefined : loadModuleFix(m, deps);
      fixed.add(mod);
      const name = n.directive.section ? `<${n.name}` : n.name;
      ctx.report({
        node: n,
        message: `httpd refuses to start: "Invalid command '${name}', perhaps misspelled or defined by a module not included in the server configuration": ${n.name} comes from mod_${mod}, which is not loaded; ${enableHint(m, deps)}, or wrap the line in <IfModule mod_${mod}.c>`,
        fix,
      });
    }
  },
});

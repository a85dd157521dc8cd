import { enableHint, loadModuleFix } from '../../apache-fix';
import { modulesOfDirective, stopsWithoutProxy } from '../../model/apache-modules';
import { defineApacheRule } from '../apache-rule';

export default defineApacheRule({
  id: 'hcheck-params-without-module',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'Health-check parameters (hcmethod=, hcuri=, …) are used but mod_proxy_hcheck is not loaded: httpd refuses to start.',
  directives: ['BalancerMember', 'ProxyPass', 'ProxySet'],
  versions: '2.4.21 and later',
  check(ctx) {
    const m = ctx.modules;
    if (!m.known || m.isLoaded('proxy_hcheck')) return;
    // When a ProxyHC* directive is also unloaded, apache-module-not-loaded adds the LoadModule line.
    let offered = ctx.config.all.some((n) => modulesOfDirective(n.lname)?.includes('proxy_hcheck') && !m.guardedBy(n, 'proxy_hcheck'));
    for (const n of [...ctx.nodes('balancermember'), ...ctx.nodes('proxypass'), ...ctx.nodes('proxypassmatch'), ...ctx.nodes('proxyset')]) {
      // Without mod_proxy httpd stops at the line's name ("Invalid command 'ProxyPass'", apache-module-not-loaded)
      // before it reads a parameter.
      if (m.guardedBy(n, 'proxy_hcheck') || stopsWithoutProxy(m, n)) continue;
      for (const a of n.directive.args) {
        const key = /^(hc[a-z]+)=/i.exec(a.value)?.[1];
        if (!key) continue;
        const fix = offered ? undefined : loadModuleFix(m, m.isLoaded('watchdog') ? ['proxy_hcheck'] : ['watchdog', 'proxy_hcheck']);
        offered = true;
        ctx.report({
          at: { file: n.file, start: a.start, end: a.end },
          message: `httpd refuses to start: "${n.name} unknown Worker parameter": ${key.toLowerCase()}= comes from mod_proxy_hcheck, which is not loaded; ${enableHint(m, ['proxy_hcheck'])}`,
          fix,
        });
      }
    }
  },
});

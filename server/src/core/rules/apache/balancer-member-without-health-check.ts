import { apacheFix, appendToDirective, enableHint, ifModuleSections, loadModuleFix } from '../../apache-fix';
import type { Fix } from '../../finding';
import { balancerChecks, balancerSettings, forRequestsTo, hcTemplateMethods, healthCheckMethod } from '../../model/apache-balancer-checks';
import { defineApacheRule } from '../apache-rule';

const PARAMS = 'hcmethod=GET hcuri=/ hcinterval=10';

export default defineApacheRule({
  id: 'balancer-member-without-health-check',
  server: 'apache',
  severity: 'warning',
  outcome: '502/504',
  summary: 'No member of a balancer has an active health check (hcmethod): a member that answers errors or hangs stays in rotation.',
  directives: ['BalancerMember'],
  versions: 'all 2.4 (mod_proxy_hcheck since 2.4.21)',
  check(ctx) {
    const m = ctx.modules;
    // The hc* parameters belong to mod_proxy_hcheck: without it loaded, "BalancerMember unknown Worker parameter"
    // stops httpd, so a configuration known not to load it gets the LoadModule line in the same suggestion.
    const missing = m.known && !m.isLoaded('proxy_hcheck');
    // It needs mod_watchdog too (static in Debian's build, a module of its own in others).
    const load = missing ? loadModuleFix(m, m.isLoaded('watchdog') ? ['proxy_hcheck'] : ['watchdog', 'proxy_hcheck']) : undefined;
    // Loading it switches <IfModule mod_proxy_hcheck> sections: said in the title, as the SSLProxyEngine fix does.
    const switches = load ? ifModuleSections(ctx.config, ['proxy_hcheck']) : [];
    const also = switches.length ? ` (also turns on the <IfModule ${switches[0].args[0]}> section${switches.length > 1 ? 's' : ''} on line ${switches.map((n) => ctx.lineOf(n)).join(', ')})` : '';
    const templates = hcTemplateMethods(ctx.config);
    // A virtual host's balancer that the main server's of the name hides gets no requests (see takesMainBalancers).
    for (const b of ctx.proxy.balancers) {
      if (b.members.length === 0 || b.hiddenBy) continue;
      // hcmethod=None, and a ProxyHCTemplate that sets no hcmethod (None is the default), check nothing.
      const checked = b.members.some((w) => {
        const method = healthCheckMethod(w, templates);
        return method !== undefined && method !== 'none';
      });
      if (checked) continue;
      // mod_proxy_fcgi answers 504 on a timeout without telling the balancer it was one: failontimeout=On does not take
      // out an fcgi:// member that hangs, only a 504 in failonstatus does (2.4.71; see balancer-without-failonstatus).
      const fcgi = b.members.some((w) => w.target.scheme === 'fcgi');
      // The passive parameters take a member out after one failed request: failonstatus= for the codes it lists
      // (AH01174), failontimeout=On for a read timeout (AH02460). With both the claim below is not true any more;
      // with one, only the other half is. Each server that uses the balancer may set them for its own requests.
      const covered = (c: { failOnStatus?: string; failOnTimeout: boolean }) => !!c.failOnStatus && (fcgi ? /(^|[,\s])504($|[,\s])/.test(c.failOnStatus) : c.failOnTimeout);
      const views = balancerSettings(ctx.proxy, b).map((v) => ({ server: v.server, ...balancerChecks(b, templates, v.params) }));
      // Of the servers it leaves uncovered, the one with the fewest of the two (the claim below is then the widest).
      const count = (c: { failOnStatus?: string; failOnTimeout: boolean }) => (c.failOnStatus ? 1 : 0) + (c.failOnTimeout ? 1 : 0);
      const view = views.filter((c) => !covered(c)).sort((x, y) => count(x) - count(y))[0];
      if (!view) continue;
      const { failOnStatus, failOnTimeout } = view;
      const whom = forRequestsTo(view.server, views.length > 1, ctx.lineOf);
      const hangEnds = fcgi ? '504' : '502';
      const hangFix = fcgi ? '504 in failonstatus would take it out after the first; failontimeout=On does not for fcgi:// members' : 'failontimeout=On would take it out after the first';
      const stays = failOnStatus
        ? `failonstatus=${failOnStatus} takes a member out after it answers one of those codes (AH01174), but a member that hangs keeps getting its share of requests, which end as ${hangEnds} after the timeout (${hangFix})`
        : failOnTimeout && !fcgi
          ? 'failontimeout=On takes a member out after a request to it times out (AH02460), but a member that answers 500/503 keeps getting its share of requests, which end as those errors (failonstatus= would take it out after the first)'
          : `${failOnTimeout ? 'failontimeout=On does not take out an fcgi:// member that times out (mod_proxy_fcgi answers 504 without telling the balancer), and ' : ''}a member that answers 500/503 or hangs keeps getting its share of requests, which end as those errors or as ${hangEnds} after the timeout${fcgi ? ' (failonstatus=502,503,504 would take it out after the first)' : ''}`;
      const first = b.members[0];
      const edits = b.members.filter((w) => w.node.file === first.node.file).map((w) => appendToDirective(w.node, PARAMS));
      let suggestion: Fix | undefined;
      if (!missing) suggestion = apacheFix(`Add "${PARAMS}" to every member (${m.known ? '' : 'needs mod_proxy_hcheck; '}point hcuri at the health endpoint)`, ...edits);
      else if (load) suggestion = apacheFix(`Load mod_proxy_hcheck and add "${PARAMS}" to every member (point hcuri at the health endpoint)${also}`, ...load.edits, ...edits);
      // Else the modules come from Debian's mods-enabled/ (a2enmod makes the link; an edit here cannot) or
      // there is no LoadModule line to model one on: the parameters alone would stop httpd, so none is offered.
      ctx.report({
        node: b.section ?? first.node,
        message: `no member of ${b.name} has a health check (hcmethod=)${whom ? `, and${whom}` : ''}: ${failOnStatus || (failOnTimeout && !fcgi) ? stays : `httpd takes a member out only when connecting to it fails ("AH00959: ap_proxy_connect_backend disabling worker … for 60s"); ${stays}`}. Add hcmethod=GET hcuri=/health (mod_proxy_hcheck) to the members${missing ? `; mod_proxy_hcheck is not loaded: ${enableHint(m, ['proxy_hcheck'])} first` : ''}`,
        suggestions: suggestion ? [suggestion] : [],
      });
    }
  },
});

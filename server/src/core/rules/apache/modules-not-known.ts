import { modulesOfDirective, type ModuleView } from '../../model/apache-modules';
import type { ApacheNode } from '../../model/apache-tree';
import { defineApacheRule } from '../apache-rule';

/** The rules that need the whole list of loaded modules and check nothing without it. */
export const MODULE_LIST_RULES = ['apache-module-not-loaded', 'proxy-scheme-module-missing', 'hcheck-params-without-module'];

export default defineApacheRule({
  id: 'modules-not-known',
  server: 'apache',
  severity: 'info',
  outcome: 'lint',
  summary: 'proxylint cannot see every LoadModule line of this configuration, so the rules that need the list of loaded modules were not applied.',
  directives: ['LoadModule', 'Include', 'IncludeOptional'],
  versions: 'all 2.4',
  check(ctx) {
    const why = ctx.modules.unknownBecause;
    if (!why) return;
    // Without a proxy-related directive or a "proxy:" handler (a Debian mods-available/*.load file, a main file whose
    // sites are not in the checkout), nothing a proxy depends on goes unchecked.
    if (!ctx.config.all.some((n) => moduleDependent(n, ctx.modules))) return;
    const where = why.node ? { node: why.node } : why.problem ? { at: { file: why.problem.file, ...why.problem.span } } : undefined;
    if (!where) return;
    ctx.report({
      ...where,
      message: `the list of loaded modules is not known: ${why.reason}. So ${MODULE_LIST_RULES.join(', ')} were not applied, and undefined-balancer does not report balancers used without a <Proxy> section: a missing mod_proxy_fcgi (PHP source served with 200) or mod_proxy_hcheck (httpd refuses to start) goes unreported. Lint the main configuration with its module folder present, or map it with "apache.pathMap"/"apache.serverRoot" in .proxylintrc.json`,
    });
  },
});

/**
 * The modules of a reverse proxy and its usual companions. apache-module-not-loaded checks every stock directive, but
 * a main file whose modules are hidden nearly always has some (Debian's apache2.conf has "Require all granted"): saying
 * so there on every such file was noise. What is lost without the list, for a proxy, is these modules' lines; of the
 * companions only those outside an <IfModule> for their own module, which apache-module-not-loaded would skip anyway
 * (a stock httpd.conf's "<IfModule ssl_module> SSLRandomSeed …"). mod_proxy's own lines count wherever they are:
 * proxy-scheme-module-missing and hcheck-params-without-module read them inside such a section too.
 */
const PROXY = /^proxy(_|$)/;
const COMPANIONS = new Set(['ssl', 'headers', 'rewrite', 'reqtimeout']);

function moduleDependent(n: ApacheNode, m: ModuleView): boolean {
  if (n.lname === 'sethandler' && /^proxy:/i.test(n.args[0] ?? '')) return true;
  const mods = modulesOfDirective(n.lname) ?? [];
  return mods.some((x) => PROXY.test(x)) || mods.some((x) => COMPANIONS.has(x) && !m.guardedBy(n, x));
}

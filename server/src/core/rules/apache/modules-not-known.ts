import { moduleOfDirective } from '../../model/apache-modules';
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
    // Those rules look only at directives of the modules proxylint knows and at "proxy:" handlers: where there are
    // none (a Debian mods-available/*.load file, a main file whose sites are not in the checkout), they miss nothing.
    if (!ctx.config.all.some(moduleDependent)) return;
    const where = why.node ? { node: why.node } : why.problem ? { at: { file: why.problem.file, ...why.problem.span } } : undefined;
    if (!where) return;
    ctx.report({
      ...where,
      message: `the list of loaded modules is not known: ${why.reason}. So ${MODULE_LIST_RULES.join(', ')} were not applied, and undefined-balancer does not report balancers used without a <Proxy> section: a missing mod_proxy_fcgi (PHP source served with 200) or mod_proxy_hcheck (httpd refuses to start) goes unreported. Lint the main configuration with its module folder present, or map it with "apache.pathMap"/"apache.serverRoot" in .proxylintrc.json`,
    });
  },
});

function moduleDependent(n: ApacheNode): boolean {
  return moduleOfDirective(n.lname) !== undefined || (n.lname === 'sethandler' && /^proxy:/i.test(n.args[0] ?? ''));
}

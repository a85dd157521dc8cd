import { apacheFix } from '../../apache-fix';
import { ifModuleNameMatchesNothing } from '../../model/apache-conditions';
import { defineApacheRule } from '../apache-rule';

/**
 * `<IfModule mod_proxy>`: httpd tests a module by its source file name (`mod_proxy.c`) or its identifier
 * (`proxy_module`), exactly as written, and nothing else answers. A name of another shape (no `.c`, a `.so`, other
 * letter case, `mod_ldap.c` for util_ldap.c) is never true, so what the section holds is never read, loaded module
 * or not, and apache2 -t says Syntax OK [lab, httpd 2.4.71]: the ProxyPass and timeouts inside silently do not exist
 * (requests are served locally, or with the defaults). With `!` the section is always read.
 * https://httpd.apache.org/docs/2.4/mod/core.html#ifmodule
 */
export default defineApacheRule({
  id: 'ifmodule-name-matches-nothing',
  server: 'apache',
  severity: 'warning',
  outcome: 'silent',
  summary: '<IfModule> names a module in a form httpd never matches (mod_proxy, mod_proxy.so, PROXY_MODULE): the section is never read (with "!", always read), and apache2 -t does not say so.',
  directives: ['IfModule'],
  versions: 'all 2.4',
  check(ctx) {
    // The sections the tree decided are skipped (most of these: their name matches nothing) are kept out of nodes().
    const sections = [...ctx.nodes('ifmodule'), ...ctx.config.unread.filter((n) => n.lname === 'ifmodule')];
    for (const n of sections) {
      const arg = n.directive.args[0];
      // `! name`, several names, or a name from a Define: the tree leaves those undecided, and so does this rule.
      if (!arg || n.directive.args.length !== 1 || n.unresolved || arg.value.includes('${')) continue;
      const negated = arg.value.startsWith('!');
      const name = negated ? arg.value.slice(1) : arg.value;
      const verdict = ifModuleNameMatchesNothing(name);
      // A LoadModule may name its symbol anything: one loaded under exactly this name answers to it.
      if (!verdict || ctx.modules.loadLines.some((l) => l.args[0] === name)) continue;
      const effect = negated ? 'is true whatever is loaded: httpd always reads the lines inside' : 'is never true: httpd never reads the lines inside, whether the module is loaded or not (apache2 -t still says Syntax OK)';
      const shapes = 'httpd compares the source file name (mod_<name>.c) or the identifier (<name>_module), as written';
      const meant = verdict.meant;
      const right = meant ? `${meant}_module` : undefined;
      ctx.report({
        node: n,
        message: `<IfModule ${arg.value}> matches no module and ${effect}; ${shapes}${right ? `: write "${negated ? '!' : ''}${right}"` : ''}`,
        // A suggestion, not a fix for --fix: the lines inside start to be read (or, with "!", stop being read), which
        // changes what the server does and may hold lines httpd refuses.
        suggestions: right ? [apacheFix(`Change to <IfModule ${negated ? '!' : ''}${right}>`, { path: n.file.path, start: arg.start, end: arg.end, newText: `${negated ? '!' : ''}${right}` })] : undefined,
      });
    }
  },
});

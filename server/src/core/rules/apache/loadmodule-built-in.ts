import { apacheFix, lineRange } from '../../apache-fix';
import type { ApacheNode } from '../../model/apache-tree';
import { moduleKey, STATIC_MODULES } from '../../model/apache-modules';
import { defineApacheRule } from '../apache-rule';

/** Built into every httpd: mod_so is what loads modules, and core/http_core are the server itself. */
const ALWAYS_BUILT_IN = new Set(['so', 'core', 'http']);

/**
 * Whether the configuration is for Debian's apache2 build, which compiles the rest of STATIC_MODULES in: it loads its
 * modules from /usr/lib/apache2/modules/ or through mods-enabled/. Red Hat's and the upstream build load mod_version,
 * mod_log_config, mod_logio, mod_unixd and mod_watchdog as modules, so there those LoadModule lines are right.
 */
function debianBuild(loadLines: ApacheNode[]): boolean {
  return loadLines.some((n) => /^"?\/usr\/lib\/apache2\/modules\//.test(n.args[1] ?? '') || /\/mods-(enabled|available)\//.test(n.file.path));
}

/** Inside <IfModule>, <IfDefine>, <IfVersion>…: whether the line is read depends on what proxylint cannot see. */
const conditional = (n: ApacheNode) => {
  for (let p = n.parent; p; p = p.parent) if (p.lname.startsWith('if')) return true;
  return false;
};

export default defineApacheRule({
  id: 'loadmodule-built-in',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'LoadModule names a module compiled into the httpd binary: httpd refuses to start ("module … is built-in and can\'t be loaded").',
  directives: ['LoadModule'],
  versions: 'all 2.4',
  check(ctx) {
    const debian = debianBuild(ctx.modules.loadLines);
    for (const n of ctx.modules.loadLines) {
      const name = n.args[0] ?? '';
      const key = moduleKey(name);
      if (!(ALWAYS_BUILT_IN.has(key) || (debian && STATIC_MODULES.has(key))) || conditional(n)) continue;
      ctx.report({
        node: n,
        message: `httpd will not start: "module ${name} is built-in and can't be loaded" (${ALWAYS_BUILT_IN.has(key) ? `mod_${key} is part of every httpd` : `Debian's apache2 compiles mod_${key} in, see "apache2 -l"`}); remove the line, the module is there without it`,
        fix: apacheFix(`Remove "LoadModule ${name}" (built in)`, { path: n.file.path, ...lineRange(n), newText: '' }),
      });
    }
  },
});

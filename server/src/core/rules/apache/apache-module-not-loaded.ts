import { enableHint, loadModuleFix } from '../../apache-fix';
import type { Fix } from '../../finding';
import { mayNotBeRead, moduleNeeds, modulesOfDirective, type ModuleView } from '../../model/apache-modules';
import table from '../../model/apache-directives.json';
import type { ApacheConfig, ApacheNode } from '../../model/apache-tree';
import { atLeast, type Version } from '../../model/version';
import { defineApacheRule } from '../apache-rule';

const isMpm = (m: string) => m.startsWith('mpm_');
const SHIPPED = new Set(table.modules);
const names = (mods: readonly string[]) => mods.map((m) => `mod_${m}`).join(' or ');

export default defineApacheRule({
  id: 'apache-module-not-loaded',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A directive of a module the configuration does not load (ProxyPass without mod_proxy, Header without mod_headers, Order/Allow/Deny without mod_access_compat, ThreadsPerChild under the prefork MPM…): httpd refuses to start with "Invalid command".',
  directives: ['ProxyPass', 'Header', 'RequestHeader', 'RewriteRule', 'SSLEngine', 'SSLProxyEngine', 'ExpiresActive', 'RemoteIPHeader', 'Order', 'Allow', 'Deny', 'ThreadsPerChild'],
  versions: 'all 2.4',
  check(ctx) {
    const fixed = new Set<string>();
    for (const g of linesHttpdRejects(ctx.config, ctx.modules, ctx.version)) {
      const n = g.lines[0];
      const name = n.directive.section ? `<${n.name}` : n.name;
      const said = `httpd refuses to start: "Invalid command '${name}', perhaps misspelled or defined by a module not included in the server configuration"`;
      const { why, fix } = g.mods.every(isMpm) ? mpmAdvice(n, g.mods, g.mpm!) : loadAdvice(n, g.mods, ctx.modules, fixed);
      const rest = g.lines.slice(1);
      const of = names(g.mods);
      const more = rest.length ? ` (${rest.length} more line${rest.length === 1 ? '' : 's'} of this file need${rest.length === 1 ? 's' : ''} ${of}: listed as related)` : '';
      ctx.report({
        node: n,
        message: `${said}: ${why}${more}`,
        fix,
        related: rest.map((x) => ({ path: x.file.path, start: x.directive.start, end: x.directive.nameSpan.end, message: `${shown(x)} also needs ${of}` })),
      });
    }
  },
});

/** A line's name as a message shows it: a section as `<Proxy>`, since httpd has no `Proxy` directive. */
function shown(n: ApacheNode): string {
  return n.directive.section ? `<${n.name}>` : n.name;
}

/** The lines of one file that need one module (or one of several) the configuration does not load, in file order. */
export interface RejectedGroup {
  lines: ApacheNode[];
  mods: readonly string[];
  /** The MPM the configuration loads, for an MPM's directives. */
  mpm?: string;
}

/**
 * The lines httpd stops at with "Invalid command" because no loaded module defines their name, grouped per file and
 * module: one finding each, at its first line (httpd stops there, and the same LoadModule, or the same removal of an
 * MPM's lines, mends the rest; Debian's mime.conf included without mod_mime was 136 errors for one missing line). The
 * Apache driver asks for them too, to leave out what other rules say of those lines.
 */
export function linesHttpdRejects(config: ApacheConfig, m: ModuleView, version: Version): RejectedGroup[] {
  // The rule and then the driver ask with the same run's view: worked out once (the module view is made per run).
  const hit = rejectedMemo.get(m);
  if (hit && hit.config === config && hit.version === version) return hit.groups;
  const groups = rejectedGroups(config, m, version);
  rejectedMemo.set(m, { config, version, groups });
  return groups;
}
const rejectedMemo = new WeakMap<ModuleView, { config: ApacheConfig; version: Version; groups: RejectedGroup[] }>();

function rejectedGroups(config: ApacheConfig, m: ModuleView, version: Version): RejectedGroup[] {
  if (!m.known) return [];
  // The modules of each name are httpd 2.4's (2.2 had Order in mod_authz_host, and no mod_authz_core). Unset, the
  // target is taken to be 2.4, as every other rule takes it.
  if (atLeast(version, '2.4.0') === false) return [];
  // Every configuration that starts loads exactly one MPM. When none is in sight the list is known through
  // mod_authz_core alone, and which MPM the server runs is not: its directives are then left alone. So they are
  // beside an MPM httpd does not ship (mpm_itk, whose directives and base are its own).
  const mpms = [...m.loaded.keys()].filter(isMpm);
  const mpm = mpms.length > 0 && mpms.every((x) => SHIPPED.has(x)) ? mpms[0] : undefined;
  // Sections httpd stops at: it never reads what is inside them.
  const stoppedAt = new Set<ApacheNode>();
  const insideStopped = (n: ApacheNode) => {
    for (let p = n.parent; p; p = p.parent) if (stoppedAt.has(p)) return true;
    return false;
  };
  const groups = new Map<string, RejectedGroup>();
  for (const n of config.all) {
    const mods = modulesOfDirective(n.lname);
    if (!mods || mods.some((x) => m.isLoaded(x) || m.guardedBy(n, x))) continue;
    if (mods.every(isMpm) && !mpm) continue;
    // Inside an <IfDefine> proxylint cannot decide, or an <IfModule> the loaded modules make false, httpd may never
    // read the line. A <Macro> body line expanded by a Use is reported at the <Macro> and Use lines themselves.
    if (mayNotBeRead(n, m) || insideStopped(n) || (n.macro && !m.isLoaded('macro'))) continue;
    if (n.directive.section) stoppedAt.add(n);
    const key = `${n.file.path}\0${mods.join(' ')}`;
    const g = groups.get(key);
    if (g) g.lines.push(n);
    else groups.set(key, { lines: [n], mods, mpm });
  }
  return [...groups.values()];
}

/**
 * An MPM's directive under another MPM (ThreadsPerChild under prefork): loading its MPM as well is no fix, since
 * httpd refuses two ("AH00534: More than one MPM loaded").
 */
function mpmAdvice(n: ApacheNode, mods: readonly string[], mpm: string): { why: string; fix?: Fix } {
  const of = mods.length === 1 ? `the ${mods[0].slice(4)} MPM` : `the ${mods.map((x) => x.slice(4)).join(' and ')} MPMs`;
  return { why: `${shown(n)} is a directive of ${of}, and this configuration runs mod_${mpm}; remove the line, or wrap it in <IfModule ${mods[0]}_module>` };
}

/** What httpd 2.4 has instead, for modules kept only so that old configurations still start. */
const INSTEAD: Record<string, string> = {
  access_compat: ' (or write the rule with httpd 2.4\'s Require, as https://httpd.apache.org/docs/2.4/upgrading.html#access shows)',
};

/** Which module to load, with the ones httpd cannot load it without; the fix once per module. */
function loadAdvice(n: ApacheNode, mods: readonly string[], m: ModuleView, fixed: Set<string>): { why: string; fix?: Fix } {
  const guard = `wrap the line in <IfModule ${mods[0]}_module>`;
  if (mods.length > 1) {
    // mod_cgi or mod_cgid for ScriptLog: which one suits depends on the MPM and on what else the server does, so no
    // line is written for the user.
    return { why: `${shown(n)} comes from ${names(mods)}, and neither is loaded; load one of them, or ${guard}` };
  }
  const mod = mods[0];
  const deps = [...moduleNeeds(mod).filter((d) => !m.isLoaded(d)), mod];
  const fix = fixed.has(mod) ? undefined : loadModuleFix(m, deps);
  fixed.add(mod);
  return { why: `${shown(n)} comes from mod_${mod}, which is not loaded; ${enableHint(m, deps)}, or ${guard}${INSTEAD[mod] ?? ''}`, fix };
}

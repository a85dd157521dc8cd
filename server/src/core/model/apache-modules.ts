import { basename, dirname } from '../paths';
import { ifModuleKey, isModuleFolder, mayLoadModules } from './apache-conditions';
import { conditionsOf, type ApacheConfig, type ApacheNode } from './apache-tree';
import table from './apache-directives.json';

/**
 * Modules Debian's apache2 2.4 builds into the binary (`apache2 -l`, recorded by scripts/gen-apache-directives.mjs):
 * there their LoadModule lines must be left out (loadmodule-built-in), and they are always there. Red Hat's and the
 * upstream build compile in only core, mod_so and http_core and load the others as modules; counting them as loaded
 * everywhere can only miss a missing LoadModule for one of them there, never report one that is not missing.
 */
export const STATIC_MODULES = new Set(table.builtIn);

/**
 * Source files whose name is not their module's: <IfModule> accepts either ("prefork.c" or "mpm_prefork_module"), and
 * `apache2 -L` names only the file.
 */
const SOURCE_NAMES: Record<string, string> = { 'event.c': 'mpm_event', 'prefork.c': 'mpm_prefork', 'worker.c': 'mpm_worker', 'util_ldap.c': 'ldap' };

/** `mod_proxy_fcgi.c`, `proxy_fcgi_module` and `mod_proxy_fcgi.so` all name module "proxy_fcgi". */
export function moduleKey(name: string): string {
  let k = basename(name.trim().replace(/^!/, '')).toLowerCase();
  if (SOURCE_NAMES[k]) return SOURCE_NAMES[k];
  k = k.replace(/\.(c|so)$/, '').replace(/_module$/, '').replace(/^mod_/, '');
  if (k === 'http_core') return 'http';
  return k;
}

/** Every stock directive (lower-case) and the modules that define it: any one of them loaded makes it known to httpd. */
const DIRECTIVE_MODULES = new Map<string, readonly string[]>(Object.entries(table.directives).map(([name, mods]) => [name.toLowerCase(), mods]));

/**
 * The modules one of which must be loaded for httpd to know the directive `lname` (lower case): ["proxy"] for
 * ProxyPass, the three MPMs for StartServers, mod_cgi or mod_cgid for ScriptLog. Undefined for a name httpd does not
 * ship and for one a built-in module defines (core, http_core, mod_so…), which never needs a LoadModule.
 */
export function modulesOfDirective(lname: string): readonly string[] | undefined {
  const mods = DIRECTIVE_MODULES.get(lname);
  return mods && !mods.some((m) => STATIC_MODULES.has(m)) ? mods : undefined;
}

/**
 * The modules httpd cannot load `module` without, because it links to their symbols as it reads the LoadModule line
 * ("undefined symbol: proxy_module" for mod_proxy_http alone): found by scripts/gen-apache-directives.mjs with apache2 -t.
 */
export function moduleNeeds(module: string): readonly string[] {
  return (table.needs as Record<string, string[]>)[module] ?? [];
}

/**
 * True when mod_proxy is known not to be loaded and `node` is a line that needs it to be read at all (ProxyPass,
 * ProxyPassMatch, BalancerMember…, not inside <IfModule mod_proxy.c>): httpd stops there with "Invalid command"
 * (apache-module-not-loaded), so rules about what its requests would get must not say that httpd starts.
 */
export function stopsWithoutProxy(m: ModuleView, node: ApacheNode): boolean {
  return m.known && modulesOfDirective(node.lname)?.[0] === 'proxy' && !m.isLoaded('proxy') && !m.guardedBy(node, 'proxy');
}

/** The module each backend scheme needs (besides mod_proxy). */
export const SCHEME_MODULES: Record<string, string[]> = {
  http: ['proxy_http'],
  https: ['proxy_http'],
  h2: ['proxy_http2'],
  h2c: ['proxy_http2'],
  fcgi: ['proxy_fcgi'],
  ajp: ['proxy_ajp'],
  scgi: ['proxy_scgi'],
  uwsgi: ['proxy_uwsgi'],
  ws: ['proxy_wstunnel'],
  wss: ['proxy_wstunnel'],
  ftp: ['proxy_ftp'],
  balancer: ['proxy_balancer'],
};

export interface ModuleView {
  /**
   * True when the configuration shows the whole list of loaded modules: it loads an MPM or mod_authz_core
   * (every complete configuration does) and no Include is missing that might load more (nor an IncludeOptional
   * that matches nothing here but may on the server, like Debian's mods-enabled/*.load). A lone vhost
   * file says nothing about modules, and rules that need the list stay quiet on it.
   */
  known: boolean;
  /**
   * Why the list is not known, when it is not and the configuration looks like a main one (it has LoadModule
   * lines, or an include that may hold them is missing): where, and what. Undefined for a fragment that loads
   * no modules (a vhost file checked on its own) and for an .htaccess file.
   */
  unknownBecause?: { node?: ApacheNode; problem?: ApacheConfig['problems'][number]; reason: string };
  loaded: Map<string, ApacheNode | null>;
  /** LoadModule lines, in order. */
  loadLines: ApacheNode[];
  isLoaded(module: string): boolean;
  /** True when the node sits inside `<IfModule module>` (so it takes effect only when the module is there). */
  guardedBy(node: ApacheNode, module: string): boolean;
  /** The LoadModule line to add for `module`, modelled on an existing one, or undefined when no model exists. */
  loadModuleLine(module: string): string | undefined;
}

export function buildModuleView(config: ApacheConfig): ModuleView {
  const loaded = new Map<string, ApacheNode | null>([...STATIC_MODULES].map((m) => [m, null]));
  const loadLines: ApacheNode[] = [];
  for (const n of config.all) {
    if (n.lname !== 'loadmodule' || n.args.length < 2) continue;
    loadLines.push(n);
    loaded.set(moduleKey(n.args[0]), n);
  }
  const anyMpm = loadLines.some((n) => moduleKey(n.args[0]).startsWith('mpm_'));
  const core = loadLines.some((n) => moduleKey(n.args[0]) === 'authz_core');
  // A dangling link a wildcard listed is reported as include-not-found, but the files it sits among were read.
  const missing = config.problems.find((p) => (p.kind === 'include-not-found' && !p.danglingLink) || p.kind === 'include-unreadable');
  const missingNode = missing && config.all.find((n) => n.file === missing.file && n.directive.args[0]?.start === missing.span.start);
  const unresolvedInclude = config.all.find((n) => (n.lname === 'include' || n.lname === 'includeoptional') && n.unresolved);
  // An IncludeOptional that matches nothing here keeps the list unknown only when it may load modules on the
  // server: a glob in the folder modules are loaded from (Debian mods-enabled, Red Hat conf.modules.d) or for
  // *.load files. An empty or missing conf-enabled/ or sites-enabled/ in a checkout of the whole tree is just
  // empty: counting it made the list unknown and switched every module-dependent rule off without a word.
  const unseen = config.unseenIncludes.find(mayLoadModules);
  const known = (anyMpm || core) && !missing && !unresolvedInclude && !unseen && !config.htaccess;
  let unknownBecause: ModuleView['unknownBecause'];
  // Said only of what looks like a main configuration: one with LoadModule lines, or one whose missing include
  // is where modules are loaded from. A vhost file checked on its own says nothing about modules, by design.
  const looksMain = loadLines.length > 0 || [missingNode, unresolvedInclude, unseen].some((n) => n && isModuleFolder(n));
  if (!known && !config.htaccess && looksMain) {
    if (missing) unknownBecause = { node: missingNode, problem: missing, reason: `an include is not in this checkout (${missing.message})` };
    else if (unresolvedInclude) unknownBecause = { node: unresolvedInclude, reason: `"${unresolvedInclude.name} ${unresolvedInclude.directive.args.map((x) => x.value).join(' ')}" names its files with a variable proxylint cannot resolve` };
    else if (unseen) unknownBecause = { node: unseen, reason: `"${unseen.name} ${unseen.args[0]}" matches nothing in this checkout, and on the server it may load modules` };
    else unknownBecause = { node: loadLines[0], reason: 'the configuration loads neither an MPM nor mod_authz_core, so its LoadModule lines are not the whole list (a complete configuration loads both)' };
  }
  return {
    known,
    unknownBecause,
    loaded,
    loadLines,
    isLoaded: (m) => loaded.has(m),
    guardedBy(node, module) {
      return conditionsOf(node).modules.some((c) => !c.negated && ifModuleKey(c.name) === module);
    },
    loadModuleLine(module) {
      const model = loadLines.find((n) => n.args[1].includes('/mod_') && n.args[1].endsWith('.so'));
      if (!model) return undefined;
      const dir = dirname(model.args[1]);
      const prefix = dir === '.' ? '' : dir + '/';
      return `LoadModule ${module}_module ${prefix}mod_${module}.so`;
    },
  };
}

/**
 * Conditional sections that may or may not be read when the loader could not decide them (a section it decided true
 * has node.condition; one it decided false is not in what rules see).
 */
const UNKNOWABLE = new Set(['ifdefine', 'ifversion', 'iffile', 'ifdirective', 'ifsection']);

/**
 * True when httpd may not read the line at all: it sits under a condition proxylint cannot evaluate, or under an
 * <IfModule> that the loaded modules, when known, make false, or one that tests a name no shipped module answers to. Rules that say httpd refuses to start skip such lines.
 */
export function mayNotBeRead(n: ApacheNode, modules: ModuleView): boolean {
  for (let p = n.parent; p; p = p.parent) {
    if (p.condition?.holds) continue;
    if (UNKNOWABLE.has(p.lname)) return true;
    if (p.lname === 'ifmodule') {
      const a = p.args[0] ?? '';
      const key = ifModuleKey(a.replace(/^!/, ''));
      // A name no shipped module answers to (mod_ldap.c, mod_ssl): httpd reads the section only if a third-party
      // module has that very name, whatever the configuration loads.
      if (key === undefined ? !a.startsWith('!') : modules.known && modules.isLoaded(key) === a.startsWith('!')) return true;
    }
  }
  return false;
}

import { basename, dirname } from '../paths';
import { isModuleFolder, mayLoadModules } from './apache-conditions';
import { conditionsOf, type ApacheConfig, type ApacheNode } from './apache-tree';

/**
 * Modules Debian's apache2 2.4 builds into the binary (`apache2 -l`): there their LoadModule lines must be left out
 * (loadmodule-built-in), and they are always there. Red Hat's and the upstream build compile in only core, mod_so
 * and http_core and load the others as modules; counting them as loaded everywhere can only miss a missing
 * LoadModule for one of them there, never report one that is not missing.
 */
export const STATIC_MODULES = new Set(['core', 'so', 'watchdog', 'http', 'log_config', 'logio', 'version', 'unixd']);

/** `mod_proxy_fcgi.c`, `proxy_fcgi_module` and `mod_proxy_fcgi.so` all name module "proxy_fcgi". */
export function moduleKey(name: string): string {
  let k = basename(name.trim().replace(/^!/, '')).toLowerCase();
  k = k.replace(/\.(c|so)$/, '').replace(/_module$/, '').replace(/^mod_/, '');
  if (k === 'http_core') return 'http';
  return k;
}

/** The module a directive belongs to, for the directives the Apache rules care about (lower-case names). */
const DIRECTIVE_MODULES: Record<string, string> = {};
const add = (module: string, names: string) => names.split(/\s+/).filter(Boolean).forEach((n) => (DIRECTIVE_MODULES[n.toLowerCase()] = module));
add('proxy', `ProxyPass ProxyPassMatch ProxyPassReverse ProxyPassReverseCookieDomain ProxyPassReverseCookiePath ProxyTimeout ProxySet BalancerMember
  ProxyPreserveHost ProxyRequests ProxyBadHeader ProxyErrorOverride ProxyAddHeaders ProxyVia ProxyIOBufferSize ProxyMaxForwards
  ProxyReceiveBufferSize ProxyStatus ProxySourceAddress ProxyPassInherit BalancerInherit BalancerPersist BalancerGrowth ProxyRemote
  ProxyRemoteMatch NoProxy ProxyDomain ProxyBlock ProxyPassInterpolateEnv`);
DIRECTIVE_MODULES['proxy'] = 'proxy';
DIRECTIVE_MODULES['proxymatch'] = 'proxy';
add('proxy_hcheck', 'ProxyHCExpr ProxyHCTemplate ProxyHCTPsize');
add('ssl', `SSLProxyEngine SSLProxyVerify SSLProxyVerifyDepth SSLProxyCheckPeerName SSLProxyCheckPeerCN SSLProxyCheckPeerExpire SSLProxyCACertificateFile
  SSLProxyCACertificatePath SSLProxyCARevocationCheck SSLProxyCARevocationFile SSLProxyCARevocationPath SSLProxyMachineCertificateFile
  SSLProxyMachineCertificatePath SSLProxyMachineCertificateChainFile SSLProxyProtocol SSLProxyCipherSuite
  SSLEngine SSLCertificateFile SSLCertificateKeyFile`);
// What reverse-proxy virtual hosts use beside mod_proxy: X-Forwarded-Proto and friends, and the WebSocket
// upgrade recipe (RewriteCond %{HTTP:Upgrade} … RewriteRule … [P]).
add('headers', 'RequestHeader Header');
add('rewrite', 'RewriteEngine RewriteRule RewriteCond RewriteBase RewriteOptions RewriteMap');
add('reqtimeout', 'RequestReadTimeout');
add('proxy_html', 'ProxyHTMLEnable ProxyHTMLURLMap');
add('proxy_ftp', 'ProxyFtpDirCharset ProxyFtpEscapeWildcards ProxyFtpListOnWildcard');
add('proxy_fcgi', 'ProxyFCGIBackendType ProxyFCGISetEnvIf');
// Only ProxyWebsocketFallbackToProxyHttp: ProxyWebsocketIdleTimeout, ProxyWebsocketAsync and ProxyWebsocketAsyncDelay are
// trunk-only, and no 2.4 module adds them (trunk-only-directive), so loading mod_proxy_wstunnel for them fixes nothing.
add('proxy_wstunnel', 'ProxyWebsocketFallbackToProxyHttp');

export function moduleOfDirective(lname: string): string | undefined {
  return DIRECTIVE_MODULES[lname];
}

/**
 * True when mod_proxy is known not to be loaded and `node` is a line that needs it to be read at all (ProxyPass,
 * ProxyPassMatch, BalancerMember…, not inside <IfModule mod_proxy.c>): httpd stops there with "Invalid command"
 * (apache-module-not-loaded), so rules about what its requests would get must not say that httpd starts.
 */
export function stopsWithoutProxy(m: ModuleView, node: ApacheNode): boolean {
  return m.known && moduleOfDirective(node.lname) === 'proxy' && !m.isLoaded('proxy') && !m.guardedBy(node, 'proxy');
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
  const missing = config.problems.find((p) => p.kind === 'include-not-found' || p.kind === 'include-unreadable');
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
      return conditionsOf(node).modules.some((c) => !c.negated && moduleKey(c.name) === module);
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
 * <IfModule> that the loaded modules, when known, make false. Rules that say httpd refuses to start skip such lines.
 */
export function mayNotBeRead(n: ApacheNode, modules: ModuleView): boolean {
  for (let p = n.parent; p; p = p.parent) {
    if (p.condition?.holds) continue;
    if (UNKNOWABLE.has(p.lname)) return true;
    if (p.lname === 'ifmodule' && modules.known) {
      const a = p.args[0] ?? '';
      if (modules.isLoaded(moduleKey(a)) === a.startsWith('!')) return true;
    }
  }
  return false;
}

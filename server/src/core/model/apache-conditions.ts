import { dirname } from '../paths';

/**
 * What httpd decides for `<IfModule>` and `<IfDefine>` while it reads a configuration, as far as the configuration
 * shows it. Both are evaluated when httpd reads the section line (EXEC_ON_READ in core.c), against what it has read
 * above it: a LoadModule or a Define below the section does not count. A section that is false is skipped to its end
 * without reading anything in it, Includes included. Checked with apache2 -t on Debian's 2.4.71
 * (test/rules/apache-conditions.test.ts repeats each case).
 */

/** A section's condition: true or false when proxylint can tell what httpd decides, undefined when it cannot. */
export type Holds = boolean | undefined;

/**
 * The modules httpd 2.4 ships, by the key of their LoadModule symbol (`proxy_http` for proxy_http_module): those of
 * Debian's apache2 2.4.71 (/usr/lib/apache2/modules and `apache2 -l`). A third-party module cannot be named like one
 * of them.
 */
const SHIPPED = new Set(
  `access_compat actions alias allowmethods asis auth_basic auth_digest auth_form authn_anon authn_core authn_dbd authn_dbm authn_file
   authn_socache authnz_fcgi authnz_ldap authz_core authz_dbd authz_dbm authz_groupfile authz_host authz_owner authz_user autoindex brotli
   bucketeer buffer cache cache_disk cache_socache case_filter case_filter_in cern_meta cgi cgid charset_lite data dav dav_fs dav_lock dbd
   deflate dialup dir dumpio echo env expires ext_filter file_cache filter headers heartbeat heartmonitor http2 ident imagemap include info
   lbmethod_bybusyness lbmethod_byrequests lbmethod_bytraffic lbmethod_heartbeat ldap log_debug log_forensic lua macro md mime mime_magic
   mpm_event mpm_prefork mpm_worker negotiation proxy proxy_ajp proxy_balancer proxy_connect proxy_express proxy_fcgi proxy_fdpass proxy_ftp
   proxy_hcheck proxy_html proxy_http proxy_http2 proxy_scgi proxy_uwsgi proxy_wstunnel ratelimit reflector remoteip reqtimeout request
   rewrite sed session session_cookie session_crypto session_dbd setenvif slotmem_plain slotmem_shm socache_dbm socache_memcache
   socache_redis socache_shmcb speling ssl status substitute suexec unique_id userdir usertrack vhost_alias xml2enc
   core so http watchdog log_config logio version unixd`.split(/\s+/).filter(Boolean),
);

/**
 * `<IfModule mod_x.c>` matches a module's source file name (module->name), which is mod_<key>.c for every shipped
 * module but these (found with `strings` in Debian's .so files, and `apache2 -l` for the built-in ones).
 */
const SOURCE_NAMES: Record<string, string> = {
  core: 'core.c',
  http: 'http_core.c',
  ldap: 'util_ldap.c',
  mpm_event: 'event.c',
  mpm_prefork: 'prefork.c',
  mpm_worker: 'worker.c',
};

/**
 * Compiled into every httpd 2.4 build: core and http_core always, mod_so wherever LoadModule works. Debian builds
 * in watchdog, log_config, logio, version and unixd as well (STATIC_MODULES), but Red Hat's and the upstream build
 * load those with LoadModule, so without a LoadModule line for one of them proxylint cannot tell whether it is there.
 */
const ALWAYS_BUILT_IN = ['core', 'so', 'http'];
const BUILT_IN_SOMEWHERE = ['watchdog', 'log_config', 'logio', 'version', 'unixd'];

interface Loaded {
  /** The symbol as httpd knows it: the first argument of LoadModule (`headers_module`). */
  symbol: string;
  /** The source file name `<IfModule mod_x.c>` matches, or undefined for a third-party module (not known here). */
  source: string | undefined;
  /** False when the LoadModule line sits in a section proxylint cannot decide, or the module may be built in. */
  certain: boolean;
  /** Where it was loaded, for the reason given on the sections it decides. */
  where: string;
}

/** A definedness: yes, no, or maybe (set under a condition proxylint cannot decide, or not known at all), and why. */
interface Defined {
  state: 'yes' | 'no' | 'maybe';
  why: string;
}

export interface ReadStateOptions {
  /**
   * The names httpd is started with `-D` (apache.defines). Undefined: not known, and a name no Define above sets
   * may have been given; a fragment checked on its own knows nothing of what its parent defines either.
   */
  commandLine?: readonly string[];
  /**
   * True for a main configuration (the file httpd is started with): nothing but -D defines a name before it, and no
   * LoadModule comes before its own.
   */
  main: boolean;
}

/**
 * What httpd has loaded and defined at the point of reading, updated line by line in the order httpd reads them.
 * `certain` on each update is false for a line inside a section whose condition proxylint cannot decide.
 */
export class ReadState {
  private readonly loaded: Loaded[] = [];
  private readonly defined = new Map<string, Defined>();
  /** What a name that neither -D nor a Define or Undefine above has touched is. */
  private otherNames: Defined;
  /** Set once something above may have loaded modules proxylint does not see (see modulesIncomplete). */
  private incomplete = false;
  private readonly main: boolean;

  constructor(options: ReadStateOptions) {
    this.main = options.main;
    for (const m of ALWAYS_BUILT_IN) this.loaded.push({ symbol: `${m}_module`, source: sourceName(m), certain: true, where: 'built into httpd' });
    for (const m of BUILT_IN_SOMEWHERE) this.loaded.push({ symbol: `${m}_module`, source: sourceName(m), certain: false, where: '' });
    this.otherNames = options.main && options.commandLine ? { state: 'no', why: 'no Define above it sets it, and apache.defines does not list it' } : { state: 'maybe', why: '' };
    // In a fragment checked on its own, the configuration that includes it may Undefine a -D name before it.
    if (options.commandLine) for (const n of options.commandLine) this.defined.set(n, options.main ? { state: 'yes', why: 'apache.defines lists it (-D)' } : { state: 'maybe', why: '' });
  }

  /** `line`: where the LoadModule is ("line 3 of x.load"). */
  loadModule(symbol: string, certain: boolean, line: string): void {
    const key = symbol.replace(/_module$/, '');
    this.loaded.push({ symbol, source: symbol.endsWith('_module') && SHIPPED.has(key) ? sourceName(key) : undefined, certain, where: `LoadModule on ${line}` });
  }

  /**
   * From here on the loaded modules may not all be in view: an Include above is missing, unreadable or names its
   * files with a variable, an IncludeOptional that matched nothing may load modules on the server, or a LoadModule
   * names its module with a variable.
   */
  modulesIncomplete(): void {
    this.incomplete = true;
  }

  /** `line`: where the Define is, for the reason given on the sections it decides ("line 3 of x.conf"). */
  define(name: string, certain: boolean, line: string): void {
    if (certain) this.defined.set(name, { state: 'yes', why: `Define on ${line} sets it` });
    else if (this.isDefined(name).state !== 'yes') this.defined.set(name, { state: 'maybe', why: '' });
  }

  undefine(name: string, certain: boolean, line: string): void {
    if (certain) this.defined.set(name, { state: 'no', why: `Undefine on ${line} removes it` });
    else if (this.isDefined(name).state !== 'no') this.defined.set(name, { state: 'maybe', why: '' });
  }

  /**
   * A Define or Undefine whose name is a variable proxylint cannot resolve, or lines proxylint does not see (`both`:
   * an include it cannot read, a `Use` it cannot expand): any name it may set or remove is no longer settled.
   */
  defineUnknown(which: 'define' | 'undefine' | 'both'): void {
    const settled = new Set(which === 'both' ? ['yes', 'no'] : which === 'undefine' ? ['yes'] : ['no']);
    for (const [name, d] of this.defined) if (settled.has(d.state)) this.defined.set(name, { state: 'maybe', why: '' });
    if (settled.has(this.otherNames.state)) this.otherNames = { state: 'maybe', why: '' };
  }

  private isDefined(name: string): Defined {
    return this.defined.get(name) ?? this.otherNames;
  }

  /**
   * `<IfModule [!]name>`: httpd looks `name` up, case-sensitively, as a loaded module's source file name (`mod_ssl.c`)
   * or as its symbol (`ssl_module`), nothing else (`mod_ssl` or `ssl` match no module). False for a name not loaded
   * only when the configuration shows every module loaded above: it is a main one that has loaded its MPM with
   * LoadModule above (a fragment's parent may have loaded anything), and nothing above is hidden.
   */
  ifModule(args: readonly string[]): { holds: Holds; why: string } {
    const parsed = parseCondition(args);
    if (!parsed) return { holds: undefined, why: '' };
    const { name, negated } = parsed;
    let maybe = false;
    for (const m of this.loaded) {
      const match = m.symbol === name || m.source === name ? 'yes' : m.source === undefined && isFileName(name) && !isShippedSource(name) ? 'maybe' : 'no';
      if (match === 'yes' && m.certain) return { holds: !negated, why: `\`${name}\` is loaded there (${m.where})` };
      if (match !== 'no') maybe = true;
    }
    // A name of no module's shape (mod_proxy, mod_proxy.so, PROXY_MODULE, mod_ldap.c) is false whatever is loaded,
    // in a file checked alone too; ifmodule-name-matches-nothing reports it.
    if (ifModuleNameMatchesNothing(name)) {
      return { holds: negated, why: `no module answers to \`${name}\`, whatever is loaded: httpd compares a source file name (mod_x.c) or an identifier (x_module), as written` };
    }
    if (maybe) return { holds: undefined, why: '' };
    // A file of LoadModule lines that a main configuration includes may load an MPM without being the main one; and
    // a build whose MPM is not loaded with LoadModule (compiled in) may have compiled in other modules too.
    const loadedAll = this.main && this.loaded.some((m) => m.certain && /^mpm_/.test(m.symbol));
    if (!loadedAll || this.incomplete) return { holds: undefined, why: '' };
    return { holds: negated, why: `no module loaded above the section is named \`${name}\`${isFileName(name) || name.endsWith('_module') ? '' : ' (httpd matches a source file name such as mod_x.c or a symbol such as x_module)'}` };
  }

  /** `<IfDefine [!]name>`: whether `name` was given with -D or by a Define above, and not removed by an Undefine. */
  ifDefine(args: readonly string[]): { holds: Holds; why: string } {
    const parsed = parseCondition(args);
    if (!parsed) return { holds: undefined, why: '' };
    const { name, negated } = parsed;
    const d = this.isDefined(name);
    if (d.state === 'maybe') return { holds: undefined, why: '' };
    return { holds: (d.state === 'yes') !== negated, why: `\`${name}\` is ${d.state === 'yes' ? '' : 'not '}defined there: ${d.why}` };
  }
}

/** `[!]name` as one argument; anything else (no argument, `! name`, two names) is left undecided. */
function parseCondition(args: readonly string[]): { name: string; negated: boolean } | undefined {
  if (args.length !== 1) return undefined;
  const negated = args[0].startsWith('!');
  const name = negated ? args[0].slice(1) : args[0];
  return name && !name.includes('${') ? { name, negated } : undefined;
}

function sourceName(key: string): string {
  return SOURCE_NAMES[key] ?? `mod_${key}.c`;
}

/**
 * The module `<IfModule name>` (without its `!`) tests, by the key of its LoadModule symbol (`ldap` for ldap_module),
 * following httpd's rule: a module answers to its source file name (`util_ldap.c`, `mod_proxy.c`, `event.c`) or to its
 * identifier (`ldap_module`), compared case-sensitively, and to nothing else. `mod_ldap.c`, `mod_ssl`, `ssl`,
 * `mod_ssl.so` or `MOD_SSL.C` match no module httpd ships (apache2 -t 2.4.71 skips such a section with mod_ldap and
 * mod_ssl loaded), so they give undefined; so does a name only a third-party module could have that is not a file
 * name or an identifier. A third-party `mod_x.c` or `x_module` gives `x`: its real source name is not known here.
 */
export function ifModuleKey(name: string): string | undefined {
  if (name.endsWith('_module')) return name.slice(0, -'_module'.length) || undefined;
  const shipped = SHIPPED_BY_SOURCE.get(name);
  if (shipped) return shipped;
  const m = /^mod_([A-Za-z0-9_]+)\.c$/.exec(name);
  // A file name shaped like a shipped module's but not its source (mod_ldap.c, mod_mpm_event.c) matches nothing.
  return m && !SHIPPED.has(m[1].toLowerCase()) ? m[1].toLowerCase() : undefined;
}

/**
 * For an `<IfModule>` name (without its `!`) that no module can answer to, what it was likely meant to name: the key of
 * the shipped module it looks like (`proxy` for `mod_proxy`, `mod_proxy.so`, `PROXY_MODULE` or `Mod_Proxy.c`; `ldap`
 * for `mod_ldap.c`), or null when it looks like none (`mod_php7`). Undefined when a module can answer to it. httpd
 * compares a module's source file name (a `__FILE__`, so it has a dot and is not a `.so`) or its identifier (which
 * ends in `_module`), case-sensitively: a name with neither shape, or a `.so`, matches nothing, whatever is loaded.
 * Also undefined for a name that resembles no shipped module and may be meant as written (see the checks below).
 */
export function ifModuleNameMatchesNothing(name: string): { meant: string | null } | undefined {
  if (!name || ifModuleKey(name) !== undefined) return undefined;
  const stem = name.toLowerCase().replace(/\.(c|so)$/, '').replace(/^mod_/, '').replace(/_module$/, '');
  const meant = SHIPPED.has(stem) ? stem : (SHIPPED_BY_SOURCE.get(`${stem}.c`) ?? null);
  // Not like a stock module: a dotted name may be a third-party source file (mod_pagespeed.cc), and a bare word
  // another server's own test (LiteSpeed's <IfModule LiteSpeed>, which httpd is meant to skip). A mod_… name or a
  // .so file name is a module meant, spelt so that it never matches.
  if (!meant && !/^mod_/i.test(name) && !/\.so$/i.test(name)) return undefined;
  if (!meant && name.includes('.') && !/\.so$/i.test(name)) return undefined;
  return { meant };
}

/** A third-party module's source name is a file name (mod_php7.c, mod_wsgi.c); a symbol has no dot. */
function isFileName(name: string): boolean {
  return name.includes('.');
}

const SHIPPED_BY_SOURCE = new Map([...SHIPPED].map((key) => [sourceName(key), key]));
function isShippedSource(name: string): boolean {
  return SHIPPED_BY_SOURCE.has(name);
}

/** Folders httpd packages load modules from: Debian's mods-enabled (and -available), Red Hat's conf.modules.d. */
const MODULE_DIRS = /^(mods-(enabled|available)|conf\.modules\.d|modules\.d)$/i;

/** True when an include that found nothing here may hold LoadModule lines on the server. */
export function mayLoadModules(include: { args: string[] }): boolean {
  // A named file that is missing: anything may be in it.
  return !/[*?[]/.test(include.args[0] ?? '') || isModuleFolder(include);
}

/** True for an include of Debian's *.load files or of a folder modules are loaded from. */
export function isModuleFolder(include: { args: string[] }): boolean {
  const written = include.args[0] ?? '';
  return /\.load$/i.test(written) || dirname(written).split('/').some((part) => MODULE_DIRS.test(part));
}

import type { Fix } from '../../finding';
import { replaceSpan } from '../../fix';
import { closest } from '../../model/names';
import { nginxDirective } from '../../model/nginx-directives';
import type { ConfigNode } from '../../model/nginx-tree';
import { moduleOf } from '../../model/nginx-upstreams';
import { builtinNginxVariables, isBuiltinNginxVariable, nginxVariableVersion } from '../../model/nginx-variables';
import { TEMPLATE_MARKUP } from '../../model/template-markup';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { connectionMapEdit } from './neighbours-support';
import { wholeConfiguration } from './whole-config';

type Module = 'http' | 'stream';

/** Dynamic modules nginx.org ships; a load_module of anything else may define variables of its own (as unknown-directive). */
const STOCK_MODULES = /(^|\/)ngx_(stream|mail|http_geoip|stream_geoip|http_image_filter|http_xslt_filter|http_perl|http_js|stream_js|otel)_module\.so$/;

/** Directives that define the variable named by one of their arguments: which one. */
const DEFINES = new Map<string, (args: string[]) => string | undefined>(Object.entries({
  set: (a) => a[0],
  map: (a) => a[1],
  geo: (a) => (a.length === 1 ? a[0] : a[1]),
  split_clients: (a) => a[1],
  perl_set: (a) => a[0],
  js_set: (a) => a[0],
  js_var: (a) => a[0],
  auth_request_set: (a) => a[0],
}));

/**
 * Directives whose arguments nginx compiles as values with variables, and which of them (checked on nginx 1.22.1: each
 * stops `nginx -t` with `unknown "nope" variable` when it uses $nope). Left out on purpose: regular expressions
 * (location, the pattern of `if` and `rewrite`, a `~` proxy_redirect), map keys and server_name, where a "$" is text.
 */
type Which = 'all' | 'from1' | 'last' | 'first';
// Maps, not objects: a line named "constructor" or "toString" must not find Object's own members.
const USES = new Map<string, Which>(Object.entries<Which>({
  proxy_set_header: 'from1', grpc_set_header: 'from1', fastcgi_param: 'from1', uwsgi_param: 'from1', scgi_param: 'from1',
  add_header: 'from1', add_trailer: 'from1', auth_request_set: 'from1', set: 'from1', rewrite: 'from1', log_format: 'from1',
  proxy_pass: 'all', grpc_pass: 'all', fastcgi_pass: 'all', uwsgi_pass: 'all', scgi_pass: 'all', try_files: 'all', root: 'all',
  alias: 'all', return: 'all', proxy_redirect: 'all', proxy_cache_key: 'all', fastcgi_cache_key: 'all', uwsgi_cache_key: 'all',
  scgi_cache_key: 'all', proxy_cache_bypass: 'all', proxy_no_cache: 'all', fastcgi_cache_bypass: 'all', fastcgi_no_cache: 'all',
  error_page: 'last', limit_req_zone: 'first', limit_conn_zone: 'first', map: 'first', if: 'first',
}));

/** `$name` and `${name}` references in a value; names are letters, digits and "_". */
const REF = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;
/** Named captures of a PCRE pattern, which nginx makes variables: (?<name>…), (?P<name>…), (?'name'…). */
const CAPTURE = /\(\?(?:P?<([A-Za-z_][A-Za-z0-9_]*)>|'([A-Za-z_][A-Za-z0-9_]*)')/g;

/** http or stream: by the block the node is in (a map's entries have a context of their own). */
function moduleAt(node: ConfigNode): Module {
  for (let n: ConfigNode | null = node; n; n = n.parent) if (n.name === 'stream' || n.context.startsWith('stream')) return 'stream';
  return moduleOf(node);
}

const varName = (arg: string | undefined): string | undefined => {
  const m = arg !== undefined ? /^\$([A-Za-z0-9_]+)$/.exec(arg) : null;
  return m ? m[1].toLowerCase() : undefined;
};

/**
 * Whether argument k of a line of `name` is one nginx compiles as a value, by USES (`which` is its entry). Asked per
 * argument rather than by slicing the list: every line of a large configuration with such a name comes here.
 */
function isUsedArg(name: string, which: Which, args: ConfigNode['directive']['args'], k: number): boolean {
  const value = args[k].value;
  // Only a condition that is a variable on its own or the left side of a test: `($nope)`, `($nope = x)`. The
  // parser gives the "(" with the first word.
  if (name === 'if') return k === 0 && (/^\(?\$[A-Za-z0-9_]+\)?$/.test(value) || /^\(\$/.test(value));
  if (name === 'log_format') return k >= 1 && !value.startsWith('escape=');
  if (name === 'proxy_redirect') return !value.startsWith('~');
  if (which === 'from1') return k >= 1;
  if (which === 'last') return k === args.length - 1;
  if (which === 'first') return k === 0;
  return true;
}

/** What a configuration defines, per module: set/map/geo/…, named captures, and the `$name` arguments of directives nginx does not know (a module's). */
function definedNames(ctx: NginxRuleContext): Record<Module, Set<string>> {
  const out: Record<Module, Set<string>> = { http: new Set(), stream: new Set() };
  const all = ctx.config.all;
  // Every line of the configuration passes here once: no array per line, and the module (a walk up the blocks) only
  // for the few lines that define a name.
  for (let k = 0; k < all.length; k++) {
    const node = all[k];
    const args = node.directive.args;
    const def = DEFINES.get(node.name);
    const named = def ? varName(def(args.map((a) => a.value))) : undefined;
    if (named) out[moduleAt(node)].add(named);
    // Not nginx's: a third-party module's directive may define any variable it names.
    let foreign: boolean | undefined;
    for (let j = -1; j < args.length; j++) {
      const v = j < 0 ? node.name : args[j].value;
      if (v.includes('(?')) for (const m of v.matchAll(CAPTURE)) out[moduleAt(node)].add((m[1] ?? m[2]).toLowerCase());
      if (!v.includes('$')) continue;
      foreign ??= !nginxDirective(node.name) && node.parent?.name !== 'map' && node.parent?.name !== 'geo' && node.parent?.name !== 'split_clients';
      if (foreign) for (const m of v.matchAll(REF)) out[moduleAt(node)].add((m[1] ?? m[2]).toLowerCase());
    }
  }
  return out;
}

/**
 * A value uses a variable that nothing defines: no built-in variable of nginx has that name, and no set, map, geo,
 * split_clients (or perl_set, js_set, auth_request_set) of the configuration makes it. nginx stops while loading:
 * `[emerg] unknown "connection_upgrade" variable` [lab, nginx 1.22.1], the usual result of copying a WebSocket
 * location without the `map` above it. Judged only on a whole configuration (a fragment's map may be in nginx.conf),
 * never in `*.template` files (envsubst fills their `${VARS}` before nginx reads them), and not at all when a
 * module outside nginx's own is loaded, since it may define variables.
 * https://nginx.org/en/docs/varindex.html
 */
export default defineNginxRule({
  id: 'undefined-variable',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A value uses a $variable that nginx does not have and no map, set or geo of the configuration defines (often $connection_upgrade without its map): nginx refuses to start.',
  directives: ['proxy_set_header', 'proxy_pass', 'map', 'set', 'return'],
  versions: 'all',
  check(ctx) {
    if (!wholeConfiguration(ctx)) return;
    if (ctx.nodes('load_module').some((n) => !n.directive.args[0] || !STOCK_MODULES.test(n.directive.args[0].value))) return;
    let defined: Record<Module, Set<string>> | undefined;
    // With a target version, a built-in variable newer than it (or removed before it) is unknown as well: nginx 1.22.1
    // stops with `unknown "http3" variable`. Without one, or for NGINX Plus (whose releases are numbered otherwise),
    // any nginx's variables are accepted.
    const version = ctx.target.edition === 'plus' ? null : ctx.target.version;
    const all = ctx.config.all;
    const reported = new Set<string>();
    // The nearest name, per module and name: a configuration that uses one undefined variable on thousands of lines
    // asks for the same one each time, and each ask compares it with every built-in variable.
    const nearest = new Map<string, string | undefined>();
    // Values already found to use only known variables, per module: most lines repeat a few ($host, $remote_addr,
    // $proxy_add_x_forwarded_for), and a large configuration has tens of thousands of them.
    const known: Record<Module, Set<string>> = { http: new Set(), stream: new Set() };
    for (let k = 0; k < all.length; k++) {
      const node = all[k];
      const which = USES.get(node.name);
      if (!which || node.file.path.endsWith('.template')) continue;
      // A map's entries are not its own directives: the value of each (`default $x;`, `key $x;`) is compiled too.
      const inMap = node.parent?.name === 'map';
      if (!inMap && !nginxDirective(node.name)) continue;
      if (node.context.startsWith('mail')) continue;
      // Most lines hold no "$": the module (a walk up the blocks) is worked out only for those that do.
      const args = node.directive.args;
      let mod: Module | undefined;
      for (let j = 0; j < args.length; j++) {
        if (args[j].value.includes('$') && isUsedArg(node.name, which, args, j)) check(node, args[j], (mod ??= moduleAt(node)));
      }
    }
    // Values of map entries: `default $nope;` stops nginx as well.
    for (const map of ctx.nodes('map')) {
      if (map.file.path.endsWith('.template')) continue;
      for (const entry of map.children) {
        const a = entry.directive.args;
        if (a.length === 1 && entry.name !== 'include' && a[0].value.includes('$')) check(entry, a[0], moduleAt(map));
      }
    }

    function check(node: ConfigNode, arg: ConfigNode['directive']['args'][number], mod: Module) {
      if (!arg.value.includes('$') || known[mod].has(arg.raw)) return;
      if (TEMPLATE_MARKUP.test(arg.raw)) return void known[mod].add(arg.raw);
      let unknown = false;
      for (const m of arg.value.matchAll(REF)) {
        // `$1`…`$9` unbraced are captures of one digit: `$1index` is $1 then "index", `$10` is $1 then "0" (nginx 1.22.1
        // accepts both; it refuses `$0` and `${1}`, which are names).
        if (m[2] !== undefined && m[2].charCodeAt(0) >= 49 && m[2].charCodeAt(0) <= 57) continue;
        const name = (m[1] ?? m[2]).toLowerCase();
        if (isBuiltinNginxVariable(name, mod, version)) continue;
        defined ??= definedNames(ctx);
        if (defined[mod].has(name)) continue;
        unknown = true;
        const at = arg.raw.indexOf(m[0]);
        const start = at >= 0 ? arg.start + at : arg.start;
        const end = at >= 0 ? start + m[0].length : arg.end;
        const key = `${node.file.path}\0${start}`;
        if (reported.has(key)) continue;
        reported.add(key);
        report(node, { start, end }, name, mod, defined[mod], m[1] !== undefined);
      }
      if (!unknown) known[mod].add(arg.raw);
    }

    function nearName(name: string, mod: Module, own: Set<string>): string | undefined {
      const key = `${mod}\0${name}`;
      if (nearest.has(key)) return nearest.get(key);
      const near = closest(name, [...own], 2) ?? closest(name, builtinNginxVariables(mod, version), 2);
      nearest.set(key, near);
      return near;
    }

    function report(node: ConfigNode, span: { start: number; end: number }, name: string, mod: Module, own: Set<string>, braced: boolean) {
      const other: Module = mod === 'http' ? 'stream' : 'http';
      const elsewhere = defined![other].has(name) || isBuiltinNginxVariable(name, other, version);
      const fixes: Fix[] = [];
      let fix: Fix | undefined;
      let why = `no map, set or geo in this configuration defines $${name}, and nginx has no built-in variable of that name`;
      // Only here when a version is set: built into nginx, but not into the target.
      const later = isBuiltinNginxVariable(name, mod) ? nginxVariableVersion(name, mod) : undefined;
      if (later && version) {
        const target = version.join('.');
        why = later.since ? `nginx ${target} has no $${name}: it came with nginx ${later.since} (${later.source}), and no map, set or geo in this configuration defines it` : `nginx ${target} has no $${name}: it was removed in nginx ${later.removed} (${later.source})`;
      } else if (elsewhere) why = `$${name} exists only in ${other} {}, and http {} and stream {} have separate variables`;
      // A name one or two letters from one the configuration defines (its own map's spelling) or a built-in one.
      const near = later ? undefined : nearName(name, mod, own);
      if (near) {
        why += ` (did you mean $${near}?)`;
        fixes.push({ title: `Change to $${near}`, edits: [replaceSpan(node.file, span, braced ? `\${${near}}` : `$${near}`)] });
      } else if (name === 'connection_upgrade' && mod === 'http') {
        // The WebSocket location was copied without the map that goes with it. Adding it cannot break a configuration
        // that does not start: safe. Its '' entry sends no Connection header for ordinary requests (keep-alive works).
        const edit = connectionMapEdit(ctx);
        why += ': it is the variable of the WebSocket map (map $http_upgrade $connection_upgrade { … }) that goes in http {}, not copied along with this location';
        if (edit) fix = { title: 'Define $connection_upgrade: add the WebSocket map to http {}', edits: [edit] };
      }
      ctx.report({ at: { file: node.file, ...span }, message: `nginx will not start: unknown "${name}" variable — ${why}`, fix, suggestions: fixes });
    }
  },
});

import type { Fix } from '../../finding';
import { replaceSpan } from '../../fix';
import { closest } from '../../model/names';
import { nginxDirective } from '../../model/nginx-directives';
import type { ConfigNode } from '../../model/nginx-tree';
import { moduleOf } from '../../model/nginx-upstreams';
import { builtinNginxVariables, isBuiltinNginxVariable } from '../../model/nginx-variables';
import { TEMPLATE_MARKUP } from '../../model/template-markup';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { connectionMapEdit } from './neighbours-support';
import { wholeConfiguration } from './whole-config';

type Module = 'http' | 'stream';

/** Dynamic modules nginx.org ships; a load_module of anything else may define variables of its own (as unknown-directive). */
const STOCK_MODULES = /(^|\/)ngx_(stream|mail|http_geoip|stream_geoip|http_image_filter|http_xslt_filter|http_perl|http_js|stream_js|otel)_module\.so$/;

/** Directives that define the variable named by one of their arguments: which one. */
const DEFINES: Record<string, (args: string[]) => string | undefined> = {
  set: (a) => a[0],
  map: (a) => a[1],
  geo: (a) => (a.length === 1 ? a[0] : a[1]),
  split_clients: (a) => a[1],
  perl_set: (a) => a[0],
  js_set: (a) => a[0],
  js_var: (a) => a[0],
  auth_request_set: (a) => a[0],
};

/**
 * Directives whose arguments nginx compiles as values with variables, and which of them (checked on nginx 1.22.1: each
 * stops `nginx -t` with `unknown "nope" variable` when it uses $nope). Left out on purpose: regular expressions
 * (location, the pattern of `if` and `rewrite`, a `~` proxy_redirect), map keys and server_name, where a "$" is text.
 */
const USES: Record<string, 'all' | 'from1' | 'last' | 'first'> = {
  proxy_set_header: 'from1', grpc_set_header: 'from1', fastcgi_param: 'from1', uwsgi_param: 'from1', scgi_param: 'from1',
  add_header: 'from1', add_trailer: 'from1', auth_request_set: 'from1', set: 'from1', rewrite: 'from1', log_format: 'from1',
  proxy_pass: 'all', grpc_pass: 'all', fastcgi_pass: 'all', uwsgi_pass: 'all', scgi_pass: 'all', try_files: 'all', root: 'all',
  alias: 'all', return: 'all', proxy_redirect: 'all', proxy_cache_key: 'all', fastcgi_cache_key: 'all', uwsgi_cache_key: 'all',
  scgi_cache_key: 'all', proxy_cache_bypass: 'all', proxy_no_cache: 'all', fastcgi_cache_bypass: 'all', fastcgi_no_cache: 'all',
  error_page: 'last', limit_req_zone: 'first', limit_conn_zone: 'first', map: 'first', if: 'first',
};

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

/** The arguments of `node` that nginx compiles as values, by USES. */
function usedArgs(node: ConfigNode): ConfigNode['directive']['args'] {
  const args = node.directive.args;
  const which = USES[node.name];
  if (!which || !args.length) return [];
  if (node.name === 'if') {
    // Only a condition that is a variable on its own or the left side of a test: `($nope)`, `($nope = x)`. The
    // parser gives the "(" with the first word.
    const first = args[0];
    return /^\(?\$[A-Za-z0-9_]+\)?$/.test(first.value) || /^\(\$/.test(first.value) ? [first] : [];
  }
  if (node.name === 'log_format') return args.slice(1).filter((a) => !a.value.startsWith('escape='));
  if (node.name === 'proxy_redirect') return args.filter((a) => !a.value.startsWith('~'));
  if (which === 'from1') return args.slice(1);
  if (which === 'last') return args.slice(-1);
  if (which === 'first') return args.slice(0, 1);
  return args;
}

/** What a configuration defines, per module: set/map/geo/…, named captures, and the `$name` arguments of directives nginx does not know (a module's). */
function definedNames(ctx: NginxRuleContext): Record<Module, Set<string>> {
  const out: Record<Module, Set<string>> = { http: new Set(), stream: new Set() };
  const all = ctx.config.all;
  for (let k = 0; k < all.length; k++) {
    const node = all[k];
    const mod = moduleAt(node);
    const values = node.directive.args.map((a) => a.value);
    const def = DEFINES[node.name];
    const named = def ? varName(def(values)) : undefined;
    if (named) out[mod].add(named);
    // Not nginx's: a third-party module's directive may define any variable it names.
    const foreign = !nginxDirective(node.name) && node.parent?.name !== 'map' && node.parent?.name !== 'geo' && node.parent?.name !== 'split_clients';
    for (const v of [node.name, ...values]) {
      if (v.includes('(?')) for (const m of v.matchAll(CAPTURE)) out[mod].add((m[1] ?? m[2]).toLowerCase());
      if (foreign && v.includes('$')) for (const m of v.matchAll(REF)) out[mod].add((m[1] ?? m[2]).toLowerCase());
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
    const all = ctx.config.all;
    const reported = new Set<string>();
    for (let k = 0; k < all.length; k++) {
      const node = all[k];
      if (!(node.name in USES) || node.file.path.endsWith('.template')) continue;
      // A map's entries are not its own directives: the value of each (`default $x;`, `key $x;`) is compiled too.
      const inMap = node.parent?.name === 'map';
      if (!inMap && !nginxDirective(node.name)) continue;
      const mod = moduleAt(node);
      if (node.context.startsWith('mail')) continue;
      for (const arg of usedArgs(node)) check(node, arg, mod);
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
      if (!arg.value.includes('$') || TEMPLATE_MARKUP.test(arg.raw)) return;
      for (const m of arg.value.matchAll(REF)) {
        // `$1`…`$9` unbraced are captures of one digit: `$1index` is $1 then "index", `$10` is $1 then "0" (nginx 1.22.1
        // accepts both; it refuses `$0` and `${1}`, which are names).
        if (m[2] !== undefined && m[2].charCodeAt(0) >= 49 && m[2].charCodeAt(0) <= 57) continue;
        const name = (m[1] ?? m[2]).toLowerCase();
        if (isBuiltinNginxVariable(name, mod)) continue;
        defined ??= definedNames(ctx);
        if (defined[mod].has(name)) continue;
        const at = arg.raw.indexOf(m[0]);
        const start = at >= 0 ? arg.start + at : arg.start;
        const end = at >= 0 ? start + m[0].length : arg.end;
        const key = `${node.file.path}\0${start}`;
        if (reported.has(key)) continue;
        reported.add(key);
        report(node, { start, end }, name, mod, defined[mod], m[1] !== undefined);
      }
    }

    function report(node: ConfigNode, span: { start: number; end: number }, name: string, mod: Module, own: Set<string>, braced: boolean) {
      const other: Module = mod === 'http' ? 'stream' : 'http';
      const elsewhere = defined![other].has(name) || isBuiltinNginxVariable(name, other);
      const fixes: Fix[] = [];
      let fix: Fix | undefined;
      let why = `no map, set or geo in this configuration defines $${name}, and nginx has no built-in variable of that name`;
      if (elsewhere) why = `$${name} exists only in ${other} {}, and http {} and stream {} have separate variables`;
      // A name one or two letters from one the configuration defines (its own map's spelling) or a built-in one.
      const near = closest(name, [...own], 2) ?? closest(name, builtinNginxVariables(mod), 2);
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

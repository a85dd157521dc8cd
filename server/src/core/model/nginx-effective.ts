import { blockContext, type ConfigNode, type NginxConfig } from './nginx-tree';
import { noteRead } from '../reads';
import { nginxDefault, type NginxTarget } from './nginx-defaults';
import { isKnownNginxDirective } from './nginx-directives';
import { isDuplicateAtLevel } from './nginx-single-value';

/**
 * Directives that apply only at the level where they are written: nginx does not merge them into
 * nested levels (the rewrite module's statements, handlers such as the *_pass family, names and listens).
 */
const NOT_INHERITED = new Set([
  'proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass',
  'return', 'rewrite', 'set', 'break', 'if', 'location', 'server', 'upstream', 'listen', 'server_name',
  'include', 'limit_except', 'try_files', 'internal', 'health_check',
]);

/** Levels a directive value passes down through: http → server → location → nested location / if / limit_except. */
const INHERITING_CONTEXTS = new Set(['http', 'server', 'location', 'if-location', 'if-server', 'limit_except', 'stream', 'stream-server', 'mail', 'mail-server']);

export type Origin = 'here' | 'inherited' | 'default' | 'unset';

export interface Effective {
  /** All directives of that name at the level that decides the value (several for array-like directives such as proxy_set_header). */
  nodes: ConfigNode[];
  origin: Origin;
  /** The built-in default, when origin is "default". */
  defaultValue?: string;
  /**
   * True when `nodes` are two or more of a directive nginx takes once per level ("directive is duplicate"): nginx
   * does not start, so no value is in force here. Rules that judge or compare the value say nothing then (the
   * duplicate is duplicate-directive's finding); the hover says "none: nginx will not start".
   */
  duplicate?: true;
}

/**
 * Per level, its children grouped by name, built on first use. Without it every lookup scans a level's
 * children, and the http level of a large configuration has thousands (every server block).
 */
const levelIndex = new WeakMap<ConfigNode | NginxConfig, Map<string, ConfigNode[]>>();
const NONE: ConfigNode[] = [];

/** Levels with fewer children are scanned instead: most server and location blocks hold a handful of directives. */
const INDEX_FROM = 24;

export function childrenNamed(level: ConfigNode | null, config: NginxConfig, name: string): ConfigNode[] {
  const children = level ? level.children : config.roots;
  if (children.length < INDEX_FROM) {
    // No map per level: a 20 MB configuration has hundreds of thousands of small levels, and the maps cost more
    // memory (and garbage collection) than the scans they save.
    // The first match starts an array of one, not `[]` and push(): a push onto an empty array makes room for 17, and
    // nearly every level has one line of a name (rules ask this for every pass, tens of thousands of times).
    let out: ConfigNode[] | undefined;
    for (let k = 0; k < children.length; k++) {
      if (children[k].name !== name) continue;
      if (out) out.push(children[k]);
      else out = [children[k]];
    }
    return out ?? NONE;
  }
  const key = level ?? config;
  let index = levelIndex.get(key);
  if (!index) {
    index = new Map();
    for (const c of level ? level.children : config.roots) {
      const list = index.get(c.name);
      if (list) list.push(c);
      else index.set(c.name, [c]);
    }
    levelIndex.set(key, index);
  }
  return index.get(name) ?? NONE;
}

/**
 * The value of `name` in force inside block `scope` (null = top level). nginx resolves every level's
 * value at start-up by taking the level's own directives if it has any, else the parent level's:
 * that is why one `proxy_set_header` in a location hides all the ones written in `server`
 * (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header).
 */
export function effective(config: NginxConfig, scope: ConfigNode | null, name: string, target: NginxTarget): Effective {
  let level = scope;
  let first = true;
  for (;;) {
    const found = childrenNamed(level, config, name);
    if (found.length) {
      const origin = first ? 'here' : 'inherited';
      return found.length > 1 && isDuplicateAtLevel(name, found) ? { nodes: found, origin, duplicate: true } : { nodes: found, origin };
    }
    if (NOT_INHERITED.has(name) || !level) break;
    const ctx = blockContextOf(level);
    // http, stream and mail are the outermost levels that hand values down; upstream and data blocks hand down nothing.
    // A block nginx does not know (a half-typed "locatio {", a third-party module) is looked through: nginx refuses
    // it anyway, and rules that place a fix outside it must then see that fix from inside it, or --fix never settles.
    if ((!INHERITING_CONTEXTS.has(ctx) && isKnownNginxDirective(level.name)) || ctx === 'http' || ctx === 'stream' || ctx === 'mail') break;
    level = level.parent;
    first = false;
  }
  const context = scope ? blockContextOf(scope) : config.rootContext;
  return notWritten(name, target, context.startsWith('stream'));
}

/**
 * Whether one of `names` has no value in force in `scope` because the level that decides it has it twice (see
 * Effective.duplicate): nginx does not start, so a rule has nothing there to judge or compare.
 */
export function noValueIn(effectiveAt: (scope: ConfigNode | null, name: string) => Effective, scope: ConfigNode | null, names: readonly string[]): boolean {
  for (const name of names) if (effectiveAt(scope, name).duplicate) return true;
  return false;
}

/**
 * The result for a directive written nowhere up the chain: the same for every level of one target, so it is made
 * once and shared (rules ask for it tens of thousands of times on a large configuration). Frozen: never changed.
 */
const notWrittenCache = new WeakMap<NginxTarget, Map<string, Effective>>();
const EMPTY: ConfigNode[] = Object.freeze([]) as unknown as ConfigNode[];
function notWritten(name: string, target: NginxTarget, stream: boolean): Effective {
  let byName = notWrittenCache.get(target);
  if (!byName) notWrittenCache.set(target, (byName = new Map()));
  const key = stream ? 's\0' + name : name;
  let e = byName.get(key);
  if (!e) {
    const def = nginxDefault(name, target, stream);
    e = Object.freeze(def === undefined ? { nodes: EMPTY, origin: 'unset' as const } : { nodes: EMPTY, origin: 'default' as const, defaultValue: def });
    byName.set(key, e);
  }
  return e;
}

/** The context a block node opens (its children's context). */
export function blockContextOf(node: ConfigNode): string {
  return blockContext(node.name, node.context);
}

/** The nearest enclosing block of one of the given kinds. */
export function enclosing(node: ConfigNode, ...names: string[]): ConfigNode | null {
  for (let p = node.parent; p; p = p.parent) if (names.includes(p.name)) return p;
  return null;
}

/**
 * Directives nginx reads as a set of flags (ngx_conf_set_bitmask_slot): each line at a level ORs its words into the
 * level's value, so `proxy_next_upstream error; proxy_next_upstream http_502;` means `error http_502`, and nginx -t
 * accepts both lines (1.22.1, tested). A level with any line still replaces the inherited value wholesale
 * (ngx_conf_merge_bitmask_value takes the parent's only when the level has none): there is no union across levels.
 * stream's proxy_next_upstream is not here: it is on/off, and a second line is "directive is duplicate".
 */
const BITMASK = new Set([
  ...['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc', 'memcached'].map((m) => `${m}_next_upstream`),
  ...['proxy', 'fastcgi', 'uwsgi', 'scgi'].flatMap((m) => [`${m}_cache_use_stale`, `${m}_cache_methods`, `${m}_ignore_headers`]),
  'ssl_protocols', 'proxy_ssl_protocols', 'uwsgi_ssl_protocols', 'grpc_ssl_protocols', 'gzip_proxied',
]);

/** Whether nginx combines every line of `name` at one level into one set of flags (see BITMASK); `context` is the lines' context. */
export function isBitmaskDirective(name: string, context: string): boolean {
  return BITMASK.has(name) && !(name === 'proxy_next_upstream' && context.startsWith('stream'));
}

/** The merged flags per level, keyed by the level's first line (the lines of one level are always found together). */
const mergedCache = new WeakMap<ConfigNode, readonly string[]>();
const splitCache = new Map<string, readonly string[]>();

/**
 * The flags in force for a bitmask directive (see BITMASK): the words of every line at the deciding level, each once
 * and lower-cased (nginx compares them without case), or the default's (else `fallback`'s) words when none is
 * written. `off` wins over everything else, wherever it is written at that level: nginx's merge for *_next_upstream
 * and *_cache_use_stale keeps only the off bit then (ngx_http_proxy_merge_loc_conf), so the result is just ["off"].
 * For a directive that is not a bitmask it gives the words of the last line (the one that decides). Shared: do not modify.
 */
export function flagsInForce(e: Effective, fallback = ''): readonly string[] {
  const nodes = e.nodes;
  if (!nodes.length) {
    const text = e.defaultValue ?? fallback;
    let words = splitCache.get(text);
    if (!words) splitCache.set(text, (words = text.split(/\s+/).filter(Boolean)));
    return words;
  }
  // The words are the lines' arguments: noted here, for the uses that find them made (core/reads.ts).
  noteRead(nodes[0].name);
  let words = mergedCache.get(nodes[0]);
  if (!words) {
    const lines = isBitmaskDirective(nodes[0].name, nodes[0].context) ? nodes : [nodes[nodes.length - 1]];
    const set = new Set<string>();
    for (const n of lines) for (const a of n.directive.args) set.add(a.value.toLowerCase());
    words = set.has('off') ? ['off'] : [...set];
    mergedCache.set(nodes[0], words);
  }
  return words;
}

/** The line at the deciding level that writes `word` (the last such line), for a finding about that word. */
export function lineWithFlag(e: Effective, word: string): ConfigNode | undefined {
  for (let k = e.nodes.length - 1; k >= 0; k--) if (e.nodes[k].directive.args.some((a) => a.value.toLowerCase() === word)) return e.nodes[k];
  return undefined;
}

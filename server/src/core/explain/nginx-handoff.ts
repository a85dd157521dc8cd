import type { ConfigNode } from '../model/nginx-tree';
import { PASS_DIRECTIVES } from '../model/nginx-upstreams';

/** One internal redirect: `via` (try_files, error_page, rewrite) in location `from` sent the request to location `to`. */
export interface HandOff {
  from: ConfigNode;
  via: ConfigNode;
  to: ConfigNode;
  /** The request's URI from then on (a named location keeps it). */
  uri: string;
}

/** How the locations of a server are found: a URI by nginx's location search, `@name` among the named locations. */
export interface Lookup {
  uri(path: string): ConfigNode | undefined;
  named(name: string): ConfigNode | undefined;
}

/**
 * A URI argument as nginx would use it, when it can be told here: the query (`?$args`) dropped, `$uri` as the
 * request's path; undefined when another variable is in the path.
 */
function uriOf(arg: string, path: string): string | undefined {
  const p = arg.replace(/\?.*$/, '').replace(/\$(?:\{uri\}|uri\b|\{document_uri\}|document_uri\b)/g, path);
  return p.startsWith('/') && !p.includes('$') ? p : undefined;
}

function target(arg: string, path: string, lookup: Lookup): { node: ConfigNode; uri: string } | undefined {
  const uri = arg.startsWith('@') ? path : uriOf(arg, path);
  const node = arg.startsWith('@') ? lookup.named(arg) : uri === undefined ? undefined : lookup.uri(uri);
  return node && uri !== undefined ? { node, uri } : undefined;
}

/**
 * The error_page directives in force in `location`: nginx takes the innermost level that has any and inherits
 * nothing once a level has one (ngx_http_core_merge_loc_conf), so a location's own error_page for another code
 * hides the server's.
 */
function errorPagesAt(location: ConfigNode): ConfigNode[] {
  for (let level: ConfigNode | null = location; level; level = level.parent) {
    const here = level.children.filter((c) => c.name === 'error_page');
    if (here.length || level.name === 'http') return here;
  }
  return [];
}

/**
 * The places a request that matched `location` can be handed on to without a new request from the client (the
 * error log's `request:` stays the client's, while the settings in force are the new location's):
 * - `try_files … last`: the last argument, a named location or a URI searched again, when no file before it exists;
 * - `error_page codes [=code] @name|/uri`: after the location (or its backend, with *_intercept_errors) made one of
 *   those codes (not 502 or 504 alone where the location passes nowhere);
 * - `rewrite regex replacement [last]` in the location: the new URI is searched again (a `break` keeps the location,
 *   `redirect`/`permanent` or a URL send the client elsewhere: a new request, logged with its own path).
 * Each is a possibility, not a fact: the line cannot say which files existed or what the backend answered.
 */
export function handOffsFrom(location: ConfigNode, path: string, lookup: Lookup): HandOff[] {
  const out: HandOff[] = [];
  const add = (via: ConfigNode, to: { node: ConfigNode; uri: string } | undefined) => {
    if (to && to.node !== location) out.push({ from: location, via, to: to.node, uri: to.uri });
  };
  for (const c of location.children) {
    if (c.name === 'try_files' && c.directive.args.length >= 2) {
      const last = c.directive.args[c.directive.args.length - 1].value;
      if (!last.startsWith('=')) add(c, target(last, path, lookup));
    }
  }
  // nginx makes 502 and 504 only for a backend that failed: a location that passes nowhere itself (a try_files or
  // rewrite one) cannot hand a request on by an error_page for those codes alone.
  const passesItself = location.children.some((c) => (PASS_DIRECTIVES as readonly string[]).includes(c.name) || c.children.some((i) => (PASS_DIRECTIVES as readonly string[]).includes(i.name)));
  for (const c of errorPagesAt(location)) {
    const args = c.directive.args.map((a) => a.value);
    if (args.length < 2) continue;
    const codes = args.slice(0, -1).filter((a) => /^\d{3}$/.test(a));
    if (!passesItself && codes.every((code) => code === '502' || code === '504')) continue;
    add(c, target(args[args.length - 1], path, lookup));
  }
  let uri = path;
  let rewrote: ConfigNode | undefined;
  for (const c of location.children) {
    if (c.name !== 'rewrite' || c.directive.args.length < 2) continue;
    const [pattern, replacement, flag] = c.directive.args.map((a) => a.value);
    let re: RegExp;
    try {
      re = new RegExp(pattern);
    } catch {
      break; // PCRE-only syntax: what it does to the URI cannot be told here
    }
    const m = re.exec(uri);
    if (!m) continue;
    if (/^(?:https?:\/\/|\$scheme)/.test(replacement) || flag === 'redirect' || flag === 'permanent' || flag === 'break') {
      rewrote = undefined;
      break;
    }
    const next = uriOf(replacement.replace(/\$(\d)/g, (_, n: string) => m[Number(n)] ?? ''), uri);
    if (next === undefined) {
      rewrote = undefined;
      break;
    }
    uri = next;
    rewrote = c;
    if (flag === 'last') break;
  }
  const after = rewrote && lookup.uri(uri);
  if (rewrote && after) add(rewrote, { node: after, uri });
  return out;
}

/** Every chain of hand-offs from `start` to a location that `passes` accepts, shortest first (at most `depth` steps; nginx itself stops after 10 internal redirects). */
export function handOffChains(start: ConfigNode, path: string, lookup: Lookup, passes: (l: ConfigNode) => boolean, depth = 10): HandOff[][] {
  const found: HandOff[][] = [];
  const seen = new Set<ConfigNode>([start]);
  let frontier: { at: ConfigNode; uri: string; chain: HandOff[] }[] = [{ at: start, uri: path, chain: [] }];
  for (let step = 0; step < depth && frontier.length; step++) {
    const next: typeof frontier = [];
    for (const { at, uri, chain } of frontier) {
      for (const h of handOffsFrom(at, uri, lookup)) {
        if (seen.has(h.to)) continue;
        seen.add(h.to);
        const longer = [...chain, h];
        if (passes(h.to)) found.push(longer);
        else next.push({ at: h.to, uri: h.uri, chain: longer });
      }
    }
    frontier = next;
  }
  return found;
}

import type { Fix } from '../../finding';
import { insertLinesBefore, replaceSpan } from '../../fix';
import type { ConfigNode } from '../../model/nginx-tree';
import type { Arg } from '../../syntax/nginx/ast';
import { defineNginxRule } from '../rule';
import { locationMatch, writtenLike } from './addresses-support';

/**
 * "When variables are used in proxy_pass … if URI is specified in the directive, it is passed to the server as is,
 * replacing the original request URI" (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass).
 * Without variables, `location /api/ { proxy_pass http://b/v1/; }` swaps the matched prefix; put the host in a
 * variable (to have it resolved per request) and the same line sends every request to "/v1/", query dropped.
 * Checked on nginx 1.22.1: with `proxy_pass http://$b/;` a request for /a/users?x=1 reached the backend as "/".
 *
 * A URI that names a resource (`/healthcheck.php`, `/auth`) is usually meant to be fixed, as in auth_request or
 * health-probe locations, so only a URI path ending in "/" (the prefix-mapping idiom) is reported; exact and named
 * locations serve one path by design and are left alone.
 */

/** Rewrite-module statements: executed in order, and a `rewrite … break` stops the ones after it. */
const REWRITE_MODULE = new Set(['set', 'rewrite', 'return', 'break', 'if']);

/** Characters a location prefix may have for the rewrite fix: no regex syntax to escape but ".", nothing to quote. */
const PLAIN_PATH = /^\/[A-Za-z0-9/_.~-]*$/;

/** The static URI part of a proxy_pass value with variables, or undefined when the path after the host varies. */
function staticUri(value: string): string | undefined {
  const sep = value.indexOf('://');
  if (sep < 0) {
    // `proxy_pass $api/auth/;` with `set $api http://api:8000;` (the Docker habit): the variable holds the scheme and
    // host, and what follows it is the URI part, sent as it is just the same (checked on nginx 1.22.1:
    // /auth/login?x=1 reached the backend as "/auth/"). `proxy_pass $upstream;` has no URI part: the whole URL
    // comes from the variable.
    const lead = /^\$(?:[A-Za-z0-9_]+|\{[A-Za-z0-9_]+\})(?=\/)/.exec(value);
    if (!lead) return undefined;
    const uri = value.slice(lead[0].length);
    return uri.split('?')[0].includes('$') ? undefined : uri;
  }
  const rest = value.slice(sep + 3);
  if (rest.startsWith('unix:')) return undefined;
  const slash = rest.indexOf('/');
  if (slash < 0) return undefined; // `http://$b` or `http://$b$request_uri`: the request's URI (or a variable's).
  const uri = rest.slice(slash);
  const path = uri.split('?')[0];
  return path.includes('$') ? undefined : uri;
}

/** The location a proxy_pass serves: its parent, or the one around the `if` / `limit_except` it sits in. */
function locationOf(node: ConfigNode): ConfigNode | undefined {
  for (let p = node.parent; p; p = p.parent) if (p.name === 'location') return p;
  return undefined;
}

export default defineNginxRule({
  id: 'variable-proxy-pass-replaces-uri',
  server: 'nginx',
  severity: 'warning',
  outcome: 'wrong-backend-path',
  summary: 'proxy_pass has variables and a URI such as "/" or "/api/": nginx then sends that URI in place of the request\'s, so every request reaches the backend as the same path.',
  directives: ['proxy_pass', 'location'],
  versions: 'all',
  check(ctx) {
    for (const t of ctx.upstreams.passes) {
      if (t.directive !== 'proxy_pass' || t.module !== 'http' || !t.hasVariables) continue;
      const uri = staticUri(t.arg.value);
      if (uri === undefined || !uri.split('?')[0].endsWith('/')) continue;
      const loc = locationOf(t.node);
      if (!loc) continue;
      const m = locationMatch(loc);
      if (m.kind === 'exact' || m.kind === 'named') continue;
      const target = t.arg.value.slice(0, t.arg.value.length - uri.length);
      const where = m.kind === 'prefix' ? `location ${m.pattern}` : `location ${m.caseless ? '~*' : '~'} ${m.pattern}`;
      const example = m.kind === 'prefix' && m.pattern.startsWith('/') ? `${m.pattern}${m.pattern.endsWith('/') ? '' : '/'}users?page=2` : undefined;
      const path = uri.split('?')[0];
      const message =
        `proxy_pass ${t.arg.value} has variables, so nginx sends its URI as it is, in place of the request's: every request to ${where} reaches the backend with the path "${path}"` +
        (uri.includes('?') ? '' : ' and no query string') +
        (example ? ` (a request for ${example} too)` : '') +
        (m.kind === 'prefix' ? ', where without variables nginx would only swap the matched prefix' : '') +
        '; the backend then answers the same page (or 404) for every path';
      ctx.report({ node: t.node, message, suggestions: suggestionsFor(t.node, t.arg, loc, m.kind === 'prefix' ? m.pattern : undefined, target, uri) });
    }
  },
});

/**
 * Prefix locations only: for a regex location nginx refuses a static URI part, so there is no mapping to restore.
 * Location and URI equal: dropping the URI passes the request's own, which already starts with the prefix. Otherwise
 * a `rewrite … break` does the prefix swap nginx does without variables (the query string is kept: the replacement
 * has no "?"), and proxy_pass without a URI then passes the rewritten URI.
 */
function suggestionsFor(pass: ConfigNode, arg: Arg, loc: ConfigNode, prefix: string | undefined, target: string, uri: string): Fix[] {
  if (prefix === undefined || pass.parent !== loc || uri.includes('?') || !PLAIN_PATH.test(prefix) || !PLAIN_PATH.test(uri)) return [];
  const dropUri = replaceSpan(pass.file, arg, writtenLike(arg, target));
  if (prefix === uri) return [{ title: `Pass the request's own URI: proxy_pass ${target} (${prefix}users → ${prefix}users)`, edits: [dropUri] }];
  // A mismatched trailing slash would be carried over as it is (location-proxy-pass-slash-mismatch's business).
  if (!prefix.endsWith('/')) return [];
  // break ends the rewrite-module statements of the location: any that come after proxy_pass (a `set` for its
  // variable) would no longer run, and the location's own rewrites decide the URI already.
  const siblings = loc.children;
  if (siblings.some((c) => c.name === 'rewrite' || c.name === 'return') || siblings.slice(siblings.indexOf(pass) + 1).some((c) => REWRITE_MODULE.has(c.name))) return [];
  const rewrite = `rewrite ^${prefix.replace(/\./g, '\\.')}(.*)$ ${uri}$1 break;`;
  return [{ title: `Swap the prefix with a rewrite: ${rewrite} and proxy_pass ${target} (${prefix}users?page=2 → ${uri}users?page=2)`, edits: [insertLinesBefore(pass, [rewrite]), dropUri] }];
}

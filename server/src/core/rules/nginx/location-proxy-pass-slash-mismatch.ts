import type { Fix } from '../../finding';
import { replaceSpan } from '../../fix';
import type { ConfigNode } from '../../model/nginx-tree';
import type { Arg } from '../../syntax/nginx/ast';
import { defineNginxRule } from '../rule';
import { locationMatch, writtenLike } from './addresses-support';

/**
 * "If proxy_pass is specified with URI, then when a request is passed to the server, the part of a normalized
 * request URI matching the location is replaced by a URI specified in the directive"
 * (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass). The replacement is textual: when only
 * one of the two ends with "/", the slash is lost or doubled. Checked on nginx 1.22.1 with an echo backend:
 * `location /api { proxy_pass http://b/; }` sends /api/users as //users (and /apifoo as /foo);
 * `location /v2/ { proxy_pass http://b/new; }` sends /v2/foo as /newfoo.
 */

/** The same text with the slash added or removed, written the way the argument was (quotes kept). */
function withSlash(arg: Arg, add: boolean): string {
  return writtenLike(arg, add ? arg.value + '/' : arg.value.replace(/\/$/, ''));
}

/** A sibling prefix location that already has this path (nginx -t: `duplicate location "…"`). */
function siblingHas(loc: ConfigNode, path: string): boolean {
  const siblings = loc.parent ? loc.parent.children : [];
  return siblings.some((s) => s !== loc && s.name === 'location' && locationMatch(s).kind === 'prefix' && locationMatch(s).pattern === path);
}

/** A location whose rewrites change the URI: nginx then passes the rewritten URI whole and the replacement never happens. */
function rewrites(loc: ConfigNode): boolean {
  const walk = (n: ConfigNode): boolean => n.children.some((c) => c.name === 'rewrite' || (c.name === 'if' && walk(c)));
  return walk(loc);
}

/**
 * Prefixes that an auth_request names: nginx makes the subrequest for exactly that path, so the replacement
 * never meets a longer one. Adding the slash there would break it: the subrequest for the bare path gets a 301, and
 * auth_request turns any answer but 2xx/401/403 into 500 for every request (checked on nginx 1.22.1).
 */
function subrequestTargets(ctx: { nodes(name: string): ConfigNode[] }): Set<string> {
  return new Set(ctx.nodes('auth_request').map((n) => n.directive.args[0]?.value).filter((v): v is string => v !== undefined && v !== 'off'));
}

/** A URI that names one file (its last segment has an extension, like /t.html): one target, not a folder to append to. */
const namesAFile = (uri: string) => /\/[^/]*\.[^/.]+$/.test(uri);

export default defineNginxRule({
  id: 'location-proxy-pass-slash-mismatch',
  server: 'nginx',
  severity: 'warning',
  outcome: 'wrong-backend-path',
  summary: 'A prefix location and the URI of its proxy_pass disagree on the trailing slash: the backend gets paths with a doubled or missing slash (//users, /newfoo).',
  directives: ['location', 'proxy_pass'],
  versions: 'all',
  check(ctx) {
    let targets: Set<string> | undefined;
    for (const t of ctx.upstreams.passes) {
      if (t.directive !== 'proxy_pass' || t.module !== 'http' || t.error || t.hasVariables || t.uri === undefined) continue;
      const loc = t.node.parent;
      // A URI part is only allowed directly in a location (uri-part-not-allowed covers if/limit_except/regex/named).
      if (!loc || loc.name !== 'location') continue;
      const m = locationMatch(loc);
      if (m.kind !== 'prefix' || !m.pattern.startsWith('/') || m.pattern.includes('$')) continue;
      const uri = t.uri;
      // `http://unix:/run/app.sock:` has an empty URI part, which nginx treats as none.
      if (!uri.startsWith('/') || uri.includes('?') || rewrites(loc)) continue;
      const locSlash = m.pattern.endsWith('/');
      const uriSlash = uri.endsWith('/');
      if (locSlash === uriSlash) continue;
      if ((targets ??= subrequestTargets(ctx)).has(m.pattern)) continue;
      const locArg = loc.directive.args[loc.directive.args.length - 1];
      const modifier = loc.directive.args.length > 1 ? loc.directive.args[0].value + ' ' : '';
      // The URI part is the tail of proxy_pass's argument, so the slash is added or dropped at its end.
      const uriEdit = (add: boolean) => replaceSpan(t.node.file, t.arg, withSlash(t.arg, add));
      const suggestions: Fix[] = [];
      let message: string;
      if (!locSlash) {
        // location /api + proxy_pass http://b/ : the rest of the path keeps its leading slash after the replacement.
        const example = `${m.pattern}/users`;
        message =
          `location ${m.pattern} has no trailing slash but proxy_pass's URI "${uri}" has one: nginx replaces the matched "${m.pattern}" with "${uri}", ` +
          `so a request for ${example} reaches the backend as ${uri}/users and one for ${m.pattern}foo as ${uri}foo; the backend usually answers 404 or serves the wrong route`;
        // With the slash added, nginx answers a request for the bare prefix with a 301 to prefix + "/". Browsers follow
        // it for page loads, but a WebSocket handshake does not follow redirects (RFC 6455, 4.1) and many clients turn a
        // redirected POST into a GET: where the location upgrades connections, the proxy_pass edit comes first.
        const upgrades = ctx.effective(loc, 'proxy_set_header').nodes.some((n) => n.directive.args[0]?.value.toLowerCase() === 'upgrade');
        const redirectNote = upgrades
          ? `a request for ${m.pattern} itself then gets a 301 to ${m.pattern}/, which WebSocket handshakes and POST requests do not follow`
          : `a request for ${m.pattern} itself then gets a 301 to ${m.pattern}/, which browsers follow for GET but not every client does for POST`;
        const locationFix = siblingHas(loc, m.pattern + '/') ? [] : [{ title: `Use "location ${modifier}${m.pattern}/" (${example} → ${uri}users; ${redirectNote})`, edits: [replaceSpan(loc.file, locArg, withSlash(locArg, true))] }];
        const passFix = uri !== '/' ? [{ title: `Use "${uri.slice(0, -1)}" in proxy_pass (${example} → ${uri.slice(0, -1)}/users)`, edits: [uriEdit(false)] }] : [];
        suggestions.push(...(upgrades ? [...passFix, ...locationFix] : [...locationFix, ...passFix]));
      } else {
        // location /v2/ + proxy_pass http://b/new : the slash that ended the prefix is replaced away.
        const example = `${m.pattern}foo`;
        message =
          `location ${m.pattern} ends with a slash but proxy_pass's URI "${uri}" does not: nginx replaces the matched "${m.pattern}" with "${uri}", ` +
          `so a request for ${example} reaches the backend as ${uri}foo instead of ${uri}/foo; the backend usually answers 404 or serves the wrong route`;
        if (namesAFile(uri)) {
          // proxy_pass …/t.html names one file: a slash after it (/t.html/foo) is no better than /t.htmlfoo. What is
          // meant is that the prefix itself goes to that file: an exact location does that and matches nothing longer.
          message += `; if only ${m.pattern} itself is meant to reach ${uri}, an exact location (location = ${m.pattern}) says so`;
          // nginx refuses a location nested inside an exact one ("cannot be inside the exact location").
          if (!loc.children.some((c) => c.name === 'location') && !loc.parent?.children.some((s) => s !== loc && s.name === 'location' && locationMatch(s).kind === 'exact' && locationMatch(s).pattern === m.pattern)) {
            suggestions.push({ title: `Use "location = ${m.pattern}" (only ${m.pattern} itself → ${uri}; longer paths then go to another location)`, edits: [replaceSpan(loc.file, { start: loc.directive.args[0].start, end: locArg.end }, `= ${locArg.raw}`)] });
          }
        } else suggestions.push({ title: `Use "${uri}/" in proxy_pass (${example} → ${uri}/foo)`, edits: [uriEdit(true)] });
      }
      ctx.report({ node: t.node, message, suggestions, related: [{ path: loc.file.path, start: loc.directive.start, end: locArg.end, message: `the location prefix "${m.pattern}"` }] });
    }
  },
});

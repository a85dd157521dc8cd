import { apacheFix } from '../../apache-fix';
import type { TextEdit } from '../../finding';
import { pcreRegExp, prefixWrittenAsRegex } from '../../model/apache-proxy';
import { regexLiteralPrefix } from '../../model/apache-proxypass-order';
import { atLeast } from '../../model/version';
import type { ApacheArg } from '../../syntax/apache/ast';
import { defineApacheRule } from '../apache-rule';

/** The URL with its trailing slash added or removed, keeping quotes. */
function retarget(arg: ApacheArg, url: string, slash: boolean): string {
  const v = slash ? url + '/' : url.replace(/\/$/, '');
  return arg.quote ? `${arg.quote}${v}${arg.quote}` : v;
}

export default defineApacheRule({
  id: 'proxypass-trailing-slash-mismatch',
  server: 'apache',
  severity: 'warning',
  outcome: 'wrong-backend-path',
  summary: 'ProxyPass path and backend URL disagree on the trailing slash, or a regex line without $1 has a URL ending in "/": the backend gets paths with a missing or doubled slash.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'ProxyPassReverse'],
  versions: 'all 2.4',
  check(ctx) {
    const reverses = ctx.nodes('proxypassreverse');
    /**
     * A regex line (ProxyPassMatch, `ProxyPass ~`, a ProxyPass in a section whose path has a wildcard) whose URL holds
     * no $1…: ap_proxy_trans_match appends the whole request path to the URL, and that path starts with "/", so a URL
     * ending in "/" gives the backend "//app/x" (2.4.71). Backends differ: nginx (merge_slashes) and httpd answered it
     * as /app/x, but a Node server reading it with new URL(req.url, base) (Node's http docs up to v18) got the path "/x" on the
     * host "app" and answered 404 (test/servers/apache-regex-doubled-slash.test.ts). Only HTTP-family backends are
     * reported: for fcgi://, scgi:// and uwsgi:// the path is a file path or PATH_INFO (a doubled slash in a file path
     * opens the same file, and 2.4.52+ strips it from the start of PATH_INFO), and AJP's Tomcat normalises it.
     */
    const regexLine = (r: (typeof ctx.proxy.rules)[number]) => {
      if (r.exclusion || !r.target || r.target.error || !r.urlArg || r.node.unresolved) return;
      if (!/^(https?|wss?|h2c?)$/.test(r.target.scheme) || r.target.socket !== undefined) return;
      // "$1" in the URL: httpd builds the path from the captures; "?" in it: the request path lands in the query.
      if (r.url.includes('$') || r.url.includes('?') || !r.url.endsWith('/')) return;
      const url = r.url.replace(/\/+$/, '');
      const where = r.location ? `<${r.location.name} ${r.location.args.map((x) => (x === '~' ? x : `"${x}"`)).join(' ')}>` : `"${r.path}"`;
      // An example request the regex takes ("^/app/(.*)$" → /app/x), when one is easy to find.
      const lit = regexLiteralPrefix(r.path);
      const probe = lit?.startsWith('/') ? (lit.endsWith('/') ? `${lit}x` : lit) : undefined;
      const example = probe && pcreRegExp(r.path)?.test(probe) ? probe : undefined;
      const base = r.target.path.replace(/\/$/, '');
      const seen = example ? `a request that matches ${where}, such as ${example}, reaches the backend as ${base}/${example}` : `every request that matches ${where} reaches the backend as ${base}/ followed by its whole path (/p arrives as ${base}//p)`;
      ctx.report({
        at: { file: r.node.file, start: r.urlArg.start, end: r.urlArg.end },
        message: `"${r.url}" ends with a slash and holds no $1, so httpd appends the whole request path to it: ${seen}. nginx and httpd backends read the doubled slash as one, but others do not (a Node server that reads it with new URL(req.url, base) takes its first segment for a host name and answers 404); remove the trailing slash${/\((?!\?)/.test(r.path) ? ', or use $1 if only the captured part should reach the backend' : ''}`,
        // Not a safe fix: the path every request reaches the backend with changes.
        suggestions: [apacheFix('Remove the trailing slash from the backend URL (the backend gets the request path with one slash)', { path: r.node.file.path, start: r.urlArg.start, end: r.urlArg.end, newText: r.urlArg.quote ? `${r.urlArg.quote}${url}${r.urlArg.quote}` : url })],
      });
    };
    for (const r of ctx.proxy.rules) {
      // A <Location> ProxyPass that a later <Location>'s overrides maps no request (proxypass-shadowed reports it).
      if (ctx.proxy.overriddenBy.has(r.node)) continue;
      if (r.regex) {
        regexLine(r);
        continue;
      }
      if (r.exclusion || !r.target || r.target.error || !r.urlArg || r.node.unresolved) continue;
      // "unix:/s|http:" is short for "unix:/s|http://localhost": a missing slash glues the path to the host name
      // (httpd 2.4.71: 500, "AH00898: DNS lookup failure for: localhostx"), which this rule's message and fix do not
      // describe, so it is left out (before parseBackendUrl accepted the form, it was skipped as an error).
      if (r.target.socket !== undefined && /\|[^|:]*:$/.test(r.url)) continue;
      if (r.url.includes('$') || r.url.includes('?') || r.path.includes('$')) continue;
      // A prefix that does not start with "/" (the "\.php" of a <LocationMatch "\.php">, which add_pass reads as a
      // prefix, not a regex) maps no request: no slash goes missing or doubles.
      if (!r.path.startsWith('/')) continue;
      // A prefix written as a regex ("/(api|v2)/", "/api/v1$") maps no request the section means: proxypass-maps-no-request.
      if (prefixWrittenAsRegex(r)) continue;
      const pathSlash = r.path.endsWith('/');
      const urlSlash = r.url.endsWith('/');
      if (pathSlash === urlSlash) continue;
      // "ProxyPass /app http://host" and "/app/ http://host/" are fine; only the mismatched pairs are reported.
      // mod_proxy_uwsgi passes the URL's path as PATH_INFO, and since 2.4.52 (PR 65616) strips the slashes doubled
      // at its start: "/app uwsgi://host/" then gives the backend "/x", not "//x". A doubled slash further in
      // ("/app uwsgi://host/app/" → "/app//x") is left alone, so only a target whose path is "/" is spared.
      const uwsgiLeading = !pathSlash && r.target.scheme === 'uwsgi' && r.target.path === '/';
      const stripped = uwsgiLeading ? atLeast(ctx.version, '2.4.52') : false;
      if (stripped === true) continue;
      const example = pathSlash ? `${r.path}x to ${r.url}x` : `${r.path}/x to ${r.url}/x`;
      const edits: TextEdit[] = [{ path: r.node.file.path, start: r.urlArg.start, end: r.urlArg.end, newText: retarget(r.urlArg, r.url, pathSlash) }];
      for (const rev of reverses) {
        const [p, u] = r.location ? [r.path, rev.args[0]] : [rev.args[0], rev.args[1]];
        const uArg = r.location ? rev.directive.args[0] : rev.directive.args[1];
        if (p === r.path && u === r.url && uArg && (r.location ? rev.parent === r.location : !rev.parent || rev.parent === r.node.parent)) {
          edits.push({ path: rev.file.path, start: uArg.start, end: uArg.end, newText: retarget(uArg, u, pathSlash) });
        }
      }
      ctx.report({
        at: { file: r.node.file, start: r.urlArg.start, end: r.urlArg.end },
        message: `"${r.path}" ${pathSlash ? 'ends' : 'does not end'} with a slash but "${r.url}" ${urlSlash ? 'does' : 'does not'}: httpd maps ${example}, so the backend sees ${pathSlash ? 'paths glued to the last segment' : 'a doubled slash'} and answers 404 or the wrong page${uwsgiLeading ? ` (httpd before 2.4.52 only: later versions strip the doubled slash from the start of PATH_INFO${stripped === undefined ? '; set "apache.version" to say which one runs' : ''})` : ''}; make both end the same way`,
        // With the target version unknown, the doubled slash is likely gone already (2.4.52 came out in 2021).
        severity: stripped === undefined ? 'info' : undefined,
        // Not a safe fix: it changes the path every request under this rule reaches the backend with (a backend
        // that serves the glued or doubled path today would start answering differently).
        suggestions: [apacheFix(pathSlash ? 'Add the trailing slash to the backend URL (changes the backend paths)' : 'Remove the trailing slash from the backend URL (changes the backend paths)', ...edits)],
      });
    }
  },
});

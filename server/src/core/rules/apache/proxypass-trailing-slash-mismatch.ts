import { apacheFix } from '../../apache-fix';
import type { TextEdit } from '../../finding';
import { prefixWrittenAsRegex } from '../../model/apache-proxy';
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
  summary: 'ProxyPass path and backend URL disagree on the trailing slash: the backend gets paths with a missing or doubled slash.',
  directives: ['ProxyPass', 'ProxyPassReverse'],
  versions: 'all 2.4',
  check(ctx) {
    const reverses = ctx.nodes('proxypassreverse');
    for (const r of ctx.proxy.rules) {
      if (r.regex || r.exclusion || !r.target || r.target.error || !r.urlArg || r.node.unresolved) continue;
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

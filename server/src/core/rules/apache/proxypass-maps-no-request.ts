import { apacheFix } from '../../apache-fix';
import type { Fix, TextEdit } from '../../finding';
import { locationTakes, prefixWrittenAsRegex, sectionPath } from '../../model/apache-proxy';
import { passTakes, regexLiteralPrefix } from '../../model/apache-proxypass-order';
import { defineApacheRule } from '../apache-rule';

/**
 * The whole regex as a literal path when it is "^" and nothing but literal characters ("^/api/" → "/api/",
 * "^/v1\.0/" → "/v1.0/"); undefined when anything in it matches more than one text. Only then does a plain
 * <Location> take exactly the requests the section's regex takes.
 */
function anchoredLiteral(re: string): string | undefined {
  if (!re.startsWith('^')) return undefined;
  let out = '';
  for (let i = 1; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      const n = re[++i];
      if (n === undefined || /[A-Za-z0-9]/.test(n)) return undefined;
      out += n;
    } else if ('.[](){}*+?|^$'.includes(c)) return undefined;
    else out += c;
  }
  return out.startsWith('/') ? out : undefined;
}

/** A request path the section's regex takes, to say where such a request goes instead: "/api/x", "/index.php". */
function probeFor(re: string): string | undefined {
  const lit = regexLiteralPrefix(re);
  if (lit?.startsWith('/')) return lit.endsWith('/') ? `${lit}x` : lit;
  const ext = /\\\.([A-Za-z0-9]+)\$?$/.exec(re);
  return ext ? `/index.${ext[1]}` : undefined;
}

const q = (w: string) => (w === '~' ? w : `"${w}"`);

/**
 * add_pass (mod_proxy.c) gives a ProxyPass in <LocationMatch> or <Location ~> the section's path, and reads it as a
 * regex only when it has a wildcard ("*", "?", "[…]"; see passPathIsRegex). A path written as a regex without one
 * ("\.php$", "^/api/", "^/(api|v2)/") is then a plain prefix that alias_match compares character for character, and no
 * request path starts with it. On 2.4.71 such a line left every request the section matched to the server's other
 * ProxyPass lines (or to httpd itself: 404), a `ProxyPass "!"` there excluded nothing, while `<Location "/api/">` and
 * ProxyPassMatch in the same section proxied as meant (test/servers/apache-proxypass-maps-no-request.test.ts).
 */
export default defineApacheRule({
  id: 'proxypass-maps-no-request',
  server: 'apache',
  severity: 'warning',
  outcome: 'wrong-backend-path',
  summary: 'A ProxyPass in <LocationMatch> or <Location ~> whose path is written as a regex but has no wildcard (*, ? or [..]): httpd compares it as a plain prefix, so the line maps no request (they fall to another ProxyPass or get 404, and "!" excludes nothing).',
  directives: ['ProxyPass', 'LocationMatch', 'Location'],
  versions: 'all 2.4',
  check(ctx) {
    const { proxy } = ctx;
    for (const r of proxy.rules) {
      const kind = prefixWrittenAsRegex(r);
      if (!kind || r.node.unresolved || r.location!.unresolved) continue;
      const section = r.location!;
      const re = sectionPath(section);
      const open = `<${section.name} ${section.args.map(q).join(' ')}>`;
      // Where a request the section means goes instead: the server's first line that takes it (proxy_trans reads the
      // server's list when the section's line does not map the URL).
      const probe = probeFor(re);
      let instead = 'the requests the section matches fall to the server\'s other ProxyPass lines, or httpd answers them itself (404 when no file or handler does)';
      if (probe && locationTakes(section, probe) === true) {
        const other = proxy.rulesFor(r.vhost).find((x) => !x.misplacedPath && passTakes(x, probe) === true);
        instead = other && !other.exclusion
          ? `${probe} goes to line ${ctx.lineOf(other.node)} (${other.node.name} ${other.node.args.map(q).join(' ')}) instead`
          : `${probe} is not proxied at all (httpd answers it itself: 404 when no file or handler does)`;
      }
      const what = kind === 'no-slash'
        ? `no request path starts with "${re}"`
        : `only a request path that starts with the characters "${re}" themselves would match`;
      const effect = r.exclusion ? `this "!" excludes nothing: ${instead}` : `this line maps no request: ${instead}`;

      const suggestions: Fix[] = [];
      const file = section.file;
      const lit = anchoredLiteral(re);
      const d = section.directive;
      if (lit && file === r.node.file && d.section?.close && d.args.length > 0) {
        // <LocationMatch "^/api/"> → <Location "/api/">: the same requests, and ProxyPass reads "/api/" as the prefix meant.
        const last = d.args[d.args.length - 1];
        const close = file.text.slice(d.section.close.start, d.section.close.end);
        const edits: TextEdit[] = [
          // The name's span may or may not hold the "<" of the tag: keep whatever it holds.
          { path: file.path, start: d.nameSpan.start, end: last.end, newText: `${file.text[d.nameSpan.start] === '<' ? '<' : ''}Location "${lit}"` },
          { path: file.path, start: d.section.close.start, end: d.section.close.end, newText: close.replace(/<\/\s*\w+/, '</Location') },
        ];
        suggestions.push(apacheFix(`Use <Location "${lit}"> (the prefix "${lit}", which ProxyPass then maps)`, ...edits));
      }
      // ProxyPassMatch in the section reads the section's path as the regex. With no $N in the URL httpd appends the
      // whole request path to it, so a trailing slash of the URL would double: it is dropped.
      const nameEdit: TextEdit = { path: r.node.file.path, start: r.node.directive.nameSpan.start, end: r.node.directive.nameSpan.end, newText: 'ProxyPassMatch' };
      if (r.exclusion) {
        suggestions.push(apacheFix(`Use ProxyPassMatch "!" (the requests ${open} matches are then not proxied)`, nameEdit));
      } else if (r.urlArg && !r.url.includes('$') && !r.node.unresolved) {
        const url = r.url.replace(/\/+$/, '');
        const edits = [nameEdit];
        if (url !== r.url) edits.push({ path: r.node.file.path, start: r.urlArg.start, end: r.urlArg.end, newText: r.urlArg.quote ? `${r.urlArg.quote}${url}${r.urlArg.quote}` : url });
        suggestions.push(apacheFix(`Use ProxyPassMatch "${url}" (the backend gets ${url} followed by the whole request path)`, ...edits));
      }
      ctx.report({
        node: r.node,
        message: `httpd reads ${open} as a plain prefix for this ${r.node.name}, not as a regex: a section path is a regex for ProxyPass only when it has a wildcard (*, ? or [..]), and ${what}, so ${effect}. ${lit ? `Use <Location "${lit}">, or ProxyPassMatch in the section` : 'Use ProxyPassMatch in the section'}${r.exclusion ? '' : ' (check the backend path it then gets)'}`,
        suggestions,
      });
    }
  },
});

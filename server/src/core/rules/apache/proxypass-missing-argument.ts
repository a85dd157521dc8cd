import type { ApacheNode } from '../../model/apache-tree';
import { defineApacheRule } from '../apache-rule';

/** Sections whose path ProxyPass and ProxyPassReverse take as their first word (cmd->path in mod_proxy.c). */
const PATH_SECTIONS = new Set(['location', 'locationmatch', 'proxy', 'proxymatch']);
/** Sections where these directives are not allowed at all: directive-not-allowed-in-section reports them. */
const ELSEWHERE = new Set(['directory', 'directorymatch', 'files', 'filesmatch', 'if', 'elseif', 'else', 'limit', 'limitexcept']);

function placement(n: ApacheNode): 'path' | 'server' | 'elsewhere' {
  for (let p = n.parent; p; p = p.parent) {
    if (ELSEWHERE.has(p.lname)) return 'elsewhere';
    if (PATH_SECTIONS.has(p.lname)) return 'path';
  }
  return 'server';
}

/**
 * ProxyPass, ProxyPassMatch and ProxyPassReverse with too few words: outside <Location> (and <Proxy>) they need a path
 * and a URL. apache2 -t on 2.4.71: a bare `ProxyPass`, `ProxyPass "/a/"`, or `ProxyPass "/a/ http://b/` (the quote never
 * closed, so httpd reads the rest of the line as one word) stops it with "ProxyPass|ProxyPassMatch needs a path when
 * not defined in a location" (a bare one inside <Location> too); a bare ProxyPassReverse with "ProxyPassReverse takes
 * one, two or three arguments, a virtual path and a URL for reverse proxy behaviour", and `ProxyPassReverse "/a/"`
 * outside a location with "ProxyPassReverse needs a path when not defined in a location"
 * (test/servers/apache-proxypass-arguments.test.ts).
 */
export default defineApacheRule({
  id: 'proxypass-missing-argument',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'ProxyPass, ProxyPassMatch or ProxyPassReverse without its path or URL (a bare line, or a quote left open that swallows the URL): httpd refuses to start.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'ProxyPassReverse'],
  versions: 'all 2.4',
  check(ctx) {
    for (const n of [...ctx.nodes('proxypass'), ...ctx.nodes('proxypassmatch'), ...ctx.nodes('proxypassreverse')]) {
      if (n.unresolved) continue;
      const where = placement(n);
      if (where === 'elsewhere') continue;
      const args = n.directive.args;
      const reverse = n.lname === 'proxypassreverse';
      let said: string | undefined;
      if (args.length === 0) said = reverse ? 'ProxyPassReverse takes one, two or three arguments, a virtual path and a URL for reverse proxy behaviour' : 'ProxyPass|ProxyPassMatch needs a path when not defined in a location';
      else if (args.length === 1 && where === 'server') said = reverse ? 'ProxyPassReverse needs a path when not defined in a location' : 'ProxyPass|ProxyPassMatch needs a path when not defined in a location';
      if (!said) continue;
      const open = args.find((a) => a.unterminated);
      const why = open
        ? `the quote opened at "${open.raw.slice(0, 24)}${open.raw.length > 24 ? '…' : ''}" is never closed, so httpd reads the rest of the line as one word and the line has no ${reverse ? 'URL' : 'backend URL'}; close the quote`
        : args.length === 0
          ? `${n.name} needs ${where === 'path' ? 'the backend URL (the section gives the path)' : 'a path and a backend URL'}`
          : `outside <Location> and <Proxy> ${n.name} needs a path and then the backend URL, and "${args[0].value}" is the only word`;
      ctx.report({ node: n, message: `httpd refuses to start: "${said}": ${why}` });
    }
  },
});

import { apacheFix, insertLinesBefore } from '../../apache-fix';
import { locationTakes, type ProxyPassRule } from '../../model/apache-proxy';
import { passTakes } from '../../model/apache-proxypass-order';
import { virtualHostOf, type ApacheNode } from '../../model/apache-tree';
import { defineApacheRule } from '../apache-rule';

/** The request path the rule tries: a PHP file at the top of the site, which every PHP-FPM setup serves. */
const PROBE = '/index.php';

/**
 * The pattern of the <FilesMatch> or <Files> section a SetHandler line is in (through <If>, <IfModule> and the like),
 * as a RegExp on the file's base name; undefined when the line is in none or the pattern cannot be read.
 */
function filesPattern(n: ApacheNode): { section: ApacheNode; re: RegExp; source: string } | undefined {
  for (let p = n.parent; p; p = p.parent) {
    if (p.lname !== 'filesmatch' && p.lname !== 'files') continue;
    if (p.unresolved) return undefined;
    const regex = p.lname === 'filesmatch' || p.args[0] === '~';
    const source = p.lname === 'files' && p.args[0] === '~' ? p.args[1] : p.args[0];
    if (source === undefined) return undefined;
    // <Files "*.php">: a wildcard on the base name.
    const text = regex ? source : `^${source.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`;
    try {
      return { section: p, re: new RegExp(text), source: regex ? source : text };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The backend URL the line makes for PROBE ("the line's backend" when a regex's $N cannot be filled in). */
function backendUrl(r: ProxyPassRule): string {
  if (!r.regex) return `${r.url.replace(/\/$/, '')}${PROBE}`;
  try {
    const m = new RegExp(r.path).exec(PROBE);
    if (m) return r.url.replace(/\$(\d)/g, (_, d: string) => m[Number(d)] ?? '');
  } catch {
    // Not a JavaScript regex: said in words below.
  }
  return `the line's backend (${r.url})`;
}

/**
 * mod_proxy maps a request to its backend in its translate_name hook (proxy_trans), when httpd reads the request and
 * before it looks for a file: a ProxyPass whose path covers the URL makes it a proxy request, and a
 * `<FilesMatch \.php$> SetHandler "proxy:…"` section (PHP-FPM's recipe) never gets to hand it to PHP-FPM. On 2.4.71,
 * with `ProxyPass "/" "http://…"` above or below the section, or in `<Location "/">`, /index.php and /api/a.php were
 * answered by the HTTP backend and the FastCGI stand-in got no request; with `ProxyPassMatch "\.php$" "!"` before it,
 * they went to PHP-FPM and /x.html still to the HTTP backend (test/servers/apache-proxypass-takes-php.test.ts).
 */
export default defineApacheRule({
  id: 'proxypass-takes-php-from-sethandler',
  server: 'apache',
  severity: 'warning',
  outcome: 'wrong-backend-path',
  summary: 'A ProxyPass "/" (or a ProxyPassMatch matching /index.php) in a server with a <FilesMatch \\.php$> SetHandler "proxy:…" (PHP-FPM): mod_proxy maps the URL to its backend before the section applies, so the .php requests go to that backend and PHP-FPM is never asked.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'SetHandler'],
  versions: 'all 2.4',
  check(ctx) {
    const { proxy } = ctx;
    const reported = new Set<ApacheNode>();
    const vhosts = proxy.servers.flatMap((s) => (s.vhost ? [s.vhost] : []));
    for (const n of ctx.nodes('sethandler')) {
      if (n.unresolved || !/^proxy:/i.test(n.args[0] ?? '')) continue;
      const files = filesPattern(n);
      if (!files || !files.re.test(PROBE.slice(1))) continue;
      const home = virtualHostOf(n);
      // A main-server section applies in every virtual host too (per-directory sections merge into each server's).
      for (const server of home ? [home] : [null, ...vhosts]) {
        const taker = takerOf(proxy.rulesFor(server), proxy.rules.filter((r) => r.location && (r.vhost === null || r.vhost === server)));
        // A line to a FastCGI backend is PHP-FPM's own recipe (ProxyPassMatch "^/(.*\.php)$" "fcgi://…/$1"): the files
        // still reach PHP-FPM.
        if (!taker || reported.has(taker.node) || /fcgi:\/\//i.test(taker.url)) continue;
        reported.add(taker.node);
        const exclusion = files.source.startsWith('^') ? '\\.php$' : files.source;
        const where = `${files.section.name} ${files.section.args.join(' ')}`;
        ctx.report({
          node: taker.node,
          message: `this ${taker.node.name} takes the .php requests that the SetHandler "${n.args[0]}" on line ${ctx.lineOf(n)} (in <${where}>) would send to PHP-FPM: mod_proxy maps the URL to its backend when httpd reads the request, before the <${files.section.name}> section applies, so ${PROBE} goes to ${backendUrl(taker)}, the backend answers it (often 404, or the PHP source), and PHP-FPM is never asked. ${taker.location ? `Exclude the PHP files first: move the line out of <${taker.location.name}> as ProxyPass "/" "${taker.url}" and put ProxyPassMatch "${exclusion}" "!" above it` : `Exclude the PHP files first: ProxyPassMatch "${exclusion}" "!" above this line`}`,
          related: [{ path: n.file.path, start: n.directive.start, end: n.directive.end, message: 'the handler that no longer gets the .php requests' }],
          // A suggestion, not a fix: the backend may be meant to answer every URL, PHP included.
          suggestions: taker.location ? [] : [apacheFix(`Insert ProxyPassMatch "${exclusion}" "!" above (the .php requests go to PHP-FPM)`, insertLinesBefore(taker.node, [`ProxyPassMatch "${exclusion}" "!"`]))],
        });
      }
    }
  },
});

/**
 * Whether the ProxyPass of a <Location>/<LocationMatch> section maps PROBE (undefined: not known). add_pass gives the
 * line the section's path, read as a regex only for ProxyPassMatch or when the path has a wildcard (ProxyPassRule.regex,
 * see passPathIsRegex), and as a prefix otherwise, as alias_match compares it: `<LocationMatch "\.php$"> ProxyPass "!"`
 * is the prefix "\.php$", which no URL starts with, while `<LocationMatch "(?i)\.php$">` is a regex (apache2 2.4.71,
 * test/servers/apache-proxypass-takes-php.test.ts).
 */
const sectionLineMaps = (r: ProxyPassRule) => passTakes(r, PROBE);

/**
 * The ProxyPass(Match) line that maps PROBE in a server, when it proxies it and covers the whole site ("/" or a
 * regex). proxy_trans tries first the one ProxyPass of the request's merged <Location> sections, the line of the
 * section merged last (the main server's sections before the virtual host's, each in file order): when it maps the
 * URL it decides ("!" keeps it from the backends, the server's list is not read), and when it does not the server's
 * list is read, its first matching line deciding. A line under a narrower path ("/app/") is left alone: there the
 * backend answering .php URLs may be the point.
 */
function takerOf(list: ProxyPassRule[], inLocations: ProxyPassRule[]): ProxyPassRule | undefined {
  const merged = inLocations.filter((r) => !r.misplacedPath).sort((a, b) => Number(a.vhost !== null) - Number(b.vhost !== null));
  let last: ProxyPassRule | undefined;
  for (const r of merged) {
    const takes = locationTakes(r.location!, PROBE);
    // A section regex JavaScript does not compile is not tried: silent rather than wrong.
    if (takes === undefined) return undefined;
    if (takes) last = r;
  }
  if (last) {
    const maps = sectionLineMaps(last);
    if (maps === undefined) return undefined;
    if (maps) return last.exclusion || !(last.path === '/' || last.regex) ? undefined : last;
  }
  const first = list.find((r) => !r.misplacedPath && passTakes(r, PROBE) === true);
  if (!first || first.exclusion) return undefined;
  return first.path === '/' || first.regex ? first : undefined;
}

import type { ApacheNode, ApacheSourceFile } from '../../model/apache-tree';
import { defineApacheRule } from '../apache-rule';
import { engineOn, hasProxyFlag, rewriteScope } from '../../model/apache-rewrite';

const VAR = /\$\{([A-Za-z0-9_]+)\}/g;

/**
 * httpd fills `${NAME}` from a `Define` read above the line, else from its environment; a name neither sets stays as
 * written, with only a warning at start-up ("AH00111: Config variable ${NAME} is not defined"), and `apache2 -t` says
 * Syntax OK. In a backend URL that leaves a host like "${BACKEND_HOST}", which does not resolve: on 2.4.68,
 * "ProxyPass /u/ http://${UNDEF_HOST}:9600/" gave every request 500 with "AH00898: DNS lookup failure for:
 * ${undef_host}" (test/evidence/scenarios/apache/undefined-variable-in-backend-url.ts), and so did the same host in a
 * ProxyPassMatch URL, a `RewriteRule … [P]` target and a `SetHandler "proxy:fcgi://${UNDEF}:9000"`
 * (test/servers/apache-undefined-variable.test.ts). Behind a Unix socket ("unix:/x.sock|http://${UNDEF}/") the host
 * is never looked up: the same request got 200 from the socket, so such URLs are left alone. The environment cannot
 * be seen here, so only complete configurations are checked, and the message says the environment may set it; a
 * Define of the name below the line is the likelier mistake and is named.
 */
export default defineApacheRule({
  id: 'undefined-variable-in-backend-url',
  server: 'apache',
  severity: 'warning',
  outcome: '500',
  summary: 'A backend URL uses ${NAME} that no Define above it sets: unless httpd\'s environment sets it, httpd keeps "${NAME}" as the host (apache2 -t only warns, AH00111) and every request there gets 500 (DNS lookup failure).',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember', 'RewriteRule', 'SetHandler'],
  versions: 'all 2.4',
  check(ctx) {
    if (!ctx.proxy.complete) return;
    const { config } = ctx;
    // The Include and IncludeOptional lines whose files were not read although httpd may read one: missing here,
    // unreadable, outside the workspace, past the depth or size limit, or matching nothing here but maybe on the
    // server. Such a file may hold the Define, for the lines below it only (httpd reads Defines in order); a problem
    // with an include further down says nothing about a line above it. A cycle is left out: httpd stops at it anyway.
    const holes = new Map<ApacheSourceFile, Set<number>>();
    for (const p of config.problems) {
      if (p.kind !== 'include-not-found' && p.kind !== 'include-unreadable' && p.kind !== 'include-depth') continue;
      let s = holes.get(p.file);
      if (!s) holes.set(p.file, (s = new Set()));
      s.add(p.span.start);
    }
    const unseen = new Set(config.unseenIncludes);
    // Taken from ctx.nodes, which leaves out the sections httpd skips: an include there is not read by httpd either.
    const hole = new Set(
      [...ctx.nodes('include'), ...ctx.nodes('includeoptional')].filter(
        // One named with a variable is not followed at all.
        (n) => n.unresolved || unseen.has(n) || n.directive.args.some((a) => holes.get(n.file)?.has(a.start)),
      ),
    );

    const urls = new Map<ApacheNode, string>();
    for (const w of ctx.proxy.workers) urls.set(w.node, w.url);
    for (const r of ctx.proxy.rules) if (!r.exclusion && r.url && !urls.has(r.node)) urls.set(r.node, r.url);
    // A [P] rule runs only where RewriteEngine On is in effect (see engineOn); elsewhere its URL is never used.
    const rewriteRules = ctx.nodes('rewriterule');
    const on = rewriteRules.length ? engineOn(config.all) : undefined;
    for (const n of rewriteRules) if (hasProxyFlag(n.args[2]) && n.args[1] && on!(rewriteScope(n))) urls.set(n, n.args[1]);
    for (const n of ctx.nodes('sethandler')) {
      const m = /^proxy:(.+)$/i.exec(n.args[0] ?? '');
      if (m) urls.set(n, m[1]);
    }
    if (!urls.size) return;

    const defines = new Map<string, ApacheNode>();
    for (const d of ctx.nodes('define')) if (d.args[0] && !defines.has(d.args[0])) defines.set(d.args[0], d);
    const check = (node: ApacheNode, url: string) => {
      // Only the host, and not behind a Unix socket, whose host names the worker but is never looked up: a variable
      // in the port or path fails in other ways (or not at all), this is the DNS failure.
      const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/]*)/i.exec(url)?.[1] ?? '';
      const host = authority.replace(/^[^@]*@/, '').replace(/:[^:}]*$/, '');
      const names = [...new Set([...host.matchAll(VAR)].map((m) => m[1]))];
      if (!names.length) return;
      const name = names[0];
      const later = defines.get(name);
      const where = later
        ? `the Define on line ${ctx.lineOf(later)}${later.file === node.file ? '' : ` of ${later.file.path.slice(later.file.path.lastIndexOf('/') + 1)}`} sets it, but httpd replaces only names defined above the line that uses them`
        : `no Define in this configuration sets it`;
      ctx.report({
        node,
        message: `\${${name}} in ${url}: ${where}. Unless the environment httpd starts with sets ${name} (on Debian, /etc/apache2/envvars), httpd keeps "\${${name}}" as the host, says only "AH00111: Config variable \${${name}} is not defined" at start-up (apache2 -t: Syntax OK), and every request here gets 500 ("AH00898: DNS lookup failure for: \${${name.toLowerCase()}}")`,
      });
    };
    // In the order httpd reads the lines: after the first include it could not follow, any name may be defined.
    for (const n of config.all) {
      if (hole.has(n)) return;
      if (!n.unresolved) continue;
      const url = urls.get(n);
      if (url !== undefined) check(n, url);
    }
  },
});

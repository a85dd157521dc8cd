import type { ApacheNode } from '../../model/apache-tree';
import { defineApacheRule } from '../apache-rule';

const VAR = /\$\{([A-Za-z0-9_]+)\}/g;

/**
 * httpd fills `${NAME}` from a `Define` read above the line, else from its environment; a name neither sets stays as
 * written, with only a warning at start-up ("AH00111: Config variable ${NAME} is not defined"), and `apache2 -t` says
 * Syntax OK. In a backend URL that leaves a host like "${BACKEND_HOST}", which does not resolve: on 2.4.68,
 * "ProxyPass /u/ http://${UNDEF_HOST}:9600/" gave every request 500 with "AH00898: DNS lookup failure for:
 * ${undef_host}" (test/evidence/scenarios/apache/undefined-variable-in-backend-url.ts). The environment cannot be seen
 * here, so only complete configurations are checked, and the message says the environment may set it; a Define of the
 * name below the line is the likelier mistake and is named.
 */
export default defineApacheRule({
  id: 'undefined-variable-in-backend-url',
  server: 'apache',
  severity: 'warning',
  outcome: '500',
  summary: 'A backend URL uses ${NAME} that no Define above it sets: unless httpd\'s environment sets it, httpd keeps "${NAME}" as the host (apache2 -t only warns, AH00111) and every request there gets 500 (DNS lookup failure).',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember'],
  versions: 'all 2.4',
  check(ctx) {
    if (!ctx.proxy.complete) return;
    // A file that could not be read (missing, unreadable, named with a variable), or an IncludeOptional that matches
    // nothing here but may on the server, may hold the Define.
    const { config } = ctx;
    if (config.problems.length || config.unseenIncludes.length || config.all.some((n) => (n.lname === 'include' || n.lname === 'includeoptional') && n.unresolved)) return;
    const defines = new Map<string, ApacheNode>();
    for (const d of ctx.nodes('define')) if (d.args[0] && !defines.has(d.args[0])) defines.set(d.args[0], d);
    const seen = new Set<ApacheNode>();
    const check = (node: ApacheNode, url: string) => {
      if (seen.has(node) || !node.unresolved) return;
      seen.add(node);
      // Only the host: a variable in the port or path fails in other ways (or not at all), this is the DNS failure.
      const authority = /^(?:unix:[^|]*\|)?[a-z][a-z0-9+.-]*:\/\/([^/]*)/i.exec(url)?.[1] ?? '';
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
    for (const w of ctx.proxy.workers) check(w.node, w.url);
    for (const r of ctx.proxy.rules) if (!r.exclusion && r.url) check(r.node, r.url);
  },
});

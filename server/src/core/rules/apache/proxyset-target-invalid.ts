import { apacheFix } from '../../apache-fix';
import type { Fix } from '../../finding';
import { mayNotBeRead } from '../../model/apache-modules';
import { isRegexWorker, proxySetTarget, proxySetTargetError } from '../../model/apache-proxy';
import { virtualHostOf, type ApacheNode } from '../../model/apache-tree';
import { deSocketfy, lookupHost, workerName } from '../../model/apache-worker-names';
import { defineApacheRule, type ApacheRuleContext } from '../apache-rule';

/**
 * ProxySet takes its worker or balancer name from the enclosing <Proxy> or <ProxyMatch> section (the section's first
 * word, as written), else from its own first word, and stops httpd when it cannot use that name: a "unix:" URL with
 * no ":" after "|" anywhere; inside a section, where it defines what it does not find, a name that is no URL or
 * balancer name. Checked with apache2 -t on Apache 2.4.71 (test/servers/apache-proxyset-lookup.test.ts).
 */
export default defineApacheRule({
  id: 'proxyset-target-invalid',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'ProxySet names its worker or balancer in a form httpd cannot use: a "unix:" URL without a scheme after "|", or inside <Proxy "*">, <Proxy ~ …>, a <ProxyMatch> regex or a section whose URL has no host: httpd refuses to start.',
  directives: ['ProxySet'],
  versions: 'all 2.4',
  check(ctx) {
    if (ctx.config.htaccess || (ctx.modules.known && !ctx.modules.isLoaded('proxy'))) return;
    for (const n of ctx.nodes('proxyset')) {
      const t = proxySetTarget(n);
      if (!t || (t.section ?? n).unresolved || mayNotBeRead(n, ctx.modules)) continue;
      const said = proxySetTargetError(t);
      if (!said || (t.section && mayFindRegexWorker(ctx, t.url))) continue;
      const message = `httpd refuses to start: "${said}": `;
      if (!t.section) {
        const arg = n.directive.args[0];
        ctx.report({
          at: { file: n.file, start: arg.start, end: arg.end },
          message: message + `"${t.url}" names a UNIX socket, and after "|" httpd needs the scheme spoken on it ("fcgi:", "http:", or a whole URL such as "fcgi://localhost/"); outside a <Proxy> section, ProxySet then has to name a worker that a ProxyPass line defined`,
          suggestions: socketWorker(ctx, n, t.url),
        });
        continue;
      }
      const s = t.section;
      const arg = s.directive.args[0];
      ctx.report({
        node: n,
        message: message + sectionWhy(ctx, s, t.url, said),
        related: arg ? [{ path: s.file.path, start: arg.start, end: arg.end, message: 'the name ProxySet takes' }] : undefined,
      });
    }
  },
});

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const EACH = 'give the parameters to the ProxyPass or BalancerMember line of each backend, or use one <Proxy "http://host:port/"> section per backend';

/** Why httpd cannot set up the worker or balancer a <Proxy> or <ProxyMatch> section names. */
function sectionWhy(ctx: ApacheRuleContext, s: ApacheNode, name: string, said: string): string {
  const open = `<${s.name}${s.directive.args.map((a) => ' ' + a.raw).join('')}> (line ${ctx.lineOf(s)})`;
  if (/^balancer:/i.test(name)) return `inside ${open} ProxySet sets up the balancer the section names, and "${name}" is no balancer name: it is written "balancer://name"`;
  if (s.lname === 'proxymatch' || name === '~') {
    const what = s.lname === 'proxymatch' ? `the regular expression, as written, for the worker's URL, and "${name}" does not read as one` : `the section's first word, "~", for the worker's URL`;
    return `inside ${open} ProxySet takes ${what}: it cannot set parameters for every backend a pattern matches; ${EACH}`;
  }
  const where = `inside ${open} ProxySet sets up the worker the section names`;
  if (/ invalid "unix:" URL$/.test(said)) return `${where}, and "${name}" names a UNIX socket without the scheme spoken on it after "|" ("fcgi:", "http:", or a whole URL such as "fcgi://localhost/")`;
  if (!SCHEME.test(name)) return `${where}, and "${name}" is no backend URL: ProxySet cannot set parameters for several backends at once; ${EACH}`;
  return `${where}, and "${name}" is not a backend URL httpd can read (${/ must be absolute!/.test(said) ? 'it has no host' : 'its scheme, host or port cannot be read'})`;
}

/**
 * Inside a section httpd first looks the name up, and defines a worker only when it finds none. A ProxyPassMatch
 * worker with $1 in its URL matches the name with any text for $1 (apache2 -t accepted
 * <ProxyMatch "http://127.0.0.1:80[0-9]+/"> ProxySet after ProxyPassMatch … "http://$1"), so the rule keeps quiet when
 * such a URL's text before its first "$" begins the name.
 */
function mayFindRegexWorker(ctx: ApacheRuleContext, name: string): boolean {
  const url = deSocketfy(name);
  if (url === undefined || lookupHost(url) === undefined) return false;
  // From the rules, not the workers: "http://h:$1/" is no worker URL for the model (its port is no number).
  return ctx.proxy.rules.some((r) => {
    if (r.exclusion || !isRegexWorker(r)) return false;
    const head = (deSocketfy(r.url) ?? r.url).split('$')[0].toLowerCase();
    return url.toLowerCase().startsWith(head);
  });
}

/**
 * The worker a ProxyPass before this line defines on the same socket, named the way ProxySet finds it: when there is
 * exactly one, that is evidently the one meant.
 */
function socketWorker(ctx: ApacheRuleContext, n: ApacheNode, url: string): Fix[] | undefined {
  const bar = url.indexOf('|');
  const socket = url.slice(5, bar);
  const index = ctx.config.all.indexOf(n);
  const names = new Set<string>();
  for (const r of ctx.proxy.rules) {
    if (r.exclusion || !r.target || r.target.error || r.url.includes('$') || r.target.socket !== socket) continue;
    if (r.vhost !== virtualHostOf(n) || ctx.config.all.indexOf(r.node) > index) continue;
    const name = workerName(r.url, false);
    if (name !== undefined) names.add(`unix:${socket}|${name}`);
  }
  if (names.size !== 1) return undefined;
  const [name] = names;
  const arg = n.directive.args[0];
  return [apacheFix(`Name the worker as httpd does: "${name}"`, { path: n.file.path, start: arg.start, end: arg.end, newText: `${arg.quote ?? ''}${name}${arg.quote ?? ''}` })];
}

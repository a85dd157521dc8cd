import type { Host } from '../host';
import type { ApacheLintResult } from '../lint-apache';
import { balancerName } from '../model/apache-proxy';
import { virtualHostOf, type ApacheConfig, type ApacheNode } from '../model/apache-tree';
import { hasGlob, resolve } from '../paths';
import { apacheLocate } from './apache';
import type { Target } from './navigation';

const BALANCER = /^balancer:\/\//i;

/** The <VirtualHost> a line belongs to (a <VirtualHost> line to itself), or null for the main server. */
const serverOf = (n: ApacheNode): ApacheNode | null => (n.lname === 'virtualhost' ? n : virtualHostOf(n));

/** The <Proxy balancer://…> sections and the BalancerMember lines that name their balancer, which define balancers. */
function definitions(config: ApacheConfig, name: string): ApacheNode[] {
  return config.all.filter((n) => {
    if (n.lname === 'proxy') return BALANCER.test(n.args[0] ?? '') && balancerName(n.args[0]) === name;
    if (n.lname !== 'balancermember' || !BALANCER.test(n.args[0] ?? '')) return false;
    for (let p = n.parent; p; p = p.parent) if (p.lname === 'proxy') return false;
    return balancerName(n.args[0]) === name;
  });
}

/**
 * Which balancer of that name a line of `server` uses: its own server's when it defines one, else the main server's
 * (a virtual host sees its own balancers and the main server's, never another's; see undefined-balancer), else none
 * (its own, without members: 503). The result names the server whose balancer it is.
 */
function homeOf(defs: ApacheNode[], server: ApacheNode | null): ApacheNode | null {
  if (defs.some((d) => serverOf(d) === server)) return server;
  return defs.some((d) => serverOf(d) === null) ? null : server;
}

/** `balancer://name` → its `<Proxy balancer://name>` section; Include/IncludeOptional → the file(s). */
export function apacheDefinitions(result: ApacheLintResult, path: string, offset: number, host: Host): Target[] {
  const { node, arg } = apacheLocate(result.config, path, offset);
  if (!node || !arg) return [];
  const origin = { start: arg.start, end: arg.end };
  if (node.lname === 'include' || node.lname === 'includeoptional') {
    const pattern = resolve(result.config.serverRoot, arg.value);
    const g = hasGlob(pattern) ? host.glob(pattern) : { paths: [pattern] };
    const paths = 'paths' in g ? g.paths : [];
    return paths.map((p) => ({ path: p, start: 0, end: 0, origin }));
  }
  if (!BALANCER.test(arg.value)) return [];
  // A balancer of another virtual host's does not apply here: httpd gives the line one without members (503).
  const defs = definitions(result.config, balancerName(arg.value));
  const home = homeOf(defs, serverOf(node));
  const def = defs.find((d) => d.lname === 'proxy' && serverOf(d) === home) ?? defs.find((d) => serverOf(d) === home);
  if (!def || def.directive === node.directive) return [];
  return [{ path: def.file.path, start: def.directive.start, end: def.directive.nameSpan.end, origin }];
}

/**
 * Every `balancer://name` of the configuration that names the same balancer as the one at `offset`: in the lines of
 * the servers that use it (ProxyPass, ProxyPassMatch, ProxyPassReverse, ProxySet, BalancerMember, RewriteRule
 * targets). `declaration`: with the `<Proxy balancer://…>` line that defines it.
 */
export function apacheReferences(result: ApacheLintResult, path: string, offset: number, declaration: boolean): { path: string; start: number; end: number }[] {
  const { node, arg } = apacheLocate(result.config, path, offset);
  if (!node || !arg || !BALANCER.test(arg.value)) return [];
  const name = balancerName(arg.value);
  const defs = definitions(result.config, name);
  const home = homeOf(defs, serverOf(node));
  const out: { path: string; start: number; end: number }[] = [];
  for (const n of result.config.all) {
    if (n.lname === 'proxy' && !declaration) continue;
    n.args.forEach((v, k) => {
      const a = n.directive.args[k];
      if (a && BALANCER.test(v) && balancerName(v) === name && homeOf(defs, serverOf(n)) === home) out.push({ path: n.file.path, start: a.start, end: a.end });
    });
  }
  return out;
}

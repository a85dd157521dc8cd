import { balancerName, proxySetTarget, type ProxyModel } from './apache-proxy';
import { virtualHostOf, type ApacheConfig, type ApacheNode } from './apache-tree';

const BALANCER = /^balancer:\/\//i;

/** The <VirtualHost> a line belongs to (a <VirtualHost> line to itself), or null for the main server. */
export const serverOf = (n: ApacheNode): ApacheNode | null => (n.lname === 'virtualhost' ? n : virtualHostOf(n));

/**
 * The lines that give a server a balancer of this name when httpd reads them: its <Proxy balancer://…> section, a
 * BalancerMember and a ProxySet naming it, and a ProxyPass(Match) to it, which defines the balancer without members
 * when the server has none of that name yet (add_pass in mod_proxy.c).
 */
export function balancerDefiners(config: ApacheConfig, proxy: Pick<ProxyModel, 'rules'>, name: string): ApacheNode[] {
  const passes = new Set(proxy.rules.filter((r) => r.target?.scheme === 'balancer' && balancerName(r.url) === name).map((r) => r.node));
  return config.all.filter((n) => {
    if (passes.has(n)) return true;
    if (n.lname === 'proxy') return BALANCER.test(n.args[0] ?? '') && balancerName(n.args[0]) === name;
    if (n.lname === 'balancermember') return BALANCER.test(n.args[0] ?? '') && balancerName(n.args[0]) === name;
    if (n.lname === 'proxyset') {
      const t = proxySetTarget(n);
      return !!t && t.urlFromLine && BALANCER.test(t.url) && balancerName(t.url) === name;
    }
    return false;
  });
}

/** Whether a virtual host takes the main server's balancers: BalancerInherit or ProxyPassInherit On (both are by default). */
function inheritsBalancers(proxy: Pick<ProxyModel, 'serverValue'>, vhost: ApacheNode): boolean {
  const on = (lname: string) => !/^off$/i.test(proxy.serverValue(vhost, lname)?.args[0] ?? 'on');
  return on('balancerinherit') || on('proxypassinherit');
}

/**
 * Whose balancer of this name the lines of `server` use (null: the main server's). A virtual host's list of balancers
 * is the main server's followed by its own (merge_proxy_config, unless it has both BalancerInherit and
 * ProxyPassInherit Off), and httpd takes the first of the name: on 2.4.71, with balancer://pool defined in the main
 * server and again in a virtual host, the virtual host's ProxyPass reached the main server's member, and with only a
 * main-server ProxyPass to it (no members there) it answered 503 with AH01171 although the virtual host defines
 * members (test/servers/apache-balancer-scope.test.ts). Another virtual host's balancer is never seen.
 */
export function balancerHome(definers: readonly ApacheNode[], proxy: Pick<ProxyModel, 'serverValue'>, server: ApacheNode | null): ApacheNode | null {
  if (server === null) return null;
  if (inheritsBalancers(proxy, server) && definers.some((d) => serverOf(d) === null)) return null;
  return server;
}

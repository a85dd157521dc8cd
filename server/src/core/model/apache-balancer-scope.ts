import { virtualHostOf, type ApacheNode } from './apache-tree';

/** The <VirtualHost> a line belongs to (a <VirtualHost> line to itself), or null for the main server. */
export const serverOf = (n: ApacheNode): ApacheNode | null => (n.lname === 'virtualhost' ? n : virtualHostOf(n));

/**
 * Whether a virtual host takes the main server's balancers: BalancerInherit or ProxyPassInherit On (both are by
 * default; a value set in the main server holds in every virtual host that sets none). Each server defines its own
 * balancers while httpd reads the configuration; merge_proxy_config then gives a virtual host that takes them the main
 * server's followed by its own, and httpd uses the first of a name. On 2.4.71 (test/servers/apache-balancer-scope.test.ts):
 * - balancer://pool defined in the main server and in a virtual host: the virtual host's requests reached the main
 *   server's member, wherever the lines were in the file, with BalancerInherit Off or ProxyPassInherit Off alone too;
 *   with both Off (in the virtual host, or in the main server and not set in the virtual host) its own member;
 * - a main-server ProxyPass (or ProxyPassMatch, or <Location> ProxyPass) to it, or a <Proxy balancer://pool> with only
 *   ProxySet in it, defines the main server's balancer without members: a virtual host that defines members got 503
 *   with AH01171 ("No workers in balancer");
 * - a <Proxy balancer://pool> section with neither BalancerMember nor ProxySet (only Require lines) defines nothing:
 *   the virtual host's own members answered;
 * - a virtual host with both Off that uses a balancer only the main server defines got 503 with AH01171, and so did
 *   a virtual host using one only another virtual host defines.
 */
export function takesMainBalancers(serverValue: (vhost: ApacheNode | null, lname: string) => ApacheNode | undefined, vhost: ApacheNode): boolean {
  const on = (lname: string) => !/^off$/i.test(serverValue(vhost, lname)?.args[0] ?? 'on');
  return on('balancerinherit') || on('proxypassinherit');
}

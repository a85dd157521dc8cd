import { virtualHostOf } from '../../model/apache-tree';
import { defineApacheRule } from '../apache-rule';

/**
 * A `SetHandler "proxy:unix:/a.sock|fcgi://localhost"` request is proxied through the worker httpd finds for its URL
 * with the socket part taken off ("fcgi://localhost/var/www/x.php"): the longest ProxyPass worker name that starts it,
 * among the server's workers and the main server's (merge_proxy_config appends them). When that worker has a socket
 * of its own ("ProxyPass /legacy/ unix:/b.sock|fcgi://localhost/"), its socket is used, not the handler's
 * (ap_proxy_determine_connection takes the worker's uds_path before the request's). On 2.4.68 such a .php request
 * logged "AH02454: FCGI: attempt to connect to Unix domain socket /b.sock" and got 503 while /b.sock was down
 * (test/servers/explain-apache-unix-socket.test.ts, and this rule's evidence scenario). Only a worker whose URL is the
 * handler's scheme://host with no path (or "/") is reported: it starts every such request's URL, whatever the
 * document root; balancer members are not looked up this way, and ProxyPassMatch workers are left out.
 */
export default defineApacheRule({
  id: 'sethandler-socket-taken-by-worker',
  server: 'apache',
  severity: 'warning',
  outcome: 'wrong-backend-path',
  summary:
    'A SetHandler "proxy:unix:…|fcgi://host" shares its URL (fcgi://host/) with a ProxyPass to another socket: httpd sends the handler\'s requests through that worker, to the other socket (another PHP-FPM pool, or 503 when it is down).',
  directives: ['SetHandler', 'ProxyPass'],
  versions: 'all 2.4',
  check(ctx) {
    for (const n of ctx.nodes('sethandler')) {
      if (n.unresolved) continue;
      const m = /^proxy:unix:([^|]+)\|([a-z][a-z0-9+.-]*:\/\/[^/]+)(\/.*)?$/i.exec(n.args[0] ?? '');
      if (!m) continue;
      const [, socket, base] = m;
      const server = virtualHostOf(n);
      const w = ctx.proxy.workers.find((x) => {
        if (x.kind !== 'proxypass' || x.match || !x.target.socket || x.target.socket === socket || x.node.unresolved) return false;
        if (x.vhost !== null && x.vhost !== server) return false;
        const url = x.url.slice(x.url.indexOf('|') + 1).toLowerCase();
        return url === base.toLowerCase() || url === `${base.toLowerCase()}/`;
      });
      if (!w) continue;
      ctx.report({
        node: n,
        message: `requests this SetHandler sends to ${socket} go through the worker of ${w.node.name} on line ${ctx.lineOf(w.node)}${w.node.file === n.file ? '' : ` of ${w.node.file.path.slice(w.node.file.path.lastIndexOf('/') + 1)}`} (${w.url}) instead: httpd looks the worker up by the URL without its socket part (${base}/…), and a worker's own socket wins over the handler's, so they reach ${w.target.socket} (another pool answers, or 503 with "AH02454: … attempt to connect to Unix domain socket ${w.target.socket} … failed" while it is down). Give one of them another host name (${base.replace(/:\/\/.*/, '')}://php-fpm-pool), which names a worker of its own`,
      });
    }
  },
});

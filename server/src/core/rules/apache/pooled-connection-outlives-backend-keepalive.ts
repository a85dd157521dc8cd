import { apacheFix, appendToDirective, setParam } from '../../apache-fix';
import { formatSeconds, reusesConnections } from '../../model/apache-proxy';
import { defineApacheRule } from '../apache-rule';

export default defineApacheRule({
  id: 'pooled-connection-outlives-backend-keepalive',
  server: 'apache',
  severity: 'warning',
  outcome: '502',
  summary: 'Pooled backend connections stay open longer than the backend keeps idle connections: httpd reuses one the backend just closed and answers 502.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember', 'ProxySet'],
  versions: 'all 2.4',
  check(ctx) {
    const backend = ctx.settings.environment.backendKeepaliveTimeoutMs;
    if (!backend) return;
    // SetEnv proxy-initial-not-pooled sends the first request of each client connection on a new backend connection.
    // mod_proxy_http reads it; mod_proxy_fcgi does not (on 2.4.71 an fcgi:// worker with enablereuse=On still used one
    // connection for three clients with it set).
    const initialNotPooled = ctx.nodes('setenv').some((n) => n.args[0]?.toLowerCase() === 'proxy-initial-not-pooled');
    const ttlSeconds = Math.max(1, Math.floor(backend / 1000) - 1);
    for (const w of ctx.proxy.workers) {
      // A line sharing an earlier worker has that worker's parameters: its line reports them (worker-params-ignored-by-sharing says why this one's are ignored).
      if (w.shares) continue;
      if (w.node.unresolved || w.target.error || !reusesConnections(w)) continue;
      if (initialNotPooled && w.target.scheme !== 'fcgi') continue;
      const ttl = w.params.get('ttl');
      const ttlMs = ttl ? parseInt(ttl.value, 10) * 1000 : undefined;
      if (ttlMs !== undefined && ttlMs < backend) continue;
      const own = ttl && ttl.node === w.node;
      // What the lost request gets, as forced on Apache 2.4.71 (a backend that closes a reused connection idle ≥ 2 s).
      const lost = w.target.scheme === 'fcgi' ? '503 ("AH01075: Error dispatching request to …", or AH01074 "Failed writing Environment to …" when the close comes while httpd still sends)' : '502 ("AH01102: error reading status line from remote server", AH00898)';
      ctx.report({
        node: w.node,
        message: `${ttl ? `ttl=${ttl.value} keeps` : 'without ttl=, httpd keeps'} idle connections to ${w.url} open ${ttl ? `for ${formatSeconds(ttlMs!)}` : 'until the backend closes them'}, not less than the backend's ${formatSeconds(backend)} keep-alive timeout (environment.backendKeepaliveTimeout): a request sent on a connection the backend is closing gets ${lost}; set ttl=${ttlSeconds}`,
        fix: ttl && !own ? undefined : apacheFix(`Set ttl=${ttlSeconds}`, ttl ? setParam(ttl, String(ttlSeconds)) : appendToDirective(w.node, `ttl=${ttlSeconds}`)),
      });
    }
  },
});

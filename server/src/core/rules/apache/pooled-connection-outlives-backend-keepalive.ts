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
    // One second below the backend's timeout. httpd reads ttl= with atoi() as whole seconds and refuses anything below 1
    // ("TTL must be at least one second"), so a backend that closes idle connections after 1 s or less has no ttl= that
    // helps: only turning reuse off does.
    const ttlSeconds = Math.max(1, Math.floor(backend / 1000) - 1);
    const ttlHelps = ttlSeconds * 1000 < backend;
    for (const w of ctx.proxy.workers) {
      // No request reaches this worker (ProxyModel.unreachable): its parameters change nothing, and proxypass-shadowed
      // reports the dead line.
      if (ctx.proxy.unreachable.has(w)) continue;
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
      const kept = `${ttl ? `ttl=${ttl.value} keeps` : 'without ttl=, httpd keeps'} idle connections to ${w.url} open ${ttl ? `for ${formatSeconds(ttlMs!)}` : 'until the backend closes them'}, not less than the backend's ${formatSeconds(backend)} keep-alive timeout (environment.backendKeepaliveTimeout): a request sent on a connection the backend is closing gets ${lost}`;
      if (ttlHelps) {
        ctx.report({
          node: w.node,
          message: `${kept}; set ttl=${ttlSeconds}`,
          fix: ttl && !own ? undefined : apacheFix(`Set ttl=${ttlSeconds}`, ttl ? setParam(ttl, String(ttlSeconds)) : appendToDirective(w.node, `ttl=${ttlSeconds}`)),
        });
        continue;
      }
      // Reuse off costs a new connection per request, which the user must accept: a suggestion, not a fix. The switch
      // already written (on the line or a ProxySet that finds the worker) is turned, as the last word written wins.
      const off = w.reuse ? setParam(w.reuse, w.reuse.key === 'enablereuse' ? 'Off' : 'On') : appendToDirective(w.node, 'disablereuse=On');
      const alsoEnv = w.target.scheme === 'fcgi' ? '' : ', or SetEnv proxy-initial-not-pooled 1 (mod_proxy_http reads it)';
      ctx.report({
        node: w.node,
        message: `${kept}; ttl= counts whole seconds and cannot go below 1, so no ttl= closes them first: turn reuse off for this worker (${w.reuse?.key === 'enablereuse' ? 'enablereuse=Off' : 'disablereuse=On'}, a new connection per request)${alsoEnv}`,
        suggestions: [apacheFix(w.reuse?.key === 'enablereuse' ? 'Set enablereuse=Off (a new connection per request)' : 'Set disablereuse=On (a new connection per request)', off)],
      });
    }
  },
});

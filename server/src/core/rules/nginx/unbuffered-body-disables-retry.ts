import { replaceSpan } from '../../fix';
import { defineNginxRule } from '../rule';
import { describeGroup, familyOf, hasSpareServers, inForce, nextUpstreamDefault, PASSES, passRelated, PerLine } from './failover-support';

/** Modules with a *_request_buffering switch; grpc always streams the request body and has none. */
const BUFFERING = ['proxy', 'fastcgi', 'uwsgi', 'scgi'];

/**
 * With request buffering off nginx streams the request body to the server as it arrives, so it has
 * nothing to send again: "the request cannot be passed to the next server if nginx already started
 * sending the request body" (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_request_buffering).
 * Bodies that arrived in full with the headers are still buffered and retried (nginx 1.22.1, tested);
 * larger ones, such as uploads, fail with the first server's 502/504. Only connection failures, which
 * happen before anything is sent, are still retried for them.
 */
export default defineNginxRule({
  id: 'unbuffered-body-disables-retry',
  server: 'nginx',
  severity: 'info',
  outcome: '502/504',
  summary: '*_request_buffering off for a group of several servers: a request already sent to a failing server cannot be retried on another one.',
  directives: [...PASSES, ...BUFFERING.map((m) => `${m}_request_buffering`)],
  versions: '>= 1.7.11',
  check(ctx) {
    const perLine = new PerLine<null>();
    for (const t of ctx.upstreams.passes) {
      const family = familyOf(t);
      if (!family || t.module !== 'http' || !BUFFERING.includes(family) || !hasSpareServers(t.upstream)) continue;
      const buffering = inForce(ctx, t, `${family}_request_buffering`, 'on');
      if (!buffering.node || buffering.args[0] !== 'off') continue;
      // With retries off there is nothing to lose (next-upstream-off-with-spare-servers covers that).
      if (inForce(ctx, t, `${family}_next_upstream`, nextUpstreamDefault(t)).args.includes('off')) continue;
      perLine.add(buffering.node, t, null);
    }
    for (const [at, { passes }] of perLine.entries()) {
      const groups = [...new Set(passes.map((p) => p.upstream!))].map(describeGroup).join(', ');
      ctx.report({
        node: at,
        message: `${at.name} off: a request whose body is still arriving when nginx starts passing it on (an upload, any body larger than what came with the headers) cannot be sent to another server of ${groups} once it reached one that fails or times out, so the client gets that server's 502/504 (only connection failures are retried)`,
        related: passes.map((p) => passRelated(p, `requests to upstream "${p.upstream!.name}" use it here`)),
        suggestions: [{ title: 'Buffer request bodies again ("on", the default), unless this location must stream uploads', edits: [replaceSpan(at.file, at.directive.args[0], 'on')] }],
      });
    }
  },
});

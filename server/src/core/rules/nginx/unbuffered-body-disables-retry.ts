import { replaceSpan } from '../../fix';
import { defineNginxRule } from '../rule';
import { describeGroupsOf, effectiveAtPasses, familyOf, hasSpareServers, inForceIncludes, lastNode, NEXT_UPSTREAM_OF, nextUpstreamDefault, PASSES, passUsesItHere, PerLine, singleTry, type RetryFamily } from './failover-support';

/**
 * The *_request_buffering switch of each module that has one (grpc always streams the request body and has
 * none), written out: it is looked up at every pass.
 */
const BUFFERING_OF: Partial<Record<RetryFamily, string>> = {
  proxy: 'proxy_request_buffering',
  fastcgi: 'fastcgi_request_buffering',
  uwsgi: 'uwsgi_request_buffering',
  scgi: 'scgi_request_buffering',
};

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
  directives: [...PASSES, ...(Object.values(BUFFERING_OF) as string[])],
  versions: '>= 1.7.11',
  check(ctx) {
    const perLine = new PerLine<null>();
    const effectiveAt = effectiveAtPasses(ctx);
    const passes = ctx.upstreams.passes;
    for (let k = 0; k < passes.length; k++) {
      const t = passes[k];
      const family = familyOf(t);
      if (!family) continue;
      const name = BUFFERING_OF[family];
      if (!name || t.module !== 'http' || !hasSpareServers(t.upstream)) continue;
      // Only a written "off" counts: the default ("on") never does, so no default is looked at.
      const buffering = lastNode(effectiveAt(t, name));
      if (!buffering || buffering.directive.args[0]?.value !== 'off') continue;
      // With retries off (or one try only) there is nothing to lose (next-upstream-off-with-spare-servers covers that).
      if (inForceIncludes(effectiveAt(t, NEXT_UPSTREAM_OF[family]), nextUpstreamDefault(t), 'off') || singleTry(effectiveAt, t, family)) continue;
      perLine.add(buffering, t, null);
    }
    perLine.forEach((at, passes) => {
      const groups = describeGroupsOf(passes);
      ctx.report({
        node: at,
        message: `${at.name} off: a request whose body is still arriving when nginx starts passing it on (an upload, any body larger than what came with the headers) cannot be sent to another server of ${groups} once it reached one that fails or times out, so the client gets that server's 502/504, or the 500/502/503/504 it answered, whatever ${at.name.slice(0, -'request_buffering'.length)}next_upstream lists (non_idempotent, http_503…; only connection failures are retried)`,
        related: passes.map(passUsesItHere),
        suggestions: [{ title: 'Buffer request bodies again ("on", the default), unless this location must stream uploads', edits: [replaceSpan(at.file, at.directive.args[0], 'on')] }],
      });
    });
  },
});

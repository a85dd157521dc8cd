import { replaceSpan } from '../../fix';
import { defineNginxRule } from '../rule';
import { describeGroup, familyOf, hasSpareServers, inForce, NEXT_UPSTREAM, PASSES, passRelated, PerLine } from './failover-support';

/**
 * `*_next_upstream off` stops nginx from passing a failed request (http) or connection (stream) to
 * another server of the group (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_next_upstream,
 * https://nginx.org/en/docs/stream/ngx_stream_proxy_module.html#proxy_next_upstream). The failure still
 * counts towards max_fails, so later requests avoid the server; the one in flight gets the error.
 */
export default defineNginxRule({
  id: 'next-upstream-off-with-spare-servers',
  server: 'nginx',
  severity: 'info',
  outcome: '502/504',
  summary: '*_next_upstream off for a group of several servers: a request whose server fails gets 502/504 although another server could answer it.',
  directives: [...PASSES, ...NEXT_UPSTREAM],
  versions: 'all',
  check(ctx) {
    const perLine = new PerLine<null>();
    for (const t of ctx.upstreams.passes) {
      const family = familyOf(t);
      if (!family || (t.module === 'stream' && family !== 'proxy') || !hasSpareServers(t.upstream)) continue;
      const v = inForce(ctx, t, `${family}_next_upstream`, '');
      if (v.node && v.args[0] === 'off') perLine.add(v.node, t, null);
    }
    for (const [at, { passes }] of perLine.entries()) {
      const stream = at.context.startsWith('stream');
      const groups = [...new Set(passes.map((p) => p.upstream!))].map(describeGroup).join(', ');
      const arg = at.directive.args[0];
      ctx.report({
        node: at,
        message: stream
          ? `${at.name} off: a client connection whose server in ${groups} cannot be reached is closed instead of being passed to another server of the group`
          : `${at.name} off: a request whose server in ${groups} fails or times out is not passed to another server of the group, so the client gets the 502/504 (nginx still counts the failure, so later requests avoid that server)`,
        related: passes.map((p) => passRelated(p, `requests to upstream "${p.upstream!.name}" use it here`)),
        suggestions: [
          stream
            ? { title: 'Use "on" (the default): try the next server when a connection cannot be made', edits: [replaceSpan(at.file, arg, 'on')] }
            : {
                title: 'Use "error timeout" (the default: idempotent requests are retried; a POST that was already sent is not)',
                edits: [replaceSpan(at.file, arg, 'error timeout')],
              },
        ],
      });
    }
  },
});

import { replaceSpan } from '../../fix';
import { defineNginxRule } from '../rule';
import { describeGroupsOf, effectiveAtPasses, familyOf, hasSpareServers, lastNode, NEXT_UPSTREAM, NEXT_UPSTREAM_OF, PASSES, passUsesItHere, PerLine } from './failover-support';
import { listensOnlyUdp } from './timeouts-support';

/**
 * `*_next_upstream off` stops nginx from passing a failed request (http) or connection (stream) to
 * another server of the group (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_next_upstream,
 * https://nginx.org/en/docs/stream/ngx_stream_proxy_module.html#proxy_next_upstream). The failure still
 * counts towards max_fails, so later requests avoid the server; the one in flight gets the error.
 * A stream server that listens only on UDP is left out: its connect() cannot fail on a dead backend (no handshake),
 * and nginx 1.22.1 passes neither a refused datagram nor a missing answer to the next server with "on" either
 * (test/servers/explain-nginx-stream.test.ts), so "off" loses nothing there.
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
    const effectiveAt = effectiveAtPasses(ctx);
    const passes = ctx.upstreams.passes;
    for (let k = 0; k < passes.length; k++) {
      const t = passes[k];
      const family = familyOf(t);
      if (!family || (t.module === 'stream' && (family !== 'proxy' || listensOnlyUdp(t.node.parent))) || !hasSpareServers(t.upstream)) continue;
      // Only a written "off" counts: no default is "off".
      const written = lastNode(effectiveAt(t, NEXT_UPSTREAM_OF[family]));
      if (written && written.directive.args[0]?.value === 'off') perLine.add(written, t, null);
    }
    perLine.forEach((at, passes) => {
      const stream = at.context.startsWith('stream');
      const groups = describeGroupsOf(passes);
      const arg = at.directive.args[0];
      ctx.report({
        node: at,
        message: stream
          ? `${at.name} off: a client connection whose server in ${groups} cannot be reached is closed instead of being passed to another server of the group`
          : `${at.name} off: a request whose server in ${groups} fails or times out is not passed to another server of the group, so the client gets the 502/504 (nginx still counts the failure, so later requests avoid that server)`,
        related: passes.map(passUsesItHere),
        suggestions: [
          stream
            ? { title: 'Use "on" (the default): try the next server when a connection cannot be made', edits: [replaceSpan(at.file, arg, 'on')] }
            : {
                title: 'Use "error timeout" (the default: idempotent requests are retried; a POST that was already sent is not)',
                edits: [replaceSpan(at.file, arg, 'error timeout')],
              },
        ],
      });
    });
  },
});

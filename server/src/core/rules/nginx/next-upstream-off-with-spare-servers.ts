import { replaceSpan } from '../../fix';
import { defineNginxRule } from '../rule';
import { flagsInForce, lineWithFlag } from '../../model/nginx-effective';
import { describeGroupsOf, effectiveAtPasses, familyOf, hasSpareServers, NEXT_UPSTREAM, NEXT_UPSTREAM_OF, PASSES, passUsesItHere, PerLine, removeArgEdit, singleTry } from './failover-support';
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
    const perLine = new PerLine<number>();
    const effectiveAt = effectiveAtPasses(ctx);
    const passes = ctx.upstreams.passes;
    for (let k = 0; k < passes.length; k++) {
      const t = passes[k];
      const family = familyOf(t);
      if (!family || (t.module === 'stream' && (family !== 'proxy' || listensOnlyUdp(t.node.parent))) || !hasSpareServers(t.upstream)) continue;
      // With one try (*_next_upstream_tries 1) "off" takes away nothing.
      if (t.module === 'http' && singleTry(effectiveAt, t, family)) continue;
      // Only a written "off" counts: no default is "off". In http it wins on any line of the deciding level, whatever
      // the other lines say (nginx ORs them, then keeps only off): the finding goes on the line that has it.
      const e = effectiveAt(t, NEXT_UPSTREAM_OF[family]);
      if (!e.nodes.length || flagsInForce(e)[0] !== 'off') continue;
      const written = lineWithFlag(e, 'off');
      if (written) perLine.add(written, t, e.nodes.length);
    }
    perLine.forEach((at, passes, lines) => {
      const stream = at.context.startsWith('stream');
      const groups = describeGroupsOf(passes);
      // The only line with the only word: it can be turned into the default's words.
      const alone = lines === 1 && at.directive.args.length === 1;
      const arg = at.directive.args.find((a) => a.value.toLowerCase() === 'off') ?? at.directive.args[0];
      ctx.report({
        node: at,
        message: stream
          ? `${at.name} off: a client connection whose server in ${groups} cannot be reached is closed instead of being passed to another server of the group`
          : `${at.name} off: a request whose server in ${groups} fails or times out is not passed to another server of the group, so the client gets the 502/504 (nginx still counts the failure, so later requests avoid that server)`,
        related: passes.map(passUsesItHere),
        suggestions: alone
          ? [
              stream
                ? { title: 'Use "on" (the default): try the next server when a connection cannot be made', edits: [replaceSpan(at.file, arg, 'on')] }
                : {
                    title: 'Use "error timeout" (the default: idempotent requests are retried; a POST that was already sent is not)',
                    edits: [replaceSpan(at.file, arg, 'error timeout')],
                  },
            ]
          : // Beside other flags, dropping "off" leaves them in force (nginx warns "duplicate value" for a flag written twice at one level, so none is added).
            at.directive.args.length > 1
            ? [{ title: 'Remove "off" (the other flags of this level then decide)', edits: [removeArgEdit(at, arg.value)] }]
            : [],
      });
    });
  },
});

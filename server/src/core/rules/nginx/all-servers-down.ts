import type { Fix, RelatedLocation } from '../../finding';
import { defineNginxRule } from '../rule';
import { isDown, removeArgEdit, serversAreDynamic } from './failover-support';

/**
 * A `server` marked `down` is never chosen (https://nginx.org/en/docs/http/ngx_http_upstream_module.html#down).
 * When every server of a group carries it, backups included, the round-robin balancer finds no peer at all and
 * nginx answers 502 at once ("no live upstreams while connecting to upstream"), without trying to connect.
 * `nginx -t` accepts such a group. NGINX Plus can bring a server of a group in shared memory back up at run time
 * through its API, so such groups are left alone when the edition is Plus.
 */
export default defineNginxRule({
  id: 'all-servers-down',
  server: 'nginx',
  severity: 'error',
  outcome: '502',
  summary: 'Every server of an upstream group is marked down: nginx answers 502 to every request sent to it without trying any server.',
  directives: ['upstream', 'server'],
  versions: 'all',
  check(ctx) {
    for (const up of ctx.upstreams.upstreams) {
      const servers = up.servers;
      if (!servers.length || servers.some((s) => s.error || !isDown(s)) || serversAreDynamic(up)) continue;
      if (ctx.target.edition === 'plus' && up.node.children.some((c) => c.name === 'zone')) continue;
      const stream = up.module === 'stream';
      const name = up.node.directive.args[0];
      const related: RelatedLocation[] = servers.map((s) => {
        const down = s.node.directive.args.find((a) => a.value === 'down')!;
        return { path: s.node.file.path, start: down.start, end: down.end, message: `${s.node.directive.args[0].value} is marked down here` };
      });
      const suggestions: Fix[] = servers.slice(0, 3).map((s) => ({
        title: `Remove "down" from ${s.node.directive.args[0].value}`,
        edits: [removeArgEdit(s.node, 'down')],
      }));
      const what = servers.length === 1 ? `its only server (${servers[0].node.directive.args[0].value}) is` : `all ${servers.length} of its servers are`;
      ctx.report({
        at: { file: up.node.file, start: up.node.directive.start, end: name.end },
        message: stream
          ? `upstream "${up.name}": ${what} marked down, so nginx closes every connection proxied to it at once ("no live upstreams while connecting to upstream") without trying any server`
          : `upstream "${up.name}": ${what} marked down, so every request proxied to it gets 502 at once ("no live upstreams while connecting to upstream") without nginx trying any server; remove "down" from at least one server, or add a server that is not down`,
        related,
        suggestions,
      });
    }
  },
});

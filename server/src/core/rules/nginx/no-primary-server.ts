import type { Fix, RelatedLocation } from '../../finding';
import type { Upstream } from '../../model/nginx-upstreams';
import { defineNginxRule } from '../rule';
import { isBackup, removeArgEdit, serversAreDynamic } from './failover-support';
import { templateLine } from './placement-support';

/** Methods that refuse `backup` on the server lines after them: nginx stops there first (backup-with-hash-balancing). */
const REFUSING = new Set(['hash', 'ip_hash', 'random']);

/** A method that refuses `backup` written before a backup server: nginx stops on that server line instead. */
function refusedEarlier(up: Upstream): boolean {
  let refusing = false;
  for (const c of up.node.children) {
    if (REFUSING.has(c.name) && (c.name !== 'ip_hash' || up.module === 'http')) refusing = true;
    else if (c.name === 'server' && refusing && c.directive.args.some((a) => a.value === 'backup')) return true;
  }
  return false;
}

/**
 * nginx balances over the primary servers of a group and turns to the `backup` ones only when every primary has
 * failed (https://nginx.org/en/docs/http/ngx_http_upstream_module.html#backup). A group made of backups alone has
 * nothing to start from: while loading the configuration nginx stops with `no servers in upstream "<name>"`, whether
 * or not anything uses the group, in http and in stream, with round robin and least_conn, and with hash, ip_hash or
 * random written after the servers (with the method before them, nginx stops on the first backup line instead,
 * which backup-with-hash-balancing reports) [lab, nginx 1.22.1]. Newer versions skip backups before counting
 * `resolve` servers too, so the same holds there. A server marked `down` is still a primary and makes nginx start.
 *
 * A block with no server at all fails earlier, at its closing brace: `no servers are inside upstream`. NGINX Plus
 * can fill a group that lives in shared memory (`zone`) through its API, so such a group is left alone unless the
 * edition is known to be open source; so are groups whose servers come from elsewhere (an include, a Plus state
 * file, balancer_by_lua) or from template markup.
 */
export default defineNginxRule({
  id: 'no-primary-server',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'An upstream group has only backup servers (or no server at all): nginx refuses to start.',
  directives: ['upstream', 'server'],
  versions: 'all',
  check(ctx) {
    for (const up of ctx.upstreams.upstreams) {
      const servers = up.servers;
      const name = up.node.directive.args[0];
      const at = { file: up.node.file, start: up.node.directive.start, end: name.end };
      if (serversAreDynamic(up) || up.node.children.some((c) => c.name === 'include' || templateLine(c)) || templateLine(up.node)) continue;
      if (servers.length === 0) {
        if (ctx.target.edition !== 'oss' && up.node.children.some((c) => c.name === 'zone')) continue;
        ctx.report({ at, message: `nginx will not start: upstream "${up.name}" has no server line ("no servers are inside upstream"); add at least one server, or remove the group` });
        continue;
      }
      if (servers.some((s) => s.error || !isBackup(s)) || refusedEarlier(up)) continue;
      const related: RelatedLocation[] = servers.map((s) => {
        const backup = s.node.directive.args.find((a) => a.value === 'backup')!;
        return { path: s.node.file.path, start: backup.start, end: backup.end, message: `${s.node.directive.args[0].value} is a backup server` };
      });
      const suggestions: Fix[] = servers.slice(0, 3).map((s) => ({
        title: `Remove "backup" from ${s.node.directive.args[0].value} (it becomes the primary server)`,
        edits: [removeArgEdit(s.node, 'backup')],
      }));
      const what = servers.length === 1 ? `its only server (${servers[0].node.directive.args[0].value}) is` : `all ${servers.length} of its servers are`;
      ctx.report({
        at,
        message: `nginx will not start: upstream "${up.name}": ${what} marked backup, and a backup is only used once the primary servers have failed, so the group has no server to start from ("no servers in upstream "${up.name}""); remove "backup" from at least one server`,
        related,
        suggestions,
      });
    }
  },
});

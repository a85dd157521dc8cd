import type { Fix } from '../../finding';
import { replaceSpan } from '../../fix';
import type { Upstream } from '../../model/nginx-upstreams';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { isBackup, isDown, removeArgEdit, serversAreDynamic } from './failover-support';

/** Active health checks (NGINX Plus `health_check`, the third-party `check` module): they take dead servers out themselves. */
function hasActiveChecks(ctx: NginxRuleContext, up: Upstream): boolean {
  if (up.node.children.some((c) => c.name === 'check' || c.name === 'healthcheck_enabled')) return true;
  return ctx.upstreams.usersOf(up).some((t) => (t.node.parent?.children ?? ctx.config.roots).some((c) => c.name === 'health_check'));
}

/**
 * `max_fails=0` turns off the failure accounting of a server, so nginx never takes it out of rotation
 * (https://nginx.org/en/docs/http/ngx_http_upstream_module.html#max_fails). In a group of one it changes
 * nothing (a single server is never marked down anyway), so only groups with at least two servers count.
 */
export default defineNginxRule({
  id: 'max-fails-zero',
  server: 'nginx',
  severity: 'warning',
  outcome: '502/504',
  summary: 'max_fails=0 in a group of several servers: nginx keeps sending requests to a server that is down.',
  directives: ['upstream'],
  versions: 'all',
  check(ctx) {
    const upstreams = ctx.upstreams.upstreams;
    for (let k = 0; k < upstreams.length; k++) {
      const up = upstreams[k];
      if (up.servers.length < 2) continue;
      // The servers first: most groups have no max_fails=0, and the health-check test walks every place that uses the group.
      // A server marked down gets nothing, whatever its max_fails (a group that is all down: all-servers-down).
      const zero = up.servers.filter((s) => s.params.get('max_fails') === '0' && !isDown(s));
      if (!zero.length || serversAreDynamic(up) || hasActiveChecks(ctx, up)) continue;
      const live = up.servers.filter((s) => !isDown(s));
      const all = zero.length === live.length;
      // Only backups left to take out: every request still starts on primaries that are never taken out.
      const primaries = live.filter((s) => !isBackup(s));
      const allPrimaries = !all && primaries.length > 0 && primaries.every((s) => zero.includes(s));
      for (const s of zero) {
        const node = s.node;
        const arg = node.directive.args.find((a) => a.value === 'max_fails=0')!;
        const addr = node.directive.args[0]?.value ?? 'this server';
        const onlyBackupsOut = allPrimaries && !isBackup(s);
        const others = all
          ? `, and neither does any other server of "${up.name}"`
          : onlyBackupsOut
            ? primaries.length === 1
              ? ` (the only primary server of "${up.name}"; only its backup servers are taken out after failing)`
              : `, and neither does any other primary server of "${up.name}" (only its backup servers are taken out after failing)`
            : ` (the other servers of "${up.name}" are still taken out after failing; if ${addr} is meant as a last resort that is never taken out, ignore this)`;
        const suggestions: Fix[] = [
          { title: 'Remove max_fails=0 (back to the default: 1 failure within 10s takes the server out for 10s)', edits: [removeArgEdit(node, 'max_fails=0')] },
          { title: 'Use max_fails=3 fail_timeout=10s', edits: [replaceSpan(node.file, arg, node.directive.args.some((a) => a.value.startsWith('fail_timeout=')) ? 'max_fails=3' : 'max_fails=3 fail_timeout=10s')] },
        ];
        const stream = up.module === 'stream';
        const unit = stream ? 'connection' : 'request';
        const fail = stream ? 'is closed' : 'fails with 502/504';
        const cost = isBackup(s)
          ? `while it is down, every ${unit} that reaches the backups first waits for a connection error or the connect timeout on it, then moves on or ${fail}`
          : `while it is down it keeps getting its share of ${unit}s, each of which waits for a connection error or the connect timeout before it is retried elsewhere, or ${fail} when it cannot be retried`;
        ctx.report({
          at: { file: node.file, start: arg.start, end: arg.end },
          severity: all || onlyBackupsOut ? undefined : 'info',
          message: `max_fails=0: nginx never takes ${isBackup(s) ? 'backup server ' : ''}${addr} out of rotation${others}; ${cost}`,
          suggestions,
        });
      }
    }
  },
});

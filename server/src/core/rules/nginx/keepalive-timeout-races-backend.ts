import type { Fix } from '../../finding';
import { insertLinesInBlock, replaceSpan } from '../../fix';
import type { PassTarget, Upstream } from '../../model/nginx-upstreams';
import { timeMs } from '../../model/nginx-modules';
import { hasDuplicate } from '../../model/nginx-single-value';
import { formatDuration } from '../../model/units';
import { atLeast } from '../../model/version';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { explicitKeepalive, newKeepaliveDefaults, scopeOf, insertAfter } from './neighbours-support';
import { keepaliveProblems } from './upstream-keepalive-ineffective';

/** The upstream-level keepalive_timeout default (not the client-side one of the core module, 75s). */
const DEFAULT_IDLE_MS = 60_000;

/** Does this user of the group actually reuse connections (true), never (false), or only on some versions (undefined)? */
function reuses(ctx: NginxRuleContext, t: PassTarget): boolean | undefined {
  switch (t.directive) {
    case 'grpc_pass':
      return true;
    case 'fastcgi_pass': {
      const keep = ctx.effective(scopeOf(t.node), 'fastcgi_keep_conn');
      // Written twice at one level, nginx does not start: no value to judge.
      return keep.duplicate ? undefined : keep.nodes[0]?.directive.args[0]?.value === 'on';
    }
    case 'proxy_pass': {
      const { problems } = keepaliveProblems(ctx, t);
      if (problems.some((p) => !p.conditional)) return false;
      return problems.length ? undefined : true;
    }
    default:
      return false; // uwsgi and SCGI have no keep-alive
  }
}

function groupKeepsConnections(ctx: NginxRuleContext, up: Upstream): boolean {
  const explicit = explicitKeepalive(up);
  const off = up.node.children.some((c) => c.name === 'keepalive' && c.directive.args[0]?.value === '0');
  // Since 1.29.7 every group keeps 32 idle connections per worker unless told `keepalive 0`.
  if (!explicit && (off || newKeepaliveDefaults(ctx) !== true)) return false;
  const users = ctx.upstreams.usersOf(up);
  if (!users.length) return !!explicit;
  return users.some((t) => reuses(ctx, t) === true);
}

/**
 * nginx keeps an idle upstream connection for keepalive_timeout; a backend that closes idle connections
 * sooner can close one just as nginx sends the next request on it. nginx retries idempotent requests on a
 * fresh connection, but not POST/PATCH/LOCK (since 1.9.13), which then fail with 502.
 * https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive_timeout
 */
export default defineNginxRule({
  id: 'keepalive-timeout-races-backend',
  server: 'nginx',
  severity: 'warning',
  outcome: '502',
  summary: "Idle upstream connections are kept at least as long as the backend keeps them, so nginx can reuse one the backend is closing: sporadic 502 on POSTs.",
  directives: ['keepalive', 'keepalive_timeout'],
  versions: 'all (>= 1.15.3 for keepalive_timeout in upstream; every group from 1.29.7)',
  check(ctx) {
    const backendMs = ctx.settings.environment.backendKeepaliveTimeoutMs;
    if (!backendMs) return;
    for (const up of ctx.upstreams.upstreams) {
      // keepalive or keepalive_timeout written twice in the group: nginx does not start, no value to judge.
      if (up.module !== 'http' || hasDuplicate(up.node, 'keepalive') || hasDuplicate(up.node, 'keepalive_timeout') || !groupKeepsConnections(ctx, up)) continue;
      const idle = up.node.children.find((c) => c.name === 'keepalive_timeout');
      const idleMs = idle ? timeMs(idle.directive.args[0]) : DEFAULT_IDLE_MS;
      if (idleMs === undefined || idleMs < backendMs) continue;
      const ka = explicitKeepalive(up);
      const target = backendMs > 2000 ? backendMs - 1000 : Math.floor(backendMs / 2);
      const line = `keepalive_timeout ${formatDuration(target)};`;
      const suggestions: Fix[] = [];
      if (atLeast(ctx.target.version, '1.15.3') !== false) {
        const edit = idle ? replaceSpan(idle.file, idle.directive, line) : ka ? insertAfter(ka, [line]) : insertLinesInBlock(up.node, [line]);
        suggestions.push({ title: `Close idle connections before the backend does: ${line}`, edits: [edit] });
      }
      const kept = `up to ${formatDuration(idleMs)} (${idle ? 'keepalive_timeout' : 'the default keepalive_timeout'}${ka ? '' : '; nginx 1.29.7 and later keep idle connections to every group by default'})`;
      const anchor = idle ?? ka;
      const name = up.node.directive.args[0];
      ctx.report({
        ...(anchor ? { node: anchor } : { at: { file: up.node.file, start: up.node.directive.start, end: name.end } }),
        message: `upstream "${up.name}" keeps idle connections for ${kept}, but the backends close idle connections after ${formatDuration(backendMs)} (environment.backendKeepaliveTimeout): nginx can send a request on a connection the backend is closing, and POST/PATCH requests then fail with 502 ("upstream prematurely closed connection" or "Connection reset by peer")`,
        suggestions,
      });
    }
  },
});

import type { Fix } from '../../finding';
import { defineNginxRule } from '../rule';
import { commentOut } from './plus-support';

/** Directives of the NGINX Plus health-check modules (ngx_http_upstream_hc_module, ngx_stream_upstream_hc_module). */
const PLUS_ONLY = new Set(['health_check', 'health_check_timeout', 'match']);

/** The comment the fix leaves after a commented-out line (or a block's first line). */
const NOTE = '  # NGINX Plus only; open source nginx checks passively (max_fails, fail_timeout)';

export default defineNginxRule({
  id: 'health-check-requires-plus',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'Active health checks (health_check, match) are NGINX Plus only: open source nginx refuses to start.',
  directives: ['health_check', 'health_check_timeout', 'match'],
  versions: 'all (NGINX Plus only)',
  check(ctx) {
    const edition = ctx.target.edition;
    if (edition === 'plus') return;
    for (const name of PLUS_ONLY) {
      for (const n of ctx.nodes(name)) {
        // `match` is a data block inside map-like contexts of third-party modules; only the top-level block is the Plus one.
        if (name === 'match' && n.context !== 'http' && n.context !== 'stream') continue;
        if (edition === 'oss') {
          ctx.report({
            at: { file: n.file, start: n.directive.start, end: n.directive.nameSpan.end },
            message: `nginx will not start: "${name}" is part of NGINX Plus; open source nginx stops with unknown directive "${name}" (it has passive checks only: max_fails and fail_timeout on each server)`,
            fix: commentOut(n, NOTE),
          });
        } else {
          ctx.report({
            at: { file: n.file, start: n.directive.start, end: n.directive.nameSpan.end },
            severity: 'warning',
            message: `"${name}" needs NGINX Plus: open source nginx refuses to start with unknown directive "${name}" (set nginx.edition to "plus" or "oss" in .proxylintrc.json to settle it)`,
            suggestions: [commentOut(n, NOTE)].filter((f): f is Fix => !!f),
          });
        }
      }
    }
  },
});

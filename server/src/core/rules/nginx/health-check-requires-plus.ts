import type { Fix } from '../../finding';
import type { ConfigNode } from '../../model/nginx-tree';
import { defineNginxRule } from '../rule';

/** Directives of the NGINX Plus health-check modules (ngx_http_upstream_hc_module, ngx_stream_upstream_hc_module). */
const PLUS_ONLY = new Set(['health_check', 'health_check_timeout', 'match']);

/**
 * Comments out a one-line `health_check`: on open source nginx the line never loaded, so nothing that
 * ran depended on it, and the comment keeps the intent visible. Blocks (`match`) and lines shared with
 * other directives are left to the user.
 */
function commentOut(n: ConfigNode): Fix | undefined {
  if (n.directive.block) return undefined;
  const lines = n.file.lines;
  const line = lines.positionAt(n.directive.start).line;
  if (lines.positionAt(n.directive.end).line !== line) return undefined;
  const text = lines.lineText(line);
  const lineStart = lines.lineStart(line);
  const before = text.slice(0, n.directive.start - lineStart);
  const after = text.slice(n.directive.end - lineStart);
  if (before.trim() !== '' || !/^\s*(#.*)?$/.test(after)) return undefined;
  const src = n.file.text.slice(n.directive.start, n.directive.end);
  return {
    title: `Comment out "${n.name}" (NGINX Plus only)`,
    edits: [{ path: n.file.path, start: n.directive.start, end: n.directive.end, newText: `# ${src}  # NGINX Plus only; open source nginx checks passively (max_fails, fail_timeout)` }],
  };
}

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
            fix: name === 'match' ? undefined : commentOut(n),
          });
        } else {
          ctx.report({
            at: { file: n.file, start: n.directive.start, end: n.directive.nameSpan.end },
            severity: 'warning',
            message: `"${name}" needs NGINX Plus: open source nginx refuses to start with unknown directive "${name}" (set nginx.edition to "plus" or "oss" in .proxylintrc.json to settle it)`,
            suggestions: name === 'match' ? [] : [commentOut(n)].filter((f): f is Fix => !!f),
          });
        }
      }
    }
  },
});

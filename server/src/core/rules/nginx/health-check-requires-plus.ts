import type { Fix } from '../../finding';
import type { ConfigNode } from '../../model/nginx-tree';
import { defineNginxRule } from '../rule';

/** Directives of the NGINX Plus health-check modules (ngx_http_upstream_hc_module, ngx_stream_upstream_hc_module). */
const PLUS_ONLY = new Set(['health_check', 'health_check_timeout', 'match']);

/**
 * Comments out a `health_check` line or a whole `match { … }` block: on open source nginx neither ever loaded, so
 * nothing that ran depended on them, and the comment keeps the intent visible. Only when the directive has its lines
 * to itself (nothing but white space before it, at most a comment after it); otherwise it is left to the user.
 */
function commentOut(n: ConfigNode): Fix | undefined {
  const lines = n.file.lines;
  const first = lines.positionAt(n.directive.start).line;
  const last = lines.positionAt(n.directive.end).line;
  if (!n.directive.block && last !== first) return undefined;
  const before = lines.lineText(first).slice(0, n.directive.start - lines.lineStart(first));
  const after = lines.lineText(last).slice(n.directive.end - lines.lineStart(last));
  if (before.trim() !== '' || !/^\s*(#.*)?$/.test(after)) return undefined;
  const note = '  # NGINX Plus only; open source nginx checks passively (max_fails, fail_timeout)';
  if (!n.directive.block) {
    const src = n.file.text.slice(n.directive.start, n.directive.end);
    return { title: `Comment out "${n.name}" (NGINX Plus only)`, edits: [{ path: n.file.path, start: n.directive.start, end: n.directive.end, newText: `# ${src}${note}` }] };
  }
  // A block: "# " before the first non-blank character of each of its lines; the note goes on its first line.
  const edits = [];
  for (let line = first; line <= last; line++) {
    const text = lines.lineText(line);
    const indent = text.length - text.trimStart().length;
    if (indent === text.length) continue;
    edits.push({ path: n.file.path, start: lines.lineStart(line) + indent, end: lines.lineStart(line) + indent, newText: '# ' });
  }
  edits.push({ path: n.file.path, start: lines.lineStart(first) + lines.lineText(first).trimEnd().length, end: lines.lineStart(first) + lines.lineText(first).trimEnd().length, newText: note });
  return { title: `Comment out the "${n.name}" block (NGINX Plus only)`, edits };
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
            fix: commentOut(n),
          });
        } else {
          ctx.report({
            at: { file: n.file, start: n.directive.start, end: n.directive.nameSpan.end },
            severity: 'warning',
            message: `"${name}" needs NGINX Plus: open source nginx refuses to start with unknown directive "${name}" (set nginx.edition to "plus" or "oss" in .proxylintrc.json to settle it)`,
            suggestions: [commentOut(n)].filter((f): f is Fix => !!f),
          });
        }
      }
    }
  },
});

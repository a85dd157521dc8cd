import type { Fix } from '../../finding';
import { eolOf, indentAt } from '../../fix';
import { defineNginxRule } from '../rule';
import { deleteLine, newKeepaliveDefaults, text } from './neighbours-support';

const METHODS = new Set(['least_conn', 'hash', 'ip_hash', 'random', 'least_time']);

/**
 * Before 1.29.7 `keepalive` wrapped whatever balancer was set when it was read; a method named after it
 * replaced the wrapper ("load balancing method redefined"), so the group silently lost its keep-alive cache.
 * https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive
 */
export default defineNginxRule({
  id: 'keepalive-before-balancing-method',
  server: 'nginx',
  severity: 'warning',
  outcome: 'silent',
  summary: 'A balancing method (least_conn, hash, ip_hash, random) comes after keepalive in an upstream block: before 1.29.7 it switches keep-alive off.',
  directives: ['keepalive', 'least_conn', 'hash', 'ip_hash', 'random'],
  versions: '< 1.29.7',
  check(ctx) {
    const newer = newKeepaliveDefaults(ctx);
    if (newer === true) return;
    // An upstream fragment too: a method after keepalive in the same file comes after it in whichever group includes it.
    for (const up of ctx.upstreams.members) {
      if (up.module !== 'http') continue;
      const kids = up.children;
      const k = kids.findIndex((c) => c.name === 'keepalive');
      if (k < 0) continue;
      const ka = kids[k];
      for (const m of kids.slice(k + 1).filter((c) => METHODS.has(c.name))) {
        let fix: Fix | undefined;
        const sameLine = ka.file.lines.positionAt(ka.directive.start).line === m.file.lines.positionAt(m.directive.start).line;
        if (m.file === ka.file && !sameLine) {
          const f = ka.file;
          const at = f.lines.lineStart(f.lines.positionAt(ka.directive.start).line);
          const eol = eolOf(f);
          const del = deleteLine(m);
          // Carry a trailing comment along when the whole line moves.
          const moved = del.end > m.directive.end ? f.text.slice(m.directive.start, del.end).trimEnd() : text(m);
          fix = { title: `Move "${text(m)}" above "${text(ka)}"`, edits: [{ path: f.path, start: at, end: at, newText: indentAt(f, ka.directive.start) + moved + eol }, del] };
        }
        ctx.report({
          node: m,
          message: `"${text(m)}" comes after "${text(ka)}": ${newer === false ? `on nginx ${ctx.target.version!.join('.')}` : 'on nginx before 1.29.7'} ${m.name} replaces the keep-alive handler (nginx -t warns "load balancing method redefined"), so ${up.label} keeps no idle connections and every request opens a new one`,
          fix,
          related: [{ path: ka.file.path, start: ka.directive.start, end: ka.directive.end, message: 'keepalive is read first here' }],
        });
      }
    }
  },
});

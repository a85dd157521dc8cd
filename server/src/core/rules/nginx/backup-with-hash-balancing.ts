import type { Fix } from '../../finding';
import type { ConfigNode } from '../../model/nginx-tree';
import { defineNginxRule } from '../rule';
import { isBackup } from './failover-support';

/** Methods that do not accept `backup` (https://nginx.org/en/docs/http/ngx_http_upstream_module.html#backup); ip_hash exists in http only. */
const REFUSING = new Set(['hash', 'ip_hash', 'random']);
/** Every balancing method: each one resets the parameters that the `server` lines after it may use. */
const METHODS = new Set(['hash', 'ip_hash', 'random', 'least_conn', 'least_time']);

/** Removes a directive: its whole lines when it stands alone on them (a trailing comment goes with it), else just its text. */
function removeLine(n: ConfigNode) {
  const { lines, text, path } = n.file;
  const first = lines.positionAt(n.directive.start).line;
  const last = lines.positionAt(n.directive.end).line;
  const lineEnd = last + 1 < lines.lineCount ? lines.lineStart(last + 1) : text.length;
  const alone = text.slice(lines.lineStart(first), n.directive.start).trim() === '' && /^\s*(#.*)?$/.test(text.slice(n.directive.end, lineEnd));
  return alone ? { path, start: lines.lineStart(first), end: lineEnd, newText: '' } : { path, start: n.directive.start, end: n.directive.end, newText: '' };
}

function methodLabel(n: ConfigNode): string {
  return [n.name, ...n.directive.args.map((a) => a.value)].join(' ');
}

/** What giving the method up costs: a hash pins each client or key to a server; random pins nothing. */
function removeMethodTitle(method: ConfigNode, group: { module: string }): string {
  const cost = method.name === 'random' ? '' : `, but ${group.module === 'stream' ? 'connections' : 'requests'} lose their affinity`;
  return `Remove "${methodLabel(method)}" (round robin keeps the backup${cost})`;
}

/**
 * nginx checks each `server` parameter against the balancing method declared so far: `backup` after
 * `hash`, `ip_hash` or `random` stops start-up with `balancing method does not support parameter
 * "backup"`. Written after the servers, the method is not checked against them and nginx starts
 * (verified with nginx 1.22.1), but the combination stays undocumented: the hash and random methods
 * choose among the primary servers and reach a backup only when their own choice has given up and
 * they fall back to round robin (ngx_http_upstream_hash_module.c).
 */
export default defineNginxRule({
  id: 'backup-with-hash-balancing',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A backup server in a group balanced by hash, ip_hash or random: nginx refuses to start (or, with the method written last, the backup is unsupported).',
  directives: ['hash', 'ip_hash', 'random'],
  versions: 'all',
  check(ctx) {
    // An upstream fragment too: the order of its own lines is their order in whichever group includes it.
    const upstreams = ctx.upstreams.members;
    for (let k = 0; k < upstreams.length; k++) {
      const up = upstreams[k];
      // Most groups have no backup: nothing to look at then, not even the balancing methods.
      if (!up.servers.some(isBackup)) continue;
      const methods = up.children.filter((c) => METHODS.has(c.name) && (c.name !== 'ip_hash' || up.module === 'http'));
      if (!methods.some((m) => REFUSING.has(m.name))) continue;
      const finalMethod = methods[methods.length - 1];
      // Methods and servers are all children of the upstream block, so their order there is their order in the
      // configuration: no index of every node of the configuration is needed to compare them.
      const order = new Map(up.children.map((n, i) => [n, i]));
      for (const s of up.servers.filter(isBackup)) {
        const arg = s.node.directive.args.find((a) => a.value === 'backup')!;
        const before = methods.filter((m) => order.get(m)! < order.get(s.node)!).pop();
        const suggestions: Fix[] = [{ title: 'Remove this backup server (keep the balancing method)', edits: [removeLine(s.node)] }];
        if (before && REFUSING.has(before.name)) {
          suggestions.push({ title: removeMethodTitle(before, up), edits: [removeLine(before)] });
          ctx.report({
            at: { file: s.node.file, start: arg.start, end: arg.end },
            message: `nginx will not start: "${methodLabel(before)}" above does not support backup servers (nginx -t: balancing method does not support parameter "backup")`,
            related: [{ path: before.file.path, start: before.directive.start, end: before.directive.end, message: 'balancing method declared here' }],
            suggestions,
          });
        } else if (REFUSING.has(finalMethod.name) && order.get(finalMethod)! > order.get(s.node)!) {
          const m = finalMethod;
          suggestions.push({ title: removeMethodTitle(m, up), edits: [removeLine(m)] });
          ctx.report({
            at: { file: s.node.file, start: arg.start, end: arg.end },
            severity: 'warning',
            message: `backup is not supported with "${m.name}": nginx starts only because "${methodLabel(m)}" is written after the servers; moved above them, where it is usually written, it makes nginx refuse to start, and until then the backup is reached only through an undocumented fallback`,
            related: [{ path: m.file.path, start: m.directive.start, end: m.directive.end, message: 'balancing method declared here' }],
            suggestions,
          });
        }
      }
    }
  },
});

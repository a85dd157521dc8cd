import { unlessIncluderSets, type ConfigNode } from '../../model/nginx-tree';
import { replaceSpan } from '../../fix';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { explicitKeepalive, insertAfter, scopeOf, settingsAnchor, text } from './neighbours-support';

/**
 * A FastCGI server closes the connection after each response unless nginx asks it not to with the
 * FCGI_KEEP_CONN flag, which fastcgi_keep_conn turns on; without it the group's keepalive cache stays empty.
 * https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive
 * https://nginx.org/en/docs/http/ngx_http_fastcgi_module.html#fastcgi_keep_conn
 *
 * The change is never a safe fix: a PHP-FPM child serves one connection at a time and stays bound to a kept one while
 * it sits idle in a worker's cache, so up to keepalive × worker_processes children are held. With fewer children,
 * new requests wait for one that never frees and get 504 (nginx 1.22.1 + php-fpm 8.2, 4 workers, keepalive 4,
 * pm.max_children 2: 21 of 24 requests 504 after fastcgi_read_timeout, none without the line; 17 children: all 200).
 * How many the FastCGI server has is not in nginx's configuration, so the person applying it checks.
 */
export default defineNginxRule({
  id: 'fastcgi-keepalive-without-keep-conn',
  server: 'nginx',
  severity: 'warning',
  outcome: 'silent',
  summary: 'fastcgi_pass goes to a group with keepalive, but fastcgi_keep_conn is off, so the FastCGI server closes every connection.',
  directives: ['keepalive', 'fastcgi_keep_conn'],
  versions: 'all',
  check(ctx) {
    // A pass inside `if` and the pass of its location share the level the line goes to: one fix per level and run.
    const fixedLevels = new Set<ConfigNode | null>();
    for (const up of ctx.upstreams.upstreams) {
      const ka = explicitKeepalive(up);
      if (!ka) continue;
      for (const t of ctx.upstreams.usersOf(up)) {
        if (t.directive !== 'fastcgi_pass') continue;
        const scope = scopeOf(t.node);
        const eff = ctx.effective(scope, 'fastcgi_keep_conn');
        const set = eff.nodes[0];
        if (set?.directive.args[0]?.value === 'on') continue;
        const here = set && set.parent === scope;
        const related = [{ path: ka.file.path, start: ka.directive.start, end: ka.directive.end, message: `upstream "${up.name}" keeps idle connections here` }];
        if (set && !here) related.push({ path: set.file.path, start: set.directive.start, end: set.directive.end, message: `set here: ${text(set)}` });
        const fixLine = 'fastcgi_keep_conn on;';
        const anchor = settingsAnchor(t.node);
        const replace = set && set.parent === anchor.parent;
        // One suggestion per level and run: a pass inside `if` and its location's pass would get the same line.
        const offer = !!set || !fixedLevels.has(anchor.parent);
        if (!set) fixedLevels.add(anchor.parent);
        const held = heldConnections(ctx, Number(ka.directive.args[0].value));
        ctx.report({
          node: here ? set : t.node,
          message: `upstream "${up.name}" has "${text(ka)}", but fastcgi_keep_conn is ${set ? 'off' : `off (the default${unlessIncluderSets(ctx.config)})`} here: the FastCGI server closes the connection after every request, so nothing is ever reused and each request pays a new connect`,
          suggestions: offer
            ? [
                {
                  title: `${set ? 'Use' : 'Add'} "${fixLine}" — only if the FastCGI server has more workers than ${held} (PHP-FPM: pm.max_children): each kept connection holds one, and requests that find none free get 504`,
                  edits: [replace ? replaceSpan(set.file, set.directive, fixLine) : insertAfter(anchor, [fixLine])],
                },
              ]
            : [],
          related,
        });
      }
    }
  },
});

/** How many idle connections nginx may keep to the group, as the suggestion states it: keepalive is per worker process. */
function heldConnections(ctx: NginxRuleContext, keepalive: number): string {
  if (ctx.config.rootContext !== 'main') return `keepalive ${keepalive} × worker_processes`;
  const wp = ctx.nodes('worker_processes').at(-1)?.directive.args[0]?.value;
  // Not written: nginx runs one worker (Debian's packaged nginx.conf writes "auto").
  if (wp === undefined) return `${keepalive} (keepalive ${keepalive} × 1 worker process)`;
  if (/^\d+$/.test(wp)) return `${keepalive * Number(wp)} (keepalive ${keepalive} × worker_processes ${wp})`;
  return `keepalive ${keepalive} × the number of CPUs (worker_processes ${wp})`;
}

import { unlessIncluderSets, type ConfigNode } from '../../model/nginx-tree';
import { replaceSpan } from '../../fix';
import { defineNginxRule } from '../rule';
import { explicitKeepalive, insertAfter, scopeOf, settingsAnchor, text } from './neighbours-support';

/**
 * A FastCGI server closes the connection after each response unless nginx asks it not to with the
 * FCGI_KEEP_CONN flag, which fastcgi_keep_conn turns on; without it the group's keepalive cache stays empty.
 * https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive
 * https://nginx.org/en/docs/http/ngx_http_fastcgi_module.html#fastcgi_keep_conn
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
        const giveFix = !set && !fixedLevels.has(anchor.parent);
        if (giveFix) fixedLevels.add(anchor.parent);
        ctx.report({
          node: here ? set : t.node,
          message: `upstream "${up.name}" has "${text(ka)}", but fastcgi_keep_conn is ${set ? 'off' : `off (the default${unlessIncluderSets(ctx.config)})`} here: the FastCGI server closes the connection after every request, so nothing is ever reused and each request pays a new connect`,
          fix: !giveFix ? undefined : { title: `Add "${fixLine}"`, edits: [insertAfter(anchor, [fixLine])] },
          suggestions: set ? [{ title: `Use "${fixLine}"`, edits: [replace ? replaceSpan(set.file, set.directive, fixLine) : insertAfter(anchor, [fixLine])] }] : [],
          related,
        });
      }
    }
  },
});

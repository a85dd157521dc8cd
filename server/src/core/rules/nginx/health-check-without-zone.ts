import { insertLinesInBlock } from '../../fix';
import { defineNginxRule } from '../rule';

/**
 * NGINX Plus keeps the health of a group's servers in shared memory, so `health_check` needs the
 * group it checks to have a `zone` (https://nginx.org/en/docs/http/ngx_http_upstream_hc_module.html,
 * https://nginx.org/en/docs/stream/ngx_stream_upstream_hc_module.html). The group is the one the
 * pass directive of the same location (or stream server) names.
 */
export default defineNginxRule({
  id: 'health-check-without-zone',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'health_check checks an upstream group that has no zone: NGINX Plus refuses to load the configuration.',
  directives: ['health_check', 'zone'],
  versions: 'all (NGINX Plus only)',
  check(ctx) {
    // On open source nginx health_check itself is the error (health-check-requires-plus).
    if (ctx.target.edition === 'oss') return;
    const zoneNames = new Set(ctx.nodes('zone').map((z) => z.directive.args[0]?.value));
    for (const hc of ctx.nodes('health_check')) {
      const siblings = hc.parent ? hc.parent.children : ctx.config.roots;
      const pass = ctx.upstreams.passes.find((t) => siblings.includes(t.node));
      const up = pass?.upstream;
      if (!up || up.node.children.some((c) => c.name === 'zone')) continue;
      let zone = up.name;
      for (let i = 2; zoneNames.has(zone); i++) zone = `${up.name}_${i}`;
      const plus = ctx.target.edition === 'plus' ? 'NGINX Plus will not start' : 'with NGINX Plus, nginx will not start';
      ctx.report({
        at: { file: hc.file, start: hc.directive.start, end: hc.directive.nameSpan.end },
        message: `${plus}: health_check needs upstream "${up.name}" to keep its state in shared memory, and the group has no "zone"`,
        related: [{ path: up.node.file.path, start: up.node.directive.start, end: up.node.directive.args[0].end, message: `upstream "${up.name}" is defined here without a zone` }],
        suggestions: [{ title: `Add "zone ${zone} 64k;" to upstream "${up.name}"`, edits: [insertLinesInBlock(up.node, [`zone ${zone} 64k;`])] }],
      });
    }
  },
});

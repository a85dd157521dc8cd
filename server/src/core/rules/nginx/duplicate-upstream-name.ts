import type { RelatedLocation } from '../../finding';
import type { ConfigNode } from '../../model/nginx-tree';
import { TEMPLATE_MARKUP } from '../../model/template-markup';
import { defineNginxRule } from '../rule';

const where = (n: ConfigNode) => `${n.file.path.split('/').slice(-1)[0]}:${n.file.lines.positionAt(n.directive.start).line + 1}`;
const span = (n: ConfigNode, message: string): RelatedLocation => ({ path: n.file.path, start: n.directive.start, end: n.directive.block?.start ?? n.directive.end, message });

/**
 * Two `upstream` blocks with the same name in one http {} (or one stream {}): nginx stops with `[emerg] duplicate
 * upstream "app"` at the second [lab, nginx 1.22.1]. Names are compared without case (`upstream APP` after `upstream
 * app` is a duplicate too), and http and stream keep separate names (the same name in both starts fine). The usual
 * cause is two files of sites-enabled/ or conf.d/ that each define the group they pass to. A `proxy_pass http://app`
 * written before `upstream app {}` is no duplicate: nginx fills the name in when the block comes [lab].
 * Reported at the second block, the one nginx names, with the first as related location.
 * https://nginx.org/en/docs/http/ngx_http_upstream_module.html#upstream
 */
export default defineNginxRule({
  id: 'duplicate-upstream-name',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'Two upstream blocks share a name (often one in each of two site files): nginx refuses to start ("duplicate upstream").',
  directives: ['upstream'],
  versions: 'all',
  check(ctx) {
    const seen = new Set<ConfigNode>();
    for (const up of ctx.upstreams.upstreams) {
      const all = ctx.upstreams.sameName(up);
      if (all.length < 2 || all[0] !== up) continue;
      const first = up;
      // A name nginx cannot read as written (template markup such as {{ name }}) says nothing about the real name.
      if (TEMPLATE_MARKUP.test(first.node.directive.args[0].raw)) continue;
      for (const dup of all.slice(1)) {
        // The same block twice: one file included twice. nginx names the line in the file; point at the second include.
        const sameLine = dup.node.file === first.node.file && dup.node.directive.start === first.node.directive.start;
        const at = sameLine && dup.node.via ? dup.node.via : dup.node;
        if (seen.has(at)) continue;
        seen.add(at);
        const related: RelatedLocation[] = [span(first.node, `first defined here: upstream ${first.name}`)];
        if (sameLine && first.node.via) related.push(span(first.node.via, 'the file is included here too'));
        const origin = sameLine
          ? `the file is included twice, so nginx reads the block at ${where(first.node)} twice`
          : `already defined at ${where(first.node)}${first.node.file !== dup.node.file ? ' (nginx reads both files into the same block)' : ''}`;
        const caseNote = first.name !== dup.name ? ` (names are compared without case: "${first.name}" and "${dup.name}" are one name)` : '';
        ctx.report({
          node: at,
          message: `nginx will not start: duplicate upstream "${dup.name}" — ${origin}${caseNote}; give each group its own name, or keep one block and let both sites pass to it`,
          related,
        });
      }
    }
  },
});

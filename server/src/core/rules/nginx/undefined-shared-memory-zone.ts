import { pushTo } from '../../collections';
import type { Fix, RelatedLocation } from '../../finding';
import { replaceSpan } from '../../fix';
import { closest } from '../../model/names';
import type { ConfigNode } from '../../model/nginx-tree';
import { defineNginxRule } from '../rule';
import { readZone, type Zone } from './shared-zones-support';
import { wholeConfiguration } from './whole-config';

const related = (n: ConfigNode, message: string): RelatedLocation => ({ path: n.file.path, start: n.directive.start, end: n.directive.end, message });
const DECLARING = ['limit_req_zone', 'limit_conn_zone', 'zone'];

/**
 * The near name in place of the unknown one: a suggestion, never applied by --fix, since a name one or two letters
 * off a declared zone of the same kind is likely a typo but may be a zone whose file is not included here.
 */
function rename(node: ConfigNode, name: string, near: string): Fix[] {
  const prefix = node.name === 'limit_req' ? 'zone=' : '';
  const arg = node.directive.args.find((a) => a.value === prefix + name);
  // Quoted or escaped: the name is not written as nginx reads it; no edit rather than a wrong one.
  if (!arg || arg.raw !== arg.value) return [];
  return [{ title: `Change to "${near}"`, edits: [replaceSpan(node.file, arg, prefix + near)] }];
}

/**
 * `limit_req zone=name`, `limit_conn name …` or an upstream's size-less `zone name;` where nothing in the configuration
 * gives the zone a size (no limit_req_zone / limit_conn_zone of that name, no upstream `zone name size;`). nginx adds
 * the name with size 0 when it reads the line and, once the whole configuration is read, stops with `[emerg] zero
 * size shared memory zone "name"` [lab, nginx 1.22.1], naming neither file nor line: a typo in the zone name, or the
 * file with the zones not included (a conf.d/ file left out, a limits.conf only on another server). Only whole
 * configurations are judged, since a fragment's zones are usually declared in nginx.conf. Names that clash with another
 * kind of zone are shared-memory-zone-conflict's (nginx stops on that first).
 * https://nginx.org/en/docs/http/ngx_http_limit_req_module.html#limit_req
 */
export default defineNginxRule({
  id: 'undefined-shared-memory-zone',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'limit_req, limit_conn or an upstream\'s "zone name;" names a zone nothing declares with a size (a typo, or the file with the zones not included): nginx refuses to start with "zero size shared memory zone", naming no line.',
  directives: ['limit_req', 'limit_conn', 'zone', 'limit_req_zone', 'limit_conn_zone'],
  versions: 'all',
  check(ctx) {
    if (!ctx.nodes('limit_req').length && !ctx.nodes('limit_conn').length && !ctx.nodes('zone').length) return;
    if (!wholeConfiguration(ctx)) return;
    const zones: Zone[] = [];
    for (const name of ['limit_req', 'limit_conn', ...DECLARING]) {
      for (const node of ctx.nodes(name)) {
        if (name === 'zone' && node.context !== 'upstream' && node.context !== 'stream-upstream') continue;
        const z = readZone(node);
        // A declaration that cannot be read (a variable or template markup in its name): which names exist is not known.
        if (!z && DECLARING.includes(name)) return;
        if (z) zones.push(z);
      }
    }
    const byName = new Map<string, Zone[]>();
    // Appended in place: copying the list for each line made this quadratic in the lines naming one zone (653
    // "limit_req zone=perip" in the 100k-line benchmark tree, often thousands in a real one).
    for (const z of zones) pushTo(byName, z.name, z);
    for (const [name, all] of byName) {
      if (all.some((z) => z.size > 0)) continue;
      // Other kinds under the name: nginx stops on the clash first (shared-memory-zone-conflict).
      if (new Set(all.map((z) => z.owner)).size > 1) continue;
      for (const z of all) {
        const kind = z.node.name === 'zone' ? 'zone' : `${z.node.name}_zone`;
        const candidates = zones.filter((o) => o.size > 0 && o.owner === z.owner).map((o) => o.name);
        const near = closest(name, candidates, 2);
        const sized = zones.find((o) => o.name === near && o.size > 0);
        ctx.report({
          node: z.node,
          message:
            `nginx will not start: zone "${name}" is declared nowhere with a size — no ${z.node.name === 'zone' ? 'upstream has "zone ' + name + ' <size>;"' : `${kind} … zone=${name}:<size>`} in this configuration; ` +
            `nginx stops with "zero size shared memory zone "${name}"", without naming a file or line` +
            (near ? ` (did you mean "${near}"?)` : `; declare it, or include the file that does`),
          related: sized ? [related(sized.node, `zone "${near}" is declared here`)] : [],
          suggestions: near ? rename(z.node, name, near) : [],
        });
      }
    }
  },
});

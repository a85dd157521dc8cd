import { nginxDirective } from '../../model/nginx-directives';
import type { ConfigNode, SourceFile } from '../../model/nginx-tree';
import { defineNginxRule } from '../rule';

export default defineNginxRule({
  id: 'probable-missing-semicolon',
  server: 'any',
  severity: 'warning',
  outcome: 'silent',
  summary: 'A line lacks its ";" and nginx silently reads the next line as more arguments, so that directive never takes effect.',
  check(ctx) {
    // The directive each problem ends, found in one pass over the tree (a search of the whole tree per problem made
    // the rule quadratic: 13 s on a 20k-server file with a missing ";" in each server).
    let nodeAt: Map<SourceFile, Map<number, ConfigNode>> | undefined;
    const directiveEndingAt = (file: SourceFile, end: number): ConfigNode | undefined => {
      if (!nodeAt) {
        nodeAt = new Map();
        const wanted = new Map<SourceFile, Set<number>>();
        for (const f of ctx.config.files) {
          for (const p of f.ast.problems) {
            if (p.kind !== 'probable-missing-semicolon') continue;
            let ends = wanted.get(f);
            if (!ends) wanted.set(f, (ends = new Set()));
            ends.add(p.end);
          }
        }
        for (const n of ctx.config.all) {
          const ends = wanted.get(n.file);
          if (!ends?.has(n.directive.end)) continue;
          let byEnd = nodeAt.get(n.file);
          if (!byEnd) nodeAt.set(n.file, (byEnd = new Map()));
          // The first node in tree order, as for a file included twice.
          if (!byEnd.has(n.directive.end)) byEnd.set(n.directive.end, n);
        }
      }
      return nodeAt.get(file)?.get(end);
    };
    for (const file of ctx.config.files) {
      for (const p of file.ast.problems) {
        if (p.kind !== 'probable-missing-semicolon') continue;
        const semicolon = { path: file.path, start: p.end, end: p.end, newText: ';' };
        // The words before the line break stay the directive's arguments. With fewer than it takes
        // (`add_header X-Frame-Options` + a `proxy_pass …;` line: the value was forgotten too), the ";" alone leaves
        // a line nginx rejects ("invalid number of arguments in "add_header" directive"), so the title says so.
        const node = directiveEndingAt(file, p.end);
        const min = node ? nginxDirective(node.name)?.args[0] ?? 0 : 0;
        const short = node && node.directive.args.length < min;
        const title = short
          ? `Add the missing ";" (partial: "${node.name}" then has ${node.directive.args.length} of the ${min} arguments it needs; add the rest)`
          : 'Add the missing ";"';
        ctx.report({
          at: { file, start: p.start, end: p.end },
          message: p.message,
          related: p.related ? [{ path: file.path, start: p.related.start, end: p.related.end, message: p.related.message }] : [],
          // Adding the ";" changes what nginx does (the next line becomes a directive), so it is offered, not applied.
          suggestions: [{ title, edits: [semicolon] }],
        });
      }
    }
  },
});

import { nginxDirective } from '../../model/nginx-directives';
import { defineNginxRule } from '../rule';

export default defineNginxRule({
  id: 'probable-missing-semicolon',
  server: 'any',
  severity: 'warning',
  outcome: 'silent',
  summary: 'A line lacks its ";" and nginx silently reads the next line as more arguments, so that directive never takes effect.',
  check(ctx) {
    for (const file of ctx.config.files) {
      for (const p of file.ast.problems) {
        if (p.kind !== 'probable-missing-semicolon') continue;
        const semicolon = { path: file.path, start: p.end, end: p.end, newText: ';' };
        // The words before the line break stay the directive's arguments. With fewer than it takes
        // (`add_header X-Frame-Options` + a `proxy_pass …;` line: the value was forgotten too), the ";" alone leaves
        // a line nginx rejects ("invalid number of arguments in "add_header" directive"), so the title says so.
        const node = ctx.config.all.find((n) => n.file === file && n.directive.end === p.end);
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

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
        ctx.report({
          at: { file, start: p.start, end: p.end },
          message: p.message,
          related: p.related ? [{ path: file.path, start: p.related.start, end: p.related.end, message: p.related.message }] : [],
          // Adding the ";" changes what nginx does (the next line becomes a directive), so it is offered, not applied.
          suggestions: [{ title: 'Add the missing ";"', edits: [semicolon] }],
        });
      }
    }
  },
});

import { defineNginxRule } from '../rule';

export default defineNginxRule({
  id: 'syntax-error',
  server: 'any',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'The file does not parse: nginx refuses to start or reload with this configuration.',
  check(ctx) {
    for (const file of ctx.config.files) {
      for (const p of file.ast.problems) {
        if (p.kind) continue;
        ctx.report({
          at: { file, start: p.start, end: p.end },
          message: p.message,
          related: p.related ? [{ path: file.path, start: p.related.start, end: p.related.end, message: p.related.message }] : [],
        });
      }
    }
    for (const p of ctx.config.problems) if (p.kind === 'bad-directive-name') ctx.report({ at: { file: p.file, ...p.span }, message: p.message });
  },
});

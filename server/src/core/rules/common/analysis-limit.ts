import { defineNginxRule } from '../rule';

export default defineNginxRule({
  id: 'analysis-limit',
  server: 'any',
  severity: 'info',
  outcome: 'lint',
  summary: 'Part of the file is beyond a proxylint limit (nesting depth) and was not checked.',
  check(ctx) {
    for (const file of ctx.config.files) {
      for (const p of file.ast.problems) if (p.kind === 'limit') ctx.report({ at: { file, start: p.start, end: p.end }, message: p.message });
    }
  },
});

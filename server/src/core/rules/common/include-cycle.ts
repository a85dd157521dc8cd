import { defineNginxRule } from '../rule';

export default defineNginxRule({
  id: 'include-cycle',
  server: 'any',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'Files include each other in a loop: nginx recurses until it runs out of file descriptors and fails.',
  check(ctx) {
    for (const p of ctx.config.problems) if (p.kind === 'include-cycle') ctx.report({ at: { file: p.file, ...p.span }, message: p.message });
  },
});

import { defineNginxRule } from '../rule';

export default defineNginxRule({
  id: 'include-unreadable',
  server: 'any',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'An included file or folder cannot be read (permissions, a folder, binary data, too large or nested too deep).',
  check(ctx) {
    for (const p of ctx.config.problems) {
      if (p.kind === 'include-unreadable' || p.kind === 'include-depth') ctx.report({ at: { file: p.file, ...p.span }, message: p.message });
    }
  },
});

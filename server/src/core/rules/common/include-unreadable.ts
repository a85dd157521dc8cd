import { defineNginxRule } from '../rule';

/** An include Restricted Mode did not follow: the loader's reason, and what that means for the findings. */
export const notFollowedMessage = (reason: string) => `${reason}: what it holds is not checked until the workspace is trusted`;

export default defineNginxRule({
  id: 'include-unreadable',
  server: 'any',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'An included file or folder cannot be read (permissions, a folder, binary data, too large or nested too deep).',
  check(ctx) {
    for (const p of ctx.config.problems) {
      if (p.kind !== 'include-unreadable' && p.kind !== 'include-depth') continue;
      // Restricted Mode reads nothing outside the workspace on purpose: that is no fault of the configuration, so it
      // is information (what was not checked), not an error every untrusted workspace would carry.
      if (p.notFollowed) ctx.report({ at: { file: p.file, ...p.span }, severity: 'info', message: notFollowedMessage(p.message) });
      else ctx.report({ at: { file: p.file, ...p.span }, message: p.message });
    }
  },
});

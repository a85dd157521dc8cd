import { defineNginxRule } from '../rule';

export default defineNginxRule({
  id: 'include-not-found',
  server: 'any',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'An include names a file that does not exist: nginx refuses to start.',
  check(ctx) {
    for (const p of ctx.config.problems) {
      if (p.kind !== 'include-not-found') continue;
      if (p.prefixGuessed) {
        // Checked alone, the fragment's own folder stands in for a prefix nobody told us: the file may well be
        // where the real nginx.conf puts it, so "nginx refuses to start" would be a claim proxylint cannot back.
        ctx.report({ at: { file: p.file, ...p.span }, message: p.message, severity: 'warning' });
        continue;
      }
      if (p.prefixBorrowed) {
        // The nginx.conf whose folder stood in for the prefix does not read this file: nginx fails on the missing file
        // only once this file is included there (a site in sites-available/ that is enabled later), so it is no sure
        // failure of the configuration as it is, and its message must not depend on an unrelated nginx.conf beside it.
        ctx.report({ at: { file: p.file, ...p.span }, message: p.message, severity: 'warning' });
        continue;
      }
      if (p.packaged) {
        // Overlay repositories (a Dockerfile's conf/, an Ansible role) add their files to a package's /etc/nginx and
        // include the package's own: on a server with the package the file is there, so this is no sure failure.
        ctx.report({
          at: { file: p.file, ...p.span },
          message: `${p.message}, unless this configuration is laid over an installed nginx package: the packages put a file of that name in their configuration folder (/etc/nginx on Debian and Alpine)`,
          severity: 'warning',
        });
        continue;
      }
      ctx.report({
        at: { file: p.file, ...p.span },
        message: p.mayExistOnServer
          ? `${p.message}. If the file exists only on the server, map the path to your checkout with "nginx.pathMap" in .proxylintrc.json so it is checked too`
          : p.message,
        // An absolute path may exist on the server and not in this checkout: that is worth a warning, not an error.
        severity: p.mayExistOnServer ? 'warning' : undefined,
      });
    }
  },
});

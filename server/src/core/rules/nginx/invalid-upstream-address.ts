import { replaceSpan } from '../../fix';
import type { Fix } from '../../finding';
import { defineNginxRule } from '../rule';

export default defineNginxRule({
  id: 'invalid-upstream-address',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'An upstream address has an invalid port, IP, host or an extra scheme/URI: nginx refuses to start.',
  check(ctx) {
    for (const t of ctx.upstreams.passes) {
      if (t.errorKind === 'address') ctx.report({ at: { file: t.node.file, ...t.arg }, message: `nginx will not start: ${t.error}` });
    }
    for (const up of ctx.upstreams.upstreams) {
      for (const s of up.servers) {
        if (!s.error) continue;
        const arg = s.node.directive.args[0];
        let fix: Fix | undefined;
        const m = arg && /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^/]+)(\/.*)?$/i.exec(arg.value);
        // Dropping a scheme or a path from a `server` line cannot change what nginx did: it never started with it.
        if (arg && m && m[1] !== arg.value && !arg.value.startsWith('unix:')) fix = { title: `Use the bare address "${m[1]}"`, edits: [replaceSpan(s.node.file, arg, m[1])] };
        ctx.report({ at: { file: s.node.file, ...(arg ?? s.node.directive) }, message: `nginx will not start: ${s.error}`, fix });
      }
    }
  },
});

import { replaceSpan } from '../../fix';
import { closest } from '../../model/names';
import { defineNginxRule } from '../rule';

/**
 * A dotless host in a pass target that is not an upstream group is looked up in DNS when nginx loads the
 * configuration. That is legitimate for container service names (`http://app:3000`), so the rule only
 * speaks when the evidence points at a typo: a defined group with a near-identical name, or a portless
 * target in a configuration that defines groups but not this one.
 */
export default defineNginxRule({
  id: 'undefined-upstream',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A pass target names an upstream group that is not defined: nginx resolves it as a host name and fails to start.',
  check(ctx) {
    const { upstreams } = ctx;
    for (const t of upstreams.passes) {
      const a = t.address;
      if (t.upstream || t.error || !a || a.unix || a.isIp || a.hasVariables || a.host.includes('.') || a.host.toLowerCase() === 'localhost') continue;
      const groups = upstreams.upstreams.filter((u) => u.module === t.module);
      const near = closest(a.host, groups.map((u) => u.name));
      const hostStart = t.arg.start + t.arg.raw.indexOf(a.host);
      const hostSpan = { start: hostStart, end: hostStart + a.host.length };
      if (near) {
        const group = groups.find((u) => u.name === near)!;
        ctx.report({
          at: { file: t.node.file, ...hostSpan },
          message: `no upstream "${a.host}" is defined (did you mean "${near}"?): nginx will look "${a.host}" up in DNS and refuse to start with "host not found in upstream"`,
          suggestions: [{ title: `Change to "${near}"`, edits: [replaceSpan(t.node.file, hostSpan, near)] }],
          related: [{ path: group.node.file.path, start: group.node.directive.start, end: group.node.directive.nameSpan.end, message: `upstream "${near}" is defined here` }],
        });
      } else if (groups.length > 0 && a.port === undefined && ctx.config.rootContext === 'main') {
        ctx.report({
          at: { file: t.node.file, ...hostSpan },
          message: `no upstream "${a.host}" is defined in this configuration: nginx will treat it as a host name on port 80 and refuse to start if it does not resolve ("host not found in upstream")`,
          severity: 'warning',
        });
      }
    }
  },
});

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
  directives: ['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass', 'upstream'],
  versions: 'all',
  check(ctx) {
    const { upstreams } = ctx;
    for (const t of upstreams.passes) {
      const a = t.address;
      if (t.upstream || t.error || !a || a.unix || a.isIp || a.hasVariables || a.host.includes('.') || a.host.toLowerCase() === 'localhost') continue;
      // A target with a port is never a group: nginx refuses a group name with one ("upstream "api" may not have
      // port 3000"), and with variables looks groups up only for portless targets. So `app:3000` is a DNS name,
      // however close to a group's name, and renaming it to the group would break the configuration.
      if (a.port !== undefined) continue;
      const groups = upstreams.upstreams.filter((u) => u.module === t.module);
      // With variables elsewhere in the target (`http://backend/$1`) nginx looks the group up per request: an existing group is fine.
      if (t.hasVariables && groups.some((u) => u.name.toLowerCase() === a.host.toLowerCase())) continue;
      const near = closest(a.host, groups.map((u) => u.name));
      const hostStart = t.arg.start + t.arg.raw.indexOf(a.host);
      const hostSpan = { start: hostStart, end: hostStart + a.host.length };
      if (near) {
        const group = groups.find((u) => u.name === near)!;
        ctx.report({
          at: { file: t.node.file, ...hostSpan },
          message: t.hasVariables
            ? `no upstream "${a.host}" is defined (did you mean "${near}"?): the target has variables, so nginx looks "${a.host}" up in DNS for every request and answers 502 when it does not resolve`
            : `no upstream "${a.host}" is defined (did you mean "${near}"?): nginx will look "${a.host}" up in DNS and refuse to start with "host not found in upstream"`,
          suggestions: [{ title: `Change to "${near}"`, edits: [replaceSpan(t.node.file, hostSpan, near)] }],
          related: [{ path: group.node.file.path, start: group.node.directive.start, end: group.node.directive.nameSpan.end, message: `upstream "${near}" is defined here` }],
        });
      } else if (!t.hasVariables && groups.length > 0 && ctx.config.rootContext === 'main') {
        ctx.report({
          at: { file: t.node.file, ...hostSpan },
          message: `no upstream "${a.host}" is defined in this configuration: nginx will treat it as a host name on port 80 and refuse to start if it does not resolve ("host not found in upstream")`,
          severity: 'warning',
        });
      }
    }
  },
});

import { replaceSpan } from '../../fix';
import { closest } from '../../model/names';
import type { PassTarget, Upstream } from '../../model/nginx-upstreams';
import { defineNginxRule } from '../rule';
import { USUAL_PORT } from './invalid-upstream-address';
import { wholeConfiguration } from './whole-config';

/** The block an upstream group or pass lives in, as users write it. */
const BLOCK = { http: 'http {}', stream: 'stream {}' } as const;

/**
 * What nginx does with a portless name that is not a group of the pass's own module. Only proxy_pass in http has a
 * scheme with a default port (http:// 80, https:// 443), so only there does nginx look the name up in DNS, and fail
 * with "host not found in upstream" when it does not resolve. Every other pass (fastcgi_pass, uwsgi_pass, scgi_pass,
 * grpc_pass even with grpc://, memcached_pass, and proxy_pass in stream) makes an implicit group without a port and
 * stops with "no port in upstream", whatever DNS says [lab, nginx 1.22.1].
 */
function failureOf(t: PassTarget, host: string): { dns: boolean; emerg: string } {
  const dns = t.directive === 'proxy_pass' && t.module === 'http';
  return { dns, emerg: dns ? `host not found in upstream "${host}"` : `no port in upstream "${host}"` };
}

function definedHere(group: Upstream, message: string) {
  return { path: group.node.file.path, start: group.node.directive.start, end: group.node.directive.nameSpan.end, message };
}

/**
 * A dotless host in a pass target that is not an upstream group is looked up in DNS when nginx loads the
 * configuration. That is legitimate for container service names (`http://app:3000`), so the rule only
 * speaks when the evidence points at a typo: a defined group with a near-identical name, a group of that name
 * in the other module (http {} and stream {} each see only their own groups), or a portless target in a
 * configuration that defines groups but not this one. A pass that has no default port (every one but proxy_pass in
 * http {}) to a portless name cannot work without a group of that name: in a whole configuration (every include
 * followed) that is a certain start-up failure; in a fragment the group may be defined in a file not in sight.
 */
export default defineNginxRule({
  id: 'undefined-upstream',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A pass target names an upstream group that is not defined (or is defined only in the other of http {} and stream {}): nginx fails to start.',
  directives: ['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass', 'upstream'],
  versions: 'all',
  check(ctx) {
    const { upstreams } = ctx;
    for (const t of upstreams.passes) {
      const a = t.address;
      if (t.upstream || t.error || !a || a.unix || a.isIp || a.hasVariables) continue;
      // A target with a port is never a group: nginx refuses a group name with one ("upstream "api" may not have
      // port 3000"), and with variables looks groups up only for portless targets. So `app:3000` is a DNS name,
      // however close to a group's name, and renaming it to the group would break the configuration.
      if (a.port !== undefined) continue;
      const { dns, emerg } = failureOf(t, a.host);
      const hostStart = t.arg.start + t.arg.raw.indexOf(a.host);
      const hostSpan = { start: hostStart, end: hostStart + a.host.length };
      const otherModule = t.module === 'http' ? 'stream' : 'http';
      // A group of this name in the other module: nginx never looks there. Where nginx looks the name up in DNS, a
      // dotted name may be a real host that happens to share the group's name, so only dotless names count there.
      const elsewhere = upstreams.find(t.module, a.host) ? undefined : upstreams.find(otherModule, a.host);
      if (elsewhere && (!dns || (!a.host.includes('.') && a.host.toLowerCase() !== 'localhost'))) {
        const pass = `${t.directive} in ${BLOCK[t.module]}`;
        ctx.report({
          at: { file: t.node.file, ...hostSpan },
          message: t.hasVariables
            ? `upstream "${elsewhere.name}" is defined in ${BLOCK[otherModule]}, but ${pass} sees only the groups of ${BLOCK[t.module]}: the target has variables, so nginx looks "${a.host}" up in DNS for every request and answers 502 when it does not resolve`
            : `nginx will not start: upstream "${elsewhere.name}" is defined in ${BLOCK[otherModule]}, but ${pass} sees only the groups of ${BLOCK[t.module]}, so ${dns ? `nginx takes "${a.host}" for a host name on port ${t.scheme === 'https' ? 443 : 80}` : `"${a.host}" is taken for an address without a port`} ("${emerg}"); define the group in ${BLOCK[t.module]} (a group in one cannot be used from the other)`,
          related: [definedHere(elsewhere, `upstream "${elsewhere.name}" is defined here, in ${BLOCK[otherModule]}`)],
        });
        continue;
      }
      if (a.host.includes('.') || a.host.toLowerCase() === 'localhost') continue;
      const groups = upstreams.upstreams.filter((u) => u.module === t.module);
      // With variables elsewhere in the target (`http://backend/$1`) nginx looks the group up per request: an existing group is fine.
      if (t.hasVariables && groups.some((u) => u.name.toLowerCase() === a.host.toLowerCase())) continue;
      const near = closest(a.host, groups.map((u) => u.name));
      if (near) {
        const group = groups.find((u) => u.name === near)!;
        ctx.report({
          at: { file: t.node.file, ...hostSpan },
          message: t.hasVariables
            ? `no upstream "${a.host}" is defined (did you mean "${near}"?): the target has variables, so nginx looks "${a.host}" up in DNS for every request and answers 502 when it does not resolve`
            : dns
              ? `no upstream "${a.host}" is defined (did you mean "${near}"?): nginx will look "${a.host}" up in DNS and refuse to start with "host not found in upstream"`
              : `no upstream "${a.host}" is defined in ${BLOCK[t.module]} (did you mean "${near}"?): nginx will refuse to start with "${emerg}"`,
          suggestions: [{ title: `Change to "${near}"`, edits: [replaceSpan(t.node.file, hostSpan, near)] }],
          related: [definedHere(group, `upstream "${near}" is defined here`)],
        });
      } else if (!dns && !t.hasVariables && wholeConfiguration(ctx)) {
        // Without a port and without a group of that name, nginx cannot start whatever DNS says, and with every file
        // in sight no group of that name can come from elsewhere [lab, nginx 1.22.1: fastcgi_pass phpfpm;].
        const usual = USUAL_PORT[t.directive];
        ctx.report({
          at: { file: t.node.file, ...hostSpan },
          message: `nginx will not start: no upstream "${a.host}" is defined in ${BLOCK[t.module]} of this configuration, so ${t.directive} takes "${a.host}" for an address without a port ("${emerg}"); write the backend's port (${a.host}:PORT) if it is a host name, or define the group`,
          suggestions: usual ? [{ title: `Add port ${usual.port}, the usual one for ${usual.what} (check your backend's)`, edits: [replaceSpan(t.node.file, hostSpan, `${a.host}:${usual.port}`)] }] : [],
        });
      } else if (!t.hasVariables && groups.length > 0 && ctx.config.rootContext === 'main') {
        ctx.report({
          at: { file: t.node.file, ...hostSpan },
          message: dns
            ? `no upstream "${a.host}" is defined in this configuration: nginx will treat it as a host name on port 80 and refuse to start if it does not resolve ("host not found in upstream")`
            : `no upstream "${a.host}" is defined in ${BLOCK[t.module]} of this configuration: ${t.directive} takes it for an address without a port, and nginx refuses to start ("${emerg}")`,
          severity: 'warning',
        });
      }
    }
  },
});

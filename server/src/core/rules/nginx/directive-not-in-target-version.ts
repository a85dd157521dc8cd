import { missingInVersion, parameterMissingInVersion } from '../../model/nginx-directive-versions';
import { replaceSpan } from '../../fix';
import { defineNginxRule } from '../rule';
import { deleteLine } from './neighbours-support';
import { readableHere } from './placement-support';

/**
 * A directive the target nginx does not have yet (proxy_ssl_conf_command before 1.19.4, keepalive_time before 1.19.10,
 * `http2 on` before 1.25.1; or a parameter, resolver's ipv4= before 1.23.1), or no longer has (`ssl on`, removed in 1.25.1). nginx reads the line and stops:
 * `[emerg] unknown directive "proxy_pass_trailers"` [lab, nginx 1.22.1], or for a name it has elsewhere
 * `[emerg] "resolver" directive is not allowed here` (resolver in an upstream block before 1.27.3) [lab, nginx 1.22.1].
 * Judged only when nginx.version is set, and never for NGINX Plus, whose releases carry directives earlier. The
 * versions come from nginx's reference pages (model/nginx-directive-versions.ts).
 */
export default defineNginxRule({
  id: 'directive-not-in-target-version',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A directive newer than the target nginx version (proxy_ssl_conf_command before 1.19.4, http2 before 1.25.1), or one it removed (ssl on, from 1.25.1): nginx refuses to start.',
  directives: ['proxy_ssl_conf_command', 'proxy_socket_keepalive', 'keepalive_time', 'http2', 'ssl'],
  versions: 'only when nginx.version is set',
  check(ctx) {
    const version = ctx.target.version;
    if (!version || ctx.target.edition === 'plus') return;
    const target = version.join('.');
    // By index: a for-of over every node allocates an iterator result per node for as long as the loop runs unoptimised.
    const all = ctx.config.all;
    for (let k = 0; k < all.length; k++) {
      const node = all[k];
      for (const arg of node.directive.args) {
        const p = parameterMissingInVersion(node.name, arg.value, node.context, version);
        if (!p) continue;
        // An upstream server's "resolve" is resolve-without-prerequisites' finding (it weighs the version with the
        // edition, zone and resolver the parameter needs): reported here too, the one line got two errors.
        if (node.name === 'server' && p.param === 'resolve') continue;
        // What only NGINX Plus had before that release is plus-only-directive's, which weighs the edition too.
        if (p.plusBefore) continue;
        ctx.report({
          at: { file: node.file, start: arg.start, end: arg.end },
          message: `nginx ${target} will not start: the "${p.param}" parameter of ${node.name} appeared in nginx ${p.since} ([emerg] ${p.says(arg.value)}); remove it or upgrade nginx; see ${p.url}`,
          suggestions: [{ title: `Remove "${arg.value}"`, edits: [replaceSpan(node.file, { start: node.directive.args[node.directive.args.indexOf(arg) - 1]?.end ?? arg.start, end: arg.end }, '')] }],
        });
      }
      const miss = missingInVersion(node.name, node.context, version);
      if (!miss || miss.entry.plusBefore) continue;
      // Even in a block it never belongs in: a name the target has nowhere is "unknown" to nginx before it is misplaced.
      const { entry } = miss;
      const says = miss.says === 'unknown' ? `unknown directive "${node.name}"` : `"${node.name}" directive is not allowed here`;
      const what =
        miss.why === 'removed'
          ? `"${node.name}" was removed in nginx ${entry.removed}`
          : miss.says === 'not-allowed'
            ? `"${node.name}" is allowed in ${readableHere(node.context)} only from nginx ${entry.since} on`
            : `"${node.name}" appeared in nginx ${entry.since}`;
      const instead = node.name === 'ssl' ? '; use the "ssl" parameter of the listen lines instead' : '; remove the line or upgrade nginx';
      ctx.report({
        at: { file: node.file, start: node.directive.start, end: node.directive.nameSpan.end },
        message: `nginx ${target} will not start: ${what} ([emerg] ${says})${instead}; see ${entry.url}`,
        // Without "ssl on" the port would serve plain HTTP: that one is moved to the listen lines by hand, not removed.
        suggestions: node.name === 'ssl' ? [] : [{ title: `Remove "${node.name}" (nginx ${target} does not have it${miss.says === 'not-allowed' ? ' here' : ''})`, edits: [deleteLine(node)] }],
      });
    }
  },
});

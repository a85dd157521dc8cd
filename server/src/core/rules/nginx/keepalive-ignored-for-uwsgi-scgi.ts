import { defineNginxRule } from '../rule';
import { deleteLine, explicitKeepalive, text } from './neighbours-support';

/**
 * "SCGI and uwsgi protocols do not have a notion of keepalive connections": the backend ends every
 * response by closing the connection, so a group used only through uwsgi_pass/scgi_pass caches nothing.
 * https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive
 */
export default defineNginxRule({
  id: 'keepalive-ignored-for-uwsgi-scgi',
  server: 'nginx',
  severity: 'info',
  outcome: 'silent',
  summary: 'keepalive in an upstream group used only by uwsgi_pass or scgi_pass does nothing: those protocols close the connection after every request.',
  directives: ['keepalive', 'uwsgi_pass', 'scgi_pass'],
  versions: 'all',
  check(ctx) {
    for (const up of ctx.upstreams.upstreams) {
      const ka = explicitKeepalive(up);
      if (!ka) continue;
      const users = ctx.upstreams.usersOf(up);
      if (!users.length || !users.every((t) => t.directive === 'uwsgi_pass' || t.directive === 'scgi_pass')) continue;
      const via = [...new Set(users.map((t) => t.directive))].join(' and ');
      ctx.report({
        node: ka,
        message: `"${text(ka)}" has no effect: upstream "${up.name}" is used only through ${via}, and the uwsgi and SCGI protocols close the connection after every response, so nginx connects anew for each request whatever this says`,
        suggestions: [{ title: `Remove "${text(ka)}"`, edits: [deleteLine(ka)] }],
      });
    }
  },
});

import { defineNginxRule } from '../rule';
import { deleteLine, explicitKeepalive, text } from './neighbours-support';

/**
 * "SCGI and uwsgi protocols do not have a notion of keepalive connections": nginx never puts a uwsgi or SCGI
 * connection in the group's cache. Checked on nginx 1.22.1 with backends that leave the connection open
 * (test/servers/nginx-uwsgi-scgi-keepalive.test.ts): 5 requests, 5 connections, each closed by nginx.
 * https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive
 */
export default defineNginxRule({
  id: 'keepalive-ignored-for-uwsgi-scgi',
  server: 'nginx',
  severity: 'info',
  outcome: 'silent',
  summary: 'keepalive in an upstream group used only by uwsgi_pass or scgi_pass does nothing: nginx opens a new connection for every uwsgi and SCGI request.',
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
        message: `"${text(ka)}" has no effect: upstream "${up.name}" is used only through ${via}, and nginx never keeps uwsgi or SCGI connections for reuse (it closes each one when the response ends), so it connects anew for each request whatever this says`,
        suggestions: [{ title: `Remove "${text(ka)}"`, edits: [deleteLine(ka)] }],
      });
    }
  },
});

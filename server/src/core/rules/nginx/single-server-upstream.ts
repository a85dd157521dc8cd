import { parseNginxTime } from '../../model/units';
import { defineNginxRule } from '../rule';
import { isBackup, isDown, isLocal, mayBeSeveral, serversAreDynamic } from './failover-support';

/**
 * Server parameters nginx ignores when a group has one server (https://nginx.org/en/docs/http/ngx_http_upstream_module.html#server).
 * slow_start is ignored too, but it is an NGINX Plus parameter that open source nginx rejects outright.
 */
const IGNORED = ['max_fails', 'fail_timeout'];

/**
 * nginx never marks the only peer of a group unavailable: it builds the group as "single" and skips
 * the max_fails accounting for it (ngx_http_upstream_round_robin.c). A backup server makes the group
 * non-single again, so only groups with one server and no backup are reported. A backend on the nginx
 * machine itself (loopback, UNIX socket) is reported only when it carries parameters that have no effect:
 * there is rarely a second machine to fail over to, and saying so on every PHP-FPM socket is noise.
 */
export default defineNginxRule({
  id: 'single-server-upstream',
  server: 'nginx',
  severity: 'info',
  outcome: '502/504',
  summary: 'An upstream group has a single server and no backup: nothing to fail over to, and its max_fails/fail_timeout are ignored.',
  directives: ['upstream'],
  versions: 'all',
  check(ctx) {
    for (const up of ctx.upstreams.upstreams) {
      if (up.servers.length !== 1 || serversAreDynamic(up)) continue;
      const s = up.servers[0];
      // `resolve`/`service=` servers follow DNS at run time and may well stand for several servers.
      // A server marked down gets no traffic at all: all-servers-down reports that group.
      if (s.error || isBackup(s) || isDown(s) || !s.address || s.params.has('resolve') || s.params.has('service')) continue;
      const addr = s.node.directive.args[0].value;
      const stream = up.module === 'stream';
      const each = stream ? 'every connection' : 'every request';
      const fails = stream ? 'the client connection is closed' : 'the client gets 502/504';
      // A name may resolve to several addresses, and then the group is not single at all.
      const hedge = mayBeSeveral(s) ? ` (unless "${s.address.host}" resolves to more than one address)` : '';
      const ignored = s.node.directive.args.filter((a) => {
        const name = a.value.split('=')[0];
        // max_fails=0 and fail_timeout=0 ask for "never take it out", which is what happens anyway.
        return IGNORED.includes(name) && a.value !== 'max_fails=0' && !(name === 'fail_timeout' && parseNginxTime(a.value.slice(13), 'sec') === 0);
      });
      if (ignored.length) {
        const first = ignored[0];
        const last = ignored[ignored.length - 1];
        ctx.report({
          at: { file: s.node.file, start: first.start, end: last.end },
          message: `${ignored.map((a) => a.value).join(' ')} ${ignored.length === 1 ? 'has' : 'have'} no effect: "${up.name}" has only this server${hedge}, and nginx never marks the only server of a group unavailable, so ${each} still goes to ${addr} and when it fails ${fails}`,
        });
      } else if (!isLocal(s.address)) {
        ctx.report({
          at: { file: s.node.file, start: s.node.directive.start, end: s.node.directive.args[0].end },
          message: `upstream "${up.name}" has a single server and no backup${hedge}: while ${addr} is down or too slow, ${each} fails (${fails}) because nginx has nowhere else to send it`,
        });
      }
    }
  },
});

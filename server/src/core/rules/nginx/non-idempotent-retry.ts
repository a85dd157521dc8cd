import { oncePer, pushTo } from '../../collections';
import { flagsInForce } from '../../model/nginx-effective';
import type { ConfigNode } from '../../model/nginx-tree';
import type { PassTarget } from '../../model/nginx-upstreams';
import { atLeast } from '../../model/version';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { familyOf, NEXT_UPSTREAM, removeArgEdit } from './failover-support';
import { deleteLine } from './neighbours-support';

/** A pass that can only ever reach one server: nginx has no second server to send the request to. */
function onlyOneServer(t: PassTarget): boolean {
  const up = t.upstream;
  if (up) {
    const s = up.servers[0];
    return up.servers.length === 1 && !!s.address && (s.address.isIp || !!s.address.unix) && !s.params.has('resolve');
  }
  const a = t.address;
  return !!a && !a.hasVariables && (a.isIp || !!a.unix);
}

/**
 * The http pass directives for which each *_next_upstream line is (one of) the lines in force, worked out once per run:
 * asked of every line with non_idempotent, a search of all passes each time made n such locations cost n².
 */
const usersOf = oncePer((ctx: NginxRuleContext) => {
  const users = new Map<ConfigNode, PassTarget[]>();
  for (const t of ctx.upstreams.passes) {
    const family = familyOf(t);
    if (!family || t.module !== 'http') continue;
    for (const line of ctx.effective(t.node.parent, `${family}_next_upstream`).nodes) pushTo(users, line, t);
  }
  return users;
});

function passesUsing(ctx: NginxRuleContext, node: ConfigNode): PassTarget[] {
  return usersOf(ctx).get(node) ?? [];
}

/**
 * Since 1.9.13 nginx does not pass a POST, LOCK or PATCH request to the next server once it has been
 * sent; `non_idempotent` turns that protection off
 * (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_next_upstream). A request the first
 * server did process, but answered too slowly or with a dropped connection, is then sent again.
 */
export default defineNginxRule({
  id: 'non-idempotent-retry',
  server: 'nginx',
  severity: 'warning',
  outcome: 'silent',
  summary: '*_next_upstream … non_idempotent: a POST or PATCH that already reached one server is sent again to the next one, so it can be carried out twice.',
  directives: NEXT_UPSTREAM,
  versions: '>= 1.9.13',
  check(ctx) {
    // Before 1.9.13 the keyword does not exist (and non-idempotent requests were retried anyway).
    if (atLeast(ctx.target.version, '1.9.13') === false) return;
    for (const name of NEXT_UPSTREAM) {
      for (const node of ctx.nodes(name)) {
        // gRPC requests are never sent twice: grpc_pass streams every request body, and nginx passes no request it
        // has begun to send to another server (nginx 1.22.1, test/servers/explain-nginx-grpc-retry.test.ts: with
        // `error timeout invalid_header non_idempotent`, 502 and the second server never reached). The flag changes
        // nothing there.
        if (node.context.startsWith('stream') || name === 'grpc_next_upstream') continue;
        const arg = node.directive.args.find((a) => a.value === 'non_idempotent');
        if (!arg) continue;
        // nginx ORs every line of the level into one set of flags, and "off" on any of them leaves only "off"
        // (flagsInForce): `error non_idempotent; off;` retries nothing.
        const flags = flagsInForce(ctx.effective(node.parent, name));
        const failures = flags.filter((w) => w !== 'non_idempotent' && w !== 'off');
        // Alone, the flag retries nothing: a retry also needs a failure condition (error, timeout, http_…).
        if (flags[0] === 'off' || !failures.length) continue;
        const tries = `${name.slice(0, -'next_upstream'.length)}next_upstream_tries`;
        // One try (*_next_upstream_tries 1) or one server: there is no second try to repeat the request.
        const oneTry = (scope: ConfigNode | null) => {
          const e = ctx.effective(scope, tries);
          return !e.duplicate && e.nodes.length > 0 && e.nodes[e.nodes.length - 1].directive.args[0]?.value === '1';
        };
        const users = passesUsing(ctx, node);
        if (users.length ? users.every((u) => onlyOneServer(u) || oneTry(u.node.parent)) : oneTry(node.parent)) continue;
        ctx.report({
          at: { file: node.file, start: arg.start, end: arg.end },
          message: `non_idempotent: a POST, PATCH or LOCK request that meets one of the listed failures (${failures.join(' ')}) after it was sent to one server is sent again to the next one, so the application can carry it out twice (a duplicate order, payment or message)`,
          suggestions: [
            {
              title: 'Remove non_idempotent (such requests then fail with 502/504 instead of being repeated)',
              // Alone on its line (nginx ORs the lines of a level), the word goes with its line: `proxy_next_upstream ;`
              // is "invalid number of arguments" to nginx -t. Such a line always has a sibling with the failures.
              edits: [node.directive.args.length === 1 ? deleteLine(node) : removeArgEdit(node, 'non_idempotent')],
            },
          ],
        });
      }
    }
  },
});

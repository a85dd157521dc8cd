import type { Fix } from '../../finding';
import { insertLinesAfter } from '../../fix';
import type { ConfigNode } from '../../model/nginx-tree';
import type { PassTarget } from '../../model/nginx-upstreams';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { isSharedFile, unlessShared } from './shared-files';
import { describeGroup, familyOf, hasSpareServers, inForce, insertionAnchor, NEXT_UPSTREAM, PASSES, passRelated, PerLine, type RetryFamily } from './failover-support';

const FIVE_XX = ['http_500', 'http_502', 'http_503', 'http_504'];

/**
 * The 5xx codes to add per module: fastcgi, uwsgi and scgi accept only http_500 and http_503
 * (nginx 1.22.1 -t rejects http_502/http_504 there with `invalid value`); http_500 is left out because a
 * 500 is usually the application's own error, which another server would repeat.
 */
const TO_ADD: Record<RetryFamily, string[]> = {
  proxy: ['http_502', 'http_503', 'http_504'],
  grpc: ['http_502', 'http_503', 'http_504'],
  fastcgi: ['http_503'],
  uwsgi: ['http_503'],
  scgi: ['http_503'],
};

function suggestion(ctx: NginxRuleContext, family: RetryFamily, written: ConfigNode | undefined, passes: PassTarget[]): Fix | undefined {
  const codes = TO_ADD[family];
  const name = `${family}_next_upstream`;
  if (written) {
    // A line without arguments (half-typed, or broken) has nothing to append to.
    const last = written.directive.args[written.directive.args.length - 1];
    if (!last) return undefined;
    return unlessShared(ctx.config, { title: `Also count ${codes.join(', ')} as failures`, edits: [{ path: written.file.path, start: last.end, end: last.end, newText: ' ' + codes.join(' ') }] });
  }
  // One line per level that uses the default (a pass inside `if` goes with its location), never in a shared snippet.
  const anchors = new Map<ConfigNode | null, ConfigNode>();
  for (const t of passes) {
    const a = insertionAnchor(t);
    if (!anchors.has(a.parent) && !isSharedFile(ctx.config, a.file.path)) anchors.set(a.parent, a);
  }
  if (!anchors.size) return undefined;
  const line = `${name} error timeout ${codes.join(' ')};`;
  const where = anchors.size === 1 ? '' : ` to the ${anchors.size} locations that use the default`;
  return { title: `Add "${line}"${where}`, edits: [...anchors.values()].map((a) => insertLinesAfter(a, [line])) };
}

/**
 * "The cases of http_500, http_502, http_503, http_504, and http_429 are considered unsuccessful
 * attempts only if they are specified in the directive"
 * (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_next_upstream): with the default
 * `error timeout`, a server that answers 502/503/504 (a deploy, an overloaded app) is neither retried
 * nor counted towards max_fails, so it stays in rotation and its errors go to clients.
 */
export default defineNginxRule({
  id: 'failover-ignores-5xx',
  server: 'nginx',
  severity: 'info',
  outcome: '502/504',
  summary: 'A group of several servers is used with *_next_upstream that counts no 5xx answer as a failure: a server answering 502/503/504 stays in rotation.',
  directives: [...PASSES, ...NEXT_UPSTREAM],
  versions: 'all',
  check(ctx) {
    // A written line is reported once, where it is written (every pass that inherits it as related). Where nginx's
    // default is in force, the finding is about the group: once per group and module, at its first such pass.
    const perLine = new PerLine<{ family: RetryFamily; args: string[] }>();
    const perGroup = new Map<string, { family: RetryFamily; args: string[]; passes: PassTarget[] }>();
    for (const t of ctx.upstreams.passes) {
      const family = familyOf(t);
      if (!family || t.module !== 'http' || !hasSpareServers(t.upstream)) continue;
      const v = inForce(ctx, t, `${family}_next_upstream`, 'error timeout');
      if (v.args.includes('off') || v.args.some((a) => FIVE_XX.includes(a))) continue;
      if (v.node) perLine.add(v.node, t, { family, args: v.args });
      else {
        const key = `${family}\0${t.upstream.name}`;
        const g = perGroup.get(key) ?? { family, args: v.args, passes: [] };
        perGroup.set(key, g);
        g.passes.push(t);
      }
    }
    for (const [at, { passes, data }] of perLine.entries()) {
      const groups = [...new Set(passes.map((p) => p.upstream!))].map(describeGroup).join(', ');
      const value = `${data.family}_next_upstream ${data.args.join(' ')}`;
      const fix = suggestion(ctx, data.family, at, passes);
      ctx.report({
        node: at,
        message: `${value} counts no 5xx answer as a failure: when a server of ${groups} answers ${TO_ADD[data.family].map((c) => c.slice(5)).join('/')}, for example during a deploy, nginx passes that error to the client instead of trying another server, and keeps the server in rotation`,
        related: passes.map((p) => passRelated(p, `requests to upstream "${p.upstream!.name}" use it here`)),
        suggestions: fix ? [fix] : [],
      });
    }
    for (const { family, args, passes } of perGroup.values()) {
      const [first, ...others] = passes;
      const fix = suggestion(ctx, family, undefined, passes);
      const also = others.length ? ` (and ${others.length} more ${others.length === 1 ? 'place' : 'places'} that use${others.length === 1 ? 's' : ''} this group, listed as related)` : '';
      ctx.report({
        node: first.node,
        message: `${family}_next_upstream ${args.join(' ')} (the default) counts no 5xx answer as a failure${also}: when a server of ${describeGroup(first.upstream!)} answers ${TO_ADD[family].map((c) => c.slice(5)).join('/')}, for example during a deploy, nginx passes that error to the client instead of trying another server, and keeps the server in rotation`,
        related: others.map((p) => passRelated(p, `also sends requests to upstream "${p.upstream!.name}" with the default ${family}_next_upstream`)),
        suggestions: fix ? [fix] : [],
      });
    }
  },
});

import type { Fix } from '../../finding';
import { insertLinesAfter } from '../../fix';
import type { ConfigNode } from '../../model/nginx-tree';
import type { PassTarget } from '../../model/nginx-upstreams';
import { defineNginxRule } from '../rule';
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

function suggestion(family: RetryFamily, written: ConfigNode | undefined, t: PassTarget): Fix {
  const codes = TO_ADD[family];
  const name = `${family}_next_upstream`;
  if (written) {
    const last = written.directive.args[written.directive.args.length - 1];
    return { title: `Also count ${codes.join(', ')} as failures`, edits: [{ path: written.file.path, start: last.end, end: last.end, newText: ' ' + codes.join(' ') }] };
  }
  return { title: `Add "${name} error timeout ${codes.join(' ')};"`, edits: [insertLinesAfter(insertionAnchor(t), [`${name} error timeout ${codes.join(' ')};`])] };
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
    const perLine = new PerLine<{ family: RetryFamily; args: string[] }>();
    for (const t of ctx.upstreams.passes) {
      const family = familyOf(t);
      if (!family || t.module !== 'http' || !hasSpareServers(t.upstream)) continue;
      const v = inForce(ctx, t, `${family}_next_upstream`, 'error timeout');
      if (v.args.includes('off') || v.args.some((a) => FIVE_XX.includes(a))) continue;
      perLine.add(v.node ?? t.node, t, { family, args: v.args });
    }
    for (const [at, { passes, data }] of perLine.entries()) {
      const written = at === passes[0].node ? undefined : at;
      const groups = [...new Set(passes.map((p) => p.upstream!))].map(describeGroup).join(', ');
      const value = `${data.family}_next_upstream ${data.args.join(' ')}`;
      ctx.report({
        node: at,
        message: `${written ? value : `${value} (the default)`} counts no 5xx answer as a failure: when a server of ${groups} answers ${TO_ADD[data.family].map((c) => c.slice(5)).join('/')}, for example during a deploy, nginx passes that error to the client instead of trying another server, and keeps the server in rotation`,
        related: written ? passes.map((p) => passRelated(p, `requests to upstream "${p.upstream!.name}" use it here`)) : [],
        suggestions: [suggestion(data.family, written, passes[0])],
      });
    }
  },
});

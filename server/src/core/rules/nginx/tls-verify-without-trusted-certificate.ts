import { insertLinesAfter } from '../../fix';
import type { ConfigNode } from '../../model/nginx-tree';
import type { PassTarget } from '../../model/nginx-upstreams';
import { defineNginxRule } from '../rule';
import { flag, outerLevelUnseen, sslFamily, tlsTarget } from './addresses-support';

/**
 * `proxy_ssl_verify on` needs the CA certificates to verify against: nginx does not fall back to the
 * system store (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_ssl_trusted_certificate).
 * While loading the configuration it prepares TLS for every level whose target is https:// (grpcs://,
 * suwsgi://, stream `proxy_ssl on`) or has variables, and stops there without a trusted certificate:
 * `[emerg] no proxy_ssl_trusted_certificate for proxy_ssl_verify`, with no file or line [lab, nginx 1.22.1].
 */

const FAMILIES = ['proxy', 'grpc', 'uwsgi'];
const CA_LINE = (fam: string) => `${fam}_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;  # TODO: the CA bundle that signed the backend's certificate`;

function family(t: PassTarget): string | undefined {
  return t.module === 'stream' ? (t.directive === 'proxy_pass' ? 'proxy' : undefined) : sslFamily(t);
}

export default defineNginxRule({
  id: 'tls-verify-without-trusted-certificate',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  judgesMergedValues: true,
  summary: '*_ssl_verify is on for a TLS target but no *_ssl_trusted_certificate is in effect: nginx refuses to start.',
  directives: [...FAMILIES.flatMap((f) => [`${f}_ssl_verify`, `${f}_ssl_trusted_certificate`]), 'proxy_pass', 'grpc_pass', 'uwsgi_pass', 'proxy_ssl'],
  versions: 'all',
  check(ctx) {
    // One finding per `*_ssl_verify on` line, however many levels inherit it: that line is what needs its CA bundle.
    const byVerify = new Map<ConfigNode, { fam: string; targets: PassTarget[] }>();
    for (const t of ctx.upstreams.passes) {
      const fam = family(t);
      if (!fam || t.error || !tlsTarget(ctx, t, true)) continue;
      const verify = flag(ctx, t.node.parent, `${fam}_ssl_verify`);
      if (!verify.on || !verify.node) continue;
      if (ctx.effective(t.node.parent, `${fam}_ssl_trusted_certificate`).nodes.length) continue;
      const entry = byVerify.get(verify.node) ?? { fam, targets: [] };
      entry.targets.push(t);
      byVerify.set(verify.node, entry);
    }
    for (const [node, { fam, targets }] of byVerify) {
      const first = targets[0];
      const how = first.module === 'stream' ? ' with proxy_ssl on' : first.scheme && ['https', 'grpcs', 'suwsgi'].includes(first.scheme) ? '' : ' (nginx prepares TLS for targets with variables too)';
      const why = `${first.directive} ${first.arg.value}${how}`;
      // In a fragment, the http block that includes it may set the CA bundle for everything below.
      const unseen = outerLevelUnseen(ctx.config, node);
      ctx.report({
        node,
        message: `nginx refuses to start: ${fam}_ssl_verify is on for ${why}${targets.length > 1 ? ` and ${targets.length - 1} more` : ''}, but no ${fam}_ssl_trusted_certificate is in effect there ("no ${fam}_ssl_trusted_certificate for ${fam}_ssl_verify", logged without a file or line)${unseen ? '; ignore this if the http block that includes this file sets one' : ''}`,
        severity: unseen ? 'warning' : undefined,
        suggestions: [{ title: `Add ${fam}_ssl_trusted_certificate (check the CA bundle path)`, edits: [insertLinesAfter(node, [CA_LINE(fam)])] }],
        related: targets.map((t) => ({ path: t.node.file.path, start: t.node.directive.start, end: t.node.directive.end, message: 'TLS to this target is verified here' })),
      });
    }
  },
});

import { insertLinesAfter } from '../../fix';
import type { ConfigNode } from '../../model/nginx-tree';
import type { PassTarget } from '../../model/nginx-upstreams';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { outerLevelUnseen, sslFamily, tlsFromModule, tlsTarget } from './addresses-support';

/**
 * `proxy_ssl_certificate` (grpc_, uwsgi_, and the stream module's proxy_ssl_certificate) names the client certificate
 * nginx shows a backend; the private key comes from `*_ssl_certificate_key`, and each is inherited on its own
 * (http → server → location). When nginx prepares TLS for a level whose target is https:// (grpcs://, suwsgi://,
 * stream `proxy_ssl on`) or has variables, and a certificate but no key is in force there, it stops:
 * `[emerg] no "proxy_ssl_certificate_key" is defined for certificate "…"`, with no file or line [lab, nginx 1.22.1].
 * A certificate at a level with no TLS target below it (proxy_pass http://…) is never loaded and is harmless.
 */

const FAMILIES = ['proxy', 'grpc', 'uwsgi'];

function family(t: PassTarget): string | undefined {
  return t.module === 'stream' ? (t.directive === 'proxy_pass' ? 'proxy' : undefined) : sslFamily(t);
}

/** A guess at the key's file from the certificate's: the same name with .key, left for the user to check. */
function keyPathFor(cert: string): string {
  const m = /^(.*)\.(crt|pem|cer|cert)$/i.exec(cert);
  return m ? `${m[1]}.key` : `${cert}.key`;
}

export default defineNginxRule({
  id: 'tls-certificate-without-key',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  judgesMergedValues: true,
  summary: '*_ssl_certificate is in effect for a TLS target, or ssl_certificate in a server, but no matching *_ssl_certificate_key is: nginx refuses to start.',
  directives: [...FAMILIES.flatMap((f) => [`${f}_ssl_certificate`, `${f}_ssl_certificate_key`]), 'proxy_pass', 'grpc_pass', 'uwsgi_pass', 'proxy_ssl', 'ssl_certificate', 'ssl_certificate_key'],
  versions: 'all',
  check(ctx) {
    // One finding per certificate line, however many TLS targets inherit it: that line is what needs its key.
    const byCert = new Map<ConfigNode, { fam: string; targets: PassTarget[] }>();
    for (const t of ctx.upstreams.passes) {
      const fam = family(t);
      if (!fam || t.error || !tlsTarget(ctx, t, true)) continue;
      const certs = ctx.effective(t.node.parent, `${fam}_ssl_certificate`).nodes;
      const cert = certs[certs.length - 1];
      // An empty value: newer nginx reads it as "no certificate" (nginx 1.22.1 still asks for a key); left alone.
      if (!cert || !cert.directive.args[0]?.value) continue;
      if (ctx.effective(t.node.parent, `${fam}_ssl_certificate_key`).nodes.length) continue;
      const entry = byCert.get(cert) ?? { fam, targets: [] };
      entry.targets.push(t);
      byCert.set(cert, entry);
    }
    for (const [node, { fam, targets }] of byCert) {
      const first = targets[0];
      const value = node.directive.args[0].value;
      const how = first.module === 'stream' ? ' with proxy_ssl on' : first.scheme && ['https', 'grpcs', 'suwsgi'].includes(first.scheme) ? '' : ' (nginx prepares TLS for targets with variables too)';
      const why = `${first.directive} ${first.arg.value}${how}`;
      // In a fragment, the http (or stream) block that includes it may set the key for everything below.
      const unseen = targets.every((t) => outerLevelUnseen(ctx.config, t.node));
      const key = keyPathFor(value);
      ctx.report({
        node,
        message: `nginx will not start: ${fam}_ssl_certificate ${value} is in effect for ${why}${targets.length > 1 ? ` and ${targets.length - 1} more` : ''}, but no ${fam}_ssl_certificate_key is, so nginx has no private key for it ("no "${fam}_ssl_certificate_key" is defined for certificate "${value}"", logged without a file or line)${unseen ? '; ignore this if the block that includes this file sets the key' : ''}`,
        severity: unseen ? 'warning' : undefined,
        suggestions: [{ title: `Add ${fam}_ssl_certificate_key ${key} (check the path)`, edits: [insertLinesAfter(node, [`${fam}_ssl_certificate_key ${key};  # TODO: the private key of ${value}`])] }],
        related: targets.map((t) => ({ path: t.node.file.path, start: t.node.directive.start, end: t.node.directive.end, message: 'nginx shows the certificate to this TLS target' })),
      });
    }
    serverCertificates(ctx);
  },
});

const where = (n: ConfigNode) => `${n.file.path.split('/').slice(-1)[0]}:${n.file.lines.positionAt(n.directive.start).line + 1}`;

/**
 * The server's own certificates (ssl_certificate, one key per certificate, each list inherited on its own). nginx
 * 1.22.1 checks them in every http server block, TLS or not: with fewer keys than certificates in force it stops with
 * `no "ssl_certificate_key" is defined for certificate "…"` (the first certificate without its key). In stream only a
 * server with `listen … ssl` is checked, and the message names that listen line:
 * `no "ssl_certificate_key" is defined for the "listen ... ssl" directive in …` [lab, nginx -t].
 */
function serverCertificates(ctx: NginxRuleContext): void {
  const byCert = new Map<ConfigNode, ConfigNode[]>();
  const streamListen = new Map<ConfigNode, ConfigNode>();
  for (const server of ctx.nodes('server')) {
    const stream = server.context === 'stream';
    if (server.context !== 'http' && !stream) continue;
    const certs = ctx.effective(server, 'ssl_certificate').nodes;
    const keys = ctx.effective(server, 'ssl_certificate_key').nodes;
    if (certs.length <= keys.length) continue;
    // A line included from a file proxylint could not read may be the key.
    if ([server, server.parent].some((level) => level?.children.some((c) => c.name === 'include' && unreadable(ctx, c)))) continue;
    if (tlsFromModule(server)) continue;
    if (stream) {
      const ssl = server.children.find((c) => c.name === 'listen' && c.directive.args.slice(1).some((a) => a.value.toLowerCase() === 'ssl'));
      if (!ssl) continue;
      streamListen.set(server, ssl);
    }
    const cert = certs[keys.length];
    const list = byCert.get(cert) ?? [];
    list.push(server);
    byCert.set(cert, list);
  }
  for (const [node, servers] of byCert) {
    const value = node.directive.args[0]?.value ?? '';
    const listen = streamListen.get(servers[0]);
    const said = listen ? `no "ssl_certificate_key" is defined for the "listen ... ssl" directive in ${where(listen)}` : `no "ssl_certificate_key" is defined for certificate "${value}"`;
    const unseen = servers.every((s) => outerLevelUnseen(ctx.config, s));
    const here = servers.length === 1 && node.parent === servers[0] ? 'in this server' : `in the server at ${where(servers[0])}${servers.length > 1 ? ` and ${servers.length - 1} more` : ''}`;
    const key = keyPathFor(value);
    ctx.report({
      node,
      message: `nginx will not start: ssl_certificate ${value} is in force ${here}, but no ssl_certificate_key is for it (nginx pairs the certificates and keys in force in order, one key each), so nginx has no private key for it ("${said}"${listen ? '' : ', logged without a file or line'})${unseen ? '; ignore this if the block that includes this file sets the key' : ''}`,
      severity: unseen ? 'warning' : undefined,
      suggestions: value && !value.includes('$') ? [{ title: `Add ssl_certificate_key ${key} (check the path)`, edits: [insertLinesAfter(node, [`ssl_certificate_key ${key};  # TODO: the private key of ${value}`])] }] : [],
      related: servers.filter((s) => s !== node.parent).slice(0, 5).map((s) => ({ path: s.file.path, start: s.directive.start, end: s.directive.end, message: 'the certificate is in force in this server, which has no key for it' })),
    });
  }
}

/** Whether an include proxylint could not read (missing, unreadable) sits at this line. */
function unreadable(ctx: NginxRuleContext, include: ConfigNode): boolean {
  const arg = include.directive.args[0];
  return !!arg && ctx.config.problems.some((p) => p.file === include.file && p.span.start === arg.start && p.kind !== 'bad-directive-name');
}

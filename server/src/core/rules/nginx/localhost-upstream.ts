import type { Fix, TextEdit } from '../../finding';
import { insertLinesAfter, replaceSpan, withInheritedLines } from '../../fix';
import { moduleOf, serverCalled, type PassTarget } from '../../model/nginx-upstreams';
import type { Span } from '../../syntax/nginx/ast';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { defaultPort, hostSpan, insertFirstIn, levelFor, spanIn } from './addresses-support';

/**
 * A name in a pass target or `server` line stands for every address it resolves to, used in turn
 * (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass), and since 1.3.10 that includes
 * IPv6 addresses (https://nginx.org/en/CHANGES). Where /etc/hosts maps `localhost` to 127.0.0.1 and ::1
 * (Debian, Ubuntu), a backend bound to one family refuses the other half of the attempts.
 */

const PASSES = ['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass'];

const message = (module: 'http' | 'stream') =>
  `"localhost" usually resolves to both 127.0.0.1 and ::1, and nginx uses both in turn: a backend that listens on only one of them refuses every other connection ("connect() failed (111: Connection refused)"); each refusal costs a retry and takes that address out for fail_timeout, and with ${module === 'stream' ? 'proxy_next_upstream off, or once the other address fails too, connections are closed' : 'proxy_next_upstream off, or once the other address fails too, clients get 502'}`;

/** Keeps the Host header proxy_pass sent before ($proxy_host was "localhost[:port]"): apps that check it (Django ALLOWED_HOSTS, dev servers) would refuse an IP. */
function keepHostHeader(ctx: NginxRuleContext, t: PassTarget): TextEdit[] {
  if (t.directive !== 'proxy_pass' || t.module !== 'http') return [];
  const level = levelFor(t.node.parent, ['location', 'server', 'http']);
  if (!level) return [];
  const eff = ctx.effective(level, 'proxy_set_header');
  if (eff.nodes.some((n) => n.directive.args[0]?.value.toLowerCase() === 'host')) return [];
  const port = t.address!.port;
  const line = `proxy_set_header Host ${t.address!.host}${port !== undefined && port !== defaultPort(t.scheme) ? ':' + port : ''};`;
  if (eff.origin === 'here') return [insertLinesAfter(eff.nodes[eff.nodes.length - 1], [line])];
  // nginx inherits proxy_set_header only while a level sets none: the inherited lines must be written out too.
  return [insertFirstIn(level, t.node, withInheritedLines(eff.origin === 'inherited' ? eff.nodes : [], [line]))];
}

/** `host.toLowerCase() === 'localhost'`, without lower-casing every host (no other length can lower-case to it). */
function isLocalhost(host: string): boolean {
  return host.length === 9 && host.toLowerCase() === 'localhost';
}

function suggestions(file: PassTarget['node']['file'], span: Span, extra: TextEdit[]): Fix[] {
  const note = extra.length ? ' and keep the Host header the backend got so far' : '';
  return [
    { title: `Use 127.0.0.1 (the backend listens on IPv4)${note}`, edits: [replaceSpan(file, span, '127.0.0.1'), ...extra] },
    { title: `Use [::1] (the backend listens on IPv6)${note}`, edits: [replaceSpan(file, span, '[::1]'), ...extra] },
  ];
}

/**
 * Ports that this configuration itself listens on for both localhost addresses (`listen 8080;` or
 * `listen 127.0.0.1:8080;` for IPv4, together with `listen [::]:8080;` or `listen [::1]:8080;`), per module: nginx
 * proxying to its own server block answers on both, so the two addresses of "localhost" both work.
 */
function selfOnBothFamilies(ctx: NginxRuleContext): Map<string, Set<number>> {
  const seen = new Map<string, { v4: Set<number>; v6: Set<number> }>();
  for (const l of ctx.nodes('listen')) {
    const a = l.directive.args[0]?.value;
    if (!a) continue;
    const m = /^(?:(\*|0\.0\.0\.0|127\.\d+\.\d+\.\d+):)?(\d+)$/.exec(a) ?? undefined;
    const m6 = m ? undefined : /^\[(::|::1)\]:(\d+)$/.exec(a);
    if (!m && !m6) continue;
    const mod = moduleOf(l);
    let e = seen.get(mod);
    if (!e) seen.set(mod, (e = { v4: new Set(), v6: new Set() }));
    (m ? e.v4 : e.v6).add(Number((m ?? m6)![2]));
  }
  const both = new Map<string, Set<number>>();
  for (const [mod, e] of seen) both.set(mod, new Set([...e.v4].filter((p) => e.v6.has(p))));
  return both;
}

export default defineNginxRule({
  id: 'localhost-upstream',
  server: 'nginx',
  severity: 'warning',
  outcome: '502',
  summary: 'A pass target or upstream server uses "localhost", which nginx expands to both 127.0.0.1 and ::1: a backend on one of them refuses half the connections.',
  directives: [...PASSES, 'upstream'],
  versions: '>= 1.3.10',
  check(ctx) {
    let self: Map<string, Set<number>> | undefined;
    const answersBoth = (module: string, port: number) => (self ??= selfOnBothFamilies(ctx)).get(module)?.has(port) ?? false;
    for (const t of ctx.upstreams.passes) {
      const a = t.address;
      // Cheapest tests first: most targets name a group or an IP address.
      if (t.upstream || t.hasVariables || t.error || !a || a.unix || !isLocalhost(a.host) || !PASSES.includes(t.directive)) continue;
      if (answersBoth(t.module, a.port ?? defaultPort(t.scheme))) continue;
      const span = hostSpan(t);
      ctx.report({ at: { file: t.node.file, ...span }, message: `${t.directive} ${t.arg.value}: ${message(t.module)}`, suggestions: suggestions(t.node.file, span, keepHostHeader(ctx, t)) });
    }
    for (const up of ctx.upstreams.members) {
      for (const s of up.servers) {
        if (s.error || !s.address || !isLocalhost(s.address.host) || answersBoth(up.module, s.address.port ?? 80)) continue;
        const arg = s.node.directive.args[0];
        const span = spanIn(arg, s.address.host);
        ctx.report({ at: { file: s.node.file, ...span }, message: `${serverCalled(up, arg.value)}: ${message(up.module)}`, suggestions: suggestions(s.node.file, span, []) });
      }
    }
  },
});

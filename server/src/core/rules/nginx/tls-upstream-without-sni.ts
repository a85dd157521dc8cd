import { insertLinesAfter } from '../../fix';
import type { Fix, TextEdit } from '../../finding';
import { noValueIn } from '../../model/nginx-effective';
import type { PassTarget } from '../../model/nginx-upstreams';
import { defineNginxRule } from '../rule';
import { flag, insertFirstIn, isIpLiteral, levelFor, sslFamily, tlsTarget, valueOf } from './addresses-support';

/**
 * nginx sends no server name (SNI) when it opens TLS to a backend unless `proxy_ssl_server_name on`
 * (default off: https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_ssl_server_name; grpc_,
 * uwsgi_ and the stream module have the same switch). Backends that host several names pick their default
 * certificate or refuse the handshake. The name sent, `proxy_ssl_name`, defaults to $proxy_host: the
 * group name when proxy_pass names an upstream. Per RFC 6066 nginx never sends an IP address as SNI.
 */

const DIRECTIVES = ['proxy_pass', 'grpc_pass', 'uwsgi_pass', 'proxy_ssl', 'proxy_ssl_server_name', 'grpc_ssl_server_name', 'uwsgi_ssl_server_name', 'proxy_ssl_name', 'grpc_ssl_name', 'uwsgi_ssl_name'];

function family(t: PassTarget): 'proxy' | 'grpc' | 'uwsgi' | undefined {
  return t.module === 'stream' ? (t.directive === 'proxy_pass' ? 'proxy' : undefined) : sslFamily(t);
}

/** Where the switch may be written: the pass's own block unless that is an `if`/`limit_except`. */
function insertSwitch(t: PassTarget, lines: string[]): TextEdit | undefined {
  const level = levelFor(t.node.parent, t.module === 'stream' ? ['stream-server', 'stream'] : ['location', 'server', 'http']);
  if (!level) return undefined;
  return level === t.node.parent ? insertLinesAfter(t.node, lines) : insertFirstIn(level, t.node, lines);
}

/** The one host name the group's servers use, if there is exactly one: the likely name on the certificate. */
function groupHost(t: PassTarget): string | undefined {
  const names = new Set((t.upstream?.servers ?? []).map((s) => s.address).filter((a) => a && !a.unix && !a.isIp).map((a) => a!.host.toLowerCase()));
  return names.size === 1 ? [...names][0] : undefined;
}

export default defineNginxRule({
  id: 'tls-upstream-without-sni',
  server: 'nginx',
  severity: 'warning',
  outcome: '502',
  summary: 'TLS to a named backend without *_ssl_server_name on: nginx sends no SNI, so the backend may present the wrong certificate or refuse the handshake (502).',
  directives: DIRECTIVES,
  versions: 'all',
  check(ctx) {
    for (const t of ctx.upstreams.passes) {
      const fam = family(t);
      if (!fam || t.error || !tlsTarget(ctx, t, false)) continue;
      // One of the lines it reads is written twice at its level: nginx does not start, there is no value to judge.
      if (noValueIn(ctx.effective, t.node.parent, DIRECTIVES)) continue;
      const sni = flag(ctx, t.node.parent, `${fam}_ssl_server_name`);
      // An explicit "off" is a decision, not an oversight.
      if (sni.on || sni.node) continue;
      const name = valueOf(ctx, t.node.parent, `${fam}_ssl_name`).value;
      // A host taken from a variable may be an IP address or a group name: nothing certain to say.
      if (!t.address || t.address.hasVariables) continue;
      // A backend reached by IP address is one known machine, and nginx never sends an IP as SNI: only names point at shared TLS hosting.
      if (!t.upstream && isIpLiteral(t.address.host)) continue;
      if (t.upstream && !t.upstream.servers.some((s) => s.address && !s.address.unix && !s.address.isIp)) continue;
      const sw = `${fam}_ssl_server_name on;`;
      const base = `${t.directive} ${t.arg.value}: nginx sends no server name (SNI) in the TLS handshake while ${fam}_ssl_server_name is off, so a backend that serves several names (CDN, PaaS, shared ingress) presents its default certificate or refuses the handshake: ${t.module === 'stream' ? 'connections fail' : 'clients get 502'} ("upstream SSL certificate does not match" when ${fam}_ssl_verify is on) or reach the wrong ${t.module === 'stream' ? 'service' : 'site'}`;
      let fix: Fix | undefined;
      const suggestions: Fix[] = [];
      if (t.upstream && !name) {
        const real = groupHost(t);
        const nameLine = real ? `${fam}_ssl_name ${real};` : `${fam}_ssl_name backend.example.com;  # TODO: the name on the backend's certificate`;
        const edit = insertSwitch(t, [sw, nameLine]);
        if (edit) suggestions.push({ title: `Send SNI and name the backend (${fam}_ssl_name) instead of the group "${t.upstream.name}"`, edits: [edit] });
        ctx.report({
          at: { file: t.node.file, ...t.arg },
          message: `${base}; turned on, it would send the group name "${t.upstream.name}" unless ${fam}_ssl_name names the real host`,
          suggestions,
        });
        continue;
      }
      const edit = insertSwitch(t, [sw]);
      // Sending the name the user wrote (or set in *_ssl_name) is what every TLS client does.
      if (edit) fix = { title: `Add "${sw}"`, edits: [edit] };
      ctx.report({ at: { file: t.node.file, ...t.arg }, message: base, fix, suggestions });
    }
  },
});

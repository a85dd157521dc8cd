import type { Fix } from '../../finding';
import { replaceSpan } from '../../fix';
import type { ConfigNode } from '../../model/nginx-tree';
import type { Arg } from '../../syntax/nginx/ast';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { locationMatch, spanIn } from './addresses-support';
import { serverCalled } from '../../model/nginx-upstreams';

/**
 * UNIX-socket targets: `unix:/path` in upstream servers and bare pass addresses, `http://unix:/path:/uri`
 * in proxy_pass, where "the path is specified after the word unix and enclosed in colons"
 * (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass). nginx accepts any path at
 * start-up and only fails when it connects: every request then gets 502.
 */

/** `/run/app.sock/api/` → the socket file and what follows it; undefined when the path ends at the socket. */
function trailing(path: string): { socket: string; rest: string } | undefined {
  const m = /^(.*?\.sock(?:et)?)(\/.*)$/.exec(path);
  // `/run/app.sock/worker.sock`: a folder named *.sock holding the socket is legitimate.
  if (!m || /\.sock(et)?$/.test(m[2])) return undefined;
  return { socket: m[1], rest: m[2] };
}

/** Where proxy_pass may carry a URI part: not in regex or named locations, `if` or `limit_except`. */
function uriAllowed(node: ConfigNode): boolean {
  const p = node.parent;
  if (!p || p.name !== 'location') return false;
  const kind = locationMatch(p).kind;
  return kind === 'prefix' || kind === 'exact';
}

function check(ctx: NginxRuleContext, node: ConfigNode, arg: Arg, path: string, label: string, isHttpProxy: boolean) {
  // Variables, template placeholders (RUNFILES_PATH/…, <SOCKET>) and abstract sockets are filled in or valid elsewhere.
  if (/[${}<>]/.test(path) || path.startsWith('@') || /^[A-Z][A-Z0-9_]{2,}\//.test(path)) return;
  const pathSpan = spanIn(arg, path, arg.raw.indexOf('unix:') + 5);
  const outcome = node.context.startsWith('stream') ? 'connections are closed' : 'clients get 502';
  if (!path.startsWith('/')) {
    ctx.report({
      at: { file: node.file, ...pathSpan },
      message: `${label}: the socket path "${path}" is relative, so each worker looks for it relative to nginx's working directory (usually /), not the configuration folder: the connection fails and ${outcome} ("connect() to unix:${path} failed (2: No such file or directory)")`,
    });
    return;
  }
  const t = trailing(path);
  if (!t) return;
  if (isHttpProxy) {
    const fixed = { title: `Close the socket path with ":" so "${t.rest}" is sent as the URI`, edits: [replaceSpan(node.file, pathSpan, `${t.socket}:${t.rest}`)] };
    ctx.report({
      at: { file: node.file, ...pathSpan },
      message: `${label}: the socket path has no closing ":", so nginx takes "${path}" as the socket file: the connection fails ("(20: Not a directory)") and clients get 502${uriAllowed(node) ? `; write http://unix:${t.socket}:${t.rest}` : ' (a URI part is not allowed in this block, see uri-part-not-allowed)'}`,
      // The old target never connected, so closing the path cannot break a working setup, as long as a URI part is allowed here.
      fix: uriAllowed(node) ? fixed : undefined,
      suggestions: uriAllowed(node) ? [] : [{ title: `Drop "${t.rest}" after the socket path`, edits: [replaceSpan(node.file, pathSpan, t.socket)] }],
    });
    return;
  }
  const cut: Fix = { title: `Drop "${t.rest}" after the socket path`, edits: [replaceSpan(node.file, pathSpan, t.socket)] };
  ctx.report({
    at: { file: node.file, ...pathSpan },
    message: `${label}: "${t.rest}" after the socket file is part of the path, so the connection fails ("(20: Not a directory)") and ${outcome}`,
    // A lone trailing "/" can never name a socket; a longer tail might (a folder called *.sock), so only suggest cutting it.
    fix: t.rest === '/' ? cut : undefined,
    suggestions: t.rest === '/' ? [] : [cut],
  });
}

export default defineNginxRule({
  id: 'unix-socket-path',
  server: 'nginx',
  severity: 'warning',
  outcome: '502',
  summary: 'A UNIX-socket target has a relative path or text after the socket file (a proxy_pass URI without the closing ":"): every request fails with 502.',
  directives: ['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass', 'upstream'],
  versions: 'all',
  check(ctx) {
    for (const t of ctx.upstreams.passes) {
      if (t.error || !t.address?.unix) continue;
      check(ctx, t.node, t.arg, t.address.unix, `${t.directive} ${t.arg.value}`, t.directive === 'proxy_pass' && t.module === 'http');
    }
    for (const up of ctx.upstreams.members) {
      for (const s of up.servers) {
        if (s.error || !s.address?.unix) continue;
        const arg = s.node.directive.args[0];
        check(ctx, s.node, arg, s.address.unix, serverCalled(up, arg.value), false);
      }
    }
  },
});

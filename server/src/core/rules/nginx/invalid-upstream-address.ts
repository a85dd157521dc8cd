import { replaceSpan } from '../../fix';
import type { Fix } from '../../finding';
import type { SourceFile } from '../../model/nginx-tree';
import type { PassTarget } from '../../model/nginx-upstreams';
import type { Arg } from '../../syntax/nginx/ast';
import { defineNginxRule } from '../rule';

/** Template placeholders (`<PHP_SOCKET>`, `{{ backend }}`) are replaced before nginx ever reads the file. */
const PLACEHOLDER = /<[A-Z][A-Z0-9_]*>|\{\{.*\}\}/;

/** nginx's own wording where the model paraphrases it. */
function nginxWords(error: string, value: string): string {
  if (error.startsWith('no path in the UNIX socket address')) return `no path in the unix domain socket in upstream "${value}"`;
  if (value.startsWith('/')) return `invalid host in upstream "${value}": a UNIX socket path needs the "unix:" prefix`;
  return error;
}

/** `fastcgi_pass /run/php.sock;` never loaded, so adding the prefix it lacks cannot break a working setup. */
function unixPrefixFix(file: SourceFile, arg: Arg): Fix | undefined {
  if (!arg.value.startsWith('/') || arg.quote) return undefined;
  return { title: `Use "unix:${arg.value}"`, edits: [replaceSpan(file, arg, `unix:${arg.value}`)] };
}

/** `proxy_pass 127.0.0.1:9000/;` in stream {} (or `fastcgi_pass …/`): nginx never started with it, so dropping the URI is safe. */
function uriDropFix(t: PassTarget): Fix | undefined {
  if (t.uri === undefined || t.arg.quote || t.hasVariables || t.scheme !== undefined) return undefined;
  const bare = t.arg.value.slice(0, t.arg.value.length - t.uri.length);
  return bare ? { title: `Use the bare address "${bare}"`, edits: [replaceSpan(t.node.file, t.arg, bare)] } : undefined;
}

/** A port commonly used for each kind of backend, offered as a suggestion (the real one is the user's to check). */
export const USUAL_PORT: Record<string, { port: number; what: string }> = { fastcgi_pass: { port: 9000, what: 'PHP-FPM' }, memcached_pass: { port: 11211, what: 'memcached' } };

export default defineNginxRule({
  id: 'invalid-upstream-address',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'An upstream address has an invalid port, IP, host or an extra scheme/URI: nginx refuses to start.',
  directives: ['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass', 'upstream'],
  versions: 'all',
  check(ctx) {
    for (const t of ctx.upstreams.passes) {
      if (t.errorKind !== 'address' || PLACEHOLDER.test(t.arg.value)) continue;
      // nginx names the address without its scheme in this message ("unix:" for http://unix:).
      const bare = t.directive !== 'proxy_pass' || t.module === 'stream';
      ctx.report({
        at: { file: t.node.file, ...t.arg },
        message: `nginx will not start: ${nginxWords(t.error!, t.arg.value.replace(/^[a-z]+:\/\//i, ''))}`,
        fix: bare ? (unixPrefixFix(t.node.file, t.arg) ?? uriDropFix(t)) : undefined,
      });
    }
    // `fastcgi_pass 127.0.0.1;`: an address, not a group, without a port. Only proxy_pass in http {} has a default
    // port (its scheme's); every other pass, and proxy_pass in stream {}, stops nginx with "no port in upstream"
    // [lab, nginx 1.22.1, each pass directive]. A dotless name may be a group defined where this file does not show
    // (undefined-upstream speaks about those), and so may a dotted one in a fragment.
    for (const t of ctx.upstreams.passes) {
      const a = t.address;
      if (t.upstream || t.error || !a || a.unix || a.hasVariables || t.hasVariables || a.port !== undefined) continue;
      if (t.directive === 'proxy_pass' && t.module === 'http') continue;
      const host = a.host.toLowerCase();
      if (!a.isIp && host !== 'localhost' && !(host.includes('.') && ctx.config.rootContext === 'main')) continue;
      if (ctx.upstreams.find('http', a.host) || ctx.upstreams.find('stream', a.host) || PLACEHOLDER.test(t.arg.value)) continue;
      const written = a.ipv6 ? `[${a.host}]` : a.host;
      const at = t.arg.start + t.arg.raw.indexOf(written);
      const span = { start: at, end: at + written.length };
      const usual = USUAL_PORT[t.directive];
      ctx.report({
        at: { file: t.node.file, ...span },
        message: `nginx will not start: no port in upstream "${written}": ${t.directive}${t.module === 'stream' ? ' in stream {}' : ''} needs one (only proxy_pass in http {} has a default port, from its scheme)`,
        suggestions: usual ? [{ title: `Add port ${usual.port}, the usual one for ${usual.what} (check your backend's)`, edits: [replaceSpan(t.node.file, span, `${written}:${usual.port}`)] }] : [],
      });
    }
    // Every group's server lines, an upstream fragment's too: an address nginx refuses is refused wherever the line is included.
    for (const up of ctx.upstreams.members) {
      for (const s of up.servers) {
        // A stream upstream's server needs a port: there is no scheme to take one from (nginx 1.22.1: `server
        // 127.0.0.1;` → no port in upstream "127.0.0.1"; a name that does not resolve fails first, host not found).
        const a = s.address;
        // service= takes the port from DNS SRV records.
        if (!s.error && up.module === 'stream' && a && !a.unix && !a.hasVariables && a.port === undefined && !s.params.has('service')) {
          const arg = s.node.directive.args[0];
          if (!PLACEHOLDER.test(arg.value)) {
            const written = a.ipv6 ? `[${a.host}]` : a.host;
            ctx.report({ at: { file: s.node.file, ...arg }, message: `nginx will not start: no port in upstream "${written}": a server in a stream upstream needs one${a.isIp ? '' : ' (and if the name does not resolve, nginx stops first with: host not found in upstream)'}` });
          }
          continue;
        }
        if (!s.error) continue;
        const arg = s.node.directive.args[0];
        // `unix:///run/app.sock` is a UNIX socket with a path that starts with extra slashes, which nginx accepts.
        if (arg && (PLACEHOLDER.test(arg.value) || /^unix:\/\//i.test(arg.value))) continue;
        let fix: Fix | undefined;
        const m = arg && /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^/]+)(\/.*)?$/i.exec(arg.value);
        // Dropping a scheme or a path from a `server` line cannot change what nginx did: it never started with it.
        if (arg && m && m[1] !== arg.value && !arg.value.startsWith('unix:')) fix = { title: `Use the bare address "${m[1]}"`, edits: [replaceSpan(s.node.file, arg, m[1])] };
        if (arg && !fix) fix = unixPrefixFix(s.node.file, arg);
        ctx.report({ at: { file: s.node.file, ...(arg ?? s.node.directive) }, message: `nginx will not start: ${nginxWords(s.error, arg?.value ?? '')}`, fix });
      }
    }
  },
});

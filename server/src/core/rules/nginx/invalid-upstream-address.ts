import { replaceSpan } from '../../fix';
import type { Fix } from '../../finding';
import type { SourceFile } from '../../model/nginx-tree';
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
        fix: bare ? unixPrefixFix(t.node.file, t.arg) : undefined,
      });
    }
    for (const up of ctx.upstreams.upstreams) {
      for (const s of up.servers) {
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

import { replaceSpan } from '../../fix';
import type { Fix } from '../../finding';
import { defineNginxRule } from '../rule';
import type { PassTarget } from '../../model/nginx-upstreams';

/** The safe rewrite for each wrong scheme: the one that makes nginx accept the line without changing the backend. */
function schemeFix(t: PassTarget): Fix | undefined {
  const v = t.arg.value;
  const file = t.node.file;
  if (t.directive === 'proxy_pass' && t.module === 'http') {
    if (!t.scheme) return { title: `Add "http://"`, edits: [replaceSpan(file, t.arg, `http://${v}`)] };
    if (t.scheme === 'ws') return { title: 'Use "http://" (WebSocket is proxied over http://)', edits: [replaceSpan(file, t.arg, 'http://' + v.slice(5))] };
    if (t.scheme === 'wss') return { title: 'Use "https://" (WebSocket is proxied over https://)', edits: [replaceSpan(file, t.arg, 'https://' + v.slice(6))] };
    return undefined;
  }
  // fastcgi_pass http://127.0.0.1:9000 and friends: the address is right, the scheme is not part of the syntax.
  if (t.scheme === 'http' || t.scheme === 'tcp') {
    const bare = v.slice(v.indexOf('://') + 3);
    return { title: `Drop "${t.scheme}://"`, edits: [replaceSpan(file, t.arg, bare)] };
  }
  return undefined;
}

export default defineNginxRule({
  id: 'pass-scheme-mismatch',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A pass directive has a scheme it does not accept (or lacks the one it needs): nginx refuses to start.',
  directives: ['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass'],
  versions: 'all',
  check(ctx) {
    for (const t of ctx.upstreams.passes) {
      // `unix:///run/app.sock` is not a scheme: nginx reads "unix:" and then the absolute path "///run/app.sock".
      if (t.errorKind !== 'scheme' || /^unix:\/\//i.test(t.arg.value)) continue;
      ctx.report({ at: { file: t.node.file, ...t.arg }, message: `nginx will not start: ${t.error}`, fix: schemeFix(t) });
    }
  },
});

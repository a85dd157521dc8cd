import { apacheFix } from '../../apache-fix';
import type { ApacheArg } from '../../syntax/apache/ast';
import { parseBackendUrl } from '../../model/apache-proxy';
import type { ApacheNode } from '../../model/apache-tree';
import { defineApacheRule } from '../apache-rule';

export default defineApacheRule({
  id: 'unix-socket-target-syntax',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A UNIX-socket backend is written without its "|scheme://host/" part: httpd refuses to start.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember'],
  versions: '2.4.7 and later',
  check(ctx) {
    const check = (node: ApacheNode, arg: ApacheArg, url: string, pathEndsWithSlash: boolean) => {
      if (node.unresolved || !/^unix:/i.test(url)) return;
      // httpd accepts any scheme after "|", even without a host ("unix:/run/app.sock|http:").
      const { error } = parseBackendUrl(url, node.name);
      if (!error) return;
      const bar = url.indexOf('|');
      const socket = bar < 0 ? url.slice(5) : url.slice(5, bar);
      const fcgi = /php|fpm|fcgi/i.test(socket);
      const target = `unix:${socket}|${fcgi ? 'fcgi' : 'http'}://localhost${pathEndsWithSlash ? '/' : ''}`;
      ctx.report({
        at: { file: node.file, start: arg.start, end: arg.end },
        message: `httpd refuses to start ("${error}"): a UNIX-socket backend is written "unix:/path/to.sock|http://localhost/" (or |fcgi://localhost/ for PHP-FPM); the part after "|" names the protocol spoken on the socket`,
        suggestions: [apacheFix(`Write "${target}"`, { path: node.file.path, start: arg.start, end: arg.end, newText: arg.quote ? `${arg.quote}${target}${arg.quote}` : target })],
      });
    };
    for (const r of ctx.proxy.rules) if (!r.exclusion && r.urlArg) check(r.node, r.urlArg, r.url, r.path.endsWith('/'));
    for (const n of ctx.nodes('balancermember')) {
      const k = n.directive.args.findIndex((a) => /^unix:/i.test(a.value));
      if (k >= 0) check(n, n.directive.args[k], n.args[k], false);
    }
  },
});

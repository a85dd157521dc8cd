import { describeTimeout, type Worker } from '../../model/apache-proxy';
import { requestsTakenFrom } from '../../model/apache-request-worker';
import type { ApacheNode } from '../../model/apache-tree';
import { atLeast } from '../../model/version';
import { defineApacheRule } from '../apache-rule';

/** The parameters that decide how a request fares, as text: two workers that agree on all of them are alike. */
function paramsText(w: Worker): string {
  return [...w.params.values()].map((p) => `${p.key}=${p.value.toLowerCase()}`).sort().join(' ');
}

export default defineApacheRule({
  id: 'requests-use-another-worker',
  server: 'apache',
  severity: 'warning',
  outcome: '502/504',
  summary: 'Some requests of a ProxyPass go through another line\'s worker: httpd looks the worker up by the backend URL at request time and takes the longest worker name that finds it (a ProxyPassMatch "http://h/$1" finds every URL to h), so they get that worker\'s timeout= and other parameters.',
  directives: ['ProxyPass', 'ProxyPassMatch'],
  versions: '2.4.47 and later (regex workers); all 2.4 (longer plain names)',
  check(ctx) {
    const { proxy } = ctx;
    // Before 2.4.47 a regex worker whose name holds $N was never found for a request (the comment on
    // AP_PROXY_WORKER_IS_MATCH in proxy_util.c): its requests went through the default worker instead.
    const regexFound = atLeast(ctx.version, '2.4.47') !== false;
    const lineWorker = new Map<ApacheNode, Worker>();
    for (const w of proxy.workers) if (w.kind === 'proxypass' && !lineWorker.has(w.node)) lineWorker.set(w.node, w);
    for (const rule of proxy.rules) {
      const line = lineWorker.get(rule.node);
      if (!line) continue;
      const own = line.shares ?? line;
      for (const { other, name, server, path, url, sameName } of requestsTakenFrom(proxy, rule, regexFound)) {
        const ownTimeout = proxy.backendTimeout(own, server);
        const otherTimeout = proxy.backendTimeout(other, server);
        const ownConnect = proxy.connectTimeout(own, server);
        const otherConnect = proxy.connectTimeout(other, server);
        const timeoutsDiffer = ownTimeout.ms !== otherTimeout.ms || ownConnect.ms !== otherConnect.ms;
        // Two workers alike: whichever takes a request, it fares the same.
        if (!timeoutsDiffer && paramsText(own) === paramsText(other)) continue;
        const where = other.node.file === rule.node.file ? `line ${ctx.lineOf(other.node)}` : `line ${ctx.lineOf(other.node)} of ${other.node.file.path.slice(other.node.file.path.lastIndexOf('/') + 1)}`;
        const which = other.match
          ? `the ${other.node.name} worker of ${where} (${name}, whose ${(name.match(/\$\d/) ?? ['$1'])[0]} stands for any text), whose name is longer than this line's and finds every such URL at least ${name.length} characters long`
          : sameName
            ? `the main server's worker of ${where}, which has the same name (${name}): a virtual host searches the main server's workers before its own and keeps the first of equal names, so every request of this line goes there`
            : `the worker of ${where} (${name}), whose name is longer than this line's and starts them`;
        const served = server !== rule.vhost && server ? ` (for requests to the <VirtualHost ${server.args.join(' ')}> on line ${ctx.lineOf(server)})` : '';
        const example = `${path.replace(/x{8}/g, '…')} → ${url.replace(/x{8}/g, '…')}`;
        const connectToo = otherConnect.ms !== otherTimeout.ms || ownConnect.ms !== ownTimeout.ms;
        const effect = timeoutsDiffer
          ? `They wait ${describeTimeout(otherTimeout, ctx.lineOf, rule.node)} for an answer${connectToo ? ` and ${describeTimeout(otherConnect, ctx.lineOf, rule.node)} for the connection` : ''}, not this line's ${describeTimeout(ownTimeout, ctx.lineOf, rule.node)}${connectToo ? ` and ${describeTimeout(ownConnect, ctx.lineOf, rule.node)}` : ''}: ${otherTimeout.ms < ownTimeout.ms ? 'a backend slower than that gets 502 (504 through mod_proxy_fcgi) sooner than this line says' : 'a stalled backend holds them longer than this line says'}`
          : `They get its parameters (${paramsText(other) || 'none'}), not this line's (${paramsText(own) || 'none'})`;
        ctx.report({
          at: rule.urlArg ? { file: rule.node.file, start: rule.urlArg.start, end: rule.urlArg.end } : undefined,
          node: rule.urlArg ? undefined : rule.node,
          message: `requests of this ${rule.node.name} whose backend URL ${other.match ? 'matches' : 'starts with'} "${name}" (such as ${example}) do not go through this line's worker${served}: httpd looks the worker up again by the URL when the request comes, and takes the longest worker name that finds it: ${which}. ${effect}. Set the same parameters on both lines, or give one of them a worker name the other's URLs do not ${other.match ? 'match' : 'start with'} (another host name for the same backend)`,
          related: [{ path: other.node.file.path, start: other.node.directive.start, end: other.node.directive.end, message: 'the worker these requests go through' }],
        });
      }
    }
  },
});

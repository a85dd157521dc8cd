import { describeTimeout, type ProxyPassRule, type Worker } from '../../model/apache-proxy';
import { workerName } from '../../model/apache-worker-names';
import type { ApacheNode } from '../../model/apache-tree';
import { atLeast } from '../../model/version';
import { defineApacheRule } from '../apache-rule';

const REF = /\$\d/g;

/**
 * A backend URL this plain ProxyPass makes (its URL, `base`, followed by the rest of a request path) that `other`'s
 * worker name finds: for a regex worker ("http://h/$1", where $1 stands for any text) one that matches it and is at
 * least as long as the name, for a plain one a URL that starts with its longer name. Undefined when none can be.
 */
function probeUrl(base: string, other: Worker, name: string): string | undefined {
  if (!other.match) return name.length > base.length && name.startsWith(base) ? `${name}x` : undefined;
  const first = name.search(/\$\d/);
  if (first < 0) return undefined;
  const literal = name.slice(0, first);
  if (literal.startsWith(base)) return name.replace(REF, 'xxxxxxxx');
  if (!base.startsWith(literal)) return undefined;
  // The URL continues base with text the first $N takes, then what the name has after it.
  const after = name.slice(first).replace(/^(\$\d)+/, '');
  return `${base}xxxxxxxx${after.replace(REF, 'xxxxxxxx')}`;
}

function pathMatches(r: ProxyPassRule, path: string): boolean {
  if (r.exclusion && !r.regex) return path.startsWith(r.path);
  if (!r.regex) return path.startsWith(r.path);
  try {
    return new RegExp(r.path).test(path);
  } catch {
    return false;
  }
}

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
    const ownWorker = new Map<ApacheNode, Worker>();
    for (const w of proxy.workers) if (w.kind === 'proxypass') ownWorker.set(w.node, w);
    // Workers a ProxyPass(Match) line defines itself (not shared, not a balancer's): the ones that can take requests.
    const defining = proxy.workers.filter((w) => w.kind === 'proxypass' && !w.shares && !w.balancer && (w.node.lname === 'proxypass' || w.node.lname === 'proxypassmatch'));
    for (const rule of proxy.rules) {
      // A regex rule's URLs depend on its captures; a balancer's requests are looked up among its members.
      if (rule.regex || rule.exclusion || rule.misplacedPath || /^balancer:/i.test(rule.url)) continue;
      const line = ownWorker.get(rule.node);
      if (!line || line.balancer) continue;
      const own = line.shares ?? line;
      const base = workerName(rule.url, false);
      if (base === undefined) continue;
      const reported = new Set<Worker>();
      for (const other of defining) {
        if (other === own || reported.has(other) || (other.match && !regexFound)) continue;
        const name = workerName(other.url, other.match);
        if (name === undefined) continue;
        const probe = probeUrl(base, other, name);
        if (probe === undefined) continue;
        // The request path that makes this URL: the rule's path with the rest of the URL after it.
        const path = rule.path + probe.slice(base.length);
        for (const server of proxy.serversOf(line)) {
          if (proxy.workerForUrl(server, probe) !== other) continue;
          // Only requests this rule takes: an earlier rule whose path covers the path sends them elsewhere (with its
          // own mapping, as in the usual "ProxyPass /api/ http://h/api/" above "ProxyPass / http://h/").
          if (!rule.location && proxy.rulesFor(server).find((r) => !r.location && pathMatches(r, path)) !== rule) continue;
          const ownTimeout = proxy.backendTimeout(own, server);
          const otherTimeout = proxy.backendTimeout(other, server);
          const ownConnect = proxy.connectTimeout(own, server);
          const otherConnect = proxy.connectTimeout(other, server);
          const timeoutsDiffer = ownTimeout.ms !== otherTimeout.ms || ownConnect.ms !== otherConnect.ms;
          if (!timeoutsDiffer && paramsText(own) === paramsText(other)) continue;
          reported.add(other);
          const where = other.node.file === rule.node.file ? `line ${ctx.lineOf(other.node)}` : `line ${ctx.lineOf(other.node)} of ${other.node.file.path.slice(other.node.file.path.lastIndexOf('/') + 1)}`;
          const which = other.match
            ? `the ${other.node.name} worker of ${where} (${name}, whose ${(name.match(REF) ?? ['$1'])[0]} stands for any text), whose name is longer than this line's and finds every such URL at least ${name.length} characters long`
            : `the worker of ${where} (${name}), whose name is longer than this line's and starts them`;
          const served = server !== rule.vhost ? ` (for requests to the <VirtualHost ${server!.args.join(' ')}> on line ${ctx.lineOf(server!)})` : '';
          const example = `${path.replace(/x{8}/g, '…')} → ${probe.replace(/x{8}/g, '…')}`;
          const effect = timeoutsDiffer
            ? `They wait ${describeTimeout(otherTimeout, ctx.lineOf, rule.node)} for an answer${otherConnect.ms !== otherTimeout.ms || ownConnect.ms !== ownTimeout.ms ? ` and ${describeTimeout(otherConnect, ctx.lineOf, rule.node)} for the connection` : ''}, not this line's ${describeTimeout(ownTimeout, ctx.lineOf, rule.node)}: ${otherTimeout.ms < ownTimeout.ms ? 'a backend slower than that gets 502 (504 through mod_proxy_fcgi) sooner than this line says' : 'a stalled backend holds them longer than this line says'}`
            : `They get its parameters (${paramsText(other) || 'none'}), not this line's (${paramsText(own) || 'none'})`;
          ctx.report({
            at: { file: rule.node.file, start: (rule.urlArg ?? { start: rule.node.directive.start }).start, end: (rule.urlArg ?? { end: rule.node.directive.end }).end },
            message: `requests of this ${rule.node.name} whose backend URL ${other.match ? 'matches' : 'starts with'} "${name}" (such as ${example}) do not go through this line's worker${served}: httpd looks the worker up again by the URL when the request comes, and takes the longest worker name that finds it: ${which}. ${effect}. Set the same parameters on both lines, or give one of them a worker name the other's URLs do not ${other.match ? 'match' : 'start with'} (another host name for the same backend)`,
            related: [{ path: other.node.file.path, start: other.node.directive.start, end: other.node.directive.end, message: 'the worker these requests go through' }],
          });
          break;
        }
      }
    }
  },
});

import { apacheFix } from '../../apache-fix';
import { pushTo } from '../../collections';
import { mayNotBeRead } from '../../model/apache-modules';
import { isRegexWorker, proxySetSection } from '../../model/apache-proxy';
import { virtualHostOf, type ApacheNode } from '../../model/apache-tree';
import { balancerKey, deSocketfy, findsWorker, workerName } from '../../model/apache-worker-names';
import { defineApacheRule, type ApacheRuleContext } from '../apache-rule';

/**
 * What httpd knows by the time it reads a ProxySet line: each server (the main server, each <VirtualHost>) has its
 * own workers and balancers, defined in file order. Workers: ProxyPass/ProxyPassMatch lines and ProxySet inside
 * <Proxy url>; BalancerMember workers belong to their balancer, where ProxySet does not look. Balancers: ProxyPass to
 * them, BalancerMember, ProxySet inside <Proxy balancer://…> (a <Proxy> section alone defines nothing).
 * Checked with `apache2 -t` on Apache 2.4.71 (test/servers/apache-proxyset-lookup.test.ts).
 */
interface Definition {
  index: number;
  node: ApacheNode;
  scope: ApacheNode | null;
}
interface WorkerDef extends Definition {
  name: string;
  matchable: boolean;
}
interface BalancerDef extends Definition {
  key: string;
}
interface MemberDef extends Definition {
  name: string;
  balancer: string;
}

/** Containers httpd reads in place (their lines get the enclosing section as parent). */
const TRANSPARENT = new Set(['ifmodule', 'ifdefine', 'ifversion', 'iffile', 'ifdirective', 'ifsection']);

/** Outside every section but conditional ones. */
function atTop(n: ApacheNode): boolean {
  for (let p = n.parent; p; p = p.parent) if (!TRANSPARENT.has(p.lname)) return false;
  return true;
}

/** Where a scope is, for messages. */
function scopeName(ctx: ApacheRuleContext, scope: ApacheNode | null): string {
  return scope ? `<VirtualHost ${scope.args.join(' ')}> (line ${ctx.lineOf(scope)})` : 'the main server';
}

/** A URL with the scheme's default port left out and trailing slashes cut: what two forms of one backend share. */
function loose(url: string): string | undefined {
  return workerName(url, false)?.replace(/\/+$/, '');
}

interface Definitions {
  workers: WorkerDef[];
  balancers: BalancerDef[];
  members: MemberDef[];
  /** ProxySet lines outside <Proxy> sections: those httpd looks the worker up for. */
  lookups: Definition[];
  /** Per scope, the first line after which proxylint cannot see every definition (a missing include, a ${VAR}). */
  blindFrom: Map<ApacheNode | null, number>;
  /** `balancers` by name, each list in the order of the configuration: every ProxySet looks one up. */
  balancersByKey: Map<string, BalancerDef[]>;
  /** Where each <Proxy> section comes in the configuration. */
  sectionIndex: Map<ApacheNode, number>;
}

/** Everything that defines a worker or balancer, in the order httpd reads it. */
function collect(ctx: ApacheRuleContext): Definitions {
  const rules = new Map(ctx.proxy.rules.map((r) => [r.node, r]));
  const memberWorkers = new Map(ctx.proxy.workers.filter((w) => w.kind === 'member').map((w) => [w.node, w]));
  const problemAt = new Set(ctx.config.problems.map((p) => `${p.file.path}:${p.span.start}`));
  const unseen = new Set(ctx.config.unseenIncludes);
  const d: Definitions = { workers: [], balancers: [], members: [], lookups: [], blindFrom: new Map(), balancersByKey: new Map(), sectionIndex: new Map() };
  const blind = (scope: ApacheNode | null, index: number) => void (d.blindFrom.has(scope) || d.blindFrom.set(scope, index));
  ctx.config.all.forEach((node, index) => {
    if (node.lname === 'proxy') d.sectionIndex.set(node, index);
    const scope = virtualHostOf(node);
    const at = { index, node, scope };
    if (node.lname === 'include' || node.lname === 'includeoptional') {
      if (node.unresolved || unseen.has(node) || node.directive.args.some((a) => problemAt.has(`${node.file.path}:${a.start}`))) blind(scope, index);
    } else if (node.lname === 'proxypass' || node.lname === 'proxypassmatch') {
      const r = rules.get(node);
      if (node.unresolved) blind(scope, index);
      if (!r || r.exclusion || !r.target || r.target.error) return;
      if (r.target.scheme === 'balancer') {
        const key = balancerKey(r.url);
        if (key) d.balancers.push({ ...at, key });
        return;
      }
      const name = workerName(r.url, isRegexWorker(r));
      if (name === undefined) blind(scope, index);
      else d.workers.push({ ...at, name, matchable: isRegexWorker(r) });
    } else if (node.lname === 'balancermember') {
      const w = memberWorkers.get(node);
      if (node.unresolved) blind(scope, index);
      if (!w?.balancer) return;
      d.balancers.push({ ...at, key: w.balancer.name });
      const name = w.target.error ? undefined : workerName(w.url, false);
      if (name !== undefined) d.members.push({ ...at, name, balancer: w.balancer.name });
    } else if (node.lname === 'proxyset') {
      if (node.unresolved) return blind(scope, index);
      const section = proxySetSection(node);
      if (!section) return void d.lookups.push(at);
      // Inside <Proxy url> ProxySet defines what it does not find (a section URL it cannot use is another error).
      const name = section.args[0] ?? '';
      if (/^balancer:/i.test(name)) {
        const key = balancerKey(name);
        if (key) d.balancers.push({ ...at, key });
      } else {
        const w = workerName(name, false);
        if (w !== undefined) d.workers.push({ ...at, name: w, matchable: false });
      }
    }
  });
  for (const b of d.balancers) pushTo(d.balancersByKey, b.key, b);
  return d;
}

/** scheme://user@host:port of a worker name or URL. */
const authority = (url: string) => /^[^:]*:\/\/[^/]*/.exec(url)?.[0];

export default defineApacheRule({
  id: 'proxyset-target-not-found',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'ProxySet names a worker or balancer httpd has not defined at that line (a BalancerMember URL, one defined later or in another virtual host, another form of the URL): httpd refuses to start.',
  directives: ['ProxySet'],
  versions: 'all 2.4',
  check(ctx) {
    if (ctx.config.htaccess || (ctx.modules.known && !ctx.modules.isLoaded('proxy'))) return;
    const d = collect(ctx);
    for (const { node, index, scope } of d.lookups) {
      if (mayNotBeRead(node, ctx.modules)) continue;
      const name = node.args[0] ?? '';
      const isBalancer = /^balancer:/i.test(name);
      const key = isBalancer ? balancerKey(name) : undefined;
      const url = isBalancer ? undefined : deSocketfy(name);
      // 'ProxySet uses an invalid "unix:" URL' is another error (proxyset-target-invalid).
      if (!isBalancer && url === undefined) continue;
      const before = (x: Definition) => x.scope === scope && x.index < index;
      // The model looks the worker up as httpd does when it reads the line (the longest name the URL starts with, in
      // this server, defined before it), by name length rather than against every worker for the host.
      if (isBalancer ? (d.balancersByKey.get(key!) ?? []).some(before) : ctx.proxy.proxySetWorker(node)) continue;
      const blindAt = d.blindFrom.get(scope);
      if (blindAt !== undefined && blindAt < index) continue;
      const why = isBalancer ? missingBalancer(ctx, d, name, key, index, scope) : missingWorker(ctx, d, node, url!, index, scope);
      if (!why) continue;
      const arg = node.directive.args[0];
      ctx.report({
        ...(arg ? { at: { file: node.file, start: arg.start, end: arg.end } } : { node }),
        message: `httpd refuses to start: "ProxySet can not find '${name}' ${isBalancer ? 'Balancer' : 'Worker'}.": ${why.text}`,
        suggestions: why.rename && arg ? [apacheFix(`Name the worker as httpd does: "${why.rename}"`, { path: node.file.path, start: arg.start, end: arg.end, newText: `${arg.quote ?? ''}${why.rename}${arg.quote ?? ''}` })] : undefined,
      });
    }
  },
});

interface Why {
  text: string;
  /** The one worker name the URL was evidently meant to be (another form of it). */
  rename?: string;
}

/** "line 4", or "line 4 of app.conf" when the line is in another file than `from`. */
function lineRef(ctx: ApacheRuleContext, n: ApacheNode, from: ApacheNode): string {
  return n.file === from.file ? `line ${ctx.lineOf(n)}` : `line ${ctx.lineOf(n)} of ${n.file.path.slice(n.file.path.lastIndexOf('/') + 1)}`;
}

/**
 * Why the worker is not found, or undefined when this file cannot tell: in a fragment (a file linted without the
 * main configuration) the main server may have workers defined in files not seen here, or the file may be included
 * in a <VirtualHost> or a <Proxy> section; there only what the file itself shows is reported.
 */
function missingWorker(ctx: ApacheRuleContext, d: Definitions, node: ApacheNode, url: string, index: number, scope: ApacheNode | null): Why | undefined {
  const name = node.args[0] ?? '';
  const partial = scope === null && !ctx.proxy.complete;
  const at = (n: ApacheNode) => lineRef(ctx, n, node);
  const finds = (w: { name: string; matchable: boolean }) => findsWorker(url, w.name, w.matchable);
  if (!/^[^:]*:\/\/./.test(url)) {
    if (partial && atTop(node)) return undefined;
    return { text: name ? `outside a <Proxy> section, ProxySet takes the worker's URL as its first word, and "${name}" is none` : 'ProxySet names no worker' };
  }
  const same = (x: Definition) => x.scope === scope;
  const later = d.workers.find((w) => same(w) && w.index > index && finds(w));
  if (later) return { text: `the ${later.node.name} on ${at(later.node)} defines this worker after this line, and httpd applies ProxySet when it reads it: move this line below that one` };
  const member = d.members.find((m) => same(m) && findsWorker(url, m.name, false));
  if (member) return { text: `${name} is a BalancerMember of ${member.balancer} (${at(member.node)}), and ProxySet outside a <Proxy> section finds only workers that ProxyPass defines: put the parameters on the BalancerMember line` };
  const host = authority(workerName(url, false) ?? '');
  const forms = d.workers.filter((w) => same(w) && w.index < index && host !== undefined && authority(w.name) === host);
  if (forms.length > 0) {
    const names = [...new Set(forms.map((w) => w.name))];
    const meant = names.filter((n) => !forms.find((w) => w.name === n)!.matchable && loose(n) === loose(url));
    const defined = names.length === 1
      ? `the ${forms[0].node.name} on ${at(forms[0].node)} defines the worker "${names[0]}"`
      : `the ProxyPass lines for this host define the workers ${names.map((n) => `"${n}"`).join(', ')}`;
    return {
      text: `${defined} (httpd keeps the path as written and drops the scheme's default port), and ProxySet must name ${names.length > 1 ? 'one of them' : 'it'} so, or give a longer URL that starts with it`,
      rename: meant.length === 1 ? meant[0] : undefined,
    };
  }
  if (partial) return undefined;
  const other = d.workers.find((w) => !same(w) && finds(w));
  if (other) return { text: `the ${other.node.name} on ${at(other.node)} defines it in ${scopeName(ctx, other.scope)}, and each server has its own workers: put the ProxySet in the same one` };
  return { text: `no ProxyPass in ${scopeName(ctx, scope)} defines a worker for it before this line, and outside a <Proxy> section ProxySet only changes workers that exist: put it inside <Proxy "${name}"> (which defines the worker), or give the parameters to the ProxyPass line of this backend` };
}

/** Why the balancer is not found (see missingWorker for fragments). */
function missingBalancer(ctx: ApacheRuleContext, d: Definitions, name: string, key: string | undefined, index: number, scope: ApacheNode | null): Why | undefined {
  const node = ctx.config.all[index];
  const at = (n: ApacheNode) => lineRef(ctx, n, node);
  if (!key) return { text: `"${name}" names no balancer: the name goes after "balancer://"` };
  const named = d.balancersByKey.get(key) ?? [];
  const later = named.find((b) => b.scope === scope && b.index > index);
  if (later) return { text: `${key} is defined on ${at(later.node)}, after this line, and httpd applies ProxySet when it reads it: move this line below that one` };
  if (scope === null && !ctx.proxy.complete) return undefined;
  const other = named.find((b) => b.scope !== scope);
  if (other) return { text: `${key} is defined in ${scopeName(ctx, other.scope)} on ${at(other.node)}, and each server has its own balancers: put the ProxySet in the same one` };
  const empty = ctx.nodes('proxy').find((p) => virtualHostOf(p) === scope && balancerKey(p.args[0] ?? '') === key && (d.sectionIndex.get(p) ?? Infinity) < index);
  if (empty) return { text: `its <Proxy> section on ${at(empty)} has no BalancerMember or ProxySet, and a section alone defines nothing` };
  return { text: `no ProxyPass, BalancerMember or <Proxy ${key}> section in ${scopeName(ctx, scope)} defines it before this line` };
}

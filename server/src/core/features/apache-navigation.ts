import type { ApacheLintResult } from '../lint-apache';
import { serverOf } from '../model/apache-balancer-scope';
import { balancerName } from '../model/apache-proxy';
import type { ApacheNode } from '../model/apache-tree';
import type { ApacheDirective } from '../syntax/apache/ast';
import { apacheLocate } from './apache';
import type { Target } from './navigation';

const BALANCER = /^balancer:\/\//i;

/** `balancer://name` → its `<Proxy balancer://name>` section; Include/IncludeOptional → the file(s). */
export function apacheDefinitions(result: ApacheLintResult, path: string, offset: number): Target[] {
  const { node, arg } = apacheLocate(result.config, path, offset);
  if (!node || !arg) return [];
  const origin = { start: arg.start, end: arg.end };
  if (node.lname === 'include' || node.lname === 'includeoptional') {
    // The files httpd's reading was followed to (ServerRoot, a checkout's layout, Restricted Mode), not the argument
    // resolved again: that could name a file on this machine the configuration never read, or one outside the workspace.
    return (result.config.includeTargets.get(node.directive) ?? []).map((p) => ({ path: p, start: 0, end: 0, origin }));
  }
  if (!BALANCER.test(arg.value)) return [];
  // The balancer the line's server uses: the main server's or its own, never another virtual host's (there httpd gives
  // the line one without members: 503). Where it is written: its <Proxy> section, else its first BalancerMember.
  const b = result.proxy.balancerFor(serverOf(node), balancerName(arg.value));
  const def = b?.section ?? b?.members[0]?.node;
  if (!def || def.directive === node.directive) return [];
  return [{ path: def.file.path, start: def.directive.start, end: def.directive.nameSpan.end, origin }];
}

/**
 * Every `balancer://name` of the configuration that names the same balancer as the one at `offset`: in the lines of
 * the servers that use it (ProxyPass, ProxyPassMatch, ProxyPassReverse, ProxySet, BalancerMember, RewriteRule
 * targets). `declaration`: with the `<Proxy balancer://…>` line that defines it.
 */
export function apacheReferences(result: ApacheLintResult, path: string, offset: number, declaration: boolean): { path: string; start: number; end: number }[] {
  const { node, arg } = apacheLocate(result.config, path, offset);
  if (!node || !arg || !BALANCER.test(arg.value)) return [];
  const name = balancerName(arg.value);
  // Lines name the same balancer when their servers use the same one; where none of them defines one (a <Proxy> section
  // with no member or ProxySet in it defines nothing), the lines of one server go together.
  const which = (n: ApacheNode) => result.proxy.balancerFor(serverOf(n), name) ?? serverOf(n);
  const target = which(node);
  const out: { path: string; start: number; end: number }[] = [];
  for (const n of result.config.all) {
    if (n.lname === 'proxy' && !declaration) continue;
    n.args.forEach((v, k) => {
      const a = n.directive.args[k];
      if (a && BALANCER.test(v) && balancerName(v) === name && which(n) === target) out.push({ path: n.file.path, start: a.start, end: a.end });
    });
  }
  return out;
}

/**
 * Document links on Include and IncludeOptional lines: the argument of each line that read exactly one file, and that
 * file. A wildcard or folder that matched several files gets none (no link can open them all), nor does a path that
 * was not read: missing, unreadable, or outside the workspace folders in Restricted Mode (the loader reads nothing
 * there, so neither does this).
 */
export function apacheIncludeLinks(result: ApacheLintResult, path: string): { start: number; end: number; target: string }[] {
  const file = result.config.files.find((f) => f.path === path);
  if (!file) return [];
  const out: { start: number; end: number; target: string }[] = [];
  const walk = (ds: readonly ApacheDirective[]) => {
    for (const d of ds) {
      const arg = d.args[0];
      const targets = result.config.includeTargets.get(d);
      if ((d.lname === 'include' || d.lname === 'includeoptional') && arg && targets?.length === 1) out.push({ start: arg.start, end: arg.end, target: targets[0] });
      if (d.section) walk(d.section.children);
    }
  };
  walk(file.ast.directives);
  return out;
}

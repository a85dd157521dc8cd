import type { Finding } from './finding';
import { isKnownNginxDirective, isNginxBlockDirective } from './model/nginx-directives';
import { allowedIn, DATA_CONTEXTS, type ConfigNode, type NginxConfig } from './model/nginx-tree';

/**
 * A fix is only "safe" where the configuration has a shape nginx accepts. A directive written where nginx does not
 * allow it (proxy_pass inside `upstream`, at the top level, in a block nginx does not know, under a directive that
 * takes no block) makes nginx refuse to start anyway, and a rule's idea of where to put the fix and where to look
 * for it afterwards may disagree there: --fix then adds the same line on every pass (found by the fuzz campaign,
 * test/fuzz/regressions). Such fixes are offered as suggestions instead, for the user to judge.
 */
export function demoteMisplacedFixes(findings: Finding[], config: NginxConfig): Finding[] {
  // Only the files that fixable findings are in need their nodes.
  const wanted = new Set<string>();
  for (const f of findings) if (f.fix) wanted.add(f.path);
  if (wanted.size === 0) return findings;
  // Per file, its nodes in document order (a file included twice has two nodes per directive).
  const byFile = new Map<string, ConfigNode[]>();
  // By index: a for-of over every node allocates an iterator result per node for as long as the loop runs unoptimised.
  const all = config.all;
  for (let k = 0; k < all.length; k++) {
    const n = all[k];
    const path = n.file.path;
    if (!wanted.has(path)) continue;
    const list = byFile.get(path);
    if (list) list.push(n);
    else byFile.set(path, [n]);
  }
  // config.all is in document order already unless a file is placed twice: sort only then.
  for (const list of byFile.values()) if (!sortedByStart(list)) list.sort((a, b) => a.directive.start - b.directive.start);
  return findings.map((f) => {
    if (!f.fix) return f;
    const where = misplacedAt(byFile.get(f.path), f.start);
    if (!where) return f;
    return { ...f, fix: undefined, suggestions: [{ ...f.fix, title: `${f.fix.title} (${where}: check the result)` }, ...f.suggestions] };
  });
}

/** Why the directive at `offset` is somewhere nginx rejects, or undefined when it is fine (or not a directive). */
function misplacedAt(nodes: ConfigNode[] | undefined, offset: number): string | undefined {
  if (!nodes?.length) return undefined;
  let lo = 0, hi = nodes.length - 1, k = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (nodes[mid].directive.start <= offset) {
      k = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // The innermost directive holding the offset: the last one starting before it, or one of its enclosing blocks.
  const path = nodes[0].file.path;
  for (let n: ConfigNode | null = k >= 0 ? nodes[k] : null; n && n.file.path === path; n = n.parent) {
    const d = n.directive;
    const end = d.block ? d.block.end : d.end;
    if (d.start <= offset && offset < Math.max(end, d.start + 1)) return misplaced(n);
  }
  return undefined;
}

function misplaced(node: ConfigNode): string | undefined {
  for (let n: ConfigNode | null = node; n; n = n.parent) {
    if (DATA_CONTEXTS.has(n.context)) return undefined;
    const allowed = allowedIn(n.name);
    if (!allowed) {
      // A block nginx does not know: what is inside it is not nginx configuration.
      if (n !== node && n.directive.block && !isKnownNginxDirective(n.name)) return `inside the unknown block "${n.name}"`;
      continue;
    }
    if (!allowed.has(n.context)) return `"${n.name}" is not allowed in ${n.context === 'main' ? 'the main context' : `"${n.context}"`}`;
    if (n.directive.block && !isNginxBlockDirective(n.name)) return `"${n.name}" takes no "{" block`;
  }
  return undefined;
}

function sortedByStart(nodes: ConfigNode[]): boolean {
  for (let k = 1; k < nodes.length; k++) if (nodes[k - 1].directive.start > nodes[k].directive.start) return false;
  return true;
}

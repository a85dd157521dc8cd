import type { Fix, RelatedLocation } from '../../finding';
import type { ConfigNode } from '../../model/nginx-tree';
import { DATA_CONTEXTS } from '../../model/nginx-tree';
import { nginxDirective } from '../../model/nginx-directives';
import { LEVELS, SINGLE_VALUE_DIRECTIVES, TABLES } from '../../model/nginx-single-value';
import { defineNginxRule } from '../rule';
import { deleteLine, text } from './neighbours-support';
import { isSharedFile, sharedNote } from './shared-files';

export { isSingleValueAt, SINGLE_VALUE_DIRECTIVES } from '../../model/nginx-single-value';

/** Every name any table lists: a level where none of them comes twice has nothing to report. */
const LISTED: ReadonlySet<string> = new Set([...SINGLE_VALUE_DIRECTIVES.http, ...SINGLE_VALUE_DIRECTIVES.upstream, ...SINGLE_VALUE_DIRECTIVES.stream]);

/**
 * Whether some listed name occurs twice among `children`, without building anything: true for nearly no level
 * of a real configuration, and the per-level map of the full check costs more than the check itself.
 */
function mayRepeat(children: ConfigNode[]): boolean {
  // Big levels (http with every server) would make the pairwise comparison quadratic: they get the full check.
  if (children.length > 32) return true;
  for (let i = 1; i < children.length; i++) {
    const name = children[i].name;
    if (!LISTED.has(name)) continue;
    for (let j = 0; j < i; j++) if (children[j].name === name) return true;
  }
  return false;
}

const where = (n: ConfigNode) => `${n.file.path.split('/').slice(-1)[0]}:${n.file.lines.positionAt(n.directive.start).line + 1}`;

/** The directive's own `include` line when the second copy is the same line of a file included twice at one level. */
function placedBy(n: ConfigNode): ConfigNode {
  return n.via ?? n;
}

export default defineNginxRule({
  id: 'duplicate-directive',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A directive that takes one value per level is set twice at the same level (often by two included snippets): nginx refuses to start ("directive is duplicate").',
  directives: [...LISTED],
  versions: 'all (list checked on 1.22.1)',
  check(ctx) {
    const seen = new Set<string>();
    const levels: (ConfigNode | null)[] = [];
    // Every level is looked at, but only the few where a listed name comes twice get the full treatment below.
    if (mayRepeat(ctx.config.roots)) levels.push(null);
    const all = ctx.config.all;
    for (let k = 0; k < all.length; k++) {
      const n = all[k];
      if (n.children.length && !DATA_CONTEXTS.has(n.name) && mayRepeat(n.children)) levels.push(n);
    }
    for (const level of levels) {
      const children = level ? level.children : ctx.config.roots;
      const byName = new Map<string, ConfigNode[]>();
      for (const c of children) {
        const lv = LEVELS[c.context];
        if (!lv || !TABLES[lv[0]].has(c.name)) continue;
        // A line without its ";" is a syntax error already, and nginx reads the next line into it: not two values.
        if (!c.directive.terminated) continue;
        // A directive not allowed at this level fails with "not allowed here" first; that is not this rule's message.
        if (!nginxDirective(c.name)?.contexts.includes(lv[1])) continue;
        const list = byName.get(c.name);
        if (list) list.push(c);
        else byName.set(c.name, [c]);
      }
      for (const [name, nodes] of byName) {
        if (nodes.length < 2) continue;
        const first = nodes[0];
        for (const dup of nodes.slice(1)) {
          // The same line twice: one file included twice at this level. nginx names the line in the file; point at the second include.
          const sameLine = dup.file === first.file && dup.directive.start === first.directive.start;
          const at = sameLine ? placedBy(dup) : dup;
          const key = `${at.file.path}\0${at.directive.start}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const related: RelatedLocation[] = [{ path: first.file.path, start: first.directive.start, end: first.directive.end, message: `first set here: ${text(first)}` }];
          if (sameLine) {
            const include = placedBy(first);
            related.push({ path: include.file.path, start: include.directive.start, end: include.directive.end, message: 'the file is included here too' });
          }
          else if (first.via) related.push({ path: first.via.file.path, start: first.via.directive.start, end: first.via.directive.end, message: `included here: ${text(first.via)}` });
          const origin = sameLine ? `the file is included twice at this level, so nginx reads ${where(first)} twice (its error names that line)` : first.file === dup.file ? `already set at ${where(first)}` : `already set at ${where(first)}, and an include puts both lines in the same block`;
          ctx.report({
            node: at,
            message: `nginx will not start: "${name}" directive is duplicate — ${origin}; nginx takes one ${name} per level, so keep the value you want and remove the other${!sameLine && dup.via && isSharedFile(ctx.config, dup.file.path) ? ` (${sharedNote(ctx.config, dup)}: removing it there affects every place that includes it)` : ''}`,
            related,
            suggestions: suggestions(ctx.config, first, dup, sameLine),
          });
        }
      }
    }
  },
});

/**
 * Which line is right is the user's call, so there is no safe fix. Suggested: remove the later line (nginx never
 * loaded this configuration, so either choice is a real decision), never in a file other places include too.
 */
function suggestions(config: Parameters<typeof isSharedFile>[0], first: ConfigNode, dup: ConfigNode, sameLine: boolean): Fix[] {
  if (sameLine) {
    const inc = placedBy(dup);
    return inc !== dup && !isSharedFile(config, inc.file.path) ? [{ title: `Remove the second "${text(inc)}"`, edits: [deleteLine(inc)] }] : [];
  }
  const out: Fix[] = [];
  if (!isSharedFile(config, dup.file.path)) out.push({ title: `Remove this "${text(dup)}" (keep ${text(first)} from ${where(first)})`, edits: [deleteLine(dup)] });
  else if (!isSharedFile(config, first.file.path)) out.push({ title: `Remove "${text(first)}" at ${where(first)} (keep ${text(dup)})`, edits: [deleteLine(first)] });
  return out;
}

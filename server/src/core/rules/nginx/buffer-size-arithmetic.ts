import type { RelatedLocation } from '../../finding';
import { unlessIncluderSets, type ConfigNode } from '../../model/nginx-tree';
import { blockContextOf } from '../../model/nginx-effective';
import { moduleOf } from '../../model/nginx-upstreams';
import { formatSize } from '../../model/units';
import type { Directive } from '../../syntax/nginx/ast';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { BUFFER_MODULES, bufferEdits, bufferError, bufferLines, bufferSet, bufferSetOf, consistentBuffers, names, nginxBufferMessage, text, type BufferError, type BufferSet } from './neighbours-support';

/** Blocks whose configuration nginx merges (and checks) on its own: every server and location, nested ones included. */
const MERGED = new Set(['server', 'location', 'if-location', 'limit_except']);

function isMergeScope(n: ConfigNode): boolean {
  if (moduleOf(n) !== 'http') return false;
  const ctxName = blockContextOf(n);
  // http-level values are checked through the servers that inherit them; with no server in sight, check them there.
  return MERGED.has(ctxName) || (ctxName === 'http' && !n.children.some((c) => c.name === 'server'));
}

/** The twelve directives, three per module in bufferSetOf's order: a row holds the first line in force of each. */
const ROW_NAMES = BUFFER_MODULES.flatMap((m) => { const n = names(m); return [n.bufferSize, n.buffers, n.busy]; });
type Row = readonly (ConfigNode | undefined)[];
/** No buffer line in force: every level of a typical configuration below its few explicit settings. */
const EMPTY_ROW: Row = Object.freeze(ROW_NAMES.map(() => undefined));

/** A level's own first line of each of the twelve, completed with the inherited ones once `resolved`. */
interface Written {
  row: (ConfigNode | undefined)[];
  resolved: boolean;
}

/**
 * Per level that writes any of the twelve, the first line of each it writes, from the by-name index (a few
 * thousand lines) rather than a scan of every level's children. The index is in document order, so the first
 * line met for a level is its first child of that name, as ctx.effective() would find it.
 */
function writtenRows(ctx: NginxRuleContext): Map<ConfigNode | null, Written> {
  const own = new Map<ConfigNode | null, Written>();
  for (let i = 0; i < ROW_NAMES.length; i++) {
    const lines = ctx.nodes(ROW_NAMES[i]);
    for (let k = 0; k < lines.length; k++) {
      let w = own.get(lines[k].parent);
      if (!w) own.set(lines[k].parent, (w = { row: ROW_NAMES.map(() => undefined), resolved: false }));
      w.row[i] ??= lines[k];
    }
  }
  return own;
}

/**
 * The row in force in a level (what ctx.effective(level, name).nodes[0] gives for the twelve names), made from
 * its parent's row: the level's own lines, and the parent's for the others when the level inherits. A level that
 * writes none of the twelve shares its parent's row object (or EMPTY_ROW), so equal rows are recognisable by
 * identity, and every row in force anywhere is EMPTY_ROW or the row of a level that writes one of the lines.
 * Whether a level inherits at all is nginx-effective's call: it is asked once, and only when it matters (the
 * parent has a line in force that this level does not write).
 */
function rowsInForce(ctx: NginxRuleContext, own: Map<ConfigNode | null, Written>): (level: ConfigNode | null) => Row {
  /** Rows of the levels that write none of the twelve. */
  const shared = new Map<ConfigNode | null, Row>();
  const rowOf = (level: ConfigNode | null): Row => {
    const w = own.get(level);
    if (w?.resolved) return w.row;
    if (!w) {
      const known = shared.get(level);
      if (known) return known;
    }
    const written = w?.row;
    const parent = level ? rowOf(level.parent) : EMPTY_ROW;
    let probe = -1;
    if (parent !== EMPTY_ROW) for (let i = 0; i < parent.length && probe < 0; i++) if (parent[i] && !written?.[i]) probe = i;
    const inherits = probe >= 0 && ctx.effective(level, ROW_NAMES[probe]).nodes.length > 0;
    if (!w) {
      const row = inherits ? parent : EMPTY_ROW;
      shared.set(level, row);
      return row;
    }
    if (inherits) for (let i = 0; i < w.row.length; i++) w.row[i] ??= parent[i];
    w.resolved = true;
    return w.row;
  };
  return rowOf;
}

/**
 * Triples of parsed directives that passed (or cannot be checked). Every location that includes one snippet has
 * its own nodes but shares the snippet's parsed directives, so their values are parsed and checked once.
 */
class TripleSet<T> {
  private readonly map = new Map<T, Map<T, Set<T>>>();
  has(a: T, b: T, c: T): boolean {
    return this.map.get(a)?.get(b)?.has(c) ?? false;
  }
  add(a: T, b: T, c: T): void {
    let byB = this.map.get(a);
    if (!byB) this.map.set(a, (byB = new Map()));
    let cs = byB.get(b);
    if (!cs) byB.set(b, (cs = new Set()));
    cs.add(c);
  }
}

function depth(n: ConfigNode): number {
  let d = 0;
  for (let p = n.parent; p; p = p.parent) d++;
  return d;
}

/** The lines behind the failed inequality; the deepest one is the change that broke it (on a tie, the first listed). */
function involved(b: BufferSet, e: BufferError): ConfigNode[] {
  const headerWins = b.bufferSize >= b.size;
  const list = e === 'too-few' ? [b.nodes.buffers] : e === 'busy-too-small' ? [b.nodes.busy, headerWins ? b.nodes.bufferSize : b.nodes.buffers] : [b.nodes.busy ?? (headerWins ? b.nodes.bufferSize : undefined), b.nodes.buffers];
  return list.filter((n): n is ConfigNode => !!n);
}

function detail(m: string, b: BufferSet, e: BufferError, unless: string): string {
  const n = names(m);
  const max = Math.max(b.bufferSize, b.size);
  const busy = b.busy ?? 2 * max;
  const busyText = b.busy === undefined ? `the default ${n.busy} ${formatSize(busy)} (2 × ${formatSize(max)}${unless})` : `${n.busy} ${formatSize(busy)}`;
  if (e === 'too-few') return `${n.buffers} ${b.num} ${formatSize(b.size)} has fewer than 2 buffers`;
  if (e === 'busy-too-small') return `${busyText} is smaller than ${formatSize(max)}, the larger of ${n.bufferSize} ${formatSize(b.bufferSize)} and one ${formatSize(b.size)} buffer`;
  return `${busyText} is more than (${b.num} − 1) × ${formatSize(b.size)} = ${formatSize((b.num - 1) * b.size)} of ${n.buffers} ${b.num} ${formatSize(b.size)}`;
}

/**
 * nginx checks three inequalities between *_buffer_size, *_buffers and *_busy_buffers_size at every level
 * when it merges the configuration, and refuses to start if one fails. Raising proxy_buffer_size alone is the
 * classic trap: it doubles the default busy size past what the default buffers can hold.
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_busy_buffers_size
 */
export default defineNginxRule({
  id: 'buffer-size-arithmetic',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  judgesMergedValues: true,
  summary: 'The *_buffer_size, *_buffers and *_busy_buffers_size values in force do not fit together: nginx refuses to start.',
  directives: BUFFER_MODULES.flatMap((m) => Object.values(names(m))),
  versions: 'all',
  check(ctx) {
    const seen = new Set<ConfigNode>();
    const own = writtenRows(ctx);
    const rowOf = rowsInForce(ctx, own);
    const page = ctx.target.pageSize;
    const consistent = new TripleSet<Directive | undefined>();
    /** Whether a module's three lines in this row are inconsistent (else they are remembered as fine). */
    const failing = (row: Row, mi: number): boolean => {
      const bs = row[3 * mi], bufs = row[3 * mi + 1], busy = row[3 * mi + 2];
      // With none of the module's lines in force there is no line a finding could point at (see involved()).
      if (!bs && !bufs && !busy) return false;
      if (consistent.has(bs?.directive, bufs?.directive, busy?.directive)) return false;
      const b = bufferSetOf(page, bs, bufs, busy);
      if (b && bufferError(b)) return true;
      consistent.add(bs?.directive, bufs?.directive, busy?.directive);
      return false;
    };
    // Only the rows of levels that write lines can fail (see rowsInForce). Nearly always none does, and then the
    // scan of every block below, which only decides the order and wording of findings, is not needed.
    let anyFailing = false;
    for (const level of own.keys()) {
      const row = rowOf(level);
      for (let mi = 0; mi < BUFFER_MODULES.length && !anyFailing; mi++) anyFailing = failing(row, mi);
      if (anyFailing) break;
    }
    if (!anyFailing) return;
    // A row checked before gives the same sets, errors and culprits again (those culprits are already in `seen`):
    // the locations under one server that set nothing themselves are checked once.
    const checked = new Set<Row>();
    const checkScope = (row: Row) => {
      if (checked.has(row)) return;
      checked.add(row);
      for (let mi = 0; mi < BUFFER_MODULES.length; mi++) {
        if (!failing(row, mi)) continue;
        const m = BUFFER_MODULES[mi];
        const b = bufferSetOf(page, row[3 * mi], row[3 * mi + 1], row[3 * mi + 2])!;
        const e = bufferError(b)!;
        const nodes = involved(b, e);
        if (!nodes.length) continue;
        const culprit = nodes.reduce((a, c) => (depth(c) > depth(a) ? c : a));
        if (seen.has(culprit)) continue;
        seen.add(culprit);
        const level = culprit.parent;
        const atLevel = bufferSet(ctx, level, m);
        let fix;
        if (atLevel && bufferError(atLevel)) {
          const v = consistentBuffers(atLevel);
          const here = [atLevel.nodes.bufferSize, atLevel.nodes.buffers, atLevel.nodes.busy].map((n) => (n && n.parent === level ? n : undefined));
          const lines = bufferLines(m, v);
          const edits = bufferEdits(lines, here, culprit, level);
          if (edits) fix = { title: `Set all three consistently: ${lines.join(' ')}`, edits };
        }
        const related: RelatedLocation[] = nodes.filter((n) => n !== culprit).map((n) => ({ path: n.file.path, start: n.directive.start, end: n.directive.end, message: `also in force: ${text(n)}` }));
        ctx.report({
          node: culprit,
          message: `nginx will not start: ${nginxBufferMessage(m, e)} (${detail(m, b, e, unlessIncluderSets(ctx.config))})`,
          fix,
          related,
        });
      }
    };
    // Merge scopes in document order: the first scope to meet a culprit words its finding.
    if (['http', 'server', 'location'].includes(ctx.config.rootContext)) checkScope(rowOf(null));
    const all = ctx.config.all;
    for (let k = 0; k < all.length; k++) if (all[k].directive.block && isMergeScope(all[k])) checkScope(rowOf(all[k]));
  },
});

import type { RelatedLocation } from '../../finding';
import { unlessIncluderSets, type ConfigNode } from '../../model/nginx-tree';
import { blockContextOf } from '../../model/nginx-effective';
import { moduleOf } from '../../model/nginx-upstreams';
import { formatSize } from '../../model/units';
import type { Directive } from '../../syntax/nginx/ast';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { BUFFER_KEYS, BUFFER_MODULES, DEFAULT_MAX_TEMP, bufferEdits, bufferError, bufferNodesAt, bufferSet, bufferSetOf, bufferUnit, names, nginxBufferMessage, passingBufferLines, text, type BufferError, type BufferSet } from './neighbours-support';

/** Blocks whose configuration nginx merges (and checks) on its own: every server and location, nested ones included. */
const MERGED = new Set(['server', 'location', 'if-location', 'limit_except']);

function isMergeScope(n: ConfigNode): boolean {
  if (moduleOf(n) !== 'http') return false;
  const ctxName = blockContextOf(n);
  // http-level values are checked through the servers that inherit them; with no server in sight, check them there.
  return MERGED.has(ctxName) || (ctxName === 'http' && !n.children.some((c) => c.name === 'server'));
}

/** The twenty directives, five per module in BUFFER_KEYS order: a row holds the first line in force of each. */
const PER_MODULE = BUFFER_KEYS.length;
const ROW_NAMES = BUFFER_MODULES.flatMap((m) => { const n = names(m); return BUFFER_KEYS.map((k) => n[k]); });
type Row = readonly (ConfigNode | undefined)[];
/** No buffer line in force: every level of a typical configuration below its few explicit settings. */
const EMPTY_ROW: Row = Object.freeze(ROW_NAMES.map(() => undefined));

/** A level's own first line of each of the twenty, completed with the inherited ones once `resolved`. */
interface Written {
  row: (ConfigNode | undefined)[];
  resolved: boolean;
}

/**
 * Per level that writes any of the twenty, the first line of each it writes, from the by-name index (a few
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
 * The row in force in a level (what ctx.effective(level, name).nodes[0] gives for the twenty names), made from
 * its parent's row: the level's own lines, and the parent's for the others when the level inherits. A level that
 * writes none of the twenty shares its parent's row object (or EMPTY_ROW), so equal rows are recognisable by
 * identity, and every row in force anywhere is EMPTY_ROW or the row of a level that writes one of the lines.
 * Whether a level inherits at all is nginx-effective's call: it is asked once, and only when it matters (the
 * parent has a line in force that this level does not write).
 */
function rowsInForce(ctx: NginxRuleContext, own: Map<ConfigNode | null, Written>): (level: ConfigNode | null) => Row {
  /** Rows of the levels that write none of the twenty. */
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
 * Tuples of parsed directives (one per BUFFER_KEYS entry) that passed or cannot be checked. Every location that
 * includes one snippet has its own nodes but shares the snippet's parsed directives, so their values are parsed and
 * checked once.
 */
class TupleSet<T> {
  private readonly root = new Map<T, unknown>();
  has(keys: readonly T[]): boolean {
    let m: Map<T, unknown> | undefined = this.root;
    for (const k of keys) {
      if (!m) return false;
      m = m.get(k) as Map<T, unknown> | undefined;
    }
    return m !== undefined;
  }
  add(keys: readonly T[]): void {
    let m = this.root;
    for (const k of keys) {
      let next = m.get(k) as Map<T, unknown> | undefined;
      if (!next) m.set(k, (next = new Map()));
      m = next;
    }
  }
}

function depth(n: ConfigNode): number {
  let d = 0;
  for (let p = n.parent; p; p = p.parent) d++;
  return d;
}

/** The lines behind the failed inequality; the deepest one is the change that broke it (on a tie, the first listed). */
function involved(b: BufferSet, e: BufferError): ConfigNode[] {
  // The line that makes the unit (max of the header buffer and one body buffer) what it is.
  const unitLine = b.bufferSize >= b.size ? b.nodes.bufferSize : b.nodes.buffers;
  const list =
    e === 'too-few' ? [b.nodes.buffers]
    : e === 'busy-too-small' ? [b.nodes.busy, unitLine]
    : e === 'busy-too-large' ? [b.nodes.busy ?? (b.bufferSize >= b.size ? b.nodes.bufferSize : undefined), b.nodes.buffers]
    : e === 'temp-write-too-small' ? [b.nodes.tempWrite, unitLine]
    : [b.nodes.maxTemp, unitLine];
  return list.filter((n): n is ConfigNode => !!n);
}

function detail(m: string, b: BufferSet, e: BufferError, unless: string): string {
  const n = names(m);
  const max = bufferUnit(b);
  const busy = b.busy ?? 2 * max;
  const busyText = b.busy === undefined ? `the default ${n.busy} ${formatSize(busy)} (2 × ${formatSize(max)}${unless})` : `${n.busy} ${formatSize(busy)}`;
  const unitText = `${formatSize(max)}, the larger of ${n.bufferSize} ${formatSize(b.bufferSize)} and one ${formatSize(b.size)} buffer`;
  if (e === 'too-few') return `${n.buffers} ${b.num} ${formatSize(b.size)} has fewer than 2 buffers`;
  if (e === 'busy-too-small') return `${busyText} is smaller than ${unitText}`;
  if (e === 'busy-too-large') return `${busyText} is more than (${b.num} − 1) × ${formatSize(b.size)} = ${formatSize((b.num - 1) * b.size)} of ${n.buffers} ${b.num} ${formatSize(b.size)}`;
  // The write size's default is 2 × the unit, which always passes: only an explicit one gets here.
  if (e === 'temp-write-too-small') return `${n.tempWrite} ${formatSize(b.tempWrite ?? 2 * max)} is smaller than ${unitText}`;
  const maxTemp = b.maxTemp ?? DEFAULT_MAX_TEMP;
  return `${b.maxTemp === undefined ? `the default ${n.maxTemp} ${formatSize(maxTemp)}` : `${n.maxTemp} ${formatSize(maxTemp)}`} is neither 0 (no temporary files) nor at least ${unitText}`;
}

/**
 * nginx checks *_buffers, *_busy_buffers_size, *_temp_file_write_size and *_max_temp_file_size against
 * *_buffer_size and each other at every level when it merges the configuration, and refuses to start if one
 * check fails. Raising proxy_buffer_size alone is the
 * classic trap: it doubles the default busy size past what the default buffers can hold.
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_busy_buffers_size
 */
export default defineNginxRule({
  id: 'buffer-size-arithmetic',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  judgesMergedValues: true,
  summary: 'The *_buffer_size, *_buffers, *_busy_buffers_size, *_temp_file_write_size and *_max_temp_file_size values in force do not fit together: nginx refuses to start.',
  directives: BUFFER_MODULES.flatMap((m) => Object.values(names(m))),
  versions: 'all',
  check(ctx) {
    const seen = new Set<ConfigNode>();
    const own = writtenRows(ctx);
    const rowOf = rowsInForce(ctx, own);
    const page = ctx.target.pageSize;
    const consistent = new TupleSet<Directive | undefined>();
    /** Whether a module's five lines in this row are inconsistent (else they are remembered as fine). */
    const failing = (row: Row, mi: number): boolean => {
      const lines = row.slice(PER_MODULE * mi, PER_MODULE * (mi + 1));
      // With none of the module's lines in force there is no line a finding could point at (see involved()).
      if (lines.every((l) => !l)) return false;
      const key = lines.map((l) => l?.directive);
      if (consistent.has(key)) return false;
      const b = bufferSetOf(page, lines[0], lines[1], lines[2], lines[3], lines[4]);
      if (b && bufferError(b)) return true;
      consistent.add(key);
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
        const at = PER_MODULE * mi;
        const b = bufferSetOf(page, row[at], row[at + 1], row[at + 2], row[at + 3], row[at + 4])!;
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
          // Buffers that a line sets are kept as written (the memory asked for), only the busy size (and a write
          // size or temp-file limit) moved, when that passes here and in the levels below that would inherit the new
          // busy size. Else, and when the buffers are nginx's defaults (one page each: the page size of the server
          // is a guess, nginx.pageSize), the buffers are written too (consistentBuffers).
          const lines = passingBufferLines(m, atLevel, (light) => !breaksBelow(level, mi, atLevel.nodes.busy, light.busy));
          const edits = bufferEdits(lines, bufferNodesAt(atLevel, level), culprit, level);
          if (edits) fix = { title: `Set the buffer sizes consistently: ${lines.filter((l) => l).join(' ')}`, edits };
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
    /**
     * Whether writing `busy` at `level` makes a block below it fail that passes now: one that inherits the busy size
     * in force at `level` (`busyNode`, or none: the default) but has a larger unit of its own (a bigger
     * proxy_buffer_size), which nginx's default of twice its unit fitted and the new, smaller busy size does not.
     */
    const breaksBelow = (level: ConfigNode | null, mi: number, busyNode: ConfigNode | undefined, busy: number): boolean => {
      const at = PER_MODULE * mi;
      const stack = level ? [...level.children] : [...ctx.config.roots];
      while (stack.length) {
        const n = stack.pop()!;
        if (!n.directive.block) continue;
        stack.push(...n.children);
        if (!isMergeScope(n)) continue;
        const row = rowOf(n);
        if (row[at + 2] !== busyNode) continue;
        const now = bufferSetOf(page, row[at], row[at + 1], row[at + 2], row[at + 3], row[at + 4]);
        if (now && !bufferError(now) && bufferError({ ...now, busy })) return true;
      }
      return false;
    };
    // Merge scopes in document order: the first scope to meet a culprit words its finding.
    if (['http', 'server', 'location'].includes(ctx.config.rootContext)) checkScope(rowOf(null));
    const all = ctx.config.all;
    for (let k = 0; k < all.length; k++) if (all[k].directive.block && isMergeScope(all[k])) checkScope(rowOf(all[k]));
  },
});

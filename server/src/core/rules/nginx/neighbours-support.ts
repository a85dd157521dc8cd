import type { TextEdit } from '../../finding';
import { eolOf, indentAt, insertLinesAfter, insertLinesInBlock, replaceSpan, statementText, unterminated, withInheritedLines } from '../../fix';
import { keptIn, rawText, type Made } from '../../reads';
import type { ConfigNode, NginxConfig } from '../../model/nginx-tree';
import type { Effective } from '../../model/nginx-effective';
import { hasDuplicate } from '../../model/nginx-single-value';
import { moduleOf, type PassTarget, type Upstream } from '../../model/nginx-upstreams';
import { parseNginxSizeT, formatSize } from '../../model/units';
import { atLeast } from '../../model/version';
import type { NginxRuleContext } from '../rule';

/** true when the target runs 1.29.7 or later (keep-alive and HTTP/1.1 to upstreams on by default), undefined when unknown. */
export function newKeepaliveDefaults(ctx: NginxRuleContext): boolean | undefined {
  return atLeast(ctx.target.version, '1.29.7');
}

/** The `keepalive N` line of an http upstream group when N is a positive count (the one that turns the cache on before 1.29.7). */
export function explicitKeepalive(up: Upstream): ConfigNode | undefined {
  if (up.module !== 'http') return undefined;
  // A loop rather than find(): this runs for every upstream group, for several rules.
  const children = up.node.children;
  for (let k = 0; k < children.length; k++) {
    if (children[k].name !== 'keepalive') continue;
    const n = children[k].directive.args[0]?.value;
    // Written twice, nginx does not start ("directive is duplicate"): no cache size is in force to judge.
    if (hasDuplicate(up.node, 'keepalive')) return undefined;
    return n && /^\d+$/.test(n) && Number(n) > 0 ? children[k] : undefined;
  }
  return undefined;
}

export function text(node: ConfigNode): string {
  return statementText(node);
}

/** The block a pass directive's settings are read in (its location, `if`, or the fragment's top level). */
export const scopeOf = (node: ConfigNode): ConfigNode | null => node.parent;

/**
 * Where lines that configure a pass go: right after it, or, for a pass inside `if`, after that `if` block in
 * the location, since proxy_http_version, *_set_header, *_buffer_size and the like are not allowed in `if`
 * (the `if` inherits them from its location).
 */
export function settingsAnchor(pass: ConfigNode): ConfigNode {
  let n = pass;
  while (n.parent && (n.parent.name === 'if' || n.parent.name === 'limit_except')) n = n.parent;
  return n;
}

export interface HeaderLine {
  node: ConfigNode;
  name: string;
  value: string;
}

/** The `*_set_header` lines in force in `scope`, and whether they are written there or inherited. */
export function headerLines(ctx: NginxRuleContext, scope: ConfigNode | null, directive = 'proxy_set_header') {
  return headerLinesOf(ctx.effective(scope, directive));
}

/** headerLines() from the ctx.effective() answer for the header directive, when the caller has it already. */
export function headerLinesOf(eff: Effective) {
  const lines: HeaderLine[] = [];
  // Indexed, not destructured: array destructuring runs the iterator protocol in code not yet optimised.
  for (let k = 0; k < eff.nodes.length; k++) {
    const node = eff.nodes[k];
    const args = node.directive.args;
    if (args.length) lines.push({ node, name: args[0].value.toLowerCase(), value: args.length > 1 ? args[1].value : '' });
  }
  return { lines, origin: eff.origin, nodes: eff.nodes };
}

export type HeaderLines = ReturnType<typeof headerLines>;

/**
 * Whether a proxy_set_header line added at the level `headers` were looked up for could stop lines this file does not
 * show from being sent. nginx inherits proxy_set_header into a level only while that level sets none, so a fix copies
 * the inherited lines down with the new one. In a file checked on its own (conf.d/app.conf, no nginx.conf in sight that
 * includes it) the configuration that includes it may set more: when no level of the file sets any, or the lines in
 * force are the file's top level (the includer's own level, where it may write others), the copy is incomplete and
 * the new line drops the rest (http {}'s `proxy_set_header Host $host;` no longer sent: the backend got
 * `Host: <group name>`, checked on nginx 1.22.1). Such a fix is offered, not applied by --fix.
 */
export function includerHeadersUnseen(config: Pick<NginxConfig, 'rootContext'>, headers: Pick<HeaderLines, 'origin' | 'nodes'>): boolean {
  if (config.rootContext === 'main' || headers.origin === 'here') return false;
  return headers.nodes.length === 0 || headers.nodes.some((n) => n.parent === null);
}

/** What a fix title adds when includerHeadersUnseen(): what the user must do before applying it. */
export const COPY_INCLUDER_HEADERS =
  'first copy here any proxy_set_header lines the configuration that includes this file sets above it: nginx stops inheriting them once this level sets one';

/**
 * The `map` block that defines `$name` (maps are global to the http module). nginx accepts a second map for the same
 * variable without a word, and the last one read wins for every server (nginx 1.22.1: two maps giving "first" and
 * "second", `return 200 $v` answered "second"): two sites that each paste the WebSocket map into their own file get
 * the later file's map, so the last is the one that counts.
 */
export function mapDefining(ctx: NginxRuleContext, variable: string): ConfigNode | undefined {
  const maps = ctx.nodes('map');
  for (let k = maps.length - 1; k >= 0; k--) {
    const m = maps[k];
    if (moduleOf(m) === 'http' && m.directive.args[1]?.value === variable && m.directive.block) return m;
  }
  return undefined;
}

/** Values a map yields for an empty source value: its '' entry, else its default (empty when none). */
export function mapValueForEmpty(map: ConfigNode): { value: string; node?: ConfigNode } {
  const empty = map.children.find((c) => c.name === '' && c.directive.args.length === 1);
  if (empty) return { value: empty.directive.args[0].value, node: empty };
  const def = map.children.find((c) => c.name === 'default');
  return def ? { value: def.directive.args[0]?.value ?? '', node: def } : { value: '' };
}

export const isVariable = (v: string) => /^\$\w+$/.test(v);

/** Effective proxy_http_version in `scope`: the value and the line that set it, or the version-dependent default. */
export function httpVersion(ctx: NginxRuleContext, scope: ConfigNode | null): { value?: string; node?: ConfigNode; origin: string } {
  const eff = ctx.effective(scope, 'proxy_http_version');
  if (eff.nodes.length) return { value: eff.nodes[0].directive.args[0]?.value, node: eff.nodes[0], origin: eff.origin };
  const newer = newKeepaliveDefaults(ctx);
  return { value: newer === undefined ? undefined : newer ? '1.1' : '1.0', origin: eff.origin };
}

// ---- WebSocket heuristics (shared by the keep-alive and WebSocket rules) ----

/**
 * Path segments that name a WebSocket endpoint in the frameworks that use one: a bare `ws`/`wss`/`websocket(s)`,
 * Socket.IO, SockJS (`sockjs-node` is webpack-dev-server's), Rails Action Cable (`/cable`), SignalR (`/hub`, `/hubs/…`,
 * `/signalr`, and its tutorials' `/chatHub` style, case-sensitive so that `/github` is not one), Apollo's
 * `graphql-ws` and `subscriptions`. The whole segment has to be the word: `/ws.php` (a script),
 * `/websocket-docs/` (a page about it) and `/news/` are ordinary paths.
 */
const WS_SEGMENT = /^(ws|wss|websockets?|socket\.io|sockjs(-node)?|cable|hubs?|signalr|graphql-ws|subscriptions)$/i;
const SIGNALR_HUB = /^[a-z][A-Za-z0-9]*Hub$/;
/** A part of each word WS_SEGMENT and SIGNALR_HUB accept ("Hub" in any case covers both hubs and SignalR's hubs). */
const WS_HINT = /ws|sock|cable|hub|signalr|subscriptions/i;
const WS_NAME = /(?<![a-z0-9])(ws|wss|websockets?|socketio|socket-io|sockjs)(?![a-z0-9])/i;

/** The path pattern of the location a node is in (its own when it is one). */
export function locationPath(node: ConfigNode | null): string | undefined {
  let loc = node;
  while (loc && loc.name !== 'location') loc = loc.parent;
  if (!loc) return undefined;
  // Called for every pass by several rules: no copies of the arguments, and no replace() when there is no "\\".
  const args = loc.directive.args;
  const path = args.length > 1 ? args[1].value : args.length ? args[0].value : '';
  return path.includes('\\') ? path.replace(/\\/g, '') : path;
}

export function wsPath(node: ConfigNode | null): boolean {
  const p = locationPath(node);
  return !!p && wsPathPattern(p);
}

/**
 * Whether a location's path (prefix or regex; backslashes are dropped first) has a WebSocket-like
 * segment. A regex is cut at its syntax as well as at "/" (`^/(ws|api)/` gives `ws` and `api`); a `.` does not cut, so
 * `socket\.io` stays one segment and `/ws.php` stays `ws.php`, but a wildcard's trailing dot goes (`^/ws.*` is `ws`).
 */
export function wsPathPattern(path: string): boolean {
  const p = path.includes('\\') ? path.replace(/\\/g, '') : path;
  // Every word a segment may be (below) contains one of these, and a segment is a part of the path: a path without
  // any of them has no such segment, and is not split into pieces. Asked for every pass by two rules, for paths that
  // are almost never WebSocket ones.
  if (!WS_HINT.test(p)) return false;
  for (const piece of p.split(/[/^$()|?*+[\]{}<>!=~,\s]+/)) {
    const segment = piece.replace(/\.+$/, '');
    if (!segment) continue;
    if (WS_SEGMENT.test(segment) || SIGNALR_HUB.test(segment)) return true;
  }
  return false;
}

export function wsTargetName(t: PassTarget): boolean {
  const name = t.upstream?.name ?? t.address?.host ?? '';
  return WS_NAME.test(name);
}

/** Does the Connection value ask for an upgrade (literally, or through a map/variable that can say "upgrade")? */
export function connectionCarriesUpgrade(ctx: NginxRuleContext, value: string): boolean | undefined {
  if (/(^|[\s,])upgrade($|[\s,])/i.test(value)) return true;
  if (!value.includes('$')) return false;
  if (!isVariable(value)) return undefined;
  const map = mapDefining(ctx, value);
  if (!map) return undefined; // $http_connection and friends pass the client's own header on
  return map.children.some((c) => c.directive.args.some((a) => /upgrade/i.test(a.value)));
}

/** Per configuration, connectionCarriesUpgrade() per Connection value: it depends only on the value and the maps. */
const carriesCache = new WeakMap<NginxConfig, Map<string, Made<boolean | undefined>>>();

function carriesUpgrade(ctx: NginxRuleContext, value: string): boolean | undefined {
  let byValue = carriesCache.get(ctx.config);
  if (!byValue) carriesCache.set(ctx.config, (byValue = new Map()));
  return keptIn(byValue, value, () => connectionCarriesUpgrade(ctx, value));
}

/** 1 for an Upgrade line, 2 for a Connection line, 0 for any other header (the name in any case, as headerLines() lower-cases it). */
function headerKind(args: ConfigNode['directive']['args']): 0 | 1 | 2 {
  if (!args.length) return 0;
  const name = args[0].value;
  // The length first, so that Host, X-Forwarded-For and the like are not lower-cased (no lower-casing changes
  // the length of a string into one of these ASCII words).
  if (name.length === 7) return name.toLowerCase() === 'upgrade' ? 1 : 0;
  return name.length === 10 && name.toLowerCase() === 'connection' ? 2 : 0;
}

/** A `proxy_set_header` line that is WebSocket evidence by itself: Upgrade with a value, or a Connection that carries "upgrade". */
function isHeaderEvidence(ctx: NginxRuleContext, args: ConfigNode['directive']['args']): boolean {
  const kind = headerKind(args);
  const value = args.length > 1 ? args[1].value : '';
  return kind === 1 ? value !== '' : kind === 2 && carriesUpgrade(ctx, value) === true;
}

const NO_NODES: ConfigNode[] = [];

/** Per configuration, the levels that write a proxy_set_header line that is evidence (isHeaderEvidence). */
const evidenceLevels = new WeakMap<NginxConfig, Made<Set<ConfigNode | null>>>();

/**
 * Whether `scope` or a level above it writes an evidence line: the lines in force come from one of those levels,
 * so with none of them there is no header evidence and no need to look the lines up (for most passes).
 */
function underHeaderEvidence(ctx: NginxRuleContext, scope: ConfigNode | null): boolean {
  const levels = keptIn(evidenceLevels, ctx.config, () => evidenceLevelsOf(ctx));
  if (!levels.size) return false;
  for (let level = scope; ; level = level.parent) {
    if (levels.has(level)) return true;
    if (!level) return false;
  }
}

function evidenceLevelsOf(ctx: NginxRuleContext): Set<ConfigNode | null> {
  const levels = new Set<ConfigNode | null>();
  const lines = ctx.nodes('proxy_set_header');
  for (let k = 0; k < lines.length; k++) {
    if (!levels.has(lines[k].parent) && isHeaderEvidence(ctx, lines[k].directive.args)) levels.add(lines[k].parent);
  }
  return levels;
}

export interface WebSocketGap {
  /** What is missing, for the message. */
  missing: string[];
  /** Only the version is missing and the target version is unknown. */
  conditional: boolean;
  evidence: string;
  version: ReturnType<typeof httpVersion>;
  /** The first Upgrade line in force that has a value, else the first (empty) one. */
  upgrade?: HeaderLine;
  /** Every Upgrade / Connection line in force at the level (several when snippets each set one). */
  upgrades: HeaderLine[];
  connections: HeaderLine[];
}

/**
 * What nginx does with several `proxy_set_header Connection …` lines at one level: it evaluates each, drops
 * the ones whose value is empty and sends the others, all of them (checked on nginx 1.22.1: `Connection ""`
 * from one snippet and `Connection $connection_upgrade` from another send only the map's value, in either
 * order; two non-empty lines send two Connection headers). So the upgrade is asked for when any line can
 * carry "upgrade".
 */
export function connectionsCarryUpgrade(ctx: NginxRuleContext, lines: HeaderLine[]): boolean | undefined {
  const each = lines.map((l) => connectionCarriesUpgrade(ctx, l.value));
  if (each.includes(true)) return true;
  return each.includes(undefined) ? undefined : false;
}

/**
 * What a WebSocket-looking proxy_pass lacks for the upgrade to reach the backend: Upgrade and Connection are
 * hop-by-hop headers nginx does not forward on its own, and before 1.29.7 it spoke HTTP/1.0 upstream.
 * https://nginx.org/en/docs/http/websocket.html
 */
export function webSocketGap(ctx: NginxRuleContext, t: PassTarget, known?: { headers: HeaderLines; version: ReturnType<typeof httpVersion> }): WebSocketGap | undefined {
  if (t.directive !== 'proxy_pass' || t.module !== 'http') return undefined;
  const scope = scopeOf(t.node);
  // Most passes show no sign of WebSocket at all, and most that do are written right: both are told from the raw
  // lines, with the same tests as below, before anything is built. The lines are only looked up when this level
  // or one above it writes a line that is evidence (without, they cannot make the upgrade look complete either).
  const raw = known ? known.headers.nodes : underHeaderEvidence(ctx, scope) ? ctx.effective(scope, 'proxy_set_header').nodes : NO_NODES;
  let rawUpgrade = false;
  // As connectionsCarryUpgrade() sums the lines up: true if any line carries "upgrade", else undefined if any may, else false.
  let rawConnection: boolean | undefined = false;
  for (let k = 0; k < raw.length; k++) {
    const args = raw[k].directive.args;
    const kind = headerKind(args);
    const value = args.length > 1 ? args[1].value : '';
    if (kind === 1) {
      if (value !== '') rawUpgrade = true;
    } else if (kind === 2 && rawConnection !== true) {
      const c = carriesUpgrade(ctx, value);
      if (c === true) rawConnection = true;
      else if (c === undefined) rawConnection = undefined;
    }
  }
  if (!rawUpgrade && rawConnection !== true && !wsPath(scope) && !wsTargetName(t)) return undefined;
  const version = known?.version ?? httpVersion(ctx, scope);
  // An HTTP/2 upstream (1.29.4+) has no Upgrade mechanism of this kind; say nothing rather than guess.
  if (version.value === '2') return undefined;
  const versionMissing = version.value === '1.0' || (version.value === undefined && version.origin !== 'here' && version.origin !== 'inherited');
  if (rawUpgrade && rawConnection !== false && !versionMissing) return undefined;
  // Something is missing: what follows builds the answer (the same decisions again, on the lines themselves).
  const headers = known?.headers ?? headerLines(ctx, scope);
  const upgrades = headers.lines.filter((l) => l.name === 'upgrade');
  const connections = headers.lines.filter((l) => l.name === 'connection');
  // An empty value is not sent: an `Upgrade ""` from a shared snippet next to `Upgrade $http_upgrade` still passes it on.
  const upgrade = upgrades.find((l) => l.value !== '') ?? upgrades[0];
  const connUpgrade = connectionsCarryUpgrade(ctx, connections);
  let evidence: string | undefined;
  if (upgrade && upgrade.value !== '') evidence = 'it sets an Upgrade header';
  else if (connUpgrade) evidence = 'its Connection header asks for an upgrade';
  else if (wsPath(scope)) evidence = `path "${locationPath(scope)}"`;
  else if (wsTargetName(t)) evidence = `backend named "${t.upstream?.name ?? t.address?.host}"`;
  if (!evidence) return undefined;
  const missing: string[] = [];
  // Any value the user wrote (a variable, "websocket") is taken as deliberate; only a missing or empty one is not.
  const upgradeOk = upgrade && upgrade.value !== '';
  if (!upgradeOk) missing.push('proxy_set_header Upgrade $http_upgrade');
  if (connUpgrade === false) missing.push('a Connection header that carries "upgrade"');
  let conditional = false;
  if (version.value === '1.0') missing.push('proxy_http_version 1.1');
  else if (version.value === undefined && version.origin !== 'here' && version.origin !== 'inherited') {
    missing.push('proxy_http_version 1.1');
    conditional = missing.length === 1;
  }
  if (!missing.length) return undefined;
  return { missing, conditional, evidence, version, upgrade, upgrades, connections };
}

export const CONNECTION_MAP = ['map $http_upgrade $connection_upgrade {', '    default upgrade;', `    '' "";`, '}'];

/**
 * An edit that defines `$connection_upgrade` at the top of the http block. It replaces the "{" itself (not a
 * zero-width insert) so that two findings offering it in one --fix pass clash and only one map is written.
 */
export function connectionMapEdit(ctx: NginxRuleContext): TextEdit | undefined {
  const http = ctx.nodes('http').find((h) => !h.parent && h.directive.block && !h.directive.block.opaque);
  if (!http) return undefined;
  const file = http.file;
  const first = http.children.find((c) => c.file === file);
  const indent = first ? indentAt(file, first.directive.start) : indentAt(file, http.directive.start) + '    ';
  const eol = eolOf(file);
  const open = http.directive.block!.start;
  return { path: file.path, start: open, end: open + 1, newText: '{' + eol + CONNECTION_MAP.map((l) => indent + l).join(eol) };
}

/** Edits that put `added` header lines in `scope` right after `anchor`, copying inherited lines down (minus `drop`). */
export function headerEdits(scopeHeaders: ReturnType<typeof headerLines>, anchor: ConfigNode, added: string[], drop: HeaderLine[] = [], extra: string[] = []): TextEdit[] {
  const edits: TextEdit[] = [];
  if (scopeHeaders.origin === 'inherited') {
    const dropped = new Set(drop.map((d) => d.node));
    const kept = drop.length ? scopeHeaders.nodes.filter((n) => !dropped.has(n)) : scopeHeaders.nodes;
    edits.push(insertAfter(anchor, extra.concat(withInheritedLines(kept, added))));
  } else {
    for (const d of drop) edits.push(deleteLine(d.node));
    edits.push(insertAfter(anchor, extra.concat(added)));
  }
  return edits;
}

/**
 * Inserts lines after a directive: on their own lines when the directive ends its line, else on the same
 * line right after it (one-line blocks such as `location / { proxy_pass http://app; }`).
 */
export function insertAfter(node: ConfigNode, lines: string[]): TextEdit {
  const f = node.file;
  // Only the rest of the line after the statement is read (a line break, a comment, more statements): an edit of an
  // argument cannot change which.
  const source = rawText(f);
  // The usual case, a line break right after the directive, needs no look at the rest of the line.
  const next = source.charCodeAt(node.directive.end);
  // insertLinesAfter puts them before a statement whose ";" is missing, which would take them for its arguments.
  if (next === 10 || next === 13 || node.directive.end >= source.length || unterminated(node)) return insertLinesAfter(node, lines);
  const line = f.lines.positionAt(node.directive.end).line;
  const lineEnd = line + 1 < f.lines.lineCount ? f.lines.lineStart(line + 1) : source.length;
  const rest = source.slice(node.directive.end, lineEnd).trim();
  if (rest === '' || rest.startsWith('#')) return insertLinesAfter(node, lines);
  return { path: f.path, start: node.directive.end, end: node.directive.end, newText: ' ' + lines.join(' ') };
}

/** Removes a directive's whole line when it is alone on it, else just the directive. */
export function deleteLine(node: ConfigNode): TextEdit {
  const f = node.file;
  // Only white space and comments around the statement decide (an edit of an argument changes neither).
  const source = rawText(f);
  const line = f.lines.positionAt(node.directive.start).line;
  const start = f.lines.lineStart(line);
  const endLine = f.lines.positionAt(node.directive.end).line;
  const next = endLine + 1 < f.lines.lineCount ? f.lines.lineStart(endLine + 1) : source.length;
  const before = source.slice(start, node.directive.start);
  const after = source.slice(node.directive.end, next);
  if (before.trim() === '' && (after.trim() === '' || after.trim().startsWith('#'))) return { path: f.path, start, end: next, newText: '' };
  return replaceSpan(f, node.directive, '');
}

// ---- Buffer arithmetic, as ngx_http_proxy_merge_loc_conf() and its fastcgi/uwsgi/scgi twins do it ----

/** gRPC has a grpc_buffer_size but no *_buffers, busy size or temporary files, so none of these checks. */
export const BUFFER_MODULES = ['proxy', 'fastcgi', 'uwsgi', 'scgi'] as const;
export type BufferModule = (typeof BUFFER_MODULES)[number];

/** nginx's default *_max_temp_file_size, 1024m. */
export const DEFAULT_MAX_TEMP = 1024 * 1024 * 1024;

export interface BufferSet {
  bufferSize: number;
  num: number;
  size: number;
  /** Explicit busy size, or undefined for nginx's default 2 × max(buffer_size, one buffer). */
  busy?: number;
  /** Explicit *_temp_file_write_size, or undefined for the default, 2 × max(buffer_size, one buffer) as for busy. */
  tempWrite?: number;
  /** Explicit *_max_temp_file_size, or undefined for the default 1024m. */
  maxTemp?: number;
  nodes: { bufferSize?: ConfigNode; buffers?: ConfigNode; busy?: ConfigNode; tempWrite?: ConfigNode; maxTemp?: ConfigNode };
}

/** The five directives of a module, in the order nginx merges and checks them. */
export const names = (m: string) => ({
  bufferSize: `${m}_buffer_size`,
  buffers: `${m}_buffers`,
  busy: `${m}_busy_buffers_size`,
  tempWrite: `${m}_temp_file_write_size`,
  maxTemp: `${m}_max_temp_file_size`,
});
/** The keys of names(), in that order: a BufferSet's nodes and bufferLines() go by it. */
export const BUFFER_KEYS = ['bufferSize', 'buffers', 'busy', 'tempWrite', 'maxTemp'] as const;

/** The values in force in `scope`, defaults from the page size; undefined when one is not a literal size. */
export function bufferSet(ctx: NginxRuleContext, scope: ConfigNode | null, m: BufferModule): BufferSet | undefined {
  const n = names(m);
  const first = (name: string) => ctx.effective(scope, name).nodes[0];
  return bufferSetOf(ctx.target.pageSize, first(n.bufferSize), first(n.buffers), first(n.busy), first(n.tempWrite), first(n.maxTemp));
}

/** An explicit size, undefined when not written, null when nginx would refuse it (or it is a variable or placeholder). */
function sizeOf(node: ConfigNode | undefined): number | undefined | null {
  return node ? parseNginxSizeT(node.directive.args[0]?.value ?? '') : undefined;
}

/**
 * bufferSet from the first line in force of each of the five directives (undefined: not written, the default
 * applies). Undefined when a value is one nginx itself refuses (a count of 0, a zero buffer size, a size past 63
 * bits: "invalid value", reported by invalid-argument-value), since nginx stops there before any arithmetic.
 */
export function bufferSetOf(page: number, bs: ConfigNode | undefined, bufs: ConfigNode | undefined, busy?: ConfigNode, tempWrite?: ConfigNode, maxTemp?: ConfigNode): BufferSet | undefined {
  const bufferSize = bs ? parseNginxSizeT(bs.directive.args[0]?.value ?? '') : page;
  const numText = bufs ? bufs.directive.args[0]?.value ?? '' : '8';
  // ngx_conf_set_bufs_slot: a count read by ngx_atoi (digits, 63 bits) and not 0, a size not 0.
  const num = /^\d{1,18}$/.test(numText) ? Number(numText) : NaN;
  const size = bufs ? parseNginxSizeT(bufs.directive.args[1]?.value ?? '') : page;
  const busyVal = sizeOf(busy), tw = sizeOf(tempWrite), mt = sizeOf(maxTemp);
  if (bufferSize === null || size === null || size === 0 || !(num > 0) || busyVal === null || tw === null || mt === null) return undefined;
  return { bufferSize, num, size, busy: busyVal, tempWrite: tw, maxTemp: mt, nodes: { bufferSize: bs, buffers: bufs, busy, tempWrite, maxTemp } };
}

export type BufferError = 'too-few' | 'busy-too-small' | 'busy-too-large' | 'temp-write-too-small' | 'max-temp-too-small';

/** The larger of the header buffer and one body buffer: the unit every later check measures against. */
export const bufferUnit = (b: Pick<BufferSet, 'bufferSize' | 'size'>) => Math.max(b.bufferSize, b.size);

/** nginx's own start-up checks, in its own order (the first that fails is the one nginx reports). */
export function bufferError(b: Omit<BufferSet, 'nodes'>): BufferError | undefined {
  if (b.num < 2) return 'too-few';
  const max = bufferUnit(b);
  const busy = b.busy ?? 2 * max;
  if (busy < max) return 'busy-too-small';
  if (busy > (b.num - 1) * b.size) return 'busy-too-large';
  if ((b.tempWrite ?? 2 * max) < max) return 'temp-write-too-small';
  const maxTemp = b.maxTemp ?? DEFAULT_MAX_TEMP;
  if (maxTemp !== 0 && maxTemp < max) return 'max-temp-too-small';
  return undefined;
}

export function nginxBufferMessage(m: string, e: BufferError): string {
  const n = names(m);
  const unit = `the maximum of the value of "${n.bufferSize}" and one of the "${n.buffers}"`;
  if (e === 'too-few') return `there must be at least 2 "${n.buffers}"`;
  if (e === 'busy-too-small') return `"${n.busy}" must be equal to or greater than ${unit}`;
  if (e === 'busy-too-large') return `"${n.busy}" must be less than the size of all "${n.buffers}" minus one buffer`;
  if (e === 'temp-write-too-small') return `"${n.tempWrite}" must be equal to or greater than ${unit}`;
  return `"${n.maxTemp}" must be equal to zero to disable temporary files usage or must be equal to or greater than ${unit}`;
}

/** Values that pass every check; tempWrite and maxTemp are set only where the line in force must change. */
export interface ConsistentBuffers {
  bufferSize: number;
  num: number;
  size: number;
  busy: number;
  tempWrite?: number;
  maxTemp?: number;
}

/**
 * The smallest change that satisfies every inequality: keep the header buffer, keep an explicit busy size
 * when it is big enough, and grow the body buffers (to the header buffer's size, then in number) until
 * (number − 1) × size holds the busy size. A temp-file write size or temp-file limit that falls short of the
 * resulting unit is raised to it (a limit of 0, no temporary files, is kept: nginx allows it whatever the sizes).
 */
export function consistentBuffers(b: Omit<BufferSet, 'nodes'>): ConsistentBuffers {
  let num = Math.max(b.num, 2);
  let size = b.size;
  const max = Math.max(b.bufferSize, size);
  const busy = Math.max(b.busy ?? 2 * max, max);
  if (busy > (num - 1) * size) {
    size = Math.max(size, b.bufferSize);
    num = Math.max(num, Math.ceil(busy / size) + 1);
  }
  // Growing the body buffers to the header buffer's size leaves the unit at `max`, so these are final.
  const unit = Math.max(b.bufferSize, size);
  const out: ConsistentBuffers = { bufferSize: b.bufferSize, num, size, busy };
  // Defaults (2 × unit, 1024m) need no line unless the unit is past 1024m.
  if ((b.tempWrite ?? 2 * unit) < unit) out.tempWrite = unit;
  const maxTemp = b.maxTemp ?? DEFAULT_MAX_TEMP;
  if (maxTemp !== 0 && maxTemp < unit) out.maxTemp = unit;
  return out;
}

/**
 * The least change that passes every check without touching the buffers themselves (the memory the
 * configuration asks for): only the busy size moves, and it is a limit, not an allocation. It goes to the value
 * nearest the one asked for (the explicit one, else nginx's default of twice the unit) that nginx accepts: at least
 * the unit, at most (number − 1) × size (nginx's "less than all buffers minus one" is checked as "not more than";
 * `proxy_buffers 4 32k` takes `proxy_busy_buffers_size 96k`, checked with nginx 1.22.1). The write size and the
 * temporary-file limit are raised as in consistentBuffers (neither allocates either). Undefined when no busy size
 * fits, fewer than 2 buffers or all but one of them smaller than the unit: then the buffers must change
 * (consistentBuffers).
 */
export function busyOnlyBuffers(b: Omit<BufferSet, 'nodes'>): ConsistentBuffers | undefined {
  const unit = bufferUnit(b);
  const most = (b.num - 1) * b.size;
  if (b.num < 2 || unit > most) return undefined;
  const busy = Math.min(Math.max(b.busy ?? 2 * unit, unit), most);
  const out: ConsistentBuffers = { bufferSize: b.bufferSize, num: b.num, size: b.size, busy };
  if ((b.tempWrite ?? 2 * unit) < unit) out.tempWrite = unit;
  const maxTemp = b.maxTemp ?? DEFAULT_MAX_TEMP;
  if (maxTemp !== 0 && maxTemp < unit) out.maxTemp = unit;
  return out;
}

/** The lines to write, in BUFFER_KEYS order; undefined where the line in force stays as it is. */
export function bufferLines(m: string, v: ConsistentBuffers): (string | undefined)[] {
  const n = names(m);
  return [
    `${n.bufferSize} ${formatSize(v.bufferSize)};`,
    `${n.buffers} ${v.num} ${formatSize(v.size)};`,
    `${n.busy} ${formatSize(v.busy)};`,
    v.tempWrite === undefined ? undefined : `${n.tempWrite} ${formatSize(v.tempWrite)};`,
    v.maxTemp === undefined ? undefined : `${n.maxTemp} ${formatSize(v.maxTemp)};`,
  ];
}

/**
 * The lines that make `b` pass nginx's buffer checks (buffer-size-arithmetic's quick fix, and explain's next step
 * for "upstream sent too big header"). Buffers a line sets are kept as written (the memory asked for) and only the
 * busy size (and a write size or temp-file limit) moves, when that passes (busyOnlyBuffers) and `lightAllowed` agrees;
 * else, and when the buffers are nginx's defaults (one page each: the page size is a guess), the buffers are written
 * too (consistentBuffers). Undefined entries: the line in force stays as it is.
 */
export function passingBufferLines(m: string, b: BufferSet, lightAllowed: (light: ConsistentBuffers) => boolean = () => true): (string | undefined)[] {
  const light = b.nodes.buffers ? busyOnlyBuffers(b) : undefined;
  const keep = light && lightAllowed(light) ? light : undefined;
  const lines = bufferLines(m, keep ?? consistentBuffers(b));
  if (keep) {
    lines[1] = undefined;
    // A header buffer left at its default (one page) is written as the unit the busy size was measured against, so
    // that the fix does not rest on the page size either.
    if (b.nodes.bufferSize) lines[0] = undefined;
    if (keep.busy === (b.busy ?? 2 * bufferUnit(b))) lines[2] = undefined;
  }
  return lines;
}

/** The nodes of `b` that stand at `level` itself, in BUFFER_KEYS order. */
export function bufferNodesAt(b: BufferSet, level: ConfigNode | null): (ConfigNode | undefined)[] {
  return BUFFER_KEYS.map((k) => (b.nodes[k] && b.nodes[k]!.parent === level ? b.nodes[k] : undefined));
}

/**
 * Edits writing the buffer lines at one level: lines already there are replaced in place, the others are added
 * after the last of them (or after `anchor`, or at the top of `block`); an undefined line is left as it is.
 */
export function bufferEdits(lines: (string | undefined)[], here: (ConfigNode | undefined)[], anchor: ConfigNode | undefined, block: ConfigNode | null): TextEdit[] | undefined {
  const edits: TextEdit[] = [];
  const missing: string[] = [];
  here.forEach((node, i) => {
    const line = lines[i];
    if (line === undefined) return;
    if (node) edits.push(replaceSpan(node.file, node.directive, line));
    else missing.push(line);
  });
  if (missing.length) {
    const after = [...here].reverse().find((n) => n) ?? anchor;
    if (after) edits.push(insertAfter(after, missing));
    else if (block?.directive.block) edits.push(insertLinesInBlock(block, missing));
    else return undefined;
  }
  return edits;
}

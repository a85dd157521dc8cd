import type { LintResult } from '../lint';
import { effective, flagsInForce, isBitmaskDirective, type Effective } from '../model/nginx-effective';
import { nginxDefault, versionedDefault, type NginxTarget } from '../model/nginx-defaults';
import { isKnownNginxDirective, nginxDirective } from '../model/nginx-directives';
import { moduleOfDirective } from '../model/nginx-modules';
import { unlessIncluderSets, type ConfigNode, type NginxConfig } from '../model/nginx-tree';
import type { PassTarget, Upstream } from '../model/nginx-upstreams';
import { relative, dirname } from '../paths';
import { allowedIn, placementInfo, placementKnown, templateLine } from '../rules/nginx/placement-support';
import { locate } from './locate';
import { parseNginxTime } from '../model/units';
import { seconds } from '../rules/nginx/timeouts-support';
import { upstreamMemberCard } from './upstream-member-hover';
import { placeLink } from './place-link';
import { docForPass } from './pass-view';
import type { DirectiveDoc } from '../docs/directive-doc';
import { ruleIdsIn } from '../finding';

export interface HoverResult {
  markdown: string;
  start: number;
  end: number;
}

/**
 * Documentation for a directive (markdown) in a context: the proxylint knowledge base first, then the
 * official reference (which the adapter loads lazily). `server:<param>` asks for an upstream server parameter.
 * `narrow` adapts proxylint's own doc to the line before it is rendered (see pass-view.ts).
 */
export type DocLookup = (name: string, context?: string, narrow?: (doc: DirectiveDoc) => DirectiveDoc) => string | undefined;

const line = (n: ConfigNode) => n.file.lines.positionAt(n.directive.start).line + 1;
const text = (n: ConfigNode) => n.directive.args.map((a) => a.raw).join(' ');
/** "../nginx.conf:4": a node's place, relative to the hovered file's folder. */
const placeOf = (n: ConfigNode, from: string) => placeLink(`${relative(dirname(from), n.file.path)}:${line(n)}`, n.file.path, line(n));

/** A file included in many places would make an endless card: this many distinct values, then "and K more". */
const MAX_ROWS = 3;
/** Pass targets listed on an upstream block's name; a shared group can have hundreds. */
const MAX_USERS = 10;

/** "set here (line 7)", "inherited from conf.d/app.conf:3", "default", "not set". */
export function describeOrigin(e: Effective, from: string): string {
  if (e.origin === 'unset') return 'not set (no default applies to the target)';
  if (e.origin === 'default') return `built-in default`;
  const where = e.nodes.slice(0, MAX_ROWS).map((n) => placeOf(n, from)).join(', ') + (e.nodes.length > MAX_ROWS ? ` and ${e.nodes.length - MAX_ROWS} more` : '');
  return e.origin === 'here' ? `set here (${where})` : `inherited from ${where}`;
}

/**
 * After the value of an http read timeout, what it costs: the client's status when the backend is slower than it
 * (the directive's doc below has the cases that change it). Not for a value that differs by inclusion or is missing.
 */
function readTimeoutOutcome(node: ConfigNode, value: string): string {
  if (!/^(proxy|fastcgi|uwsgi|scgi|grpc)_read_timeout$/.test(node.name) || node.context.startsWith('stream')) return '';
  const v = /^`([^`]+)`$/.exec(value)?.[1];
  if (!v) return '';
  const ms = parseNginxTime(v, 'msec');
  // 0 reads as "no limit" to many, but nginx gives up at once (nginx 1.22.1: 504 from a healthy backend).
  if (ms === 0) return `  \n**\`0\` is not "no limit":** nginx gives up before the backend can answer → **504** on every request.`;
  // A bare number is seconds ("5" → "5 s"): "silent more than 5" would leave the unit to guess.
  const shown = ms !== null && /^\d+$/.test(v) ? seconds(ms) : v;
  return `  \n**If the backend is slower:** silent more than ${shown} before the response header → **504**; after it → a truncated 200.`;
}

/** The value and origin of one directive at one level, as a hover states them. */
interface Stated {
  value: string;
  origin: string;
  /** Written twice at one level although nginx takes one: the value shown is no value at all. */
  duplicate?: boolean;
}

/**
 * The statement nginx reads `node`'s line into, when the statement before it in its block has no ";": the parser
 * ends that one at the line break because the next line starts a known directive (so the rest of the block keeps its
 * shape while the user types), but nginx reads on and takes the line as more arguments of it (of the first statement
 * of such a run of lines).
 */
function swallowedBy(config: NginxConfig, node: ConfigNode): ConfigNode | undefined {
  const siblings = node.parent ? node.parent.children : config.roots;
  let k = siblings.indexOf(node);
  let head: ConfigNode | undefined;
  while (k > 0) {
    const prev = siblings[k - 1];
    if (prev.file !== node.file || prev.directive.terminated || prev.directive.block) break;
    head = prev;
    k--;
  }
  return head;
}

/**
 * A line nginx does not read as written: it has no ";", or the line before it has none; or nginx refuses it where it
 * stands (no value, or a block that does not take it), so no value of it is in force anywhere.
 */
function notRead(config: NginxConfig, n: ConfigNode, from: string): Stated | undefined {
  if (n.directive.block) return undefined;
  const prev = swallowedBy(config, n);
  if (prev) return { value: 'none: a ";" is missing', origin: `the line before ${placeOf(n, from)} has no ";", so nginx reads it as more arguments of "${prev.name}" (${placeOf(prev, from)})` };
  if (!n.directive.terminated) return { value: 'none: a ";" is missing', origin: `${placeOf(n, from)} has no ";", so nginx reads on into what follows it` };
  // `proxy_read_timeout;`: nginx stops at it ("invalid number of arguments"), so no value is in force (shown as an
  // empty code span before). Directives that take no value (least_conn;) have a minimum of 0.
  if (n.directive.args.length === 0 && (nginxDirective(n.name)?.args[0] ?? 0) > 0) {
    return { value: 'none: the value is missing', origin: `${placeOf(n, from)} has no value, so nginx refuses to start ("invalid number of arguments")` };
  }
  // proxy_read_timeout in an if or upstream block: '"proxy_read_timeout" directive is not allowed here' (the rule
  // directive-not-allowed-here says the same, under the same conditions).
  const info = placementInfo(n);
  if (info && placementKnown(n, config) && !allowedIn(info, n.context) && !templateLine(n)) {
    return { value: 'none: nginx will not start', origin: `"${n.name}" is not allowed where ${placeOf(n, from)} stands (directive-not-allowed-here)` };
  }
  return undefined;
}

function state(e: Effective, name: string, from: string, config: NginxConfig): Stated {
  if (e.origin === 'unset') {
    // The default changed in a release and the target version is not set: say both rather than nothing.
    const v = versionedDefault(name);
    if (v) return { value: `\`${v.before}\` (${v.changes.map((c) => `\`${c.value}\` from nginx ${c.since}`).join(', ')})`, origin: `built-in default${unlessIncluderSets(config)}; which one depends on the nginx version (set \`nginx.version\`)` };
    return { value: '—', origin: describeOrigin(e, from) };
  }
  // Nothing up to the top of this file sets it: in a fragment checked alone, the level that includes it may.
  if (e.origin === 'default') return { value: `\`${e.defaultValue}\``, origin: describeOrigin(e, from) + unlessIncluderSets(config) };
  for (const n of e.nodes) {
    const s = notRead(config, n, from);
    if (s) return s;
  }
  // e.nodes all sit at one level (the one that decides): two of a single-value directive there stop nginx.
  if (e.duplicate) {
    const both = e.nodes.slice(0, MAX_ROWS).map((n) => `\`${text(n)}\` at ${placeOf(n, from)}`).join(' and ') + (e.nodes.length > MAX_ROWS ? ` and ${e.nodes.length - MAX_ROWS} more` : '');
    return { value: 'none: nginx will not start', origin: `"${name}" directive is duplicate — written ${e.nodes.length} times at one level: ${both}`, duplicate: true };
  }
  // Several lines of a bitmask directive (*_next_upstream…) are one set of flags to nginx, "off" on any line winning.
  if (e.nodes.length > 1 && isBitmaskDirective(name, e.nodes[0].context)) {
    return { value: `\`${flagsInForce(e).join(' ')}\``, origin: `${describeOrigin(e, from)}; nginx takes the ${e.nodes.length} lines at that level together (\`${e.nodes.map(text).join('; ')}\`)${flagsInForce(e)[0] === 'off' ? ', and "off" on one of them turns the others off' : ''}` };
  }
  const value = e.nodes.length > 1 ? e.nodes.map(text).join('; ') : text(e.nodes[0]);
  return { value: `\`${value}\``, origin: describeOrigin(e, from) };
}

/** One placement of the hovered line, in the configuration that places it there. */
interface Placed {
  config: NginxConfig;
  node: ConfigNode;
}

/** Every placement of the hovered line: a file included in several places has one node per inclusion. */
function placementsOf(config: NginxConfig, node: ConfigNode): Placed[] {
  return config.all.filter((n) => n.directive === node.directive).map((n) => ({ config, node: n }));
}

/**
 * The include lines that brought one placement of a node in, outermost first (nginx's and Apache's trees alike: a
 * node at the top of an included file has `via`, the others reach it through their parents in the same file).
 */
export function includeVias<N extends { via: N | null; parent: N | null; file: unknown }>(n: N): N[] {
  const chain: N[] = [];
  for (let t: N | null = n; t; ) {
    let top: N = t;
    while (!top.via && top.parent && top.parent.file === top.file) top = top.parent;
    if (!top.via) break;
    chain.unshift(top.via);
    t = top.via;
  }
  return chain;
}

/** The includes that brought one placement in, outermost first: "nginx.conf:4 → snip/a.conf:2". */
function includeChain(n: ConfigNode, from: string): string {
  return includeVias(n).map((v) => placeOf(v, from)).join(' → ') || placeOf(n, from);
}

/**
 * One directive's value at every placement of the hovered line (in every configuration that includes the file).
 * Placements that agree are told once; those that differ are listed (bounded), each with the include that puts the
 * line there, since that is what the user edits; its outermost include names the configuration.
 * `own`: the value of the hovered line's own directive, which may not take effect at some placement.
 */
function stateAcross(placements: Placed[], name: string, target: NginxTarget, from: string, own = false): { value: string; origin: string } {
  const groups = new Map<string, { s: Stated; vias: ConfigNode[] }>();
  for (const { config, node } of placements) {
    const e = effective(config, node.parent, name, target);
    const s = state(e, name, from, config);
    // A line that an own-level directive overrides (a second identical name elsewhere) is worth saying per placement.
    if (own && !s.duplicate && e.origin !== 'default' && e.origin !== 'unset' && !e.nodes.some((n) => n.directive === node.directive)) s.origin += '; this line does not take effect here';
    const key = `${s.value}\0${s.origin}`;
    const g = groups.get(key);
    if (g) g.vias.push(node);
    else groups.set(key, { s, vias: [node] });
  }
  const list = [...groups.values()];
  if (list.length === 1) return list[0].s;
  const values = new Set(list.map((g) => g.s.value));
  const rows = list.slice(0, MAX_ROWS).map((g) => {
    const vias = g.vias.slice(0, 2).map((v) => includeChain(v, from)).join(', ') + (g.vias.length > 2 ? ` and ${g.vias.length - 2} more` : '');
    return `${g.s.value} (via ${vias}; ${g.s.origin})`;
  });
  const more = list.length > MAX_ROWS ? ` / and ${list.length - MAX_ROWS} more` : '';
  return {
    value: values.size > 1 ? 'differs by inclusion' : [...values][0],
    origin: `${values.size > 1 ? '' : 'same value, from different places by inclusion: '}${rows.join(' / ')}${more}`,
  };
}

/** The settings that decide 502/504 behaviour at a location passing to an upstream, with where each comes from. */
function passTable(placements: Placed[], module: string, target: NginxTarget, from: string, stream: boolean): string {
  // stream's proxy_pass has one idle timeout (proxy_timeout) instead of send/read timeouts, and no HTTP settings.
  const names = stream
    ? ['proxy_connect_timeout', 'proxy_timeout', 'proxy_next_upstream', 'proxy_next_upstream_tries', 'proxy_next_upstream_timeout']
    : [`${module}_connect_timeout`, `${module}_send_timeout`, `${module}_read_timeout`, `${module}_next_upstream`, `${module}_next_upstream_tries`, `${module}_next_upstream_timeout`];
  if (module === 'proxy' && !stream) names.push('proxy_http_version', 'proxy_buffering', 'proxy_request_buffering');
  const rows = names.map((n) => {
    const s = stateAcross(placements, n, target, from);
    return `| \`${n}\` | ${s.value} | ${s.origin} |`;
  });
  // What the table decides, first: the reader is here because of a 502 or a 504.
  const outcome = stream ? '' : '  \nA refused or dropped connection is a **502**; one of these timers firing before the response header is a **504**.';
  return [`**Effective at this ${stream ? 'stream server' : 'location'}**${outcome}`, '', '| Directive | Value | Origin |', '|---|---|---|', ...rows].join('\n');
}

function upstreamSummary(up: Upstream, from: string, target: NginxTarget): string {
  const where = placeOf(up.node, from);
  const servers = up.servers.map((s) => `- \`${text(s.node)}\``);
  const setting = (name: string) => up.node.children.find((c) => c.name === name);
  const facts = ['zone', 'keepalive', 'keepalive_timeout', 'least_conn', 'hash', 'ip_hash', 'random', 'health_check']
    .map((n) => setting(n))
    .filter((n): n is ConfigNode => !!n)
    .map((n) => `\`${n.name}${n.directive.args.length ? ' ' + text(n) : ''}\``);
  // A stream group relays connections: no HTTP status when it fails (the client connection is closed), and no
  // upstream keep-alive (that directive exists only in http's upstream).
  const stream = up.module === 'stream';
  const failed = stream ? 'closes the client connection' : 'reaches clients as a 502 or 504';
  const allOut = stream ? 'nginx closes new connections at once ("no live upstreams"; $status 502 in the stream access log)' : 'nginx answers 502 "no live upstreams"';
  const passive = up.servers.length === 1
    ? `One server: \`max_fails\`/\`fail_timeout\` are ignored, and every failure of it ${failed}.`
    : `Passive checks: a server is skipped for \`fail_timeout\` (default 10s) after \`max_fails\` (default 1) failed attempts; when all are skipped ${allOut}.`;
  // Without a keepalive line the group still keeps idle connections from nginx 1.29.7 on (its default changed).
  const keepalive = stream || setting('keepalive') ? '' : keepaliveDefault(target);
  const settings = facts.length ? `Settings: ${facts.join(', ')}.` : stream ? 'No zone or balancing method set.' : 'No keep-alive line, zone or balancing method set.';
  return [`**upstream \`${up.name}\`** (${where})`, '', ...servers, '', settings + keepalive, '', passive].join('\n');
}

function keepaliveDefault(target: NginxTarget): string {
  const v = versionedDefault('keepalive')!;
  const [{ since, value: after }] = v.changes;
  const value = nginxDefault('keepalive', target);
  if (value === undefined) return ` Idle connections kept by default: none before nginx ${since}, \`keepalive ${after}\` from it (set \`nginx.version\` to know which).`;
  return value === v.before ? ' No idle connections are kept (the default before nginx ' + since + ').' : ` Idle connections kept by default: \`keepalive ${value}\` (nginx ${since} and later).`;
}

/**
 * `others`: the other configurations that include the file (a snippet that a/nginx.conf and b/nginx.conf both
 * include): the values in force are told for the line's placements in all of them.
 */
export function nginxHover(result: LintResult, path: string, offset: number, target: NginxTarget, docFor: DocLookup, others: readonly LintResult[] = []): HoverResult | undefined {
  const { config, upstreams } = result;
  const loc = locate(config, path, offset);
  const node = loc.node;
  if (!node) return undefined;
  const d = node.directive;

  if (loc.part === 'arg' && loc.arg) {
    const pass = upstreams.passes.find((p) => p.node === node);
    if (pass?.upstream) {
      // The group of that name in each configuration that includes the file: a/ and b/ may define it differently.
      const groups = [pass.upstream];
      for (const other of others) {
        const there = other.config === config ? null : locate(other.config, path, offset).node;
        const up = there && other.upstreams.passes.find((p) => p.node === there)?.upstream;
        if (up && !groups.includes(up)) groups.push(up);
      }
      // Two blocks of this name in this configuration: nginx does not start, so no group is "the" one; show them all.
      const same = upstreams.sameName(pass.upstream);
      const cards = groups.map((u) => upstreamSummary(u, path, target));
      if (same.length > 1) {
        const warning = `**nginx will not start:** ${same.length} \`upstream\` blocks are named \`${pass.upstream.name}\` ("duplicate upstream", see duplicate-upstream-name); each is shown.`;
        cards.splice(0, 1, warning, ...same.map((u) => upstreamSummary(u, path, target)));
      }
      return { markdown: cards.join('\n\n---\n\n'), start: loc.arg.start, end: loc.arg.end };
    }
    // The name on the block's own line: the same card as on a pass target, and the places that send requests to it
    // (an on-call engineer looking at the group wants to know which locations a dead server hurts).
    const own = node.name === 'upstream' && d.block && loc.arg === d.args[0] ? upstreams.upstreams.find((u) => u.node === node) : undefined;
    if (own) {
      const users = upstreams.usersOf(own);
      const shown = users.slice(0, MAX_USERS).map((t) => `- \`${text(t.node)}\` (${placeOf(t.node, path)})`);
      const used = users.length
        ? [`Used by ${users.length} pass target${users.length > 1 ? 's' : ''}:`, '', ...shown, ...(users.length > MAX_USERS ? [`- and ${users.length - MAX_USERS} more`] : [])].join('\n')
        : 'No pass target of this configuration uses it.';
      return { markdown: [upstreamSummary(own, path, target), used].join('\n\n'), start: loc.arg.start, end: loc.arg.end };
    }
    if (node.name === 'server' && node.parent?.name === 'upstream') {
      const key = loc.arg.value.split('=')[0];
      const doc = docFor(`server:${key}`, node.context);
      if (doc) return { markdown: doc, start: loc.arg.start, end: loc.arg.end };
    }
  }

  // The value in force here goes first: it is what differs from file to file, and the card is long.
  const parts: string[] = [];
  // A server line of an upstream group (on its name or address; a parameter has its own page above): that server,
  // not the list of the group's servers as the value of a directive written several times.
  // What each pass to the group does after a failed try: its *_next_upstream in force there (stream: on/off).
  const retries = (t: PassTarget) => {
    const name = t.module === 'stream' ? 'proxy_next_upstream' : t.directive.replace(/_pass$/, '_next_upstream');
    return flagsInForce(effective(config, t.node.parent, name, target), t.module === 'stream' ? 'on' : 'error timeout');
  };
  const member = node.name === 'server' && (node.context === 'upstream' || node.context === 'stream-upstream') ? upstreamMemberCard(upstreams, node, path, retries) : undefined;
  if (member) {
    parts.push(member);
    const doc = docFor(node.name, node.context);
    if (doc) parts.push(doc);
    return { markdown: parts.join('\n\n---\n\n'), ...(loc.part === 'arg' && loc.arg ? { start: loc.arg.start, end: loc.arg.end } : { start: d.nameSpan.start, end: d.nameSpan.end }) };
  }
  const placements = placementsOf(config, node);
  for (const other of others) {
    // The same text has the same lines in every configuration: the line is found at the same offset.
    const there = other.config === config ? null : locate(other.config, path, offset).node;
    if (there && there.name === node.name && there.directive.start === d.start) placements.push(...placementsOf(other.config, there));
  }
  // A line nginx reads as more arguments of the statement above (its ";" is missing) is no directive of its own:
  // no value or table for it, only what nginx makes of it (and the directive's documentation, for the user typing it).
  const prev = !d.block ? swallowedBy(config, node) : undefined;
  if (prev) {
    parts.push(`**Not a directive for nginx yet:** the line above has no \`;\`, so nginx reads \`${node.name}\` and the rest of this line as more arguments of \`${prev.name}\` (${placeOf(prev, path)}).`);
    const doc = docFor(node.name, node.context);
    if (doc) parts.push(doc);
    return { markdown: parts.join('\n\n---\n\n'), start: d.nameSpan.start, end: d.nameSpan.end };
  }
  // An unknown directive (a typo, or a module this configuration may not load) has no value nginx would use.
  // A directive that takes no value (least_conn, internal) is in force by being there: it has no value to show.
  const valueless = d.args.length === 0 && nginxDirective(node.name)?.args[0] === 0;
  if (!d.block && !valueless && node.name !== 'include' && isKnownNginxDirective(node.name)) {
    const s = stateAcross(placements, node.name, target, path, true);
    if (s.value !== '—') parts.push(`**Effective value here:** ${s.value} — ${s.origin}${readTimeoutOutcome(node, s.value)}`);
  }
  const module = moduleOfDirective(node.name);
  if (module && node.name.endsWith('_pass')) parts.push(passTable(placements, module, target, path, node.context.startsWith('stream')));
  // Narrowed to the target only where the line is read once: a file included twice may reach other groups.
  const pass = placements.length === 1 && node.name.endsWith('_pass') ? upstreams.passes.find((p) => p.node === node && p.module === 'http') : undefined;
  const doc = pass ? docFor(node.name, node.context, (full) => docForPass(full, pass, ruleIdsIn(result.findings, node.file.path, d.start, d.end))) : docFor(node.name, node.context);
  if (doc) parts.push(doc);
  if (parts.length === 0) return undefined;
  return { markdown: parts.join('\n\n---\n\n'), start: d.nameSpan.start, end: d.nameSpan.end };
}

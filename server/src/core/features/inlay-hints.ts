import type { ApacheLintResult } from '../lint-apache';
import type { LintResult } from '../lint';
import { describeTimeout, formatSeconds, type TimeoutValue, type Worker } from '../model/apache-proxy';
import { skippedBy, virtualHostOf, type ApacheNode } from '../model/apache-tree';
import { effective, type Effective } from '../model/nginx-effective';
import type { NginxTarget } from '../model/nginx-defaults';
import { moduleOfDirective } from '../model/nginx-modules';
import type { ConfigNode } from '../model/nginx-tree';
import { relative, dirname } from '../paths';

/**
 * Inlay hints: the timeouts in force on each line that sends requests to a backend, written after the line. They are
 * the numbers an engineer chasing a 504 (or a 502 on Apache) compares with the backend's own limits, and in nginx and
 * httpd both they are usually not on that line: inherited from a server block or the main configuration, or built-in
 * defaults nobody wrote. The hover has the detail; the hint is one glance per line.
 */
export interface InlayHintData {
  /** Where the hint goes: the end of the line's directive. */
  offset: number;
  label: string;
  /** Plain text: where each value comes from, and what it decides. */
  tooltip: string;
}

/** `5` is seconds to nginx; shown as `5s` so that no one reads it as milliseconds. */
function shownTime(v: string): string {
  return /^\d+$/.test(v) ? `${v}s` : v;
}

interface Valued {
  value: string;
  origin: string;
}

function nginxValue(e: Effective, from: string): Valued | undefined {
  if (e.duplicate) return undefined;
  const line = (n: ConfigNode) => n.file.lines.positionAt(n.directive.start).line + 1;
  if (e.nodes.length) {
    const n = e.nodes[e.nodes.length - 1];
    const arg = n.directive.args[0]?.value;
    if (arg === undefined) return undefined;
    const at = `${n.file.path === from ? 'line ' + line(n) : relative(dirname(from), n.file.path) + ':' + line(n)}`;
    return { value: shownTime(arg), origin: e.origin === 'here' ? `set on this line's level (${at})` : `inherited from ${at}` };
  }
  if (e.defaultValue === undefined) return undefined;
  return { value: shownTime(e.defaultValue), origin: 'built-in default' };
}

/**
 * The hints of a file that several configurations read (a snippet two nginx.conf files include, each with its own
 * timeouts), where they all agree: a number one of them does not use would mislead. The hover tells them apart.
 */
function agreeing(own: InlayHintData[], others: InlayHintData[][]): InlayHintData[] {
  if (!others.length) return own;
  return own.filter((h) => others.every((list) => list.every((o) => o.offset !== h.offset || o.label === h.label)));
}

/**
 * nginx: after each `*_pass` line of `path` (offsets from `start` to `end`), its connect and read timeouts (stream:
 * connect and the idle proxy_timeout). A file read more than once (included in two places, or by several
 * configurations, `others`) gets a hint only where the values agree.
 */
export function nginxInlayHints(result: LintResult, path: string, start: number, end: number, target: NginxTarget, others: readonly LintResult[] = []): InlayHintData[] {
  return agreeing(
    nginxHintsOf(result, path, start, end, target),
    others.map((r) => nginxHintsOf(r, path, start, end, target)),
  );
}

function nginxHintsOf(result: LintResult, path: string, start: number, end: number, target: NginxTarget): InlayHintData[] {
  const byLine = new Map<number, { labels: Set<string>; tooltip: string }>();
  for (const pass of result.upstreams.passes) {
    const node = pass.node;
    const d = node.directive;
    if (node.file.path !== path || d.end < start || d.start > end || !d.terminated) continue;
    const stream = pass.module === 'stream';
    const module = stream ? 'proxy' : moduleOfDirective(node.name);
    if (!module) continue;
    const pairs: [string, string][] = stream
      ? [['connect', 'proxy_connect_timeout'], ['idle', 'proxy_timeout']]
      : [['connect', `${module}_connect_timeout`], ['read', `${module}_read_timeout`]];
    const values = pairs.map(([short, name]) => ({ short, name, v: nginxValue(effective(result.config, node.parent, name, target), path) }));
    if (values.some((x) => !x.v)) continue;
    const label = values.map((x) => `${x.short} ${x.v!.value}`).join(' · ');
    const what = stream
      ? 'No connection within the connect timeout: nginx tries the next server or closes the client connection. A connection silent in both directions for proxy_timeout is closed.'
      : 'A timer firing before the response header is a 504 (connect: host down or firewalled; read: backend slow to answer). A refused or dropped connection is a 502.';
    const tooltip = [...values.map((x) => `${x.name} ${x.v!.value}: ${x.v!.origin}`), what].join('\n');
    const entry = byLine.get(d.end);
    if (entry) entry.labels.add(label);
    else byLine.set(d.end, { labels: new Set([label]), tooltip });
  }
  const out: InlayHintData[] = [];
  for (const [offset, { labels, tooltip }] of byLine) {
    // Included twice with different values: no single number is true for the line.
    if (labels.size === 1) out.push({ offset, label: [...labels][0], tooltip });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

function apacheSeconds(t: TimeoutValue): string | undefined {
  // A fragment whose main configuration is not known may have its Timeout changed there: no number to show.
  if (t.partial && (t.origin === 'default' || t.origin === 'Timeout')) return undefined;
  if ((t.origin === 'ProxyTimeout' || t.origin === 'Timeout') && t.node!.args.every((a) => a === '')) return undefined;
  return formatSeconds(t.ms).replace(' ', '');
}

/**
 * Apache: after each ProxyPass, ProxyPassMatch and BalancerMember line of `path`, the backend timeout (502 through
 * mod_proxy_http, 504 through mod_proxy_fcgi when it runs out before the status line) and the connect timeout (503).
 * A line whose requests come from several servers with different timeouts gets no hint: the hover lists them; so does
 * a line of a file several configurations read (`others`) where they do not agree.
 */
export function apacheInlayHints(result: ApacheLintResult, path: string, start: number, end: number, others: readonly ApacheLintResult[] = []): InlayHintData[] {
  return agreeing(
    apacheHintsOf(result, path, start, end),
    others.map((r) => apacheHintsOf(r, path, start, end)),
  );
}

function apacheHintsOf(result: ApacheLintResult, path: string, start: number, end: number): InlayHintData[] {
  const { proxy } = result;
  const out: InlayHintData[] = [];
  const lineOf = (n: ApacheNode) => n.file.lines.positionAt(n.directive.start).line + 1;
  for (const worker of proxy.workers as Worker[]) {
    const node = worker.node;
    const d = node.directive;
    // (The model has no worker for a line in a section httpd skips.)
    if (node.file.path !== path || d.end < start || d.start > end) continue;
    const servers = proxy.serversOf(worker);
    const list = servers.length ? servers : [worker.vhost];
    const backend = list.map((s) => proxy.backendTimeout(worker, s));
    const connect = list.map((s) => proxy.connectTimeout(worker, s));
    const b = new Set(backend.map(apacheSeconds));
    const c = new Set(connect.map(apacheSeconds));
    if (b.size !== 1 || c.size !== 1 || b.has(undefined) || c.has(undefined)) continue;
    const scheme = worker.target.scheme;
    // A balancer's own timeout= is the wait for a usable member, not a backend timeout: its card in the hover says so.
    if (scheme === 'balancer') continue;
    // What each runs out into, for the modules the lab checked (test/servers/apache-backend-hover.test.ts). A member's
    // failure may send the request to another member: its hint gives the values only.
    const slow = worker.kind === 'member' ? undefined : scheme === 'fcgi' ? '504' : scheme === 'http' || scheme === 'https' ? '502' : undefined;
    out.push({
      offset: d.end,
      label: `timeout ${[...b][0]} · connect ${[...c][0]}`,
      tooltip: [
        `Backend timeout ${describeTimeout(backend[0], lineOf, node)}${slow ? `: a backend silent that long before its status line gives ${slow}` : ''}.`,
        `Connect timeout ${describeTimeout(connect[0], lineOf, node)}${slow ? ': no connection within it gives 503' : ''}.`,
      ].join('\n'),
    });
  }
  // SetHandler "proxy:unix:/run/php/…|fcgi://localhost" (PHP-FPM): the worker whose name starts the URL the handler
  // makes, else httpd's default worker, as the hover says (handlerTimeoutsNote in apache.ts).
  for (const node of result.config.all) {
    const d = node.directive;
    // A line in a section httpd skips (<IfModule> of a module not loaded) is not read: its hover says "Not read".
    if (node.lname !== 'sethandler' || node.file.path !== path || d.end < start || d.start > end || skippedBy(node)) continue;
    const url = /^proxy:((?:unix:[^|]*\|)?[a-z][a-z0-9+.-]*:\/\/.+)$/i.exec(node.args[0] ?? '')?.[1];
    if (!url) continue;
    const server = virtualHostOf(node);
    const chain = proxy.workerForUrl(server, `${url.replace(/\/+$/, '')}/index.php`) ?? { params: new Map(), vhost: server };
    const backend = proxy.backendTimeout(chain, server);
    const connect = proxy.connectTimeout(chain, server);
    const b = apacheSeconds(backend);
    const c = apacheSeconds(connect);
    if (!b || !c) continue;
    const fcgi = /(^|\|)fcgi:\/\//i.test(url);
    out.push({
      offset: d.end,
      label: `timeout ${b} · connect ${c}`,
      tooltip: [
        `Backend timeout ${describeTimeout(backend, lineOf, node)}${fcgi ? ': a backend silent that long gives 504' : ''}.`,
        `Connect timeout ${describeTimeout(connect, lineOf, node)}${fcgi ? ': no connection within it gives 503' : ''}.`,
      ].join('\n'),
    });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

import type { LintResult } from '../lint';
import { effective, type Effective } from '../model/nginx-effective';
import type { NginxTarget } from '../model/nginx-defaults';
import { moduleOfDirective } from '../model/nginx-modules';
import type { ConfigNode, NginxConfig } from '../model/nginx-tree';
import type { Upstream } from '../model/nginx-upstreams';
import { relative, dirname } from '../paths';
import { locate } from './locate';

export interface HoverResult {
  markdown: string;
  start: number;
  end: number;
}

/**
 * Documentation for a directive (markdown) in a context: the proxylint knowledge base first, then the
 * official reference (which the adapter loads lazily). `server:<param>` asks for an upstream server parameter.
 */
export type DocLookup = (name: string, context?: string) => string | undefined;

const line = (n: ConfigNode) => n.file.lines.positionAt(n.directive.start).line + 1;
const text = (n: ConfigNode) => n.directive.args.map((a) => a.raw).join(' ');

/** "set here (line 7)", "inherited from conf.d/app.conf:3", "default", "not set". */
export function describeOrigin(e: Effective, from: string): string {
  if (e.origin === 'unset') return 'not set (no default applies to the target)';
  if (e.origin === 'default') return `built-in default`;
  const n = e.nodes[0];
  const where = `${relative(dirname(from), n.file.path)}:${line(n)}`;
  return e.origin === 'here' ? `set here (${where})` : `inherited from ${where}`;
}

function valueOf(e: Effective): string {
  if (e.origin === 'default') return e.defaultValue!;
  if (e.origin === 'unset') return '—';
  return e.nodes.length > 1 ? e.nodes.map(text).join('; ') : text(e.nodes[0]);
}

/** The settings that decide 502/504 behaviour at a location passing to an upstream, with where each comes from. */
function passTable(config: NginxConfig, scope: ConfigNode | null, module: string, target: NginxTarget, from: string): string {
  const names = [`${module}_connect_timeout`, `${module}_send_timeout`, `${module}_read_timeout`, `${module}_next_upstream`, `${module}_next_upstream_tries`, `${module}_next_upstream_timeout`];
  if (module === 'proxy') names.push('proxy_http_version', 'proxy_buffering', 'proxy_request_buffering');
  const rows = names.map((n) => {
    const e = effective(config, scope, n, target);
    return `| \`${n}\` | \`${valueOf(e)}\` | ${describeOrigin(e, from)} |`;
  });
  return ['**Effective at this location**', '', '| Directive | Value | Origin |', '|---|---|---|', ...rows].join('\n');
}

function upstreamSummary(up: Upstream, from: string): string {
  const where = `${relative(dirname(from), up.node.file.path)}:${line(up.node)}`;
  const servers = up.servers.map((s) => `- \`${text(s.node)}\``);
  const setting = (name: string) => up.node.children.find((c) => c.name === name);
  const facts = ['zone', 'keepalive', 'keepalive_timeout', 'least_conn', 'hash', 'ip_hash', 'random', 'health_check']
    .map((n) => setting(n))
    .filter((n): n is ConfigNode => !!n)
    .map((n) => `\`${n.name}${n.directive.args.length ? ' ' + text(n) : ''}\``);
  const passive = up.servers.length === 1
    ? 'One server: `max_fails`/`fail_timeout` are ignored, and every failure of it reaches clients as a 502 or 504.'
    : `Passive checks: a server is skipped for \`fail_timeout\` (default 10s) after \`max_fails\` (default 1) failed attempts; when all are skipped nginx answers 502 "no live upstreams".`;
  return [`**upstream \`${up.name}\`** (${where})`, '', ...servers, '', facts.length ? `Settings: ${facts.join(', ')}` : 'No keep-alive, zone or balancing method set.', '', passive].join('\n');
}

export function nginxHover(result: LintResult, path: string, offset: number, target: NginxTarget, docFor: DocLookup): HoverResult | undefined {
  const { config, upstreams } = result;
  const loc = locate(config, path, offset);
  const node = loc.node;
  if (!node) return undefined;
  const d = node.directive;

  if (loc.part === 'arg' && loc.arg) {
    const pass = upstreams.passes.find((p) => p.node === node);
    if (pass?.upstream) return { markdown: upstreamSummary(pass.upstream, path), start: loc.arg.start, end: loc.arg.end };
    if (node.name === 'server' && node.parent?.name === 'upstream') {
      const key = loc.arg.value.split('=')[0];
      const doc = docFor(`server:${key}`, node.context);
      if (doc) return { markdown: doc, start: loc.arg.start, end: loc.arg.end };
    }
  }

  // The value in force here goes first: it is what differs from file to file, and the card is long.
  const parts: string[] = [];
  const scope = node.parent;
  if (!d.block && node.name !== 'include') {
    const e = effective(config, scope, node.name, target);
    if (e.origin !== 'unset') {
      const mine = e.nodes.includes(node);
      parts.push(`**Effective value here:** \`${valueOf(e)}\` — ${mine ? describeOrigin(e, path) : `${describeOrigin(e, path)}; this line does not take effect here`}`);
    }
  }
  const module = moduleOfDirective(node.name);
  if (module && node.name.endsWith('_pass')) parts.push(passTable(config, scope, module, target, path));
  const doc = docFor(node.name, node.context);
  if (doc) parts.push(doc);
  if (parts.length === 0) return undefined;
  return { markdown: parts.join('\n\n---\n\n'), start: d.nameSpan.start, end: d.nameSpan.end };
}

import { clientGot, explainLog, nginxNotes, type ExplainedEntry, type ExplainedRequest } from '../core/explain/explain';
import type { LogExplanation } from '../core/explain/log-patterns';
import { apacheValueKey, type ApacheValue } from '../core/explain/apache-place';
import { nginxLineRoles, outcomeText, triedText } from '../core/explain/nginx-requests';
import type { PlaceCandidate, ValueHere } from '../core/explain/nginx-place';
import type { ConfigNode } from '../core/model/nginx-tree';
import { ruleMeta } from '../core/rules/index';
import { docsUrl } from '../core/rules/rule';
import { pathToUri } from './convert';
import type { Workspace } from './workspace';

/** Explains error-log lines (`proxylint explain`) for the editor: placed in the workspace's nginx configurations. */
export const EXPLAIN_COMMAND = 'proxylint.server.explain';

export function explainForEditor(ws: Workspace, text: string): string {
  const configs = ws.nginxEntryResults().map((r) => ({ config: r.config, findings: r.findings, target: r.settings.nginx, upstreams: r.upstreams }));
  const { entries, requests, unknown } = explainLog(text.split(/\r?\n/), configs, ws.apacheResults());
  if (entries.length === 0) return 'proxylint does not know this line: it explains nginx and Apache httpd error-log lines about failed proxied requests (502, 503, 504, …).';
  const parts = [...requests.map(requestMarkdown), ...entries.filter((x) => x.alone > 0).map(toMarkdown)];
  if (unknown) parts.push(`_${unknown} other line${unknown === 1 ? '' : 's'} not about a failed proxied request, or not known to proxylint._`);
  return parts.join('\n\n---\n\n') + '\n';
}

function link(node: { file: { path: string; lines: { positionAt(o: number): { line: number } } }; directive: { start: number } }): string {
  const line = node.file.lines.positionAt(node.directive.start).line + 1;
  const name = node.file.path.split('/').pop();
  return `[${name}:${line}](${pathToUri(node.file.path)}#L${line})`;
}

/** A link to a line by path and number (a start-up failure's finding: no node at hand). */
function lineLink(at: { path: string; line: number }): string {
  return `[${at.path.split('/').pop()}:${at.line}](${pathToUri(at.path)}#L${at.line})`;
}

const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';

const origin = (v: ValueHere) => (v.node ? `${v.origin === 'here' ? 'set here' : 'inherited'}, ${link(v.node)}` : (v.origin === 'default' ? (v.versionDependent ? 'the default; which one depends on the nginx version (setting nginx.version)' : 'the default') : 'not set') + (v.includerMaySet ? ', unless the configuration that includes this file sets it' : ''));

/** The location, and the try_files / error_page / rewrite steps that handed the request on to it. */
function locationMarkdown(c: PlaceCandidate): string {
  const match = (n: ConfigNode) => n.directive.args.map((a) => a.raw).join(' ');
  const steps = (c.handoff ?? []).map((h) => `from ${code('location ' + match(h.from))} at ${link(h.from)} by ${code(`${h.via.name} ${match(h.via)}`)} (${link(h.via)})`);
  return `${code('location ' + match(c.location!))} at ${link(c.location!)}${steps.length ? `, handed on ${steps.join(', then ')}` : ''}`;
}

const shorten = (line: string) => code(line.length > 300 ? line.slice(0, 297) + '...' : line);

function toMarkdown(x: ExplainedEntry): string {
  const { pattern } = x.explanation;
  const head = `### ${pattern.server === 'nginx' ? 'nginx' : 'Apache httpd'}: ${x.outcome ?? x.hedge ? outcomeText((x.outcome ?? x.hedge)!) : clientGot(x)}${x.alone > 1 ? ` (${x.alone} lines)` : ''}`;
  return [head, shorten(x.example), ...body(x)].join('\n\n');
}

/** The lines of one request (see apacheRequests, nginxRequests), each with what it says; for nginx, the servers tried and what the client got first. */
function requestMarkdown(r: ExplainedRequest): string {
  if (r.server === 'nginx') {
    const who = [`connection ${r.thread}`, r.client && `client ${r.client}`, r.request && code(r.request)].filter(Boolean).join(', ');
    const out = [`### nginx: one request, logged in ${r.lines.length} lines (${r.count > 1 ? `${r.count} requests like it; the first: ${who}` : who})`];
    if (r.tried?.length) out.push(`**Tried:** ${triedText(r.tried, code)}`);
    out.push(`**Outcome:** ${outcomeText(r.outcome!)}.`);
    const roles = nginxLineRoles(r.lines.map((l) => l.entry.explanation), r.outcome);
    r.lines.forEach((line, n) => out.push(shorten(line.text), `**nginx:** ${roles[n] ?? clientGot(line.entry)}`, ...body(line.entry, line.explanation)));
    return out.join('\n\n');
  }
  const who = `${r.thread}${r.client ? `, client ${r.client}` : ''}`;
  const out = [`### Apache httpd: one request, logged in ${r.lines.length} lines by one thread (${r.count > 1 ? `${r.count} requests like it; the first: ${who}` : who})`];
  if (r.tried?.length) out.push(`**Tried:** ${triedText(r.tried, code)}`);
  if (r.outcome) out.push(`**Outcome:** ${outcomeText(r.outcome)}.`);
  // The lines of one try mostly name one worker: its Backend is said with the first of them (see body).
  const shown = new Set<unknown>();
  r.lines.forEach((line, n) => out.push(shorten(line.text), `**Apache httpd:** ${r.roles?.[n] ?? clientGot(line.entry)}`, ...body(line.entry, line.explanation, shown)));
  return out.join('\n\n');
}

/**
 * `shown`: what an earlier line of the same httpd request said (its worker, values and findings); said once, as the
 * CLI does, since a try's lines mostly share them.
 */
function body(x: ExplainedEntry, own?: LogExplanation, shown?: Set<unknown>): string[] {
  const { pattern } = x.explanation;
  const fields = (own ?? x.explanation).fields;
  const out: string[] = [];
  out.push(`**What happened:** ${pattern.meaning}`);
  for (const note of nginxNotes(x, link)) out.push(`**Note:** ${note}`);
  const backend = fields.socket ? `unix:${fields.socket}` : fields.upstream;
  const apacheAt = x.apache ? (x.apache.worker?.node ?? x.apache.node) : undefined;
  const backendShown = apacheAt !== undefined && !!shown?.has(apacheAt);
  if (apacheAt !== undefined) shown?.add(apacheAt);
  if ((fields.path || backend) && !(backendShown && !fields.path)) out.push(`**Request:** ${[fields.method && fields.path ? code(`${fields.method} ${fields.path}`) : fields.path && code(fields.path), backend && `backend ${code(backend)}`].filter(Boolean).join(', ')}`);
  // An httpd line about a configuration file: the file and line it names, and the workspace's copy of that file.
  if (pattern.inConfig && fields.configFile) {
    const named = `${fields.configFile}${fields.configLine !== undefined ? `:${fields.configLine}` : ''}`;
    const copies = (x.configFiles ?? []).map((path) => lineLink({ path, line: fields.configLine ?? 1 }));
    const read = copies.length ? ` (in the workspace: ${copies.join(', ')})` : x.configFiles ? ' (not one of the files the workspace\'s configurations read)' : '';
    out.push(`**${pattern.statuses.includes('startup-failure') ? 'Refused at' : 'File'}:** ${code(named)}${read}`);
  }
  if (x.place) {
    const loc = x.place.location;
    out.push(`**Handled by:** the server block at ${link(x.place.server)} (${x.place.how})${loc ? `, ${locationMarkdown(x.place)}` : ''}`);
    for (const other of x.place.others ?? []) out.push(`**or:** the server block at ${link(other.server)}${other.location ? `, ${locationMarkdown(other)}` : ''}`);
  }
  if (x.apache) {
    const w = x.apache;
    if (backendShown) {
      // Said with the request's earlier line.
    } else if (w.worker) out.push(`**Backend:** ${code(`${w.worker.node.name} ${w.worker.url}`)} at ${link(w.worker.node)} (${w.how})${w.rule && w.rule.node !== w.worker.node ? `, used by ${code(`${w.rule.node.name} ${w.rule.path}`)} at ${link(w.rule.node)}` : ''}`);
    // A RewriteRule [P] (httpd's default worker) or a SetHandler "proxy:unix:…" is no balancer: before, both were shown
    // as "Balancer: ``".
    else if (w.rewrite) out.push(`**Backend:** ${code(`RewriteRule ${w.rewrite.url} [P]`)} at ${link(w.node)} (${w.how})`);
    else if (w.handler) out.push(`**Backend:** ${code(`SetHandler "proxy:${w.handler.url}"`)} at ${link(w.node)} (${w.how})`);
    else out.push(`**Balancer:** ${code(w.balancer?.name ?? '')} at ${link(w.node)} (${w.how})`);
    const one = (v: ApacheValue) => `${v.name}: ${code(v.value)}, ${v.origin}${v.node ? ` (${link(v.node)})` : ''}`;
    const key = apacheValueKey;
    const values = w.values.filter((v) => !shown?.has(key(v)));
    for (const v of values) shown?.add(key(v));
    if (!values.some((v) => v.scope)) {
      if (values.length) out.push('**In force there:**\n\n' + values.map((v) => `- ${one(v)}`).join('\n'));
    } else {
      // Values that depend on what the lines do not say (which worker, which server the request came to): each candidate's.
      const scopes = new Map<string, ApacheValue[]>();
      for (const v of values) scopes.set(v.scope!.label, [...(scopes.get(v.scope!.label) ?? []), v]);
      out.push(
        '**In force there, for each candidate (the lines do not say which one it was):**\n\n' +
          [...scopes].map(([label, vs]) => `- ${code(label)}${vs[0].scope!.node ? ` (${link(vs[0].scope!.node)})` : ''}: ${vs.map(one).join('; ')}`).join('\n'),
      );
    }
  }
  if (x.values.length) {
    out.push(
      '**In force there:**\n\n' +
        x.values
          .map((v) => `- ${code(`${v.directive} ${v.value ?? '(none)'}`)}: ${origin(v)}${v.others ? `; ${v.others.map((w) => `${code(w.value.value ?? '(none)')} in the server block at ${link(w.server)} (${origin(w.value)})`).join('; ')}: the line does not tell which` : ''}`)
          .join('\n'),
    );
  } else if (!x.apache && x.explanation.directives.length) out.push(`**Check:** ${x.explanation.directives.map(code).join(', ')}`);
  const findings = x.findings.map((f, k) => ({ f, at: x.findingAt?.[k] })).filter(({ f }) => !shown?.has(f));
  for (const { f } of findings) shown?.add(f);
  if (findings.length) out.push('**proxylint finds there:**\n\n' + findings.map(({ f, at }) => `- ${at ? `${lineLink(at)}: ` : ''}${f.message} (${code(f.ruleId)})`).join('\n'));
  if (x.rules.length) out.push(`**Rules:** ${x.rules.map((id) => `[${id}](${docsUrl(ruleMeta(id)!)})`).join(', ')}`);
  return out;
}

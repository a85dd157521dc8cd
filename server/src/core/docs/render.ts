import type { DirectiveDoc } from './directive-doc';
import { allRules } from '../rules/index';
import { docsUrl } from '../rules/rule';

const LABELS: Record<string, string> = {
  'startup-failure': 'a failed start or reload',
  'truncated-200': 'a truncated 200',
  'connection-closed': 'a closed connection',
  'source-leak': 'a 200 with the script\'s source',
};

/** "502/504 or a failed start or reload": HTTP codes joined with slashes, then the other outcomes. */
export function outcomeText(codes: string[]): string {
  const http = codes.filter((c) => /^\d{3}$/.test(c));
  const other = codes.filter((c) => c in LABELS).map((c) => LABELS[c]);
  const parts = [...(http.length ? [http.join('/')] : []), ...other];
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
}

/** `60s`, `4k|8k` (one memory page); values that already carry markdown or read as prose stay as written. */
function formatDefault(value: string): string {
  if (value.includes('`')) return value;
  const m = /^(.*?)( \(.*\))?$/.exec(value);
  const head = m?.[1] ?? value;
  return head.split(' ').length <= 4 && !head.includes(';') ? '`' + head + '`' + (m?.[2] ?? '') : value;
}

function ruleLink(id: string, server: DirectiveDoc['server']): string {
  const meta = allRules.find((r) => r.id === id && (r.server === server || r.server === 'any')) ?? allRules.find((r) => r.id === id);
  return meta ? `[${id}](${docsUrl(meta)})` : id;
}

function codeBlock(lines: string[]): string {
  return ['```text', ...lines, '```'].join('\n');
}

/**
 * Markdown for an editor hover: summary, how the setting leads to the error on this server, the log lines to
 * search for, default, versions, the official doc link and related proxylint rules. The language server puts
 * the effective value and its origin above this.
 */
export function renderHover(doc: DirectiveDoc): string {
  const serverName = doc.server === 'nginx' ? 'nginx' : 'Apache';
  const outcome = outcomeText(doc.statusCodes);
  const heading = outcome ? `How this leads to ${outcome} on ${serverName}` : `How this relates to 5xx errors on ${serverName}`;
  const out: string[] = [`**${doc.name}** — ${doc.summary}`, `**${heading}**`, doc.failure];

  if (doc.logLines.length || doc.expectedLogLines?.length) {
    const log: string[] = [`**In the error log**`];
    if (doc.logLines.length) log.push(codeBlock(doc.logLines) + '\n\n' + `_As logged in proxylint's lab (${doc.server === 'nginx' ? 'nginx 1.22.1' : 'Apache 2.4.71'}); addresses, ports and paths will differ._`);
    if (doc.expectedLogLines?.length) log.push('Expected form (not reproduced in the lab):\n\n' + codeBlock(doc.expectedLogLines));
    out.push(log.join('\n\n'));
  }

  out.push(`**Default:** ${doc.defaultValue ? formatDefault(doc.defaultValue) : 'none'}`);
  if (doc.versions) out.push(`**Versions:** ${doc.versions}`);

  const links = [`[${serverName} docs ↗](${doc.url})`];
  if (doc.rules?.length) links.push('Related rules: ' + doc.rules.map((id) => ruleLink(id, doc.server)).join(', '));
  out.push(links.join(' · '));
  return out.join('\n\n');
}

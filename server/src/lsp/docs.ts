import { nginxDirectiveDoc, nginxServerParamDoc } from '../core/docs/directive-doc';
import { renderHover } from '../core/docs/render';
import type { DocLookup } from '../core/features/hover';

interface RefDirective {
  name: string;
  module: string;
  description: string;
  syntax: string[];
  contexts: string[];
  default: string;
}

let reference: Map<string, RefDirective[]> | undefined;

/** @nginx/reference-lib (generated from nginx.org) is 1.7 MB: loaded on the first hover, never by the CLI. */
function referenceDocs(): Map<string, RefDirective[]> {
  if (!reference) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require('@nginx/reference-lib') as { getDirectives(format: number): RefDirective[] };
    reference = new Map();
    for (const d of lib.getDirectives(1)) reference.set(d.name, [...(reference.get(d.name) ?? []), d]);
  }
  return reference;
}

function pageOf(module: string): string {
  if (module.startsWith('ngx_stream_')) return `stream/${module}.html`;
  if (module.startsWith('ngx_mail_')) return `mail/${module}.html`;
  if (module.startsWith('ngx_http_')) return `http/${module}.html`;
  return 'ngx_core_module.html';
}

/** Syntax lines come as markdown ("*`time`*"); inside a code span only the words should remain. */
const plain = (s: string) => s.replace(/<[^>]+>/g, '').replace(/&hellip;/g, '…').replace(/\*(`[^`]*`)\*/g, '$1').replace(/`/g, '').trim();

/** The official reference text for any nginx directive the proxylint knowledge base does not cover. */
export function referenceDoc(name: string): string | undefined {
  const entries = referenceDocs().get(name);
  if (!entries?.length) return undefined;
  return entries
    .map((d) => {
      const url = `https://nginx.org/en/docs/${pageOf(d.module)}#${d.name}`;
      const meta = [`**Syntax:** \`${d.name} ${d.syntax.map(plain).join('` or `' + d.name + ' ')}\``, d.default ? `**Default:** \`${d.default}\`` : '', `**Context:** ${d.contexts.filter(Boolean).join(', ') || 'any'}`].filter(Boolean);
      return [`**${d.name}** (${d.module})`, meta.join(' · '), d.description.trim(), `[nginx documentation ↗](${url})`].join('\n\n');
    })
    .join('\n\n---\n\n');
}

export const docLookup: DocLookup = (name, context) => {
  if (name.startsWith('server:')) {
    const doc = nginxServerParamDoc(name.slice(7));
    return doc && renderHover(doc);
  }
  const doc = nginxDirectiveDoc(name, context);
  // proxylint's own text explains the 502/504 side; the reference covers every other directive.
  return doc ? renderHover(doc) : referenceDoc(name);
};

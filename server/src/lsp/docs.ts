import { nginxDirectiveDoc, nginxServerParamDoc } from '../core/docs/directive-doc';
import { renderHover } from '../core/docs/render';
import { directiveVersion, versionScope, type VersionScope } from '../core/model/nginx-directive-versions';
import { BUILD_DEPENDENT_DEFAULTS } from '../core/model/nginx-defaults';
import { plusNote } from '../core/model/nginx-plus';
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

/**
 * Where a directive sits (the tree's context names) → the module family and the context names the reference uses.
 * Many names exist in several modules (`listen`, `server`, `resolver`, `allow`: http, stream and mail each have
 * one), and a hover that shows all of them makes the reader work out which one applies.
 */
const REFERENCE_CONTEXTS: Record<string, [family: string | undefined, names: string[]]> = {
  main: [undefined, ['main']],
  events: [undefined, ['events']],
  http: ['ngx_http_', ['http']],
  server: ['ngx_http_', ['server']],
  location: ['ngx_http_', ['location']],
  'if-location': ['ngx_http_', ['if in location', 'if']],
  'if-server': ['ngx_http_', ['if']],
  limit_except: ['ngx_http_', ['limit_except']],
  upstream: ['ngx_http_', ['upstream']],
  stream: ['ngx_stream_', ['stream']],
  'stream-server': ['ngx_stream_', ['server']],
  'stream-upstream': ['ngx_stream_', ['upstream']],
  mail: ['ngx_mail_', ['mail']],
  'mail-server': ['ngx_mail_', ['server']],
};

/** Narrows only while something is left: a directive written in the wrong place still gets every entry. */
function narrow<T>(list: T[], keep: (x: T) => boolean): T[] {
  const kept = list.filter(keep);
  return kept.length ? kept : list;
}

/** The part of nginx a reference entry is about: the hovered line's context, else the entry's own module. */
function scopeOf(d: RefDirective, context: string | undefined): VersionScope {
  const own = context === undefined ? undefined : versionScope(context);
  if (own) return own;
  const upstream = d.contexts.length === 1 && d.contexts[0] === 'upstream';
  if (d.module.startsWith('ngx_stream_')) return upstream ? 'stream-upstream' : 'stream';
  if (d.module.startsWith('ngx_mail_')) return 'mail';
  return upstream ? 'upstream' : 'http';
}

/**
 * The release a directive appeared in (or was removed in), from proxylint's version table: the reference text leaves
 * out nginx.org's "This directive appeared in version …", and a directive newer than the server stops it from
 * starting ("unknown directive"), which is what a reader on an older nginx needs to know first.
 */
function versionLine(d: RefDirective, context: string | undefined): string {
  const e = directiveVersion(d.name, scopeOf(d, context));
  if (!e) return '';
  const parts: string[] = [];
  if (e.since) parts.push(`${e.olderElsewhere ? 'allowed here since' : 'appeared in'} nginx ${e.since}${e.plusBefore ? ' (NGINX Plus had it before)' : ''}`);
  if (e.removed) parts.push(`removed in nginx ${e.removed}`);
  return parts.length ? `**Versions:** ${parts.join('; ')}` : '';
}

/**
 * The official reference text for any nginx directive the proxylint knowledge base does not cover: the entries of
 * the module family and context the directive sits in (all of them when the context is unknown or matches none).
 */
/**
 * The reference's default, except where the nginx build decides it (BUILD_DEPENDENT_DEFAULTS: `user`, whose
 * reference value `nobody nobody` is not what Debian's package runs with).
 */
function defaultLine(name: string, value: string | undefined): string {
  const built = BUILD_DEPENDENT_DEFAULTS[name];
  if (built) return `**Default:** \`${built.value}\` (${built.note})`;
  return value ? `**Default:** \`${value}\`` : '';
}

export function referenceDoc(name: string, context?: string): string | undefined {
  let entries = referenceDocs().get(name);
  if (!entries?.length) return undefined;
  const where = context === undefined ? undefined : REFERENCE_CONTEXTS[context];
  if (where) {
    const [family, names] = where;
    if (family) entries = narrow(entries, (d) => d.module.startsWith(family));
    entries = narrow(entries, (d) => d.contexts.some((c) => names.includes(c)));
  }
  return entries
    .map((d) => {
      const url = `https://nginx.org/en/docs/${pageOf(d.module)}#${d.name}`;
      const meta = [`**Syntax:** \`${d.name} ${d.syntax.map(plain).join('` or `' + d.name + ' ')}\``, defaultLine(d.name, d.default), `**Context:** ${d.contexts.filter(Boolean).join(', ') || 'any'}`, versionLine(d, context)].filter(Boolean);
      return [`**${d.name}** (${d.module})`, plusNote(d.name, context) ?? '', meta.join(' · '), d.description.trim(), `[nginx documentation ↗](${url})`].filter(Boolean).join('\n\n');
    })
    .join('\n\n---\n\n');
}

export const docLookup: DocLookup = (name, context, narrow) => {
  if (name.startsWith('server:')) {
    const doc = nginxServerParamDoc(name.slice(7));
    return doc && renderHover(doc);
  }
  const doc = nginxDirectiveDoc(name, context);
  // proxylint's own text explains the 502/504 side; the reference covers every other directive.
  return doc ? renderHover(narrow ? narrow(doc) : doc) : referenceDoc(name, context);
};

/**
 * Hover and completion text for clients that declare less than VS Code: plain-text hovers, no snippets.
 * Both undo only the few constructs proxylint itself writes (see core/docs/render.ts, core/features/hover.ts and the
 * completion snippets); they are not general Markdown or snippet parsers.
 */
import { PLACE_LINK } from '../core/features/place-link';

/** Bold, code spans, links, italics (`_phrase_`, `*phrase*`), fences, table rulers and backslash escapes, as plain text. */
export function markdownToPlainText(markdown: string): string {
  const out: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) out.push(line);
    // The |---|---| line under a table header.
    else if (/^\s*\|?(\s*:?-{3,}:?\s*\|)+\s*(:?-{3,}:?\s*)?$/.test(line)) continue;
    else out.push(inline(line).trimEnd());
  }
  return out.join('\n');
}

function inline(line: string): string {
  // A table row keeps its cells apart with " | ", without the outer pipes.
  const row = /^\s*\|(.*)\|\s*$/.exec(line);
  const text = row ? row[1].trim() : line.replace(/^#{1,6}\s+/, '');
  // Code spans are verbatim (nothing inside them is markup) but may sit inside bold or a link label: they are set
  // aside while the rest is undone, then put back without their backticks.
  const spans: string[] = [];
  const prose = text.replace(/`([^`]*)`/g, (_, code: string) => `\u0000${spans.push(code) - 1}\u0000`);
  return prose
    // A link to a place in a config file (core/features/place-link.ts): the label says the place; the path is clutter.
    .replace(PLACE_LINK, (_, label: string) => label)
    .replace(/\[([^\]]*)\]\(([^)\s]+)\)/g, (_, label: string, url: string) => (label === url ? url : `${label} (${url})`))
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/(^|[\s(])_([^_]+)_(?=$|[\s).,;:])/g, '$1$2')
    // `*after*`, `*`path`*` (the reference's placeholders): a star right before a word and right after one.
    .replace(/(^|[\s(“"'])\*(?=[^\s*])([^*]*[^\s*])\*(?=$|[\s).,;:!?”"'\u0000])/g, '$1$2')
    .replace(/\\([\\`*_{}[\]()#+\-.!|<>])/g, '$1')
    .replace(/\u0000(\d+)\u0000/g, (_, i: string) => spans[Number(i)]);
}

/**
 * LSP snippet text as the text it inserts when nothing is typed: `${1:default}` → `default`, `$0` / `$1` / `${2}` →
 * nothing, `\$` `\}` `\\` → the character. Placeholders may nest.
 */
export function snippetToPlainText(snippet: string): string {
  let i = 0;
  const read = (inPlaceholder: boolean): string => {
    let out = '';
    while (i < snippet.length) {
      const c = snippet[i];
      if (c === '\\' && i + 1 < snippet.length && '$}\\'.includes(snippet[i + 1])) {
        out += snippet[i + 1];
        i += 2;
      } else if (c === '}' && inPlaceholder) {
        i++;
        return out;
      } else if (c === '$' && /\d/.test(snippet[i + 1] ?? '')) {
        i++;
        while (/\d/.test(snippet[i] ?? '')) i++;
      } else if (c === '$' && snippet[i + 1] === '{' && /\d/.test(snippet[i + 2] ?? '')) {
        i += 2;
        while (/\d/.test(snippet[i] ?? '')) i++;
        if (snippet[i] === ':') {
          i++;
          out += read(true);
        } else if (snippet[i] === '}') i++;
      } else {
        out += c;
        i++;
      }
    }
    return out;
  };
  return read(false);
}

/**
 * Places in hover text as links, so an editor can jump to them. The core stays free of URIs: it writes the target as
 * `<absolute path#L<line>>` (CommonMark's pointy-bracket destination, which may hold spaces), and the LSP adapter
 * turns it into a `file://…#L<line>` URI (linkTargetsToUris); the plain-text converter keeps only the label.
 */
import { dirname, relative } from '../paths';

/**
 * Just the characters that would end a label early, outside code spans: inside one a backslash is a backslash, and
 * CommonMark lets a code span hold brackets within a link's label.
 */
const escapeLabel = (label: string) => label.replace(/(`[^`]*`)|[\\[\]]/g, (c, code?: string) => code ?? `\\${c}`);

/** `[label](<path#Lline>)`; the bare label when the path cannot stand in a pointy-bracket destination. */
export function placeLink(label: string, path: string, line: number): string {
  if (!path || /[<>\r\n]/.test(path)) return label;
  return `[${escapeLabel(label)}](<${path}#L${line}>)`;
}

/** A link placeLink wrote: its label (still escaped), path and line. */
export const PLACE_LINK = /\[((?:\\.|`[^`\r\n]*`|[^\\\]`])*)\]\(<([^<>\r\n]*)#L(\d+)>\)/g;

interface Placed {
  file: { path: string; lines: { positionAt(offset: number): { line: number } } };
  directive: { start: number };
}

export const lineOfNode = (n: Placed): number => n.file.lines.positionAt(n.directive.start).line + 1;

/** "line 7", or "line 7 of app.conf" when `n` is in another file than `from`, linked to that line. */
export function lineLink(n: Placed, from?: { file: { path: string } }): string {
  const line = lineOfNode(n);
  const label = from && n.file.path !== from.file.path ? `line ${line} of ${n.file.path.slice(n.file.path.lastIndexOf('/') + 1)}` : `line ${line}`;
  return placeLink(label, n.file.path, line);
}

/** The text with each place link reduced to its label: what a reader sees, to tell two texts apart by. */
export const labelsOnly = (markdown: string): string => markdown.replace(PLACE_LINK, (_, label: string) => label);

/** "`conf/app.conf:3`" (relative to the hovered file's folder), linked to that line. */
export function codePlaceLink(n: Placed, from: string): string {
  const line = lineOfNode(n);
  return placeLink(`\`${relative(dirname(from), n.file.path)}:${line}\``, n.file.path, line);
}

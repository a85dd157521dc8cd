import * as nodePath from 'node:path';
import { URI } from 'vscode-uri';

/**
 * The server links an explanation to configuration lines as `file:///…#L12` URIs. VS Code's Markdown preview shows
 * those as raw text: it renders with markdown-it, whose validateLink refuses the file:, javascript:, vbscript: and
 * data: schemes, and VS Code adds back only vscode: links and data: images. Even a file: link let through is dead
 * there, since a webview opens only http(s), mailto and vscode links itself. What the preview does open is a link
 * without a scheme: it hands the href to the Markdown extension, which resolves it against the document the preview
 * shows (a path starting with "/" against the first workspace folder, not the file system root) and opens the file,
 * at the line a `#L12` fragment names. The editor's Ctrl+click on the Markdown text resolves links the same way.
 *
 * So the client saves the answer as a file and links each line by a path relative to that file's folder. A path
 * from one Windows drive to another has no relative form: such a link stays a file: URI (the editor text still
 * opens it; the preview shows it as text, as before).
 */
export function relativeLinks(markdown: string, fromDir: string, path: typeof nodePath = nodePath): string {
  // The destinations the server writes: URI.file(path).toString() percent-encodes spaces, parentheses, '#' and '%',
  // so a destination ends at the first ')' or blank, and its own fragment is the line.
  return markdown.replace(/\]\((file:\/\/[^)\s]+)\)/g, (whole, target: string) => {
    const uri = URI.parse(target);
    const to = uri.fsPath;
    const rel = path.relative(fromDir, to);
    if (!rel || path.isAbsolute(rel)) return whole;
    const href = rel.split(path.sep).map(encodeSegment).join('/');
    return `](${href}${uri.fragment ? '#' + uri.fragment : ''})`;
  });
}

/**
 * One path segment as a Markdown link destination: percent-encoded, so that a space, '(' or ')' (which end or
 * unbalance a destination), '#' (a fragment), '?' or '%' in a folder or file name stay part of the path. The
 * Markdown extension decodes them again when it resolves the link.
 */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[()!'*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

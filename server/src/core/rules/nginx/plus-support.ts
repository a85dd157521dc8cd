import type { Fix } from '../../finding';
import { missingInVersion } from '../../model/nginx-directive-versions';
import { plusDirective } from '../../model/nginx-plus';
import type { ConfigNode } from '../../model/nginx-tree';
import type { NginxRuleContext } from '../rule';

/**
 * Dynamic modules nginx.org ships (and Debian packages); a load_module of anything else may bring directives of its own,
 * so a name unknown to nginx's reference (or one only NGINX Plus has) is then only probably unknown.
 */
const STOCK_MODULES = /(^|\/)ngx_(stream|mail|http_geoip|stream_geoip|http_image_filter|http_xslt_filter|http_perl|http_js|stream_js|otel)_module\.so$/;

/** The path of the first module the configuration loads that is not one nginx.org ships, if any. */
export function extraModule(ctx: NginxRuleContext): string | undefined {
  const load = ctx.nodes('load_module').find((n) => n.directive.args[0] && !STOCK_MODULES.test(n.directive.args[0].value));
  return load?.directive.args[0].value;
}

/**
 * Comments out a directive line or a whole `name { … }` block, with `note` after it: on open source nginx an NGINX Plus
 * directive never loaded, so nothing that ran depended on it, and the comment keeps the intent visible. Only when the
 * directive has its lines to itself (nothing but white space before it, at most a comment after it); otherwise it is
 * left to the user.
 */
export function commentOut(n: ConfigNode, note: string, what = 'NGINX Plus only'): Fix | undefined {
  const lines = n.file.lines;
  const first = lines.positionAt(n.directive.start).line;
  const last = lines.positionAt(n.directive.end).line;
  if (!n.directive.block && last !== first) return undefined;
  const before = lines.lineText(first).slice(0, n.directive.start - lines.lineStart(first));
  const after = lines.lineText(last).slice(n.directive.end - lines.lineStart(last));
  if (before.trim() !== '' || !/^\s*(#.*)?$/.test(after)) return undefined;
  if (!n.directive.block) {
    const src = n.file.text.slice(n.directive.start, n.directive.end);
    return { title: `Comment out "${n.name}" (${what})`, edits: [{ path: n.file.path, start: n.directive.start, end: n.directive.end, newText: `# ${src}${note}` }] };
  }
  // A block: "# " before the first non-blank character of each of its lines; the note goes on its first line.
  const edits = [];
  for (let line = first; line <= last; line++) {
    const text = lines.lineText(line);
    const indent = text.length - text.trimStart().length;
    if (indent === text.length) continue;
    edits.push({ path: n.file.path, start: lines.lineStart(line) + indent, end: lines.lineStart(line) + indent, newText: '# ' });
  }
  const end = lines.lineStart(first) + lines.lineText(first).trimEnd().length;
  edits.push({ path: n.file.path, start: end, end, newText: note });
  return { title: `Comment out the "${n.name}" block (${what})`, edits };
}

/**
 * True when the target is open source nginx and `node` is an NGINX Plus directive it does not have (at the target
 * version, for those open source got later): nginx stops at the name, `unknown directive`, before it looks at where
 * the line stands or what its arguments are. plus-only-directive reports the line; the rules about placement and
 * arguments leave it alone, so the line gets one finding that says what nginx says. With the edition unknown they
 * still judge it: on NGINX Plus a misplaced line or a wrong value stops nginx just the same.
 */
export function refusedAsPlus(ctx: NginxRuleContext, node: ConfigNode): boolean {
  if (ctx.target.edition !== 'oss') return false;
  if (plusDirective(node.name, node.context)) return true;
  const version = ctx.target.version;
  return !!version && !!missingInVersion(node.name, node.context, version)?.entry.plusBefore;
}

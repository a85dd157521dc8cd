import type { Fix } from '../../finding';
import { insertLinesBefore, replaceSpan } from '../../fix';
import type { ConfigNode } from '../../model/nginx-tree';
import type { PassTarget } from '../../model/nginx-upstreams';
import type { Span } from '../../syntax/nginx/ast';
import { defineNginxRule } from '../rule';
import { locationMatch } from './addresses-support';

/**
 * A URI part in proxy_pass replaces the part of the request URI that matched the location. nginx cannot
 * tell which part that is in a regex location, and there is no location path in a named location, an `if`
 * or a `limit_except` block, so it refuses to start (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass):
 * `"proxy_pass" cannot have URI part in location given by regular expression, or inside named location,
 * or inside "if" statement, or inside "limit_except" block` [lab, nginx 1.22.1]. With variables in the
 * target the rule does not apply: the URI is then sent as written.
 */

const META = new Set([...'.*+?()[]{}|\\$^']);

/** The literal text a regex requires at the start of the URI (`^/api/` → "/api/"), or undefined. */
function literalPrefix(re: string): string | undefined {
  if (!re.startsWith('^')) return undefined;
  let out = '';
  for (let i = 1; i < re.length; i++) {
    const c = re[i];
    if (c === '\\' && i + 1 < re.length && /[./-]/.test(re[i + 1])) out += re[++i];
    else if (META.has(c)) break;
    else out += c;
  }
  return out || undefined;
}

const escapeRe = (s: string) => s.replace(/[.*+?()[\]{}|\\$^]/g, '\\$&');
const quoteIfNeeded = (s: string) => (/[\s{};"'#]/.test(s) ? `"${s.replace(/(["\\])/g, '\\$1')}"` : s);

/** Why this block forbids a URI part, or undefined when it allows one. */
function forbidding(node: ConfigNode): string | undefined {
  const p = node.parent;
  if (!p) return undefined;
  if (p.name === 'if') return 'inside an "if" block';
  if (p.name === 'limit_except') return 'inside a "limit_except" block';
  if (p.name !== 'location') return undefined;
  const kind = locationMatch(p).kind;
  if (kind === 'regex') return 'in a location given by a regular expression';
  if (kind === 'named') return 'in a named location';
  return undefined;
}

/** The same mapping a prefix location would make, written as `rewrite … break` (not possible in limit_except or named locations). */
function rewriteFix(t: PassTarget, uriSpan: Span): Fix | undefined {
  const uri = t.uri!;
  if (uri.includes('?') || t.node.parent?.name === 'limit_except') return undefined;
  const loc = t.node.parent?.name === 'location' ? t.node.parent : t.node.parent?.parent;
  if (!loc || loc.name !== 'location') return undefined;
  const m = locationMatch(loc);
  if (m.kind === 'named') return undefined;
  const prefix = m.kind === 'regex' ? literalPrefix(m.pattern) : m.pattern;
  // Replacing a prefix with itself is what dropping the URI part already does.
  if (!prefix || prefix === uri) return undefined;
  const re = `${m.caseless ? '(?i)' : ''}^${escapeRe(prefix)}(.*)$`;
  const line = `rewrite ${quoteIfNeeded(re)} ${quoteIfNeeded(uri + '$1')} break;`;
  return {
    title: `Replace "${prefix}" with "${uri}" using rewrite … break, and drop the URI part (check it is the path the backend expects)`,
    edits: [insertLinesBefore(t.node, [line]), replaceSpan(t.node.file, uriSpan, '')],
  };
}

export default defineNginxRule({
  id: 'uri-part-not-allowed',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'proxy_pass has a URI part inside a regex or named location, an "if" or a "limit_except" block: nginx refuses to start.',
  directives: ['proxy_pass'],
  versions: 'all',
  check(ctx) {
    for (const t of ctx.upstreams.passes) {
      if (t.directive !== 'proxy_pass' || t.module !== 'http' || t.hasVariables || t.error || t.uri === undefined) continue;
      const where = forbidding(t.node);
      if (!where) continue;
      // For unix:/path:/uri the colon that closes the path goes with the URI.
      const raw = t.arg.raw;
      const at = raw.lastIndexOf(t.uri);
      const start = t.arg.start + at - (t.address?.unix ? 1 : 0);
      const uriSpan = { start, end: t.arg.start + at + t.uri.length };
      const drop: Fix = { title: 'Drop the URI part (the backend then receives the request URI unchanged)', edits: [replaceSpan(t.node.file, uriSpan, '')] };
      const rewrite = rewriteFix(t, uriSpan);
      ctx.report({
        at: { file: t.node.file, ...t.arg },
        message: `nginx refuses to start: proxy_pass has a URI part ("${t.uri}") ${where}, where nginx cannot tell which part of the request URI it would replace ([emerg] "proxy_pass" cannot have URI part in location given by regular expression, or inside named location, or inside "if" statement, or inside "limit_except" block)`,
        suggestions: rewrite ? [rewrite, drop] : [drop],
      });
    }
  },
});

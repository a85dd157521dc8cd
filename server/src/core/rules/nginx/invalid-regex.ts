import type { Span } from '../../syntax/nginx/ast';
import type { ConfigNode } from '../../model/nginx-tree';
import { checkPcre, type PcreError } from '../../model/pcre-check';
import { moveMisplacedHyphens } from '../../model/pcre-hyphen-fix';
import type { Fix } from '../../finding';
import { TEMPLATE_MARKUP } from '../../model/template-markup';
import { defineNginxRule } from '../rule';

interface Pattern {
  node: ConfigNode;
  span: Span;
  /** The regular expression nginx hands to pcre2_compile(): after the ~ or ~*, and, in `if`, without the closing ")". */
  source: string;
  /** Where `source` starts in the word nginx reads (after a leading ~ or ~*); the fix edits it there. */
  offset: number;
  /** The whole word nginx reads (quotes removed, escapes applied). */
  word: string;
}

const IF_OPERATORS = new Set(['~', '~*', '!~', '!~*']);
/** Directives whose first argument is a regex when it starts with ~ (or ~*). */
const TILDE_FIRST = ['proxy_redirect', 'proxy_cookie_path', 'proxy_cookie_domain'];
/** Directives whose first argument is always a regex. */
const ALWAYS_FIRST = ['rewrite', 'fastcgi_split_path_info'];
/**
 * How many arguments each takes: with any other count nginx stops at the count first (invalid-number-of-arguments
 * says so), and a regex cut in two by an unquoted space is not the regex to check.
 */
const ARGS: Record<string, [number, number]> = { rewrite: [2, 3], fastcgi_split_path_info: [1, 1], proxy_redirect: [2, 2], proxy_cookie_path: [2, 2], proxy_cookie_domain: [2, 2] };

const tilde = (v: string) => (v.startsWith('~*') ? 2 : 1);

/** The regexes of one directive, as nginx reads them. */
function patterns(node: ConfigNode): Pattern[] {
  const args = node.directive.args;
  const at = (k: number, source: string, offset = 0): Pattern => ({ node, span: args[k], source, offset, word: args[k].value });
  const afterTilde = (k: number, skip = tilde(args[k].value)) => at(k, args[k].value.slice(skip), skip);
  switch (node.name) {
    case 'location':
      if (args.length === 2 && (args[0].value === '~' || args[0].value === '~*')) return [at(1, args[1].value)];
      // `location ~^/x` is a regex too: nginx takes the ~ off the front of a single argument.
      if (args.length === 1 && args[0].value.startsWith('~') && args[0].value.length > 1) return [afterTilde(0)];
      return [];
    case 'server_name':
    case 'valid_referers':
      return args.flatMap((a, k) => (a.value.startsWith('~') ? [afterTilde(k, 1)] : []));
    case 'gzip_disable':
      return args.flatMap((a, k) => (a.value === 'msie6' || a.value === 'degradation' ? [] : [at(k, a.value)]));
    case 'if': {
      const op = args.findIndex((a) => IF_OPERATORS.has(a.value));
      if (op < 0) return [];
      const rest = args.slice(op + 1);
      if (rest.length === 2 && rest[1].value === ')') return [at(op + 1, rest[0].value)];
      // `if ($uri ~ ^/(a|b)$)`: the last ")" closes the condition, not the regex.
      if (rest.length === 1 && !rest[0].quote && rest[0].value.endsWith(')')) return [at(op + 1, rest[0].value.slice(0, -1))];
      return [];
    }
    default:
      if (ARGS[node.name] && (args.length < ARGS[node.name][0] || args.length > ARGS[node.name][1])) return [];
      if (ALWAYS_FIRST.includes(node.name)) return args.length ? [at(0, args[0].value)] : [];
      if (TILDE_FIRST.includes(node.name)) return args.length && args[0].value.startsWith('~') ? [afterTilde(0)] : [];
      // A map entry: its key is a regex when it starts with ~ (\~ is a literal tilde).
      if (node.context === 'map' && node.name.startsWith('~')) return [{ node, span: node.directive.nameSpan, source: node.name.slice(tilde(node.name)), offset: tilde(node.name), word: node.name }];
      return [];
  }
}

/** What usually went wrong, by pcre2_compile()'s words. */
function hint(e: PcreError): string {
  if (e.message.startsWith('missing closing parenthesis')) return 'a "(" is never closed: close it, or write \\( for a literal parenthesis';
  if (e.message.startsWith('unmatched closing parenthesis')) return 'a ")" closes nothing: write \\) for a literal parenthesis';
  if (e.message.startsWith('missing terminating ]')) return 'a "[" starts a character class that never ends: close it with "]", or write \\[ for a literal bracket';
  if (e.message.startsWith('quantifier does not follow')) return 'a *, +, ? or {n} has nothing before it to repeat (at the start, after "(", "|", ^, $ or another quantifier): write \\* \\+ \\? for the literal characters';
  if (e.message.startsWith('invalid range')) return 'a "-" between a class such as \\w or [:alpha:] and another character: put the "-" last in the brackets ([\\w.-]) or write \\-';
  if (e.message.startsWith('range out of order')) return 'a range runs backwards: write its low end first ([a-z], not [z-a])';
  if (e.message.startsWith('reference to non-existent')) return 'a back reference (\\1, \\2 …) names a group the regex does not have';
  if (e.message.startsWith('two named subpatterns')) return 'two groups have the same name: rename one';
  if (e.message.startsWith('POSIX named classes')) return '[:alpha:] and its kind work inside brackets only: write [[:alpha:]]';
  return 'fix the regex';
}

/**
 * The one repair that is certain (model/pcre-hyphen-fix.ts): a "-" next to \w, \d, [:alpha:] and the like, which
 * Perl reads as a literal hyphen, moved to the end of its class, where PCRE2 reads it so too. Only where the pattern
 * stands in the file exactly as nginx reads it, so that the edit lands on the characters it means.
 */
function hyphenFix(p: Pattern): Fix | undefined {
  const fixed = moveMisplacedHyphens(p.source);
  if (fixed === undefined) return undefined;
  const raw = p.node.file.text.slice(p.span.start, p.span.end);
  const q = /^(["']).*\1$/s.test(raw) && raw.length >= 2 ? 1 : 0;
  if (raw.slice(q, raw.length - q) !== p.word) return undefined;
  const start = p.span.start + q + p.offset;
  return { title: `Move the "-" to the end of its character class: ${fixed}`, edits: [{ path: p.node.file.path, start, end: start + p.source.length, newText: fixed }] };
}

/**
 * A regular expression pcre2_compile() refuses, where nginx compiles one when it reads the configuration: location ~ /
 * ~*, server_name ~, the ~ keys of a map, if (… ~ …), rewrite, fastcgi_split_path_info, proxy_redirect /
 * proxy_cookie_path / proxy_cookie_domain ~, valid_referers ~, gzip_disable. nginx stops at the line [lab, nginx 1.22.1
 * with PCRE2 10.42]: `[emerg] pcre2_compile() failed: missing closing parenthesis in "(" in nginx.conf:5`. The check
 * (model/pcre-check.ts) knows only the common mistakes and says nothing on what it does not model; it was compared
 * with nginx -t on random patterns (test/unit/pcre-check.test.ts) and never claimed an error nginx did not have.
 * https://nginx.org/en/docs/http/ngx_http_core_module.html#location
 */
export default defineNginxRule({
  id: 'invalid-regex',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A regex in location ~, server_name ~, a map, if, rewrite and the like that PCRE cannot compile (an unclosed "(", a "*" with nothing to repeat, [\\w-.]): nginx refuses to start.',
  directives: ['location', 'server_name', 'map', 'if', 'rewrite', 'fastcgi_split_path_info', 'proxy_redirect', 'proxy_cookie_path', 'proxy_cookie_domain', 'valid_referers', 'gzip_disable'],
  versions: 'all',
  check(ctx) {
    const nodes = [
      ...['location', 'server_name', 'if', 'valid_referers', 'gzip_disable', ...ALWAYS_FIRST, ...TILDE_FIRST].flatMap((n) => ctx.nodes(n)),
      ...ctx.config.all.filter((n) => n.context === 'map' && n.name.startsWith('~')),
    ];
    for (const node of nodes) {
      for (const p of patterns(node)) {
        // Template markup ({{ path }}) is filled in before nginx sees the file.
        if (TEMPLATE_MARKUP.test(p.source)) continue;
        // An unquoted "{" ends the word (`location ~ ^/(x{2}$`) and opens a block [lab]. A location compiles what is
        // left of its regex, and stops on it with pcre2_compile()'s words, so that is still reported, with the real
        // cause; anything else stops at the "{" first (unexpected "{", syntax-error), before any regex is compiled.
        const cut = node.file.text[p.span.end] === '{';
        if (cut && node.name !== 'location') continue;
        const e = checkPcre(p.source);
        if (!e) continue;
        ctx.report({
          at: { file: node.file, start: p.span.start, end: p.span.end },
          message: `nginx will not start: pcre2_compile() failed: ${e.message} in "${p.source}" — ${cut ? 'the unquoted "{" right after it ended the regex there and opened the block: quote a regex that contains "{" (location ~ "^/(x{2})$")' : hint(e)}`,
          fix: cut ? undefined : hyphenFix(p),
        });
      }
    }
  },
});

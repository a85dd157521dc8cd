import { apacheFix, indentOf } from '../../apache-fix';
import type { Severity } from '../../finding';
import type { ApacheDirective } from '../../syntax/apache/ast';
import { defineApacheRule } from '../apache-rule';

/**
 * What httpd 2.4 does with words after a directive's own arguments, by directive. Each entry was checked
 * with apache2 -t 2.4.71 (test/unit/apache-inline-comment.test.ts runs the real server on every one).
 */
export type ExtraWords =
  /** On|Off (httpd's FLAG): httpd reads the first word and ignores the rest. */
  | { how: 'flag' }
  /**
   * min..max arguments: more words stop httpd with "<Name> <says>". A "#" word in a required place stops it
   * with `req` (unknown without); one in an optional place is a value, or stops httpd with `inRange` when
   * it fills the last one.
   */
  | { how: 'take'; min: number; max: number; says: string; req?: string; inRange?: string }
  /** key=value parameters: a word without "=" (or with an unknown key) stops httpd. */
  | { how: 'params'; says: string }
  /** Every word is checked and "#…" is rejected ("{w}" stands for the first such word). */
  | { how: 'checked'; says: string }
  /** Every word is one more value: httpd starts and uses the words. */
  | { how: 'values' }
  /** RewriteRule/RewriteCond: the word after the pattern(s) must be [flags]; words after the flags are ignored. */
  | { how: 'rewrite' }
  /** Require: depends on the provider named by the first word. */
  | { how: 'require' };

export const EXTRA_WORDS = new Map<string, { name: string; extra: ExtraWords }>();
const def = (names: string, extra: ExtraWords) => names.split(/\s+/).filter(Boolean).forEach((name) => EXTRA_WORDS.set(name.toLowerCase(), { name, extra }));

def(
  `Timeout KeepAliveTimeout MaxKeepAliveRequests ServerName ServerAdmin ServerPath DocumentRoot ErrorLog Include IncludeOptional
   ProxyTimeout ProxyIOBufferSize ProxyReceiveBufferSize ProxyVia ProxyBadHeader ProxyMaxForwards ProxyStatus ProxySourceAddress BalancerGrowth
   ProxyFCGIBackendType SetHandler LimitRequestFieldsize LimitRequestBody ServerTokens ServerSignature TraceEnable UseCanonicalName
   HostnameLookups MaxRequestWorkers ServerLimit ThreadsPerChild RemoteIPHeader EnableSendfile AcceptPathInfo AddDefaultCharset H2Direct
   RewriteBase SSLEngine SSLProxyVerify SSLProxyVerifyDepth SSLProxyCACertificateFile SSLProxyMachineCertificateFile`,
  { how: 'take', min: 1, max: 1, says: 'takes one argument' },
);
def('LoadModule', { how: 'take', min: 2, max: 2, says: 'takes two arguments', req: 'Cannot load {w} into server' });
def('ErrorDocument', { how: 'take', min: 2, max: 2, says: 'takes two arguments' });
def('SetEnv Define Alias', { how: 'take', min: 1, max: 2, says: 'takes 1-2 arguments' });
def('LogFormat', { how: 'take', min: 1, max: 2, says: 'takes 1-2 arguments, a log format string (see docs) and an optional format name' });
def('Listen', { how: 'take', min: 1, max: 2, says: 'requires 1 or 2 arguments.' });
def('CustomLog', { how: 'take', min: 2, max: 3, says: 'takes two or three arguments', inRange: 'error in condition clause' });
def('ProxyPassReverseCookieDomain ProxyPassReverseCookiePath ProxyRemote', { how: 'take', min: 2, max: 3, says: 'takes two or three arguments' });
def('RedirectMatch', { how: 'take', min: 2, max: 3, says: 'takes two or three arguments', inRange: 'Redirect: invalid first argument (of three)' });
def('Redirect', { how: 'take', min: 2, max: 3, says: 'takes one, two or three arguments', inRange: 'Redirect: invalid first argument (of three)' });
def('ProxyPassReverse', { how: 'take', min: 2, max: 3, says: 'takes one, two or three arguments' });
def(
  `KeepAlive ProxyPreserveHost ProxyRequests ProxyAddHeaders ProxyPassInherit ProxyPassInterpolateEnv BalancerPersist RewriteEngine
   SSLProxyEngine SSLProxyCheckPeerName SSLProxyCheckPeerCN SSLProxyCheckPeerExpire ExpiresActive`,
  { how: 'flag' },
);
def('ProxyPass ProxyPassMatch', { how: 'params', says: "Invalid ProxyPass|ProxyPassMatch parameter. Parameter must be in the form 'key=value'." });
def('BalancerMember', { how: 'params', says: "Invalid BalancerMember parameter. Parameter must be in the form 'key=value'" });
def('ProxySet', { how: 'params', says: "Invalid ProxySet parameter. Parameter must be in the form 'key=value'" });
def('ProxyHCTemplate', { how: 'params', says: "Invalid ProxyHCTemplate parameter. Parameter must be in the form 'key=value'" });
def('RequestReadTimeout', { how: 'params', says: "Invalid RequestReadTimeout parameter. Parameter must be in the form 'key=value'" });
def('Header RequestHeader', { how: 'checked', says: 'Unknown parameter: {w}' });
def('Options', { how: 'checked', says: 'Illegal option {w}' });
def('AllowOverride', { how: 'checked', says: 'Illegal override option {w}' });
def('FileETag', { how: 'checked', says: "Unknown keyword '{w}' for FileETag directive" });
def('RemoteIPTrustedProxy RemoteIPInternalProxy', { how: 'checked', says: 'RemoteIP: Error parsing IP {w}' });
def('LogLevel', { how: 'checked', says: 'Log level keyword must be one of emerg/alert/crit/error/warn/notice/info/debug/trace1/.../trace8' });
def('ProxyErrorOverride', { how: 'checked', says: 'ProxyErrorOverride: status codes to intercept must be numeric' });
def('SSLProxyProtocol', { how: 'checked', says: "SSLProxyProtocol: Illegal protocol '{w}'" });
def('RewriteOptions', { how: 'checked', says: "RewriteOptions: unknown option '{w}'" });
def('ProxyHCExpr', { how: 'checked', says: 'error: extra parameter(s)' });
def('ServerAlias DirectoryIndex AddType AddHandler Protocols SetEnvIf SetEnvIfNoCase BrowserMatch UnsetEnv PassEnv', { how: 'values' });
def('RewriteRule RewriteCond', { how: 'rewrite' });
def('Require', { how: 'require' });

export type Verdict =
  /** httpd refuses to start: `says` is its error message, or (`exact: false`) a description of it. */
  | { kind: 'refuses'; says: string; exact?: false }
  /** httpd starts and ignores the words. */
  | { kind: 'ignored' }
  /** httpd starts and uses the words as more values. */
  | { kind: 'values' }
  /** Not known for this directive. */
  | { kind: 'unknown' };

/** Where the directive sits: inside <Location>/<LocationMatch>, inside <Proxy>/<ProxyMatch>. */
export interface Where {
  location?: boolean;
  proxy?: boolean;
}

/**
 * What httpd does with `words` (from the first unquoted "#…" on) after `before` (the directive's own
 * arguments), for directive `name`.
 */
export function inlineCommentVerdict(name: string, before: string[], words: string[], where: Where = {}): Verdict {
  const entry = EXTRA_WORDS.get(name.toLowerCase());
  if (!entry || words.length === 0) return { kind: 'unknown' };
  const { extra } = entry;
  const w = words[0];
  const fill = (s: string) => s.replace('{w}', w);
  switch (extra.how) {
    case 'flag':
      return before.length === 0 ? { kind: 'refuses', says: `${entry.name} must be On or Off` } : { kind: 'ignored' };
    case 'take': {
      if (entry.name === 'ProxyPassReverse' && where.location) return { kind: 'refuses', says: 'ProxyPassReverse can not have a path when defined in a location' };
      const total = before.length + words.length;
      if (total > extra.max) return { kind: 'refuses', says: `${entry.name} ${extra.says}` };
      if (before.length < extra.min) return extra.req ? { kind: 'refuses', says: fill(extra.req) } : { kind: 'unknown' };
      if (extra.inRange) return total === extra.max ? { kind: 'refuses', says: fill(extra.inRange) } : { kind: 'unknown' };
      return { kind: 'values' };
    }
    case 'params':
      // Inside <Proxy balancer://…> a BalancerMember's first word is its URL; any word without "=" after it is refused so.
      if (entry.name === 'BalancerMember' && where.proxy && words.some((x) => x.indexOf('=') <= 0)) return { kind: 'refuses', says: 'BalancerMember can not have a balancer name when defined in a location' };
      // "ProxyPass /path ! #key=value" is accepted (an exclusion has no worker to set parameters on).
      if (words.every((x) => x.indexOf('=') > 0)) return before.at(-1) === '!' ? { kind: 'unknown' } : { kind: 'refuses', says: `"${w}" is not a ${entry.name} parameter: "unknown … parameter"`, exact: false };
      return { kind: 'refuses', says: extra.says };
    case 'checked':
      // Header: one extra word is "Unknown parameter: #…"; more are "Too many arguments to directive" or, by form, similar.
      if (entry.name === 'Header' || entry.name === 'RequestHeader') return words.length === 1 ? { kind: 'refuses', says: fill(extra.says) } : { kind: 'refuses', says: 'too many arguments', exact: false };
      if (entry.name === 'Options' && before.some((x) => /^[+-]/.test(x))) return { kind: 'refuses', says: 'Either all Options must start with + or -, or no Option may.' };
      return { kind: 'refuses', says: fill(extra.says) };
    case 'values':
      return before.length === 0 ? { kind: 'unknown' } : { kind: 'values' };
    case 'rewrite':
      if (before.length >= 3) return { kind: 'ignored' };
      if (before.length === 2) return { kind: 'refuses', says: `${entry.name}: bad flag delimiters` };
      return { kind: 'unknown' };
    case 'require': {
      const provider = (before[0] ?? '').toLowerCase();
      if (provider === 'all') return { kind: 'refuses', says: "Argument for 'Require all' must be 'granted' or 'denied'" };
      if (provider === 'ip') return { kind: 'refuses', says: fill("ip address '{w}' appears to be invalid") };
      if (provider === 'method') return { kind: 'refuses', says: fill("Invalid Method '{w}'") };
      if (provider === 'expr') return { kind: 'refuses', says: 'Cannot parse expression in require line' };
      if (provider === 'host' || provider === 'local' || provider === 'env') return { kind: 'values' };
      return { kind: 'unknown' };
    }
  }
}

const SEVERITY: Record<Verdict['kind'], Severity> = { refuses: 'error', ignored: 'info', values: 'warning', unknown: 'warning' };

export default defineApacheRule({
  id: 'inline-comment-is-argument',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A "#" after a directive is not a comment in httpd: the words are passed to the directive, and for most (ProxyPass, Timeout, …) httpd refuses to start.',
  versions: 'all 2.4',
  check(ctx) {
    // It reads the files' syntax trees, so the .htaccess lines httpd rejects are left out here by hand.
    const rejected = new Set(ctx.notAllowed.map((n) => n.directive));
    for (const file of ctx.config.files) {
      const visit = (dirs: ApacheDirective[], where: Where) => {
        for (const d of dirs) {
          if (rejected.has(d)) continue;
          if (d.section) {
            if (!d.section.opaque) visit(d.section.children, { location: where.location || d.lname === 'location' || d.lname === 'locationmatch', proxy: where.proxy || d.lname === 'proxy' || d.lname === 'proxymatch' });
            continue;
          }
          const k = d.args.findIndex((a) => a.quote === null && a.value.startsWith('#'));
          if (k < 0) continue;
          const hash = d.args[k];
          // Remove from the blank before "#" to the end of the directive, and put the comment on its own line above.
          let cut = hash.start;
          while (cut > 0 && /[ \t]/.test(file.text[cut - 1])) cut--;
          const comment = file.text.slice(hash.start, d.end).replace(/\\\r?\n\s*/g, ' ');
          // A "# proxylint-disable-line" moved above the directive would silence nothing there (and, unused, be deleted
          // by the next --fix pass): above it, what it means is "disable-next-line".
          const moved = comment.replace(/^#(\s*)proxylint-disable-line\b/, '#$1proxylint-disable-next-line');
          const lineStart = file.lines.lineStart(file.lines.positionAt(d.start).line);
          const eol = file.text.includes('\r\n') ? '\r\n' : '\n';
          const multiLine = file.lines.positionAt(hash.start).line !== file.lines.positionAt(d.end).line;
          const words = d.args.slice(k).map((a) => a.value);
          const verdict = inlineCommentVerdict(d.name, d.args.slice(0, k).map((a) => a.value), words, where);
          const shown = comment.length > 40 ? comment.slice(0, 40) + '…' : comment;
          const head = `"${shown}" is not a comment: httpd starts comments only at the beginning of a line, so these words are more arguments of ${d.name}`;
          const list = words.slice(0, 3).map((x) => `"${x}"`).join(', ') + (words.length > 3 ? ', …' : '');
          const message =
            verdict.kind === 'refuses'
              ? `${head}, and httpd refuses to start (${verdict.exact === false ? verdict.says : `"${verdict.says}"`}); move the comment to its own line`
              : verdict.kind === 'ignored'
                ? `${head}; ${d.name} reads only the words it needs and ignores the rest, so httpd starts and the words do nothing here, but on most directives (ProxyPass, Timeout, …) they stop httpd from starting; move the comment to its own line`
                : verdict.kind === 'values'
                  ? `${head}; httpd starts and uses ${list} as more ${d.name} values; move the comment to its own line`
                  : `${head}: depending on how ${d.name} reads its arguments, httpd refuses to start or uses the words as values; move the comment to its own line`;
          const move = multiLine ? undefined : apacheFix('Move the comment to its own line above', { path: file.path, start: lineStart, end: lineStart, newText: indentOf(file, d.start) + moved + eol }, { path: file.path, start: cut, end: d.end, newText: '' });
          // Safe only where the words change nothing httpd does today: it refuses to start, or ignores them.
          const safe = verdict.kind === 'refuses' || verdict.kind === 'ignored';
          ctx.report({
            at: { file, start: hash.start, end: d.end },
            severity: SEVERITY[verdict.kind],
            message,
            fix: safe ? move : undefined,
            suggestions: !safe && move ? [verdict.kind === 'values' ? { ...move, title: `${move.title} (httpd then stops using the words as ${d.name} values)` } : move] : [],
          });
        }
      };
      visit(file.ast.directives, {});
    }
  },
});

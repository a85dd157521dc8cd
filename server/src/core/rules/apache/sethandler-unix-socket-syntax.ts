import { apacheFix } from '../../apache-fix';
import type { Fix } from '../../finding';
import type { ApacheNode } from '../../model/apache-tree';
import { defineApacheRule } from '../apache-rule';

/** The protocol a socket most likely speaks, from its path (PHP-FPM sockets are the usual case). */
function guessScheme(socket: string): 'fcgi' | 'uwsgi' | 'scgi' | undefined {
  if (/php|fpm|fcgi/i.test(socket)) return 'fcgi';
  if (/uwsgi/i.test(socket)) return 'uwsgi';
  if (/scgi/i.test(socket)) return 'scgi';
  return undefined;
}

/** The <Files>/<FilesMatch> (or other per-directory section) the handler is set in: "\.php$" there means PHP. */
function sectionOf(n: ApacheNode): ApacheNode | undefined {
  for (let p = n.parent; p; p = p.parent) if (/^(files|filesmatch|location|locationmatch|directory|directorymatch)$/.test(p.lname)) return p;
  return undefined;
}

/**
 * `SetHandler "proxy:unix:/run/php/php8.2-fpm.sock"` (the PHP-FPM recipe without its `|fcgi://localhost`).
 * mod_proxy takes a forced "proxy:" handler only when the URL after it has a scheme it can canonicalise; for
 * "unix:/path" with no "|" none does, the handler declines without a word, and httpd's default handler sends the
 * file as it is on disk. Seen on 2.4.71: 200 with the PHP source, nothing in the error log even at LogLevel trace8,
 * and the socket was never connected to. With a "|" but no scheme after it ("…sock|", "…sock|localhost") every
 * request gets 400 with "AH10292: Invalid proxy UDS filename".
 */
export default defineApacheRule({
  id: 'sethandler-unix-socket-syntax',
  server: 'apache',
  severity: 'error',
  outcome: 'source-leak',
  summary: 'SetHandler "proxy:unix:/path.sock" without "|fcgi://localhost": httpd serves the matching files itself, so a .php request gets 200 with the PHP source code, and nothing is logged.',
  directives: ['SetHandler'],
  versions: 'all 2.4',
  check(ctx) {
    for (const n of ctx.nodes('sethandler')) {
      const a = n.directive.args[0];
      const v = n.args[0] ?? '';
      if (!a || n.unresolved || !/^proxy:unix:/i.test(v)) continue;
      const rest = v.slice('proxy:unix:'.length);
      const bar = rest.indexOf('|');
      const after = bar < 0 ? undefined : rest.slice(bar + 1);
      // "|fcgi:" is short for "|fcgi://localhost" and works; only a missing scheme is wrong.
      if (after !== undefined && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(after)) continue;
      const socket = bar < 0 ? rest : rest.slice(0, bar);
      if (!socket) continue;
      const guess = guessScheme(socket);
      const value = (scheme: string) => `proxy:unix:${socket}|${scheme}://localhost`;
      const edit = (scheme: string) => ({ path: n.file.path, start: a.start, end: a.end, newText: a.quote ? `${a.quote}${value(scheme)}${a.quote}` : value(scheme) });
      const section = sectionOf(n);
      const php = guess === 'fcgi' || /php/i.test(section?.args.join(' ') ?? '');
      let fix: Fix | undefined;
      const suggestions: Fix[] = [];
      // Where the socket is PHP-FPM's, today's behaviour is a source leak and FastCGI is the only protocol it
      // speaks: --fix may write it. Elsewhere the user says which protocol the socket speaks.
      if (guess === 'fcgi') fix = apacheFix(`Write "${value('fcgi')}"`, edit('fcgi'));
      else {
        for (const s of guess ? [guess] : ['fcgi', 'http']) suggestions.push(apacheFix(`Write "${value(s)}"${s === 'fcgi' ? ' (PHP-FPM and other FastCGI servers)' : s === 'http' ? ' (an HTTP server on the socket)' : ''}`, edit(s)));
      }
      const wanted = value(guess ?? 'fcgi');
      const message =
        bar < 0
          ? `"${v}" has no "|fcgi://localhost" part: httpd starts (apache2 -t says Syntax OK), but mod_proxy does not take a "proxy:unix:" handler without a scheme after "|", so httpd's default handler answers these requests from the files on disk and never connects to ${socket}: ` +
            `${php ? 'a request for a .php file gets 200 with its PHP source code (database passwords and keys included)' : 'a request gets 200 with the file as it is on disk (for a script, its source code)'}, and nothing is logged, not even at LogLevel trace8; write "${wanted}"${guess ? '' : ' (or |http://localhost/ if the socket speaks HTTP)'}`
          : `"${v}" has no scheme after "|": httpd starts, but every request it handles gets 400 ("AH10292: Invalid proxy UDS filename (proxy:unix:${socket}|${after}…)", the file's path in place of …); write "${wanted}"${guess ? '' : ' (or |http://localhost/ if the socket speaks HTTP)'}`;
      ctx.report({ at: { file: n.file, start: a.start, end: a.end }, message, fix, suggestions });
    }
  },
});

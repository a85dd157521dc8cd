import type { Fix } from '../../finding';
import { replaceSpan } from '../../fix';
import type { ConfigNode } from '../../model/nginx-tree';
import { defineNginxRule } from '../rule';

/** Typographic quotes a word processor, a blog or a chat puts in place of " and ': “ ” „ ‘ ’ ‚. */
const CURLY = /^[\u2018\u2019\u201A\u201C\u201D\u201E]|[\u2018\u2019\u201A\u201C\u201D\u201E]$/;
const OPENS = /^[\u2018\u2019\u201A\u201C\u201D\u201E]/;
const CLOSES = /[\u2018\u2019\u201A\u201C\u201D\u201E]$/;

type Arg = ConfigNode['directive']['args'][number];

/** Request headers and parameters nginx sends to the backend. */
const TO_BACKEND = /^(proxy_set_header|grpc_set_header|fastcgi_param|uwsgi_param|scgi_param)$/;

function effect(node: ConfigNode, shown: string): string {
  const header = node.directive.args[0]?.value ?? '';
  if (TO_BACKEND.test(node.name)) return `the backend receives them (${header}: ${shown}), a value it does not expect${/^(connection|upgrade)$/i.test(header) ? ', so a WebSocket handshake fails' : /^host$/i.test(header) ? ': it answers 400 or serves its default site' : ''}`;
  if (node.name === 'add_header') return `clients receive them (${header}: ${shown}), which browsers ignore as an invalid value`;
  return 'nginx uses the value with them';
}

/**
 * A value written between typographic quotes: nginx knows only " and ' as quotes, so “upgrade” is a word of its own
 * with the quotes in it. Checked on nginx 1.22.1: `proxy_set_header Host “$host”;` sent the backend `Host:
 * “api.example.com”` and `add_header X-Frame-Options “SAMEORIGIN”;` answered clients with `X-Frame-Options:
 * “SAMEORIGIN”` (test/servers/typographic-quotes.test.ts); a quoted phrase with a space (“no cache”) becomes two
 * arguments. Only unquoted words that start or end with one are reported: a typographic apostrophe inside a value
 * written between straight quotes ("we’re down") is text.
 */
export default defineNginxRule({
  id: 'typographic-quotes',
  server: 'nginx',
  severity: 'warning',
  outcome: 'silent',
  summary: 'A value is written between typographic quotes (“…” or ‘…’, pasted from a blog or a chat): nginx does not take them for quotes, so they become part of the value (Host: “example.com”, Connection: “upgrade”).',
  directives: ['proxy_set_header', 'add_header', 'proxy_pass'],
  versions: 'all',
  check(ctx) {
    const all = ctx.config.all;
    for (let k = 0; k < all.length; k++) {
      const node = all[k];
      const args = node.directive.args;
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (!CURLY.test(a.raw) || a.raw.startsWith('"') || a.raw.startsWith("'")) continue;
        // A phrase between the quotes ends at the word that closes it (“no cache” is two arguments to nginx).
        let j = i;
        if (OPENS.test(a.raw) && !(a.raw.length > 1 && CLOSES.test(a.raw))) {
          while (j + 1 < args.length && !CLOSES.test(args[j + 1].raw) && !args[j + 1].raw.startsWith('"') && !args[j + 1].raw.startsWith("'")) j++;
          j = j + 1 < args.length && CLOSES.test(args[j + 1].raw) ? j + 1 : i;
        }
        const words: Arg[] = args.slice(i, j + 1);
        const shown = words.map((w) => w.raw).join(' ');
        const inner = words.map((w) => w.raw).join(' ').replace(OPENS, '').replace(CLOSES, '');
        const quoted = /^[^"\\]*$/.test(inner) ? `"${inner}"` : /^[^'\\]*$/.test(inner) ? `'${inner}'` : undefined;
        const bothEnds = OPENS.test(words[0].raw) && CLOSES.test(words[words.length - 1].raw) && shown.length > 1;
        const span = { start: words[0].start, end: words[words.length - 1].end };
        const fix: Fix | undefined = bothEnds && quoted ? { title: `Use straight quotes: ${quoted}`, edits: [replaceSpan(node.file, span, quoted)] } : undefined;
        // One word: the same value with the quotes nginx knows, safe. Several: nginx read them as several
        // arguments, and joining them changes what the directive takes: a suggestion.
        const single = words.length === 1;
        ctx.report({
          at: { file: node.file, ...span },
          message: single
            ? `${node.name} ${shown}: typographic quotes (“ ” ‘ ’) are not quotes to nginx but part of the value: ${effect(node, shown)}; write straight quotes (" or ') or none`
            : `${node.name} ${shown}: typographic quotes (“ ” ‘ ’) are not quotes to nginx, so it reads ${words.length} separate arguments with the quote marks in them, not one value: where the directive does not take that many, nginx refuses to start ("invalid parameter", "invalid number of arguments"), else it uses them as they are; write straight quotes (" or ')`,
          fix: single ? fix : undefined,
          suggestions: !single && fix ? [fix] : [],
        });
        i = j;
      }
    }
  },
});

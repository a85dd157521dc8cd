import { defineApacheRule } from '../apache-rule';

/** httpd's words for a byte it prints escaped (ap_escape_logitem style: \xNN). */
const escaped = (s: string) => Array.from(new TextEncoder().encode(s), (b) => (b < 0x20 || b > 0x7e ? `\\x${b.toString(16).padStart(2, '0')}` : String.fromCharCode(b))).join('');

/**
 * A UTF-8 byte-order mark (EF BB BF, which some Windows editors write) at the start of a configuration file. httpd
 * reads bytes: the mark becomes part of the first word, so the first line is never the directive it looks like. On
 * 2.4.71 apache2 -t stopped with "Invalid command '\xef\xbb\xbfServerRoot', perhaps misspelled or defined by a module
 * not included in the server configuration" (and '\xef\xbb\xbf#' for a comment line, '\xef\xbb\xbf' for a blank one),
 * in an Included file as well (test/servers/apache-bom.test.ts). proxylint's file reader keeps the mark out of the
 * text, so nothing else would show it.
 */
export default defineApacheRule({
  id: 'utf8-bom-at-file-start',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'The file starts with a UTF-8 byte-order mark: httpd reads it as part of the first word and refuses to start ("Invalid command \'\\xef\\xbb\\xbfServerRoot\'").',
  versions: 'all 2.4',
  check(ctx) {
    for (const file of ctx.config.files) {
      // .htaccess files are read per request, not at start-up.
      if (/(^|\/)\.htaccess$/.test(file.path) || !ctx.startsWithBom(file)) continue;
      const inText = file.text.charCodeAt(0) === 0xfeff ? 1 : 0;
      const line = file.text.slice(inText, file.text.search(/\r?\n|$/));
      const word = /^[^\s]*/.exec(line)![0];
      const end = inText + word.length;
      const said = word.startsWith('<')
        ? `the section opened on line 1 is not recognised, so httpd stops at its closing tag or with "Invalid command"`
        : `"Invalid command '\\xef\\xbb\\xbf${escaped(word)}', perhaps misspelled or defined by a module not included in the server configuration"`;
      ctx.report({
        at: { file, start: 0, end },
        message: `httpd refuses to start: the file begins with a UTF-8 byte-order mark (bytes EF BB BF), which httpd reads as part of the first word: ${said}; save the file as UTF-8 without a BOM`,
      });
    }
  },
});

import { defineNginxRule } from '../rule';

/** How each server prints the first two bytes of the file in its refusal. */
export const MARK_BYTES = { utf16le: 'FF FE', utf16be: 'FE FF' } as const;

/**
 * A configuration file saved as UTF-16 (Windows "Unicode": Notepad's old default, and what `>` and Out-File write in
 * Windows PowerShell 5.1). proxylint decodes it by its byte-order mark, so every other rule sees a normal text; nginx
 * and httpd read single bytes, so every ASCII character comes with a NUL byte and line 1 is no directive.
 *
 * nginx 1.22.1 (test/servers/utf16-file.test.ts): `unknown directive "\xFF\xFEe"` for little-endian `events`, the
 * name cut at the first NUL; `"\xFE\xFF"` for big-endian. httpd 2.4.71: `Invalid command '\xff\xfeS'` and
 * `'\xfe\xff'`. A UTF-16 file without a mark is refused by the reader itself (NUL bytes: not a configuration).
 * The Apache form is in apache-common.ts.
 */
export default defineNginxRule({
  id: 'utf16-encoded-file',
  server: 'any',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'The file is saved as UTF-16: nginx and httpd read single bytes, stop at the first line ("unknown directive", "Invalid command") and refuse to start.',
  versions: 'all',
  check(ctx) {
    for (const file of ctx.config.files) {
      const mark = ctx.byteOrderMark(file);
      if (mark !== 'utf16le' && mark !== 'utf16be') continue;
      const end = /^[^\r\n]*/.exec(file.text)![0].length;
      const bytes = MARK_BYTES[mark];
      ctx.report({
        at: { file, start: 0, end },
        message: `nginx refuses to start: the file is saved as UTF-16 (${mark === 'utf16le' ? 'little' : 'big'}-endian, starting with the bytes ${bytes}), but nginx reads a configuration as single bytes, so every character comes with a NUL byte and nginx -t stops at the first line with unknown directive "\\x${bytes.replace(' ', '\\x')}…"; save the file as UTF-8 (without a byte-order mark)`,
      });
    }
  },
});

import { mayNotBeRead } from '../../model/apache-modules';
import { defineApacheRule, type ApacheRule } from '../apache-rule';
import syntaxError from './syntax-error';
import includeNotFound from './include-not-found';
import includeUnreadable, { notFollowedMessage } from './include-unreadable';
import includeCycle from './include-cycle';
import utf8BomAtFileStart, { removeMark } from './utf8-bom-at-file-start';
import utf16EncodedFile, { MARK_BYTES } from './utf16-encoded-file';

/** httpd's words for a byte it prints escaped (ap_escape_logitem style: \xNN). */
const escaped = (s: string) => Array.from(new TextEncoder().encode(s), (b) => (b < 0x20 || b > 0x7e ? `\\x${b.toString(16).padStart(2, '0')}` : String.fromCharCode(b))).join('');

/**
 * The mod_macro errors that stop httpd here. Without mod_macro httpd stops at the name first (apache-module-not-loaded),
 * and a line httpd may not read (an <IfModule> for a module that is not loaded) cannot stop it.
 */
function reportedMacroErrors(ctx: Parameters<ApacheRule['check']>[0]) {
  if (ctx.modules.known && !ctx.modules.isLoaded('macro')) return [];
  return ctx.config.macroErrors.filter((e) => !mayNotBeRead(e.node, ctx.modules));
}

/**
 * The shared rules (same ids, metadata and doc pages as for nginx) as they run on an httpd configuration:
 * the Apache parser's problems and the Include loader's.
 */
export const apacheCommonRules: ApacheRule[] = [
  defineApacheRule({
    ...syntaxError,
    server: 'any',
    check(ctx) {
      const macroErrors = reportedMacroErrors(ctx);
      // An unclosed <Macro> the tree reports in mod_macro's words (or an error of its tag, which httpd meets first).
      const saidAt = new Set(macroErrors.map((e) => `${e.node.file.path}\0${e.node.directive.nameSpan.start}`));
      // Where Use lines expand bodies that open or close sections, the nesting httpd checks is the one across them.
      const macroLoaded = !ctx.modules.known || ctx.modules.isLoaded('macro');
      for (const file of ctx.config.files) {
        const across = macroLoaded && ctx.config.nesting.has(file);
        for (const p of file.ast.problems) {
          if (p.kind === 'macro-unclosed' && saidAt.has(`${file.path}\0${p.start}`)) continue;
          if (p.kind === 'nesting' && across) continue;
          ctx.report({
            at: { file, start: p.start, end: p.end },
            message: p.message,
            related: p.related ? [{ path: file.path, start: p.related.start, end: p.related.end, message: p.related.message }] : [],
          });
        }
      }
      // mod_macro refuses a Use while httpd reads the configuration ("Syntax error on line 11 of …: macro 'two'
      // undefined").
      for (const e of macroLoaded ? ctx.config.nesting.values() : []) {
        if (e) ctx.report({ at: { file: e.file, start: e.start, end: e.end }, message: e.message, related: e.related.map((r) => ({ path: r.file.path, start: r.start, end: r.end, message: r.message })) });
      }
      for (const e of macroErrors) {
        // A Use inside a macro body is reported at the body line (each Use of the outer macro shares it), with the Use
        // that expanded it beside.
        const outer = e.node.macro;
        const related = [
          ...(outer ? [{ path: outer.file.path, start: outer.directive.start, end: outer.directive.end, message: `the Use that expands the body holding this line` }] : []),
          ...(e.macroAt ? [{ path: e.macroAt.file.path, start: e.macroAt.directive.start, end: e.macroAt.directive.nameSpan.end, message: `<Macro ${e.macroAt.args[0]}> is defined here` }] : []),
        ];
        ctx.report({ node: e.node, message: `httpd refuses to start: "${e.says}" (${e.why})`, related });
      }
    },
  }),
  defineApacheRule({
    ...includeNotFound,
    server: 'any',
    check(ctx) {
      for (const p of ctx.config.problems) {
        if (p.kind !== 'include-not-found') continue;
        if (p.unverified) {
          // ServerRoot is a guess and no likely one holds the path: not a start failure proxylint can assert.
          ctx.report({ at: { file: p.file, ...p.span }, message: `${p.message}. Set "apache.serverRoot" in .proxylintrc.json so it is checked`, severity: 'info' });
          continue;
        }
        ctx.report({
          at: { file: p.file, ...p.span },
          message: p.mayExistOnServer
            ? `${p.message}. If it exists only on the server, map the path to your checkout with "apache.pathMap" (or set "apache.serverRoot") in .proxylintrc.json so it is checked too`
            : p.message,
          severity: p.mayExistOnServer ? 'warning' : undefined,
        });
      }
    },
  }),
  defineApacheRule({
    ...includeUnreadable,
    server: 'any',
    check(ctx) {
      for (const p of ctx.config.problems) {
        if (p.kind !== 'include-unreadable' && p.kind !== 'include-depth') continue;
        if (p.notFollowed) ctx.report({ at: { file: p.file, ...p.span }, severity: 'info', message: notFollowedMessage(p.message) });
        else ctx.report({ at: { file: p.file, ...p.span }, message: p.message });
      }
    },
  }),
  defineApacheRule({
    ...includeCycle,
    server: 'any',
    check(ctx) {
      for (const p of ctx.config.problems) if (p.kind === 'include-cycle') ctx.report({ at: { file: p.file, ...p.span }, message: p.message });
    },
  }),
  defineApacheRule({
    ...utf8BomAtFileStart,
    server: 'any',
    // On 2.4.71 apache2 -t stopped with "Invalid command '\xef\xbb\xbfServerRoot', perhaps misspelled or defined by a
    // module not included in the server configuration" (and '\xef\xbb\xbf#' for a comment line, '\xef\xbb\xbf' for a
    // blank one), in an Included file as well (test/servers/apache-bom.test.ts).
    check(ctx) {
      for (const file of ctx.config.files) {
        // .htaccess files are read per request, not at start-up.
        if (/(^|\/)\.htaccess$/.test(file.path) || ctx.byteOrderMark(file) !== 'utf8') continue;
        const inText = file.text.charCodeAt(0) === 0xfeff ? 1 : 0;
        const line = file.text.slice(inText, file.text.search(/\r?\n|$/));
        const word = /^[^\s]*/.exec(line)![0];
        const said = word.startsWith('<')
          ? `the section opened on line 1 is not recognised, so httpd stops at its closing tag or with "Invalid command"`
          : `"Invalid command '\\xef\\xbb\\xbf${escaped(word)}', perhaps misspelled or defined by a module not included in the server configuration"`;
        ctx.report({
          at: { file, start: 0, end: inText + word.length },
          message: `httpd refuses to start: the file begins with a UTF-8 byte-order mark (bytes EF BB BF), which httpd reads as part of the first word: ${said}; save the file as UTF-8 without a BOM`,
          ...removeMark(file.path, inText),
        });
      }
    },
  }),
  defineApacheRule({
    ...utf16EncodedFile,
    server: 'any',
    // httpd 2.4.71: "Invalid command '\xff\xfeS'" (little-endian ServerName) and '\xfe\xff' (big-endian), from an Included
    // file as well (test/servers/utf16-file.test.ts).
    check(ctx) {
      for (const file of ctx.config.files) {
        const mark = ctx.byteOrderMark(file);
        // .htaccess files are read per request, not at start-up.
        if ((mark !== 'utf16le' && mark !== 'utf16be') || /(^|\/)\.htaccess$/.test(file.path)) continue;
        const end = /^[^\r\n]*/.exec(file.text)![0].length;
        const bytes = MARK_BYTES[mark];
        ctx.report({
          at: { file, start: 0, end },
          message: `httpd refuses to start: the file is saved as UTF-16 (${mark === 'utf16le' ? 'little' : 'big'}-endian, starting with the bytes ${bytes}), but httpd reads a configuration as single bytes, so every character comes with a NUL byte and apache2 -t stops at line 1 with "Invalid command '\\x${bytes.toLowerCase().replace(' ', '\\x')}…'"; save the file as UTF-8 (without a byte-order mark)`,
        });
      }
    },
  }),
];

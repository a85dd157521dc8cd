import type { Fix } from '../../finding';
import { defineNginxRule } from '../rule';


/**
 * A UTF-8 byte-order mark (EF BB BF, which some Windows editors write) at the start of a configuration file. Both
 * servers read bytes, so the mark becomes part of the first word and line 1 is never the directive it looks like.
 * proxylint's file reader keeps the mark out of the text, so nothing else would show it; the Host says whether the
 * file on disk has one (a text handed over with the mark, from another editor or --fix, keeps it and says so itself;
 * the parsers skip it there, so the tree is the same either way).
 *
 * nginx 1.22.1 (test/servers/nginx-bom.test.ts): `unknown directive "\xEF\xBB\xBFworker_processes"`, with the three
 * bytes written raw into the message, so a terminal shows `unknown directive "worker_processes"` and the line looks
 * right. The word runs to the first white space, `;`, `{` or `}`; a `#` or a quote right after the mark is part of
 * it (a comment on line 1 becomes a directive named "\xEF\xBB\xBF#"). The Apache form is in apache-common.ts.
 *
 * In a map or types block the lines are data, not directives: there the marked first word is a key, and nginx 1.22.1
 * may start (`map $host $x { include m.inc; }` with "\xEF\xBB\xBFexample.com 1;", `types { include t.inc; }` with
 * "\xEF\xBB\xBFtext/html html;" pass nginx -t; the key then never matches). Where nginx starts, a map file gets a
 * warning (its first key never matches: test/servers/nginx-bom-map-key.test.ts) and a types file nothing (a type is a
 * Content-Type, outside proxylint's field). geo refuses the marked key ("invalid network"): reported.
 */
/**
 * The safe fix: remove the mark, and nothing else. Only where the text holds it (--fix keeps it there, as does a text
 * handed over with it): an editor that keeps it out of the document (VS Code shows it as the encoding "UTF-8 with
 * BOM") cannot remove it with a text edit, and is offered none. Safe because where this rule reports, the server does
 * not start with the mark, and without it reads the file as it looks (the doc's examples, test/servers/*-bom.test.ts).
 */
export function removeMark(path: string, inText: number): { fix?: Fix } {
  return inText ? { fix: { title: 'Remove the UTF-8 byte-order mark', edits: [{ path, start: 0, end: 1, newText: '' }] } } : {};
}

export default defineNginxRule({
  id: 'utf8-bom-at-file-start',
  server: 'any',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'The file starts with a UTF-8 byte-order mark: the server reads it as part of the first word and refuses to start (nginx: unknown directive; httpd: "Invalid command \'\\xef\\xbb\\xbf…\'").',
  versions: 'all',
  check(ctx) {
    // Almost no tree has a marked file: the walk over every statement below is skipped then (it was 2% of the
    // 100k-line benchmark's lint, for nothing).
    const marked = ctx.config.files.filter((f) => ctx.byteOrderMark(f) === 'utf8');
    if (!marked.length) return;
    const isMarked = new Set(marked.map((f) => f.path));
    // Per file, whether every place it is read from starts nginx with the mark. Only a map or types block does,
    // where the marked word is a key: map needs its first statement to be exactly a key and a value (a comment or a
    // blank line first adds words, and `hostnames;` is one: "invalid number of the map parameters"); types takes any
    // statement (a type with no extensions, or the mark as a type of its own when a comment or blank line is first).
    const starts = new Map<string, boolean>();
    // Where the file's first statement is read (its first inclusion): what nginx -t then says differs.
    const first = new Map<string, { context: string; atMark: boolean; args: number }>();
    // Files read as the keys of a map where nginx starts: the map's source and result variables.
    const mapsOf = new Map<string, string[]>();
    const seen = new Set<string>();
    for (const n of ctx.config.all) {
      if ((n.parent && n.parent.file === n.file) || !isMarked.has(n.file.path)) continue;
      // The file's first statement at this include (the nodes come in file order).
      const key = `${n.file.path}\0${n.via ? `${n.via.file.path}:${n.via.directive.start}` : ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const atMark = n.directive.start === (n.file.text.charCodeAt(0) === 0xfeff ? 1 : 0);
      const args = n.directive.block === null ? n.directive.args.length : -1;
      const fine = n.context === 'map' ? atMark && args === 1 : n.context === 'types' ? args >= 0 : false;
      starts.set(n.file.path, (starts.get(n.file.path) ?? true) && fine);
      if (!first.has(n.file.path)) first.set(n.file.path, { context: n.context, atMark, args });
      if (fine && n.context === 'map' && n.parent && !mapsOf.has(n.file.path)) mapsOf.set(n.file.path, n.parent.directive.args.map((a) => a.value));
    }
    for (const file of marked) {
      const inText = file.text.charCodeAt(0) === 0xfeff ? 1 : 0;
      const word = /^[^\s;{}]*/.exec(file.text.slice(inText))![0];
      if (starts.get(file.path)) {
        // nginx starts, but a map's first key carries the mark and never equals the value it is compared with
        // (test/servers/nginx-bom-map-key.test.ts): that value gets the default. A types block's first type is
        // only a Content-Type, outside what proxylint checks.
        const map = mapsOf.get(file.path);
        if (map) {
          ctx.report({
            at: { file, start: 0, end: inText + word.length },
            severity: 'warning',
            message: `nginx starts, but the file begins with a UTF-8 byte-order mark (bytes EF BB BF), which nginx reads as part of the map's first key: "${word}" never matches ${map[0] ?? 'the source value'}, so it gets the map's default${map[1] ? ` ${map[1]}` : ''} instead of the value written here; save the file as UTF-8 without a BOM`,
            // Offered, not applied by --fix: the server runs with the map as it is, and removing the mark sends those
            // requests elsewhere (to the value written here), a change of traffic a person should choose.
            suggestions: inText ? [removeMark(file.path, inText).fix!] : undefined,
          });
        }
        continue;
      }
      const shown = word.startsWith('#')
        ? ` (the comment on line 1 is no comment: the mark makes "#" part of a word, and everything up to the next ";" or "{" is read as one directive)`
        : '';
      ctx.report({
        at: { file, start: 0, end: inText + word.length },
        message: `nginx refuses to start: the file begins with a UTF-8 byte-order mark (bytes EF BB BF), which nginx reads as part of the first word: nginx -t says ${nginxSays(first.get(file.path), word)}${shown}; save the file as UTF-8 without a BOM`,
        ...removeMark(file.path, inText),
      });
    }
  },
});

/**
 * nginx -t's words for the marked first word, by the block the file is read in (nginx 1.22.1,
 * test/servers/nginx-bom.test.ts): a map or geo block reads keys, not directives, and says so in its own terms.
 */
function nginxSays(at: { context: string; atMark: boolean; args: number } | undefined, word: string): string {
  if (at?.context === 'map') return '"invalid number of the map parameters"';
  // A network first: geo cannot parse the marked one; a comment or blank line first adds a word to the statement.
  if (at?.context === 'geo') return at.atMark && at.args === 1 ? `invalid network "${word}", with the invisible mark in front of the network` : '"invalid number of the geo parameters"';
  return `unknown directive "${word}", with the invisible mark in front of the name`;
}

/**
 * The properties the fuzz and property suites check, as plain functions that throw a PropertyError on a violation.
 * They hold for every input, however broken:
 *
 * - nothing throws out of the parsers or the lint pipeline, and no rule fails (no internal-error finding);
 * - every span the parsers report lies inside the text, and every reported range, related location and fix or
 *   suggestion edit lies inside the file it names, which is a file of the configuration;
 * - the nginx parse is lossless: its tokens (words with their quotes, comments, opaque bodies) are ordered, do not
 *   overlap, and what lies between them is only white space and `;{}` — so concatenating tokens and gaps gives back
 *   the input; every word's `raw` is the source text at its span. The Apache parse: the same with `\`+newline
 *   continuations and the `<`/`>` of section lines as the gap characters;
 * - applying all safe fixes (the CLI's --fix loop) twice gives the same text as applying them once;
 * - every quick fix / fix-all / disable edit the language server offers has a range inside the document;
 * - `explain` over an error log accounts for every line once (explained, unknown or blank), places lines only at
 *   directives of the configuration's own files, quotes only the lint's own findings, and its CLI text and JSON
 *   output are made without an exception (JSON that parses, exit code 0 exactly when a line was explained).
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import type { Finding } from '../../server/src/core/finding';
import { fixUntilSettled, MAX_FIX_PASSES } from '../../server/src/core/fix';
import type { Host } from '../../server/src/core/host';
import { INTERNAL_ERROR, lintNginx } from '../../server/src/core/lint';
import { lintApache } from '../../server/src/core/lint-apache';
import { NGINX_PARSE_OPTIONS } from '../../server/src/core/model/nginx-tree';
import { defaultSettings, type Settings } from '../../server/src/core/settings';
import { parseApache } from '../../server/src/core/syntax/apache/parser';
import type { ApacheDirective } from '../../server/src/core/syntax/apache/ast';
import type { Directive, Span } from '../../server/src/core/syntax/nginx/ast';
import { parseNginx } from '../../server/src/core/syntax/nginx/parser';
import { LineIndex } from '../../server/src/core/text';
import { codeActions } from '../../server/src/lsp/code-actions';
import { toDiagnostic } from '../../server/src/lsp/convert';
import { decode, encode } from '../../server/src/node/node-host';
import { memHost } from '../helpers';
import { explainLog } from '../../server/src/core/explain/explain';
import { runExplain } from '../../server/src/cli/explain';
import type { CliIo } from '../../server/src/cli/io';

export class PropertyError extends Error {}

function fail(message: string): never {
  throw new PropertyError(message);
}

/** One input: the file under test (absolute path under /fz), its text, and sibling files it may include. */
export interface FuzzCase {
  dialect: 'nginx' | 'apache';
  path: string;
  text: string;
  files?: Record<string, string>;
  /** When set, the file's raw bytes (base64): `text` is what the file decoder makes of them. */
  bytes?: string;
  /** Index into SETTINGS_VARIANTS. */
  settings?: number;
  /** An error log to explain against the configuration (`proxylint explain --in <path> --log`). */
  log?: string;
}

/** Settings that switch on the rules that stay silent by default (environment, version, edition). */
export const SETTINGS_VARIANTS: ((s: Settings) => void)[] = [
  () => {},
  (s) => {
    s.environment.outerIdleTimeoutMs = 60_000;
    s.environment.backendKeepaliveTimeoutMs = 5_000;
    s.nginx.version = [1, 22, 1];
    s.apache.version = [2, 4, 62];
  },
  (s) => {
    s.nginx.version = [1, 29, 7];
    s.nginx.edition = 'plus';
    s.nginx.pageSize = 8192;
    s.environment.outerIdleTimeoutMs = 1_000;
  },
];

export function settingsFor(variant = 0): Settings {
  const s = defaultSettings();
  SETTINGS_VARIANTS[variant % SETTINGS_VARIANTS.length](s);
  return s;
}

export function caseFiles(c: FuzzCase): Record<string, string> {
  return { ...(c.files ?? {}), [c.path]: c.text };
}

// ---------------------------------------------------------------------------------------------------------------
// Parsers

const inside = (what: string, s: Span, n: number) => {
  if (!(Number.isInteger(s.start) && Number.isInteger(s.end) && 0 <= s.start && s.start <= s.end && s.end <= n)) fail(`${what} [${s.start}, ${s.end}) is not inside the text (length ${n})`);
};

const NGINX_GAP = new Set([' ', '\t', '\r', '\n', ';', '{', '}']);

/** Parses nginx text and checks spans, nesting and losslessness; returns the number of tokens seen. */
export function checkNginxParse(text: string): number {
  const n = text.length;
  const ast = parseNginx(text, NGINX_PARSE_OPTIONS);
  const tokens: (Span & { raw?: string; what: string })[] = [];
  for (const c of ast.comments) {
    inside('comment', c, n);
    if (text[c.start] !== '#' || text.slice(c.start + 1, c.end) !== c.text) fail(`comment at ${c.start} does not match its text`);
    tokens.push({ ...c, what: 'comment' });
  }
  for (const p of ast.problems) {
    inside(`problem "${p.message}"`, p, n);
    if (p.related) inside(`related of "${p.message}"`, p.related, n);
  }
  const walk = (dirs: Directive[], parent: Directive | null, lo: number, hi: number) => {
    let prevEnd = lo;
    for (const d of dirs) {
      inside(`directive ${d.name}`, d, n);
      inside(`name of ${d.name}`, d.nameSpan, n);
      if (d.parent !== parent) fail(`directive ${d.name} at ${d.start} has the wrong parent`);
      if (d.start !== d.nameSpan.start || d.start < prevEnd || d.start < lo || d.end > hi) fail(`directive ${d.name} [${d.start}, ${d.end}) is out of order or outside its block [${lo}, ${hi})`);
      tokens.push({ start: d.nameSpan.start, end: d.nameSpan.end, what: `name of ${d.name}` });
      let argEnd = d.nameSpan.end;
      for (const a of d.args) {
        inside(`argument of ${d.name}`, a, n);
        if (text.slice(a.start, a.end) !== a.raw) fail(`argument raw ${JSON.stringify(a.raw)} is not the source text at [${a.start}, ${a.end})`);
        if (a.start < argEnd) fail(`arguments of ${d.name} overlap at ${a.start}`);
        if (a.quote === null && !a.raw.includes('\\') && a.value !== a.raw) fail(`bare word ${JSON.stringify(a.raw)} has value ${JSON.stringify(a.value)}`);
        argEnd = a.end;
        tokens.push({ ...a, what: `argument of ${d.name}` });
      }
      if (d.block) {
        inside(`block of ${d.name}`, d.block, n);
        if (text[d.block.start] !== '{' || d.block.start < argEnd) fail(`block of ${d.name} does not start at its "{" (${d.block.start})`);
        if (d.block.closed && text[d.block.end - 1] !== '}') fail(`closed block of ${d.name} does not end at a "}" (${d.block.end})`);
        if (d.block.opaque) {
          if (d.block.children.length) fail(`opaque block of ${d.name} has children`);
          // The body between the braces is kept as text: one token.
          if (d.block.end - (d.block.closed ? 1 : 0) > d.block.start + 1) tokens.push({ start: d.block.start + 1, end: d.block.end - (d.block.closed ? 1 : 0), what: `opaque body of ${d.name}` });
        } else walk(d.block.children, d, d.block.start + 1, d.block.end);
        prevEnd = d.block.end;
      } else prevEnd = d.end;
    }
  };
  walk(ast.directives, null, 0, n);
  tokens.sort((a, b) => a.start - b.start || a.end - b.end);
  let pos = 0;
  let rebuilt = '';
  for (const t of tokens) {
    if (t.start < pos) fail(`${t.what} [${t.start}, ${t.end}) overlaps the token before it (which ends at ${pos})`);
    for (let k = pos; k < t.start; k++) if (!NGINX_GAP.has(text[k]) && !markAt(text, k)) fail(`character ${JSON.stringify(text[k])} at ${k} belongs to no token`);
    rebuilt += text.slice(pos, t.end);
    pos = t.end;
  }
  for (let k = pos; k < n; k++) if (!NGINX_GAP.has(text[k]) && !markAt(text, k)) fail(`character ${JSON.stringify(text[k])} at ${k} belongs to no token`);
  rebuilt += text.slice(pos);
  if (rebuilt !== text) fail('tokens and gaps do not re-serialise to the input');
  return tokens.length;
}

/** A UTF-8 byte-order mark at the start of the text: the parser skips it (utf8-bom-at-file-start reports it). */
function markAt(text: string, k: number): boolean {
  return k === 0 && text.charCodeAt(0) === 0xfeff;
}

/** End of the logical line (joined across `\`+newline continuations) that holds offset `k`: the offset of its line break. */
function logicalLineEnd(text: string, k: number): number {
  for (;;) {
    const lf = text.indexOf('\n', k);
    if (lf < 0) return text.length;
    let e = lf;
    if (e > k && text[e - 1] === '\r') e--;
    const continued = e - 2 >= k && text[e - 1] === '\\' && text[e - 2] !== '\\';
    if (!continued) return e;
    k = lf + 1;
  }
}

const APACHE_SPACE = new Set([' ', '\t', '\r', '\n', '\v', '\f']);

/** Parses Apache text and checks spans, nesting and losslessness. */
export function checkApacheParse(text: string): number {
  const n = text.length;
  const ast = parseApache(text);
  const tokens: (Span & { what: string })[] = [];
  for (const c of ast.comments) {
    inside('comment', c, n);
    tokens.push({ ...c, what: 'comment' });
  }
  for (const p of ast.problems) {
    inside(`problem "${p.message}"`, p, n);
    if (p.related) inside(`related of "${p.message}"`, p.related, n);
    // A closing line that matches no open section is not in the tree: the problem reported on it covers it.
    if (/^<\/\S* without matching|^Expected <\//.test(p.message)) tokens.push({ start: p.start, end: p.end, what: 'closing line' });
  }
  const walk = (dirs: ApacheDirective[], parent: ApacheDirective | null) => {
    let prev = -1;
    for (const d of dirs) {
      inside(`directive ${d.name}`, d, n);
      inside(`name of ${d.name}`, d.nameSpan, n);
      if (d.parent !== parent) fail(`directive ${d.name} at ${d.start} has the wrong parent`);
      if (d.start < prev) fail(`directive ${d.name} at ${d.start} is out of order`);
      if (d.lname !== d.name.toLowerCase()) fail(`lname of ${d.name} is ${d.lname}`);
      prev = d.start;
      if (d.section?.opaque) {
        inside(`section ${d.name}`, d.section, n);
        // A <Macro> body is text up to its closing line: one token with its opening line.
        tokens.push({ start: d.nameSpan.start, end: Math.max(d.section.end, d.end), what: `opaque section ${d.name}` });
        continue;
      }
      tokens.push({ ...d.nameSpan, what: `name of ${d.name}` });
      for (const a of d.args) {
        inside(`argument of ${d.name}`, a, n);
        if (text.slice(a.start, a.end) !== a.raw) fail(`argument raw ${JSON.stringify(a.raw)} is not the source text at [${a.start}, ${a.end})`);
        const joined = a.raw.replace(/\\\r?\n/g, '');
        if (a.quote === null && joined === a.raw && a.value !== a.raw) fail(`bare word ${JSON.stringify(a.raw)} has value ${JSON.stringify(a.value)}`);
        tokens.push({ ...a, what: `argument of ${d.name}` });
      }
      if (d.section) {
        inside(`section ${d.name}`, d.section, n);
        // httpd ignores what follows the last ">" of a section's opening line: one token up to the line's end.
        const gt = text.indexOf('>', d.args.length ? d.args[d.args.length - 1].end : d.nameSpan.end);
        const eol = logicalLineEnd(text, d.nameSpan.start);
        if (gt >= 0 && gt < eol && eol > gt + 1) tokens.push({ start: gt + 1, end: eol, what: `text after ">" of ${d.name}` });
        if (d.section.close) {
          inside(`closing line of ${d.name}`, d.section.close, n);
          tokens.push({ ...d.section.close, what: `closing line of ${d.name}` });
        }
        walk(d.section.children, d);
      }
    }
  };
  walk(ast.directives, null);
  tokens.sort((a, b) => a.start - b.start || a.end - b.end);
  let pos = 0;
  const gapOk = (k: number) => {
    const ch = text[k];
    if (APACHE_SPACE.has(ch) || ch === '>' || ch === '<') return true;
    // A line continuation: a backslash right before the line break.
    return ch === '\\' && (text[k + 1] === '\n' || (text[k + 1] === '\r' && text[k + 2] === '\n'));
  };
  for (const t of tokens) {
    if (t.start < pos) {
      // A closing line recovered for several sections at once is shared by them.
      if (t.what.startsWith('closing line') && t.end <= pos) continue;
      fail(`${t.what} [${t.start}, ${t.end}) overlaps the token before it (which ends at ${pos})`);
    }
    for (let k = pos; k < t.start; k++) if (!gapOk(k)) fail(`character ${JSON.stringify(text[k])} at ${k} belongs to no token`);
    pos = Math.max(pos, t.end);
  }
  for (let k = pos; k < n; k++) if (!gapOk(k)) fail(`character ${JSON.stringify(text[k])} at ${k} belongs to no token`);
  return tokens.length;
}

// ---------------------------------------------------------------------------------------------------------------
// Lint pipeline

export interface LintOutcome {
  findings: Finding[];
  /** Text of every file the lint read, by path. */
  texts: Map<string, string>;
}

export function lintCase(c: FuzzCase, host: Host = memHost(caseFiles(c)), text = c.text): LintOutcome {
  const settings = settingsFor(c.settings);
  if (c.dialect === 'apache') {
    const r = lintApache(c.path, text, host, { settings });
    return { findings: r.findings, texts: new Map(r.config.files.map((f) => [f.path, f.text])) };
  }
  const r = lintNginx(c.path, text, host, { settings });
  return { findings: r.findings, texts: new Map(r.config.files.map((f) => [f.path, f.text])) };
}

/** Lints the case and checks that every range lies inside the file it names. Returns the outcome. */
export function checkLintRanges(c: FuzzCase): LintOutcome {
  const out = lintCase(c);
  const len = (path: string, what: string) => {
    const t = out.texts.get(path);
    if (t === undefined) fail(`${what} names "${path}", which is not a file of the configuration`);
    return t.length;
  };
  for (const f of out.findings) {
    if (f.ruleId === INTERNAL_ERROR) fail(`internal error: ${f.message}`);
    const n = len(f.path, `finding ${f.ruleId}`);
    inside(`finding ${f.ruleId} "${f.message}"`, f, n);
    for (const r of f.related) inside(`related location of ${f.ruleId}`, r, len(r.path, `related location of ${f.ruleId}`));
    for (const fx of [...(f.fix ? [f.fix] : []), ...f.suggestions]) {
      for (const e of fx.edits) inside(`edit of "${fx.title}" (${f.ruleId})`, e, len(e.path, `edit of "${fx.title}"`));
      // As applyEdits orders them: an insertion at the start of a replaced range comes first and does not overlap it.
      const sorted = [...fx.edits].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.start - b.start || a.end - b.end));
      for (let k = 1; k < sorted.length; k++) {
        if (sorted[k].path === sorted[k - 1].path && sorted[k].start < sorted[k - 1].end) fail(`the edits of "${fx.title}" (${f.ruleId}) overlap`);
      }
    }
  }
  return out;
}

/**
 * The CLI's --fix loop (fixUntilSettled) over in-memory files. Returns every file, with its new text.
 */
export function fixAll(c: FuzzCase, files: Record<string, string>): Record<string, string> {
  const current = { ...files };
  fixUntilSettled(
    {
      lint: () => lintCase(c, memHost(current), current[c.path]).findings,
      findingsOf: (f) => f,
      textOf: (p) => current[p],
      setText: (p, t) => void (current[p] = t),
    },
    MAX_FIX_PASSES,
  );
  return current;
}

/** Applying all safe fixes twice equals applying them once. Only worth running when the lint offered a fix. */
export function checkFixIdempotent(c: FuzzCase, findings: Finding[]): boolean {
  if (!findings.some((f) => f.fix)) return false;
  const once = fixAll(c, caseFiles(c));
  const twice = fixAll(c, once);
  for (const p of Object.keys(once)) {
    if (once[p] !== twice[p]) {
      fail(`applying the safe fixes again changed ${p} (the --fix loop did not reach a fixed point):\n--- once\n${once[p].slice(0, 2000)}\n--- twice\n${twice[p].slice(0, 2000)}`);
    }
  }
  return true;
}

/** Every code action the language server would offer for the case's file: each edit range lies inside its document. */
export function checkCodeActions(c: FuzzCase, findings: Finding[], texts: Map<string, string>): number {
  if (c.dialect !== 'nginx') return 0;
  const lines = new Map([...texts].map(([p, t]) => [p, new LineIndex(t)]));
  const mine = findings.filter((f) => f.path === c.path);
  if (mine.length === 0) return 0;
  const diagnostics: Diagnostic[] = mine.map((f) => toDiagnostic(f, (p) => lines.get(p)));
  // codeActions reads only config.files and findings from the result.
  const result = { config: { files: [...texts].map(([path, text]) => ({ path, text, lines: lines.get(path)! })) }, findings } as unknown as Parameters<typeof codeActions>[2];
  const uriOf = (p: string) => 'file://' + p.split('/').map(encodeURIComponent).join('/');
  const byUri = new Map([...texts.keys()].map((p) => [uriOf(p), p]));
  const actions: CodeAction[] = [
    ...codeActions({ textDocument: { uri: uriOf(c.path) }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics } }, c.path, result),
    ...codeActions({ textDocument: { uri: uriOf(c.path) }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: [CodeActionKind.SourceFixAll] } }, c.path, result),
  ];
  let edits = 0;
  for (const a of actions) {
    for (const [u, list] of Object.entries(a.edit?.changes ?? {})) {
      const p = byUri.get(u);
      if (p === undefined) fail(`code action "${a.title}" edits ${u}, which is not a file of the configuration`);
      const text = texts.get(p)!;
      const li = lines.get(p)!;
      for (const e of list as LspTextEdit[]) {
        edits++;
        for (const pos of [e.range.start, e.range.end]) {
          if (pos.line < 0 || pos.line >= li.lineCount || pos.character < 0 || pos.character > li.lineText(pos.line).length) {
            fail(`code action "${a.title}" has an edit at ${pos.line}:${pos.character}, outside ${p} (${li.lineCount} lines)`);
          }
        }
        if (li.offsetAt(e.range.start) > li.offsetAt(e.range.end) || li.offsetAt(e.range.end) > text.length) fail(`code action "${a.title}" has an inverted or out-of-range edit`);
      }
    }
  }
  return edits;
}

/**
 * Decodes a bytes case as the CLI and the language server read files, and checks that writing the text back in the
 * same encoding gives the same bytes (what --fix relies on). Returns the case with its text, or undefined for a file
 * the reader refuses (binary).
 */
export function checkDecode(c: FuzzCase): FuzzCase | undefined {
  if (c.bytes === undefined) return c;
  const buf = Buffer.from(c.bytes, 'base64');
  const d = decode(buf);
  if ('binary' in d) {
    if (!d.why) fail('a refused file has no reason');
    return undefined;
  }
  const back = encode(d);
  if (!back.equals(buf)) fail(`decoding as ${d.encoding}${d.bom ? ' with BOM' : ''} and encoding again changed the bytes (${buf.length} -> ${back.length})`);
  return { ...c, text: d.text, bytes: undefined };
}

/** Every property at once, for one case; returns counters for the campaign's report. */
export function checkAll(input: FuzzCase): { tokens: number; findings: number; fixChecked: boolean; actionEdits: number } {
  const c = checkDecode(input);
  if (!c) return { tokens: 0, findings: 0, fixChecked: false, actionEdits: 0 };
  const tokens = c.dialect === 'nginx' ? checkNginxParse(c.text) : checkApacheParse(c.text);
  const out = checkLintRanges(c);
  const actionEdits = checkCodeActions(c, out.findings, out.texts);
  const fixChecked = checkFixIdempotent(c, out.findings);
  if (c.log !== undefined) checkExplain(c);
  return { tokens, findings: out.findings.length, fixChecked, actionEdits };
}

// ---------------------------------------------------------------------------------------------------------------
// explain

/** A CliIo over in-memory files: the CLI's explain runs as it does for users, without a process or a disk. */
function memCliIo(files: Record<string, string>, out: { stdout: string; stderr: string }): CliIo {
  const host = memHost(files);
  const dirs = new Set(Object.keys(files).flatMap((p) => p.split('/').slice(1, -1).map((_, k, parts) => '/' + parts.slice(0, k + 1).join('/'))));
  return {
    cwd: '/fz',
    version: '0.0.0-fuzz',
    env: () => undefined,
    stdout: (s) => void (out.stdout += s),
    stderr: (s) => void (out.stderr += s),
    readStdin: () => ({ ok: false, message: 'standard input is empty', empty: true }),
    kind: (p) => (p in files ? 'file' : dirs.has(p) ? 'dir' : 'missing'),
    walk: () => ({ files: [], errors: [] }),
    glob: () => [],
    read: (p) => (p in files ? { ok: true, text: files[p], encoding: 'utf8' } : { ok: false, message: 'no such file' }),
    write: () => 'the fuzz io does not write',
    findUp: () => undefined,
    realpath: (p) => p,
    host: () => host,
  };
}

/**
 * Explains the case's log against its configuration, in the core and through the CLI (text and JSON). Returns how
 * many distinct explanations there were.
 */
export function checkExplain(c: FuzzCase): number {
  const lines = c.log!.split(/\r?\n/);
  const settings = settingsFor(c.settings);
  const host = memHost(caseFiles(c));
  let texts: Map<string, string>;
  let findings: Finding[];
  let result: ReturnType<typeof explainLog>;
  if (c.dialect === 'apache') {
    const r = lintApache(c.path, c.text, host, { settings });
    texts = new Map(r.config.files.map((f) => [f.path, f.text]));
    findings = r.findings;
    result = explainLog(lines, [], [r]);
  } else {
    const r = lintNginx(c.path, c.text, host, { settings });
    texts = new Map(r.config.files.map((f) => [f.path, f.text]));
    findings = r.findings;
    result = explainLog(lines, [{ config: r.config, findings: r.findings, target: settings.nginx, upstreams: r.upstreams }], []);
  }
  const counted = result.entries.reduce((n, e) => n + e.count, 0);
  if (counted + result.unknown + result.blank !== lines.length) {
    fail(`explain accounted for ${counted} explained + ${result.unknown} unknown + ${result.blank} blank lines, but the log has ${lines.length}`);
  }
  // A line is in at most one request: the lines in requests are the explained lines that are not alone.
  const inRequests = result.requests.reduce((n, r) => n + r.count * r.lines.length, 0);
  const notAlone = result.entries.reduce((n, e) => n + e.count - e.alone, 0);
  if (inRequests !== notAlone) fail(`explain put ${inRequests} lines in requests, but ${notAlone} explained lines are not alone`);
  for (const r of result.requests) {
    if (r.lines.length < 2) fail(`explain made a request of ${r.lines.length} line`);
    if (r.lines.some((l) => !result.entries.includes(l.entry))) fail('a line of a request points to no entry');
    if (r.server === 'nginx' && r.outcome?.final && !r.outcome.status) fail('an nginx request has a sure outcome without a status');
  }
  const own = new Set(findings);
  for (const e of result.entries) {
    if (e.count < 1) fail(`explain entry ${e.explanation.pattern.id} has count ${e.count}`);
    const nodes = [e.place?.server, e.place?.location, e.apache?.node, e.apache?.worker?.node, e.apache?.rule?.node, ...(e.apache?.values ?? []).map((v) => v.scope?.node ?? undefined), ...e.values.map((v) => v.node), ...(e.apache?.values ?? []).map((v) => v.node)];
    for (const n of nodes) {
      if (!n) continue;
      const t = texts.get(n.file.path);
      if (t === undefined) fail(`explain placed a line in "${n.file.path}", which is not a file of the configuration`);
      inside(`explain place ${n.name}`, n.directive, t.length);
    }
    for (const f of e.findings) if (!own.has(f)) fail(`explain quotes a finding the lint did not make: ${f.ruleId} ${f.message}`);
  }
  // The CLI, both formats: the output is made without an exception and the exit code says whether a line was explained.
  const files = { ...caseFiles(c), '/fz/error.log': c.log! };
  for (const format of ['text', 'json']) {
    const out = { stdout: '', stderr: '' };
    const code = runExplain(['--in', c.path, '--log', '/fz/error.log', '--format', format], memCliIo(files, out));
    const want = result.entries.length ? 0 : 1;
    if (code !== want) fail(`proxylint explain --format ${format} exited ${code} (expected ${want}); stderr: ${out.stderr.slice(0, 500)}`);
    if (format === 'json') {
      try {
        JSON.parse(out.stdout);
      } catch (err) {
        fail(`proxylint explain --format json printed something that is not JSON: ${(err as Error).message}`);
      }
    }
  }
  return result.entries.length;
}

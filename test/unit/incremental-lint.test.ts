import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { lintNginx, type LintResult } from '../../server/src/core/lint';
import { classify } from '../../server/src/cli/classify';
import { parseSourceFile, type SourceFile } from '../../server/src/core/model/nginx-tree';
import { moved, valueEdit } from '../../server/src/core/model/value-edit';
import { oncePer } from '../../server/src/core/collections';
import { ANY, recordReads } from '../../server/src/core/reads';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, ROOT, SHARED, seededRandom, sharedSkip } from '../helpers';

// The language server checks a typed value again by running only the rules that read statements of that name
// (lintNginx's `previous`). Whatever it skips must find exactly what a check from scratch finds: these tests make
// value edits of every kind in real files and compare the two, finding for finding.

const PATH = '/cfg/nginx.conf';
const settings = defaultSettings();

function lint(text: string, previous?: LintResult, track = true): LintResult {
  return lintNginx(PATH, text, memHost({ [PATH]: text }), { settings, trackReads: track, previous });
}


const VALUE_CHARS = '0123456789abcdefhkmsxyz.:/_-=,$@%<>ABC';

/** Every argument of the file, with the statement it belongs to. */
function argsOf(file: SourceFile): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const walk = (ds: SourceFile['ast']['directives']) => {
    for (const d of ds) {
      for (const a of d.args) out.push({ start: a.start, end: a.end });
      if (d.block) walk(d.block.children);
    }
  };
  walk(file.ast.directives);
  return out;
}

/** One edit inside an argument, as typing does: a character typed, deleted or replaced. */
function editOnce(text: string, next: () => number): string | undefined {
  const args = argsOf(parseSourceFile(PATH, text));
  if (!args.length) return undefined;
  const a = args[Math.floor(next() * args.length)];
  const at = a.start + Math.floor(next() * (a.end - a.start + 1));
  const ch = VALUE_CHARS[Math.floor(next() * VALUE_CHARS.length)];
  const kind = next();
  if (kind < 0.4) return text.slice(0, at) + ch + text.slice(at);
  if (kind < 0.7 && at < a.end) return text.slice(0, at) + text.slice(at + 1);
  if (at < a.end) return text.slice(0, at) + ch + text.slice(at + 1);
  return text.slice(0, at) + ch + text.slice(at);
}

function nginxFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) nginxFiles(p, out);
    else if (st.size < 200_000 && p.endsWith('.conf')) out.push(p);
  }
  return out;
}

interface Tally {
  edits: number;
  incremental: number;
  reused: number;
  ran: number;
}

/** Chains `edits` value edits on `text`, each checked both ways; returns how many took the short way. */
function compareChain(label: string, text: string, edits: number, next: () => number, tally: Tally): void {
  let prev = lint(text);
  for (let k = 0; k < edits; k++) {
    const edited = editOnce(text, next);
    if (edited === undefined) return;
    text = edited;
    const inc = lint(text, prev);
    const fresh = lint(text, undefined, false);
    tally.edits++;
    if (inc.runs!.edit) {
      tally.incremental++;
      tally.reused += inc.runs!.reused;
      tally.ran += inc.runs!.byRule.size - inc.runs!.reused;
    }
    if (!isDeepStrictEqual(inc.findings, fresh.findings)) {
      const a = inc.findings.map((f) => `${f.ruleId}@${f.start}-${f.end}: ${f.message}`);
      const b = fresh.findings.map((f) => `${f.ruleId}@${f.start}-${f.end}: ${f.message}`);
      assert.deepEqual(a, b, `${label}, edit ${k + 1} (${inc.runs!.edit ? `value edit of ${inc.runs!.edit.name}, ${inc.runs!.reused} rules reused` : 'checked from scratch'}): findings differ`);
      assert.fail(`${label}, edit ${k + 1}: the findings' fixes, suggestions or related places differ from a fresh check`);
    }
    prev = inc;
  }
}

test('value edits in every rule fixture and real configuration: the findings equal a fresh check', () => {
  const files = [...nginxFiles(join(ROOT, 'test', 'rules', 'nginx')), ...nginxFiles(join(ROOT, 'test', 'rules', 'common')), ...nginxFiles(join(ROOT, 'test', 'real-configs', 'nginx'))];
  assert.ok(files.length > 200, `only ${files.length} fixture files found`);
  const next = seededRandom(7);
  const tally: Tally = { edits: 0, incremental: 0, reused: 0, ran: 0 };
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    if (classify(f, text) === 'apache') continue;
    compareChain(f, text, 4, next, tally);
  }
  // The comparison is worth something only if most edits took the short way and it skipped most rules.
  assert.ok(tally.incremental > tally.edits / 2, `${tally.incremental} of ${tally.edits} edits were value edits`);
  assert.ok(tally.reused > tally.ran, `reused ${tally.reused} rule runs, ran ${tally.ran}`);
});

test('value edits in real-world configurations: the findings equal a fresh check', { skip: sharedSkip('corpus/nginx') }, () => {
  const all = nginxFiles(join(SHARED, 'corpus', 'nginx'));
  // Every 8th file: a spread over the corpus that keeps the test under a minute on 2 cores.
  const files = all.filter((_, k) => k % 8 === 0);
  const next = seededRandom(11);
  const tally: Tally = { edits: 0, incremental: 0, reused: 0, ran: 0 };
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    if (classify(f, text) === 'apache' || text.includes('\0')) continue;
    compareChain(f, text, 3, next, tally);
  }
  assert.ok(tally.incremental > tally.edits / 3, `${tally.incremental} of ${tally.edits} edits were value edits`);
});

test('a value edit on a large document reruns only the rules that read that directive', () => {
  const lines = ['events {}', 'http {', '    upstream app { server 10.0.0.1:8080; keepalive 16; }'];
  for (let i = 0; i < 200; i++) lines.push('    server {', `        listen ${8000 + i};`, '        location / {', '            proxy_pass http://app;', '            proxy_read_timeout 30s;', '        }', '    }');
  lines.push('}');
  const text = lines.join('\n') + '\n';
  const first = lint(text);
  const at = text.indexOf('30s', text.length / 2);
  const edited = text.slice(0, at) + '300s' + text.slice(at + 3);
  const second = lint(edited, first);
  assert.equal(second.runs!.edit?.name, 'proxy_read_timeout');
  // Rules about timeouts read it; keep-alive, listen and upstream rules do not, and are not run again.
  assert.ok(second.runs!.reused > second.runs!.byRule.size / 2, `${second.runs!.reused} of ${second.runs!.byRule.size} rules reused`);
  assert.ok(first.runs!.byRule.get('read-timeout-too-low')?.reads?.has('proxy_read_timeout'));
  assert.ok(!first.runs!.byRule.get('upstream-keepalive-ineffective')?.reads?.has('proxy_read_timeout'));
  assert.deepEqual(second.findings, lint(edited, undefined, false).findings);
  // An edit of a name the model reads (proxy_pass) changes what every rule sees: nothing is taken.
  const p = edited.indexOf('http://app', edited.length / 2) + 'http://ap'.length;
  const third = lint(edited.slice(0, p) + 'x' + edited.slice(p), second);
  assert.equal(third.runs!.edit, undefined);
  assert.equal(third.runs!.reused, 0);
});

test('what is not a value edit: white space, quotes, semicolons, comments, template markup, a second statement', () => {
  const before = parseSourceFile(PATH, 'http {\n    proxy_read_timeout 30s; # slow\n    proxy_pass http://a;\n}\n');
  const edit = (from: string, to: string) => valueEdit(before, parseSourceFile(PATH, before.text.replace(from, to)));
  assert.equal(edit('30s', '300s')?.name, 'proxy_read_timeout');
  assert.equal(edit('http://a', 'http://ab')?.name, 'proxy_pass');
  assert.equal(edit('30s;', '30s ;'), undefined);
  assert.equal(edit('30s', '"30s"'), undefined);
  assert.equal(edit('30s;', '30s'), undefined);
  assert.equal(edit('# slow', '# slower'), undefined);
  assert.equal(edit('30s', '3 0s'), undefined);
  assert.equal(edit('30s', '{{ .T }}'), undefined);
  assert.equal(edit('30s', '@T@'), undefined);
  assert.equal(edit('proxy_read_timeout', 'proxy_send_timeout'), undefined);
  assert.equal(edit('30s', '30s;'), undefined);
});

test('offsets at the place characters were typed are not guessed', () => {
  // "30s" → "30ms": an offset inside the edited characters, or at the point of an insertion, has no sure new place.
  const e = { start: 10, oldEnd: 12, delta: 1 };
  assert.equal(moved(e, 9), 9);
  assert.equal(moved(e, 10), 10);
  assert.equal(moved(e, 11), undefined);
  assert.equal(moved(e, 12), 13);
  const insert = { start: 10, oldEnd: 10, delta: 2 };
  assert.equal(moved(insert, 10), undefined);
  assert.equal(moved(insert, 11), 13);
});

test('what a rule reads is noted: arguments by name, whole text as everything, through memos too', () => {
  const file = parseSourceFile(PATH, 'proxy_read_timeout 30s;\nproxy_pass http://a;\n');
  const [timeout] = file.ast.directives;
  assert.deepEqual([...recordReads(() => timeout.args[0].value, true).reads!], ['proxy_read_timeout']);
  assert.deepEqual([...recordReads(() => timeout.name, true).reads!], []);
  assert.deepEqual([...recordReads(() => file.text.length, true).reads!], [ANY]);
  // A value one piece of work made and another uses: the user depends on what making it read.
  const memo = oncePer((f: SourceFile) => f.ast.directives[1].args[0].value);
  assert.deepEqual([...recordReads(() => memo(file), true).reads!], ['proxy_pass']);
  assert.deepEqual([...recordReads(() => memo(file), true).reads!], ['proxy_pass']);
});

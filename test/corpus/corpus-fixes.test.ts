// Every quick fix and suggestion proxylint offers on the real-world corpus, applied one at a time, leaves a file the
// real server still accepts. The rule fixtures check each rule's fixes on examples written for it; this checks them on
// configurations nobody here wrote. Only files the server accepts here before the edit count (the corpus was checked
// with 29 nginx modules, and Debian installs fewer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nginxTest, requireBinary, runCli } from '../helpers';
import { CORPUS, CORPUS_SKIP, manifest, type Row } from './corpus-files';

interface Edit {
  path: string;
  start: number;
  end: number;
  newText: string;
}
interface Report {
  files: { path: string; findings: { ruleId: string; line: number; fix?: { title: string; edits: Edit[] }; suggestions: { title: string; edits: Edit[] }[] }[] }[];
}

/** Each fix and suggestion whose edits all stay in the file, by file: edits in another file need that file's context. */
function offeredEdits(paths: string[]): Map<string, { what: string; edits: Edit[] }[]> {
  const out = new Map<string, { what: string; edits: Edit[] }[]>();
  for (let k = 0; k < paths.length; k += 200) {
    const r = runCli(['--format', 'json', ...paths.slice(k, k + 200)], { cwd: tmpdir() });
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
    for (const file of (JSON.parse(r.stdout) as Report).files) {
      for (const f of file.findings) {
        for (const [kind, s] of [...(f.fix ? [['fix', f.fix] as const] : []), ...f.suggestions.map((s) => ['suggestion', s] as const)]) {
          if (s.edits.length === 0 || s.edits.some((e) => e.path !== file.path)) continue;
          const list = out.get(file.path) ?? [];
          list.push({ what: `${f.ruleId} ${kind} at line ${f.line}: "${s.title}"`, edits: s.edits });
          out.set(file.path, list);
        }
      }
    }
  }
  return out;
}

function applied(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** Tries each offered edit on its file with `accepts` (the real server's check); returns what broke and how many were tried. */
function tryEach(offers: Map<string, { what: string; edits: Edit[] }[]>, accepts: (path: string) => { ok: boolean; output: string }, label: (path: string) => string) {
  const broke: string[] = [];
  let files = 0, tried = 0;
  for (const [path, list] of offers) {
    if (!accepts(path).ok) continue;
    files++;
    const original = readFileSync(path, 'utf8');
    for (const o of list) {
      tried++;
      writeFileSync(path, applied(original, o.edits));
      const r = accepts(path);
      if (!r.ok) broke.push(`${label(path)}: ${o.what}: ${r.output.trim().split('\n').slice(0, 2).join(' | ')}`);
    }
    writeFileSync(path, original);
  }
  return { broke, files, tried };
}

/** Copies each row's file into a folder of its own under `work`, named by `name`; the copies' paths → their rows. */
function copyEach(rows: Row[], work: string, name: (row: Row) => string): Map<string, Row> {
  const rowOf = new Map<string, Row>();
  rows.forEach((row, k) => {
    const dir = join(work, 'files', String(k));
    mkdirSync(dir, { recursive: true });
    const path = join(dir, name(row));
    copyFileSync(join(CORPUS, row.localPath), path);
    rowOf.set(path, row);
  });
  return rowOf;
}

/** Where `nginx -t` reads a fragment from: inside the context the manifest says nginx accepted it in. */
const NGINX_WRAP: Record<string, (include: string) => string> = {
  main: (i) => `events {}\n${i}\n`,
  http: (i) => `events {}\nhttp {\n${i}\n}\n`,
  server: (i) => `events {}\nhttp {\nserver {\n${i}\n}\n}\n`,
  location: (i) => `events {}\nhttp {\nserver {\nlocation / {\n${i}\n}\n}\n}\n`,
  stream: (i) => `events {}\nstream {\n${i}\n}\n`,
  upstream: (i) => `events {}\nhttp {\nupstream u {\n${i}\n}\n}\n`,
  map: (i) => `events {}\nhttp {\nmap $x $y {\n${i}\n}\n}\n`,
  types: (i) => `events {}\nhttp {\ntypes {\n${i}\n}\n}\n`,
  geo: (i) => `events {}\nhttp {\ngeo $g {\n${i}\n}\n}\n`,
};

test('every fix and suggestion offered on the nginx corpus keeps nginx -t passing', { skip: CORPUS_SKIP }, (t) => {
  requireBinary('nginx');
  const rows = manifest().filter((r) => r.server === 'nginx' && r.templated === 'no' && (r.standaloneParses === 'yes' || (r.standaloneParses === 'fragment' && NGINX_WRAP[r.checkContext])));
  assert.ok(rows.length > 600, `${rows.length} rows`);
  // Each file is copied into a folder of its own (a whole configuration as nginx.conf, a fragment as frag.conf, with no
  // nginx.conf beside it) and linted there, as a user would lint it; the fragment's wrapper lives in another folder.
  const work = mkdtempSync(join(tmpdir(), 'proxylint-corpus-fixes-'));
  try {
    const rowOf = copyEach(rows, work, (row) => (row.standaloneParses === 'yes' ? 'nginx.conf' : 'frag.conf'));
    const paths = [...rowOf.keys()];
    const accepts = (path: string) => {
      const row = rowOf.get(path)!;
      const prefix = join(work, 'prefix');
      rmSync(prefix, { recursive: true, force: true });
      mkdirSync(prefix, { recursive: true });
      if (row.standaloneParses === 'yes') return nginxTest(prefix, path);
      writeFileSync(join(prefix, 'nginx.conf'), NGINX_WRAP[row.checkContext](`include ${path};`));
      return nginxTest(prefix, join(prefix, 'nginx.conf'));
    };
    const r = tryEach(offeredEdits(paths), accepts, (p) => rowOf.get(p)!.localPath);
    const line = `nginx corpus: ${r.tried} fixes and suggestions tried on ${r.files} files nginx -t accepts here; ${r.broke.length} broke it`;
    t.diagnostic(line);
    // The corpus offers about a hundred today: far fewer would mean the check no longer reaches them.
    assert.ok(r.tried >= 50 && r.files >= 10, line);
    assert.deepEqual(r.broke, [], line);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('every fix and suggestion offered on the Apache corpus keeps apache2 -t passing', { skip: CORPUS_SKIP }, (t) => {
  requireBinary('apache2');
  const rows = manifest().filter((r) => r.server === 'apache' && r.templated === 'no' && (r.standaloneParses === 'yes' || r.standaloneParses === 'fragment'));
  // Every module Debian ships, so that a fragment using one of them is checked (one MPM only; the PHP and LDAP modules
  // need libraries or settings of their own).
  const modules = readdirSync('/usr/lib/apache2/modules')
    .filter((f) => /^mod_.*\.so$/.test(f) && !/^mod_(mpm_(?!event)|php|ldap|authnz_ldap|lua)/.test(f))
    .map((f) => `LoadModule ${f.slice(4, -3)}_module /usr/lib/apache2/modules/${f}`);
  const work = mkdtempSync(join(tmpdir(), 'proxylint-corpus-fixes-'));
  try {
    const rowOf = copyEach(rows, work, (row) => row.localPath.split('/').pop()!);
    const paths = [...rowOf.keys()];
    const accepts = (path: string) => {
      const row = rowOf.get(path)!;
      const root = join(work, 'root');
      rmSync(root, { recursive: true, force: true });
      mkdirSync(join(root, 'logs'), { recursive: true });
      const text = readFileSync(path, 'utf8');
      let conf = path;
      if (!/^\s*LoadModule\s+mpm_/im.test(text)) {
        const include = row.checkContext === 'vhost' ? `<VirtualHost 127.0.0.1:18499>\nInclude ${path}\n</VirtualHost>` : row.checkContext === 'directory' ? `<Directory /tmp>\nInclude ${path}\n</Directory>` : `Include ${path}`;
        conf = join(root, 'wrapper.conf');
        writeFileSync(conf, [...modules, 'ServerName localhost', 'Listen 127.0.0.1:18499', include, ''].join('\n'));
      }
      const r = spawnSync('apache2', ['-t', '-d', root, '-f', conf], { encoding: 'utf8', timeout: 30_000 });
      return { ok: r.status === 0, output: (r.stdout ?? '') + (r.stderr ?? '') };
    };
    const r = tryEach(offeredEdits(paths), accepts, (p) => rowOf.get(p)!.localPath);
    const line = `Apache corpus: ${r.tried} fixes and suggestions tried on ${r.files} files apache2 -t accepts here; ${r.broke.length} broke it`;
    t.diagnostic(line);
    assert.ok(r.tried >= 1, line);
    assert.deepEqual(r.broke, [], line);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

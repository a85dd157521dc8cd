import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CLI, nginxTest, runCli } from '../helpers';
import { applyUnifiedDiff, runJson, show, tree, where } from './util';

/** CRLF line endings and a Latin-1 "é" (byte 0xE9, invalid as UTF-8) in a comment. */
const lines = (fixed: boolean) => [
  'http {',
  '    # caf\u00e9 au lait',
  '    upstream app {',
  fixed ? '        server 127.0.0.1:9000;' : '        server http://127.0.0.1:9000;',
  '    }',
  '    server {',
  '        listen 127.0.0.1:8080;',
  '        location / {',
  fixed ? '            proxy_pass http://127.0.0.1:8090;' : '            proxy_pass 127.0.0.1:8090;',
  '        }',
  '        location /b {',
  '            proxy_pass http://ap;',
  '        }',
  '        location /c {',
  fixed ? '            fastcgi_pass 127.0.0.1:9001;' : '            fastcgi_pass http://127.0.0.1:9001;',
  '        }',
  '    }',
  '}',
  '',
];
const BEFORE_TEXT = lines(false).join('\r\n');
const AFTER_TEXT = lines(true).join('\r\n');
const BEFORE = Buffer.from(BEFORE_TEXT, 'latin1');
const AFTER = Buffer.from(AFTER_TEXT, 'latin1');

test('fixture sanity: the file is not valid UTF-8 and uses CRLF', () => {
  assert.ok(BEFORE.includes(0xe9));
  assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(BEFORE));
  assert.equal(BEFORE_TEXT.split('\r\n').length, 19);
});

/** The part of a --fix-dry-run text output before the findings report starts. */
function diffPart(stdout: string, reportHeader: string): string {
  const i = stdout.indexOf(`\n${reportHeader}\n`);
  return i < 0 ? stdout : stdout.slice(0, i + 1);
}

describe('--fix', () => {
  test('applies the safe fixes byte-exactly (CRLF and Latin-1 kept), leaves the suggestion, reports what remains', () => {
    const { dir, cleanup } = tree({ 'site.conf': BEFORE });
    try {
      const r = runCli(['--fix', 'site.conf'], { cwd: dir });
      assert.equal(r.code, 1, show(r));
      assert.deepEqual(readFileSync(join(dir, 'site.conf')), AFTER);
      assert.match(r.stderr, /^proxylint: fixed 1 file\(s\): \S+$/m);
      // Only the typo is left: "did you mean" is a suggestion, never applied by --fix.
      const findings = r.stdout.split('\n').filter((l) => /^ {2}\d+:\d+ /.test(l));
      assert.equal(findings.length, 1, show(r));
      assert.match(findings[0], /^ {2}12:31 {2}error {4}no upstream "ap" is defined \(did you mean "app"\?\).*\[undefined-upstream\] \(suggestion\)$/);
      assert.match(r.stdout, /1 problem \(1 error, 0 warnings, 0 info\) in 1 file checked\n$/);

      // A second --fix has nothing left to do and leaves the bytes alone.
      const again = runCli(['--fix', 'site.conf'], { cwd: dir });
      assert.equal(again.code, 1);
      assert.doesNotMatch(again.stderr, /fixed/);
      assert.deepEqual(readFileSync(join(dir, 'site.conf')), AFTER);
    } finally {
      cleanup();
    }
  });

  test('a file with nothing to fix is not rewritten', () => {
    const text = 'events {}\nhttp {\n    upstream app { server 127.0.0.1:9000; }\n    server { location / { proxy_pass http://ap; } }\n}\n';
    const { dir, cleanup } = tree({ 'nginx.conf': text });
    try {
      const r = runCli(['--fix', 'nginx.conf'], { cwd: dir });
      assert.equal(r.code, 1, show(r));
      assert.match(r.stdout, /\[undefined-upstream\] \(suggestion\)/);
      assert.equal(r.stderr, '');
      assert.equal(readFileSync(join(dir, 'nginx.conf'), 'utf8'), text);
    } finally {
      cleanup();
    }
  });

  test('fixes a file that is reached only through an include of the file given', () => {
    const { dir, cleanup } = tree({
      'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
      'conf.d/site.conf': 'server {\n    listen 127.0.0.1:8080;\n    location / { proxy_pass 127.0.0.1:8090; }\n}\n',
    });
    try {
      const r = runCli(['--fix', 'nginx.conf'], { cwd: dir });
      assert.equal(readFileSync(join(dir, 'conf.d/site.conf'), 'utf8'), 'server {\n    listen 127.0.0.1:8080;\n    location / { proxy_pass http://127.0.0.1:8090; }\n}\n');
      assert.equal(r.code, 0, show(r));
      assert.equal(r.stdout, 'No problems found in 2 files.\n');
      assert.equal(r.stderr, 'proxylint: fixed 1 file(s): conf.d/site.conf\n');
    } finally {
      cleanup();
    }
  });

  test('a fix that also edits the including nginx.conf names that file too (a pre-commit hook can tell)', () => {
    const { dir, cleanup } = tree({
      'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
      'conf.d/site.conf': 'server {\n    listen 127.0.0.1:8080;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:8090;\n    }\n}\n',
    });
    try {
      const r = runCli(['--fix', 'conf.d/site.conf'], { cwd: dir });
      // The WebSocket fix: headers in the location, and the $connection_upgrade map at the http level.
      assert.match(readFileSync(join(dir, 'conf.d/site.conf'), 'utf8'), /proxy_set_header Connection \$connection_upgrade;/);
      assert.match(readFileSync(join(dir, 'nginx.conf'), 'utf8'), /map \$http_upgrade \$connection_upgrade \{/);
      assert.equal(r.stderr, 'proxylint: fixed 2 file(s): conf.d/site.conf, nginx.conf\n', show(r));
    } finally {
      cleanup();
    }
  });
});

describe('--fix-dry-run', () => {
  test('text: writes nothing, prints a unified diff that turns the file into the fixed one, then the remaining findings', () => {
    const { dir, cleanup } = tree({ 'site.conf': BEFORE });
    try {
      const r = runCli(['--fix-dry-run', 'site.conf'], { cwd: dir });
      assert.equal(r.code, 1, show(r));
      assert.deepEqual(readFileSync(join(dir, 'site.conf')), BEFORE, 'file untouched');
      assert.doesNotMatch(r.stderr, /fixed/);
      // The file is Latin-1: the diff is its text in UTF-8, and the run says that patch will not take it as is.
      assert.equal(r.stderr, 'proxylint: site.conf is stored as Latin-1; the diff shows its text in UTF-8 and will not apply with patch as is (--fix writes the file in its own encoding)\n');
      const diff = diffPart(r.stdout, 'site.conf');
      const dl = diff.split('\n');
      assert.equal(dl[0], '--- site.conf');
      assert.equal(dl[1], '+++ site.conf (fixed)');
      assert.match(dl[2], /^@@ -\d+,\d+ \+\d+,\d+ @@$/);
      // Removed line first, then its replacement, CR kept as part of the line.
      const minus = dl.indexOf('-            proxy_pass 127.0.0.1:8090;\r');
      const plus = dl.indexOf('+            proxy_pass http://127.0.0.1:8090;\r');
      assert.ok(minus > 0 && plus === minus + 1, diff);
      assert.ok(dl.includes('-        server http://127.0.0.1:9000;\r'));
      assert.ok(dl.includes('+            fastcgi_pass 127.0.0.1:9001;\r'));
      assert.ok(!dl.some((l) => l.startsWith('+') && l.includes('http://app')), 'the suggestion is not in the diff');
      assert.equal(applyUnifiedDiff(BEFORE_TEXT, diff), AFTER_TEXT);
      // The findings and the exit code are those of the file on disk, which still keeps nginx from starting.
      assert.match(r.stdout, /\[pass-scheme-mismatch\] \(fixable\)/);
      assert.match(r.stdout, /\n {2}12:31 {2}error .*\[undefined-upstream\] \(suggestion\)\n/);
      assert.match(r.stdout, /\d+ problems \(\d+ errors, 0 warnings, 0 info\) in 1 file checked; \d+ fixable with --fix\n$/);
    } finally {
      cleanup();
    }
  });

  test('json: the fixed text is in "output", the file is unchanged', () => {
    const { dir, cleanup } = tree({ 'site.conf': BEFORE });
    try {
      const { code, report } = runJson(['--fix-dry-run', 'site.conf'], { cwd: dir });
      assert.equal(code, 1);
      assert.deepEqual(readFileSync(join(dir, 'site.conf')), BEFORE);
      assert.equal(report.files.length, 1);
      assert.equal(report.files[0].output, AFTER_TEXT);
      // The report is about the file as it is on disk: the fixable errors are still listed.
      assert.ok(where(report, join(dir, 'site.conf')).includes('undefined-upstream@12:31'));
      assert.ok(report.summary.errors > 1 && report.summary.fixable > 0, JSON.stringify(report.summary));
    } finally {
      cleanup();
    }
  });

  test('json without any fix has no "output"', () => {
    const { dir, cleanup } = tree({ 'frag.conf': '# proxylint: context location\nproxy_pass http://127.0.0.1:8090;\n' });
    try {
      const { code, report } = runJson(['--fix-dry-run', 'frag.conf'], { cwd: dir });
      assert.equal(code, 0);
      assert.deepEqual(report.files, []);
    } finally {
      cleanup();
    }
  });

  test('a file reached through an include gets a diff against its real content and an "output" entry', () => {
    const site = 'server {\n    listen 127.0.0.1:8080;\n    location / { proxy_pass 127.0.0.1:8090; }\n}\n';
    const fixed = site.replace('proxy_pass 127.0.0.1', 'proxy_pass http://127.0.0.1');
    const { dir, cleanup } = tree({ 'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n', 'conf.d/site.conf': site });
    try {
      const r = runCli(['--fix-dry-run', 'nginx.conf'], { cwd: dir });
      assert.equal(r.code, 1, show(r));
      assert.equal(readFileSync(join(dir, 'conf.d/site.conf'), 'utf8'), site);
      const diff = diffPart(r.stdout, 'conf.d/site.conf');
      assert.ok(diff.startsWith('--- conf.d/site.conf\n+++ conf.d/site.conf (fixed)\n@@ -1,4 +1,4 @@\n'), diff);
      assert.equal(applyUnifiedDiff(site, diff), fixed);
      const { report } = runJson(['--fix-dry-run', 'nginx.conf'], { cwd: dir });
      assert.deepEqual(report.files.map((f) => [f.path, f.output]), [[join(dir, 'conf.d/site.conf'), fixed]]);
    } finally {
      cleanup();
    }
  });

  test('a last line without a newline is marked, and the diff still applies exactly', () => {
    const text = '# proxylint: context location\nproxy_pass 127.0.0.1:8090;';
    const { dir, cleanup } = tree({ 'frag.conf': text });
    try {
      const r = runCli(['--fix-dry-run', 'frag.conf'], { cwd: dir });
      assert.equal(r.code, 1, show(r));
      const diff = diffPart(r.stdout, 'frag.conf');
      assert.equal(
        diff,
        '--- frag.conf\n+++ frag.conf (fixed)\n@@ -1,2 +1,2 @@\n # proxylint: context location\n-proxy_pass 127.0.0.1:8090;\n\\ No newline at end of file\n+proxy_pass http://127.0.0.1:8090;\n\\ No newline at end of file\n',
      );
      assert.equal(applyUnifiedDiff(text, diff), '# proxylint: context location\nproxy_pass http://127.0.0.1:8090;');
    } finally {
      cleanup();
    }
  });

  test('hunks only cover the changed lines and their context, with exact counts', () => {
    const body = Array.from({ length: 30 }, (_, i) => `    location /p${i} { proxy_pass http://127.0.0.1:${8100 + i}; }`);
    body[4] = '    location /p4 { proxy_pass 127.0.0.1:8104; }';
    body[25] = '    location /p25 { fastcgi_pass http://127.0.0.1:9025; }';
    const text = ['server {', '    listen 127.0.0.1:8080;', ...body, '}', ''].join('\n');
    const { dir, cleanup } = tree({ 'conf.d/site.conf': text });
    try {
      const r = runCli(['--fix-dry-run', 'conf.d/site.conf'], { cwd: dir });
      assert.equal(r.code, 1, show(r));
      const diff = diffPart(r.stdout, 'conf.d/site.conf');
      const headers = diff.split('\n').filter((l) => l.startsWith('@@'));
      assert.deepEqual(headers, ['@@ -4,7 +4,7 @@', '@@ -25,7 +25,7 @@']);
      assert.equal(
        applyUnifiedDiff(text, diff),
        text.replace('proxy_pass 127.0.0.1:8104', 'proxy_pass http://127.0.0.1:8104').replace('fastcgi_pass http://127.0.0.1:9025', 'fastcgi_pass 127.0.0.1:9025'),
      );
    } finally {
      cleanup();
    }
  });

  test('works with --stdin: the diff is labelled with --stdin-filename and nothing is written', () => {
    const { dir, cleanup } = tree({ 'keep.conf': 'untouched\n' });
    try {
      const input = '# proxylint: context location\nproxy_pass 127.0.0.1:8090;\n';
      const r = runCli(['--fix-dry-run', '--stdin', '--stdin-filename', 'keep.conf'], { cwd: dir, input });
      assert.equal(r.code, 1, show(r));
      assert.ok(r.stdout.startsWith('--- keep.conf\n+++ keep.conf (fixed)\n'), show(r));
      assert.equal(applyUnifiedDiff(input, diffPart(r.stdout, 'keep.conf')), input.replace('proxy_pass ', 'proxy_pass http://'));
      assert.equal(readFileSync(join(dir, 'keep.conf'), 'utf8'), 'untouched\n');
    } finally {
      cleanup();
    }
  });
});

describe('--fix-dry-run prints a diff that patch and git apply take as it is', () => {
  // A name with a space was cut there by GNU patch ("can't find file to patch"), and a file reached through a link
  // (sites-enabled/app) was named by the link, which patch and git apply refuse to change.
  const SITE = 'server {\n    listen 127.0.0.1:8080;\n    location / { proxy_pass 127.0.0.1:8090; }\n}\n';
  const FIXED = SITE.replace('proxy_pass ', 'proxy_pass http://');
  const files = {
    'nginx/nginx.conf': 'events {}\nhttp {\n    include "conf.d/*.conf";\n    include sites-enabled/*;\n}\n',
    'nginx/conf.d/api, v2 "main".conf': SITE.replace('8080', '8081'),
    'nginx/sites-available/app': SITE,
  };
  const tools: [string, string[]][] = [
    ['git apply', ['git', 'apply', '-p0', '-']],
    ['patch', ['patch', '-p0', '--batch', '--forward']],
  ];
  for (const [name, [cmd, ...args]] of tools) {
    test(`${name} applies it: every file gets what --fix writes, and the link stays a link`, (t) => {
      if (spawnSync(cmd, ['--version']).status !== 0) return t.skip(`${cmd} is not installed`);
      const { dir, cleanup } = tree(files);
      try {
        mkdirSync(join(dir, 'nginx/sites-enabled'));
        symlinkSync('../sites-available/app', join(dir, 'nginx/sites-enabled/app'));
        const r = runCli(['--fix-dry-run', 'nginx'], { cwd: dir });
        assert.equal(r.code, 1, show(r));
        assert.match(r.stdout, /^--- "nginx\/conf\.d\/api, v2 \\"main\\"\.conf"\n\+\+\+ "nginx\/conf\.d\/api, v2 \\"main\\"\.conf" \(fixed\)\n/m, show(r));
        assert.match(r.stdout, /^--- nginx\/sites-available\/app\n/m, show(r));
        // Only the diff: the report after it is not part of the patch.
        const diff = r.stdout.slice(0, r.stdout.search(/^nginx\/\S/m));
        const applied = spawnSync(cmd, args, { cwd: dir, input: diff, encoding: 'utf8' });
        assert.equal(applied.status, 0, `${applied.stdout}\n${applied.stderr}\n${diff}`);
        assert.equal(readFileSync(join(dir, 'nginx/conf.d/api, v2 "main".conf'), 'utf8'), FIXED.replace('8080', '8081'));
        assert.equal(readFileSync(join(dir, 'nginx/sites-available/app'), 'utf8'), FIXED);
        assert.ok(lstatSync(join(dir, 'nginx/sites-enabled/app')).isSymbolicLink());
        assert.equal(runCli(['nginx'], { cwd: dir }).code, 0);
      } finally {
        cleanup();
      }
    });
  }
});

describe('--fix keeps the file\'s owner, group and mode', () => {
  const asRoot = process.getuid?.() === 0;
  const NOBODY = 65534;

  test('run as root on a file owned by nobody: still nobody\'s, mode 0640', { skip: asRoot ? false : 'needs root to give the file to nobody' }, () => {
    const { dir, cleanup } = tree({ 'site.conf': BEFORE });
    try {
      const file = join(dir, 'site.conf');
      chownSync(file, NOBODY, NOBODY);
      chmodSync(file, 0o640);
      const r = runCli(['--fix', 'site.conf'], { cwd: dir });
      assert.equal(r.code, 1, show(r));
      assert.deepEqual(readFileSync(file), AFTER);
      const st = statSync(file);
      assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [NOBODY, NOBODY, 0o640]);
      assert.deepEqual(readdirSync(dir), ['site.conf'], 'no temporary file left');
    } finally {
      cleanup();
    }
  });

  test('run as a user who may not give files away (EPERM): the fix is still written, and the file is theirs', { skip: asRoot ? false : 'needs root to run the CLI as nobody' }, () => {
    const { dir, cleanup } = tree({ 'site.conf': BEFORE });
    try {
      const file = join(dir, 'site.conf');
      // nobody may replace the file (the folder is theirs) but not make the new one root's.
      chmodSync(dir, 0o755);
      chownSync(dir, NOBODY, NOBODY);
      chmodSync(file, 0o644);
      const r = spawnSync(process.execPath, [CLI, '--fix', 'site.conf'], { cwd: dir, uid: NOBODY, gid: NOBODY, encoding: 'utf8' });
      assert.equal(r.status, 1, `${r.stdout}\n${r.stderr}`);
      assert.deepEqual(readFileSync(file), AFTER);
      const st = statSync(file);
      assert.deepEqual([st.uid, st.mode & 0o7777], [NOBODY, 0o644]);
    } finally {
      cleanup();
    }
  });
});

describe('--fix removes a UTF-8 byte-order mark that stops the server, and nothing else', () => {
  const MARK = Buffer.from([0xef, 0xbb, 0xbf]);
  // CRLF and a tab kept byte for byte; the included file is read by nginx through the include.
  const MAIN = '# saved on Windows\r\nevents {}\r\nhttp {\r\n\tinclude inc.conf;\r\n\tmap $host $x {\r\n\t\tinclude keys.map;\r\n\t}\r\n}\r\n';
  const INC = 'proxy_read_timeout 30s;\n';
  // In a map the marked first key is only a key nginx starts with (utf8-bom-at-file-start does not report it): kept.
  const KEYS = 'example.com 1;\n';
  const files = () => ({ 'nginx.conf': Buffer.concat([MARK, Buffer.from(MAIN)]), 'inc.conf': Buffer.concat([MARK, Buffer.from(INC)]), 'keys.map': Buffer.concat([MARK, Buffer.from(KEYS)]) });

  test('--fix: the main and the included file lose their first three bytes, the map file keeps them, and nginx -t passes', () => {
    const { dir, cleanup } = tree(files());
    try {
      const before = runJson(['nginx.conf'], { cwd: dir }).report;
      assert.deepEqual(where(before, join(dir, 'nginx.conf')), ['utf8-bom-at-file-start@1:1']);
      assert.deepEqual(where(before, join(dir, 'inc.conf')), ['utf8-bom-at-file-start@1:1']);
      // The map file starts nginx (its first key never matches): a warning whose fix is only a suggestion.
      assert.deepEqual(where(before, join(dir, 'keys.map')), ['utf8-bom-at-file-start@1:1']);
      assert.ok(!nginxTest(dir, join(dir, 'nginx.conf')).ok);
      const r = runCli(['--fix', 'nginx.conf'], { cwd: dir });
      assert.equal(r.code, 1, show(r));
      assert.match(r.stdout, /never matches \$host/);
      assert.ok(readFileSync(join(dir, 'nginx.conf')).equals(Buffer.from(MAIN)));
      assert.ok(readFileSync(join(dir, 'inc.conf')).equals(Buffer.from(INC)));
      assert.ok(readFileSync(join(dir, 'keys.map')).equals(Buffer.concat([MARK, Buffer.from(KEYS)])));
      const t = nginxTest(dir, join(dir, 'nginx.conf'));
      assert.ok(t.ok, t.output);
    } finally {
      cleanup();
    }
  });

  test('--fix-dry-run: the same findings as a plain run, and a diff that patch applies byte-exactly', (t) => {
    if (spawnSync('patch', ['--version']).status !== 0) return t.skip('patch is not installed');
    const { dir, cleanup } = tree(files());
    try {
      const plain = runJson(['nginx.conf'], { cwd: dir }).report;
      const dry = runJson(['--fix-dry-run', 'nginx.conf'], { cwd: dir }).report;
      assert.deepEqual(allFindingsOf(dry), allFindingsOf(plain));
      const r = runCli(['--fix-dry-run', 'nginx.conf'], { cwd: dir });
      // No "will not apply with patch" note: the diff has the mark's bytes on its "-" lines.
      assert.doesNotMatch(r.stderr, /will not apply/);
      const diff = r.stdout.slice(0, r.stdout.search(/^(nginx\.conf|inc\.conf)$/m));
      const applied = spawnSync('patch', ['-p0'], { cwd: dir, input: diff });
      assert.equal(applied.status, 0, `${applied.stdout}\n${applied.stderr}\n${diff}`);
      assert.ok(readFileSync(join(dir, 'nginx.conf')).equals(Buffer.from(MAIN)));
      assert.ok(readFileSync(join(dir, 'inc.conf')).equals(Buffer.from(INC)));
    } finally {
      cleanup();
    }
  });
});

function allFindingsOf(report: { files: { path: string; findings: { ruleId: string; line: number; column: number; message: string }[] }[] }): string[] {
  return report.files.flatMap((f) => f.findings.map((x) => `${f.path} ${x.ruleId} ${x.line}:${x.column} ${x.message}`)).sort();
}

test('--fix-dry-run and a plain run give a finding on line 1 of a file with a byte-order mark the same columns', () => {
  // --fix keeps the mark in the text; a column counted with it would be one further than without --fix.
  const { dir, cleanup } = tree({
    'nginx.conf': 'events {}\nhttp { server { listen 127.0.0.1:18796; location / { include b.conf; proxy_pass http://127.0.0.1:18797; } } }\n',
    'b.conf': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('proxy_connect_timeout 300s;\n')]),
  });
  try {
    const plain = allFindingsOf(runJson(['nginx.conf'], { cwd: dir }).report);
    assert.ok(plain.some((f) => / connect-timeout-above-os-limit 1:1 /.test(f)), plain.join('\n'));
    assert.deepEqual(allFindingsOf(runJson(['--fix-dry-run', 'nginx.conf'], { cwd: dir }).report), plain);
    const sarif = JSON.parse(runCli(['--format', 'sarif', 'nginx.conf'], { cwd: dir }).stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { region: { startColumn: number } } }[] }[] }[] };
    const col = sarif.runs[0].results.find((r) => r.ruleId === 'connect-timeout-above-os-limit')!.locations[0].physicalLocation.region.startColumn;
    assert.equal(col, 1);
  } finally {
    cleanup();
  }
});

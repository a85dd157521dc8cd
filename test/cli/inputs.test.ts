import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI, runCli } from '../helpers';
import { allFindings, runJson, show, tree, where } from './util';

describe('--stdin', () => {
  let dir = '';
  let cleanup = () => {};
  before(() => {
    ({ dir, cleanup } = tree({
      'site/conf.d/upstreams.conf': 'upstream app {\n    server 127.0.0.1:9000;\n}\n',
      // On disk the entry is clean; standard input is what gets checked.
      'site/nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
    }));
  });
  after(() => cleanup());

  const INPUT = `events {}
http {
    include conf.d/*.conf;
    server {
        listen 127.0.0.1:8080;
        location / { proxy_pass http://ap; }
        location /x { proxy_pass 127.0.0.1:8090; }
    }
}
`;

  test('findings are reported under --stdin-filename and includes resolve from its folder', () => {
    const r = runCli(['--stdin', '--stdin-filename', 'site/nginx.conf'], { cwd: dir, input: INPUT });
    assert.equal(r.code, 1, show(r));
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'site/nginx.conf');
    assert.match(lines[1], /^ {2}6:40 {2}error {4}no upstream "ap" is defined \(did you mean "app"\?\)/);
    // The upstream it suggests lives in the included file, found relative to site/nginx.conf.
    assert.equal(lines[2], '      ↳ site/conf.d/upstreams.conf:1:1: upstream "app" is defined here');
    assert.match(r.stdout, /^ {2}7:34 {2}error .*\[pass-scheme-mismatch\]/m);
    assert.match(r.stdout, /2 problems \(2 errors, 0 warnings, 0 info\) in 2 files checked/);
  });

  test('the summary points standard input to --fix-dry-run, since --fix cannot write it back (a usage error)', () => {
    const r = runCli(['--stdin', '--stdin-filename', 'site/nginx.conf'], { cwd: dir, input: INPUT });
    assert.match(r.stdout, /; 1 fixable with --fix-dry-run\n$/, show(r));
    assert.equal(runCli(['--stdin', '--stdin-filename', 'site/nginx.conf', '--fix'], { cwd: dir, input: INPUT }).code, 2);
  });

  test('json paths are absolute, resolved against the working folder', () => {
    const { report } = runJson(['--stdin', '--stdin-filename', 'site/nginx.conf'], { cwd: dir, input: INPUT });
    assert.deepEqual(where(report, join(dir, 'site/nginx.conf')), ['undefined-upstream@6:40', 'pass-scheme-mismatch@7:34']);
    assert.equal(allFindings(report)[0].related[0].path, join(dir, 'site/conf.d/upstreams.conf'));
  });

  test('without --stdin-filename the input is "stdin.conf" in the working folder', () => {
    const r = runCli(['--stdin'], { cwd: dir, input: '# proxylint: context location\nproxy_pass 127.0.0.1:8090;\n' });
    assert.equal(r.code, 1, show(r));
    assert.match(r.stdout, /^stdin\.conf\n {2}2:12 {2}error /);
  });

  test('"-" reads standard input as --stdin does; after "--" it is a file named "-"', () => {
    const input = '# proxylint: context location\nproxy_pass 127.0.0.1:8090;\n';
    const dash = runCli(['-', '--stdin-filename', 'site/x.conf'], { cwd: dir, input });
    assert.equal(dash.code, 1, show(dash));
    assert.match(dash.stdout, /^site\/x\.conf\n {2}2:12 {2}error /);
    const file = runCli(['--', '-'], { cwd: dir, input });
    assert.equal(file.code, 2, show(file));
    assert.match(file.stderr, /-: no such file/);
  });

  /** The CLI with raw bytes on standard input. */
  const withBytes = (args: string[], input: Buffer) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, input, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  test('standard input is decoded like a file: UTF-16 is checked as text, and reported, since nginx cannot read it', () => {
    const plain = where(runJson(['--stdin', '--stdin-filename', 'site/nginx.conf'], { cwd: dir, input: INPUT }).report, join(dir, 'site/nginx.conf'));
    const utf16be = Buffer.from(INPUT, 'utf16le').swap16();
    for (const bytes of [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(INPUT, 'utf16le')]), Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be])]) {
      const r = withBytes(['--stdin', '--stdin-filename', 'site/nginx.conf', '--format', 'json'], bytes);
      assert.equal(r.code, 1, r.stderr);
      assert.deepEqual(where(JSON.parse(r.stdout), join(dir, 'site/nginx.conf')), ['utf16-encoded-file@1:1', ...plain]);
    }
  });

  test('a UTF-8 byte-order mark on standard input is reported (nginx would refuse it) and the rest is checked as without it', () => {
    const plain = runJson(['--stdin', '--stdin-filename', 'site/nginx.conf'], { cwd: dir, input: INPUT }).report;
    const r = withBytes(['--stdin', '--stdin-filename', 'site/nginx.conf', '--format', 'json'], Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(INPUT)]));
    assert.equal(r.code, 1, r.stderr);
    const withBom = where(JSON.parse(r.stdout), join(dir, 'site/nginx.conf'));
    assert.deepEqual(withBom, ['utf8-bom-at-file-start@1:1', ...where(plain, join(dir, 'site/nginx.conf'))]);
    // The file on disk named by --stdin-filename has no mark, and what was read is what counts, both ways.
    const bomOnDisk = tree({ 'nginx.conf': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('events {}\n')]) });
    try {
      const clean = runJson(['--stdin', '--stdin-filename', 'nginx.conf'], { cwd: bomOnDisk.dir, input: 'events {}\n' }).report;
      assert.deepEqual(where(clean, join(bomOnDisk.dir, 'nginx.conf')), []);
    } finally {
      bomOnDisk.cleanup();
    }
  });

  test('empty, binary or oversized standard input is an I/O error (exit 2) with a reason, not a clean run', () => {
    const cases: [string[], Buffer, RegExp][] = [
      [['--stdin'], Buffer.alloc(0), /^proxylint: cannot check standard input: it is empty: there is nothing to check\n$/],
      // `printf '   \n\n' | proxylint --stdin`, `echo "$UNSET" | proxylint -`, CRLF and tabs, a UTF-8 byte-order mark and a newline.
      [['--stdin'], Buffer.from('   \n\n'), /^proxylint: cannot check standard input: it is only white space: there is nothing to check\n$/],
      [['-'], Buffer.from('\n'), /^proxylint: cannot check standard input: it is only white space: there is nothing to check\n$/],
      [['--stdin'], Buffer.from('\t\r\n \r\n'), /^proxylint: cannot check standard input: it is only white space: there is nothing to check\n$/],
      [['--stdin'], Buffer.from([0xef, 0xbb, 0xbf, 0x0a]), /^proxylint: cannot check standard input: it is only white space: there is nothing to check\n$/],
      [['--stdin'], Buffer.from('server {\0\x01\x02}'), /^proxylint: cannot check standard input: it is a binary file \(it contains NUL bytes\)/],
      [['--stdin', '--max-file-size', '1000'], Buffer.alloc(5000, 'a;\n'), /^proxylint: cannot check standard input: over the 1000-byte limit \(see --max-file-size\)\n$/],
    ];
    for (const [args, input, message] of cases) {
      const r = withBytes(args, input);
      assert.equal(r.code, 2, show(r));
      // As for a file that cannot be read: the summary, and no finding.
      assert.equal(r.stdout, 'No configuration files were checked.\n');
      assert.match(r.stderr, message);
    }
    // A file of comments only is something written: it is checked (clean), not taken for a broken pipeline.
    const comments = withBytes(['--stdin'], Buffer.from('  # nothing here yet\n\n'));
    assert.equal(comments.code, 0, show(comments));
    // A folder as standard input cannot be read at all.
    const folder = spawnSync('sh', ['-c', `node ${CLI} --stdin < .`], { cwd: dir, encoding: 'utf8' });
    assert.equal(folder.status, 2, folder.stderr);
    assert.match(folder.stderr, /^proxylint: cannot check standard input: it is a folder, not a file\n$/);
  });

  test('a clean input exits 0', () => {
    const r = runCli(['--stdin', '--stdin-filename', 'site/nginx.conf'], { cwd: dir, input: INPUT.replace('http://ap;', 'http://app;').replace('proxy_pass 127', 'proxy_pass http://127') });
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, 'No problems found in 2 files.\n');
  });
});

describe('a folder', () => {
  let dir = '';
  let cleanup = () => {};
  before(() => {
    ({ dir, cleanup } = tree({
      'nginx.conf': `events {}
http {
    upstream app { server 127.0.0.1:9000; }
    include conf.d/*.conf;
}
`,
      // Only meaningful in nginx.conf's context: "ap" is a typo of the upstream defined there.
      'conf.d/site.conf': `server {
    listen 127.0.0.1:8080;
    location / { proxy_pass 127.0.0.1:8090; }
    location /a { proxy_pass http://ap; }
}
`,
      'conf.d/other.conf': `server {
    listen 127.0.0.1:8081;
    location / { proxy_pass http://app; }
}
`,
      // Included by nobody: checked on its own, so the same typo is not reported (no upstream in sight).
      'snippets/extra.conf': `location /frag {
    proxy_pass http://ap;
    fastcgi_pass http://127.0.0.1:9001;
}
`,
      'apache/site.conf': '<VirtualHost *:80>\n    ServerName example.test\n    ProxyPass / http://127.0.0.1:8081/\n    ProxyPassReverse / http://127.0.0.1:8081/\n</VirtualHost>\n',
      'httpd.conf': 'ServerRoot "/etc/httpd"\nListen 127.0.0.1:8080\n',
      'README.md': '# notes\nproxy_pass 127.0.0.1:1;\n',
      'node_modules/pkg/x.conf': '# proxylint: context location\nproxy_pass 127.0.0.1:1;\n',
    }));
  });
  after(() => cleanup());

  test('included files are checked once, in context; an unincluded fragment alone; Apache files get the Apache rules', () => {
    const { code, report, stderr } = runJson(['.'], { cwd: dir });
    assert.equal(code, 1);
    assert.equal(stderr, '');
    assert.deepEqual(
      report.files.map((f) => [f.path, f.findings.map((x) => `${x.ruleId}@${x.line}:${x.column}`)]),
      [
        [join(dir, 'conf.d/site.conf'), ['pass-scheme-mismatch@3:29', 'undefined-upstream@4:37']],
        [join(dir, 'snippets/extra.conf'), ['pass-scheme-mismatch@3:18']],
        // Apache files are linted after the nginx ones.
        [join(dir, 'apache/site.conf'), ['no-connectiontimeout@3:5']],
      ],
    );
    const undef = report.files[0].findings[1];
    assert.match(undef.message, /did you mean "app"/);
    assert.equal(undef.related[0].path, join(dir, 'nginx.conf'));
    // nginx.conf, conf.d/site.conf, conf.d/other.conf, snippets/extra.conf; apache/site.conf and httpd.conf (Apache).
    assert.equal(report.summary.files, 6);
    // apache/site.conf's backend is on loopback: no-connectiontimeout is info there.
    assert.deepEqual(report.summary, { errors: 3, warnings: 0, infos: 1, fixable: 2, files: 6, runErrors: 0 });
    assert.deepEqual(report.skipped, []);
  });

  test('text output: no duplicates, skipped files mentioned on stderr', () => {
    const r = runCli(['.'], { cwd: dir });
    assert.equal(r.code, 1, show(r));
    assert.equal(r.stdout.match(/\[pass-scheme-mismatch\]/g)?.length, 2, show(r));
    assert.equal(r.stdout.match(/\[undefined-upstream\]/g)?.length, 1, show(r));
    assert.equal(r.stdout.match(/\[no-connectiontimeout\]/g)?.length, 1, show(r));
    assert.doesNotMatch(r.stderr, /skipped/);
  });

  test('naming the folder and a file inside it still checks each file once', () => {
    const { report } = runJson(['.', 'conf.d/site.conf', join(dir, 'conf.d')], { cwd: dir });
    assert.equal(allFindings(report).length, 4);
    assert.equal(report.summary.files, 6);
  });

  test('an explicit nginx.conf checks what it includes, not the fragment beside it', () => {
    const { report } = runJson(['nginx.conf'], { cwd: dir });
    assert.deepEqual(report.files.map((f) => f.path), [join(dir, 'conf.d/site.conf')]);
    assert.equal(report.summary.files, 3);
  });

  test('a fragment given alone that the nginx.conf above includes is checked in that configuration, as in the folder run', () => {
    // A pre-commit hook passes only the changed file: the typo of an upstream defined in nginx.conf is still an error.
    const alone = runJson(['conf.d/site.conf'], { cwd: dir });
    assert.equal(alone.code, 1);
    assert.deepEqual(where(alone.report, join(dir, 'conf.d/site.conf')), ['pass-scheme-mismatch@3:29', 'undefined-upstream@4:37']);
    // Only the named file's findings, and only it counted as checked.
    assert.deepEqual(alone.report.files.map((f) => f.path), [join(dir, 'conf.d/site.conf')]);
    assert.equal(alone.report.summary.files, 1);
    // The same findings as the folder run gives that file.
    const folder = runJson(['.'], { cwd: dir });
    assert.deepEqual(alone.report.files[0].findings, folder.report.files.find((f) => f.path === join(dir, 'conf.d/site.conf'))!.findings);
  });

  test('the same file on standard input, under its name, is checked in the nginx.conf above it', () => {
    const text = readFileSync(join(dir, 'conf.d/site.conf'), 'utf8').replace('http://ap;', 'http://apx;');
    const { code, report } = runJson(['--stdin', '--stdin-filename', 'conf.d/site.conf'], { cwd: dir, input: text });
    assert.equal(code, 1);
    assert.deepEqual(where(report, join(dir, 'conf.d/site.conf')), ['pass-scheme-mismatch@3:29', 'undefined-upstream@4:37']);
    // The buffer, not the disk: the message names what standard input says.
    assert.match(allFindings(report)[1].message, /no upstream "apx" is defined/);
  });

  test('a fragment the nginx.conf above does not include, or one given with --context, is checked alone', () => {
    const extra = runJson(['snippets/extra.conf'], { cwd: dir });
    assert.deepEqual(where(extra.report, join(dir, 'snippets/extra.conf')), ['pass-scheme-mismatch@3:18']);
    const declared = runJson(['conf.d/site.conf', '--context', 'http'], { cwd: dir });
    assert.deepEqual(where(declared.report, join(dir, 'conf.d/site.conf')), ['pass-scheme-mismatch@3:29']);
  });

  test('an Apache file given by name is linted with the Apache rules, not as nginx', () => {
    const { code, report } = runJson(['httpd.conf'], { cwd: dir });
    assert.equal(code, 0);
    assert.deepEqual(report.files, []);
    assert.deepEqual(report.skipped, []);
    assert.equal(report.summary.files, 1);
  });
});

test('"--" ends the options: what follows is a path, even when it starts with "-"', () => {
  const { dir, cleanup } = tree({ '-dash.conf': '# proxylint: context location\nproxy_pass 127.0.0.1:8090;\n', 'clean.conf': '# proxylint: context http\nserver { listen 80; location / { return 200; } }\n' });
  try {
    // Without "--" a name starting with "-" is taken for an option.
    const without = runCli(['-dash.conf'], { cwd: dir });
    assert.equal(without.code, 2, show(without));
    assert.match(without.stderr, /unknown option "-dash\.conf"/);
    // Options before "--" still apply; after it, "-dash.conf" is a file and "--fix" names a file too (missing here).
    const { code, report } = runJson(['--', '-dash.conf', 'clean.conf'], { cwd: dir });
    assert.equal(code, 1);
    assert.deepEqual(where(report, join(dir, '-dash.conf')), ['pass-scheme-mismatch@2:12']);
    assert.equal(report.summary.files, 2);
    const fix = runCli(['--', '--fix', '-dash.conf'], { cwd: dir });
    assert.equal(fix.code, 2, show(fix));
    assert.match(fix.stderr, /^proxylint: --fix: no such file or folder$/m);
    assert.equal(readFileSync(join(dir, '-dash.conf'), 'utf8'), '# proxylint: context location\nproxy_pass 127.0.0.1:8090;\n', 'not fixed');
    // "--" alone gives no paths: still a usage error.
    const none = runCli(['--'], { cwd: dir });
    assert.equal(none.code, 2, show(none));
    assert.match(none.stderr, /no files given/);
  } finally {
    cleanup();
  }
});

test('sites-available/x given alone, enabled through a link that nginx.conf includes, is checked in that configuration', () => {
  const { dir, cleanup } = tree({
    'nginx.conf': 'events {}\nhttp {\n    upstream app { server 127.0.0.1:9000; }\n    include sites-enabled/*;\n}\n',
    'sites-available/x': 'server {\n    listen 127.0.0.1:8080;\n    location / { proxy_pass http://ap; }\n}\n',
  });
  try {
    mkdirSync(join(dir, 'sites-enabled'));
    symlinkSync('../sites-available/x', join(dir, 'sites-enabled/x'));
    const { code, report } = runJson(['sites-available/x'], { cwd: dir });
    assert.equal(code, 1);
    // Reported under the path nginx reads it by, once.
    assert.deepEqual(where(report, join(dir, 'sites-enabled/x')), ['undefined-upstream@3:36']);
    assert.equal(allFindings(report).length, 1);
    assert.equal(report.summary.files, 1);
  } finally {
    cleanup();
  }
});

test('an Apache vhost file given alone, included by the apache2.conf above it, is checked in that configuration', () => {
  const { dir, cleanup } = tree({
    // The main configuration's ProxyTimeout 2 also bounds the connect: no-connectiontimeout has nothing to say.
    'apache2.conf': 'Listen 127.0.0.1:8080\nProxyTimeout 2\nIncludeOptional sites-enabled/*.conf\n',
    'sites-enabled/x.conf': '<VirtualHost *:8080>\n    ProxyPass "/app/" "http://127.0.0.1:9000/"\n</VirtualHost>\n',
    'conf.d/y.conf': '<VirtualHost *:8080>\n    ProxyPass "/app/" "http://127.0.0.1:9000/"\n</VirtualHost>\n',
  });
  try {
    const folder = runJson(['.'], { cwd: dir });
    assert.deepEqual(where(folder.report, join(dir, 'sites-enabled/x.conf')), []);
    const alone = runJson(['sites-enabled/x.conf'], { cwd: dir });
    assert.equal(alone.code, 0);
    assert.deepEqual(allFindings(alone.report), []);
    assert.equal(alone.report.summary.files, 1);
    // conf.d/ is not included: checked on its own, the main configuration's ProxyTimeout does not reach it.
    const other = runJson(['conf.d/y.conf'], { cwd: dir });
    assert.deepEqual(where(other.report, join(dir, 'conf.d/y.conf')), ['no-connectiontimeout@2:5']);
  } finally {
    cleanup();
  }
});

describe('a glob', () => {
  let dir = '';
  let cleanup = () => {};
  before(() => {
    ({ dir, cleanup } = tree({
      'd/site.conf': '# proxylint: context location\nproxy_pass 127.0.0.1:8090;\n',
      // Not configurations: a binary file, prose, notes and a key under a name a walk would not open.
      'd/bin.conf': Buffer.from('a\0b'),
      'd/notes.conf': 'hello world\n',
      'd/README.md': '# notes\nproxy_pass 127.0.0.1:1;\n',
      'd/sub/app.conf': 'server {\n    listen 127.0.0.1:8080;\n    location / { proxy_pass http://127.0.0.1:9000; }\n}\n',
      'only/bin.conf': Buffer.from('a\0b'),
      'only/README.md': '# notes\n',
    }));
    // A link to nothing: a walk passes over it.
    symlinkSync('nowhere', join(dir, 'd/dangling.conf'));
  });
  after(() => cleanup());

  test('the files a quoted glob matches are chosen and classified as a walk of the folder chooses them', () => {
    const walk = runJson(['d'], { cwd: dir });
    const glob = runJson(['d/*'], { cwd: dir });
    assert.equal(walk.code, 1, walk.stderr);
    assert.equal(glob.code, walk.code, glob.stderr);
    assert.deepEqual(glob.report, walk.report);
    // The binary and the prose file are skipped and listed, not I/O errors; the README is not opened.
    assert.deepEqual(glob.report.skipped.map((s) => s.path), [join(dir, 'd/bin.conf'), join(dir, 'd/notes.conf')]);
    assert.deepEqual(glob.report.errors, []);
    assert.deepEqual(glob.report.files.map((f) => f.path), [join(dir, 'd/site.conf')]);
    assert.equal(glob.report.summary.files, 2);
    // A narrower pattern that still matches the binary file (and the dangling link, which used to crash the run).
    const conf = runJson(['d/*.conf'], { cwd: dir });
    assert.equal(conf.code, 1, conf.stderr);
    assert.deepEqual(conf.report.skipped.map((s) => s.path), [join(dir, 'd/bin.conf'), join(dir, 'd/notes.conf')]);
    assert.deepEqual(conf.report.errors, []);
  });

  test('a glob that matches files but no configuration is exit 2, as a folder with none is', () => {
    const walk = runCli(['only'], { cwd: dir });
    assert.equal(walk.code, 2, show(walk));
    assert.match(walk.stderr, /no nginx or Apache configuration files found in only/);
    const glob = runCli(['only/*'], { cwd: dir });
    assert.equal(glob.code, 2, show(glob));
    assert.match(glob.stderr, /no nginx or Apache configuration files match only\/\*/);
  });

  test('a file named on its own is still taken as meant to be checked: a binary one is exit 2, an unrecognised one is checked as nginx', () => {
    const bin = runCli(['d/bin.conf', 'd/site.conf'], { cwd: dir });
    assert.equal(bin.code, 2, show(bin));
    assert.match(bin.stderr, /cannot read d\/bin\.conf: is a binary file/);
    const notes = runJson(['d/notes.conf'], { cwd: dir });
    assert.deepEqual(where(notes.report, join(dir, 'd/notes.conf')), ['syntax-error@2:1']);
  });
});

describe('a named pipe with a configuration\'s name', () => {
  test('found by a folder walk or a quoted glob, it is listed as skipped with the reason, never read (no hang)', () => {
    const { dir, cleanup } = tree({ 'd/site.conf': 'server {\n    listen 127.0.0.1:8080;\n    location / { proxy_pass http://127.0.0.1:8090; }\n}\n' });
    try {
      const made = spawnSync('mkfifo', [join(dir, 'd/pipe.conf')]);
      assert.equal(made.status, 0, 'mkfifo');
      for (const arg of ['d', 'd/*.conf']) {
        const r = runJson([arg], { cwd: dir });
        assert.equal(r.code, 0, `${arg}: ${r.stderr}`);
        assert.deepEqual(r.report.skipped, [{ path: join(dir, 'd/pipe.conf'), reason: 'is not a regular file (a named pipe); not read' }], arg);
        assert.equal(r.report.summary.files, 1, arg);
      }
    } finally {
      cleanup();
    }
  });
});

describe('a file that includes nginx.conf (a wrapper)', () => {
  test('a missing include written in nginx.conf is one finding, worded as for nginx.conf, as the editor shows it', () => {
    const { dir, cleanup } = tree({
      'nginx.conf': 'events {}\nhttp {\n    include mime.types;\n    server { listen 127.0.0.1:8080; location / { proxy_pass http://127.0.0.1:9000; } }\n}\n',
      'wrapper.conf': '# wrapper\ninclude nginx.conf;\n',
    });
    try {
      const r = runJson(['.'], { cwd: dir });
      const missing = allFindings(r.report).filter((f) => f.ruleId === 'include-not-found');
      assert.deepEqual(missing.map((f) => `${f.path.slice(dir.length + 1)}@${f.line}:${f.column}`), ['nginx.conf@3:13'], r.stderr);
      assert.doesNotMatch(missing[0].message, /checked on its own/);
    } finally {
      cleanup();
    }
  });
});

describe('a quoted glob with "**"', () => {
  let dir = '';
  let cleanup = () => {};
  before(() => {
    const site = (port: number) => `server {\n    listen 127.0.0.1:${port};\n    location / { proxy_pass 127.0.0.1:9000; }\n}\n`;
    ({ dir, cleanup } = tree({
      'deep/top.conf': site(8081),
      'deep/a/x.conf': site(8082),
      'deep/a/b/y.conf': site(8083),
      'deep/a/b/notes.txt': 'not a configuration\n',
      'deep/.hidden/z.conf': site(8084),
    }));
  });
  after(() => cleanup());

  test('"**" matches any number of folders, none included (as bash globstar and the "ignore" patterns read it), not just one', () => {
    const r = runJson(['deep/**/*.conf'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    // Every file the walk of the folder checks: at the top, one and two levels down; hidden folders are not entered.
    assert.deepEqual(r.report.files.map((f) => f.path), ['deep/a/b/y.conf', 'deep/a/x.conf', 'deep/top.conf'].map((p) => join(dir, p)));
    assert.equal(r.report.summary.files, 3);
    // Without "**" a pattern still reads one folder per "*", as glob(3) and nginx's include do.
    assert.deepEqual(runJson(['deep/*/*.conf'], { cwd: dir }).report.files.map((f) => f.path), [join(dir, 'deep/a/x.conf')]);
  });
});

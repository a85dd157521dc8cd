import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers';
import { allFindings, runJson, show, tree, where } from './util';

// Defaults: invalid-upstream-address 3:16, pass-scheme-mismatch 8:24, undefined-upstream 11:31 — all errors.
const SITE = `http {
    upstream app {
        server http://127.0.0.1:9000;
    }
    server {
        listen 127.0.0.1:8080;
        location / {
            proxy_pass 127.0.0.1:8090;
        }
        location /b {
            proxy_pass http://ap;
        }
    }
}
`;

const levels = (report: Parameters<typeof allFindings>[0], path: string) =>
  Object.fromEntries((report.files.find((f) => f.path === path)?.findings ?? []).map((f) => [f.ruleId, f.severity]));

describe('finding the configuration file', () => {
  let dir = '';
  let cleanup = () => {};
  before(() => {
    ({ dir, cleanup } = tree({
      '.proxylintrc.json': JSON.stringify({ rules: { 'pass-scheme-mismatch': 'off', 'undefined-upstream': 'warning' } }),
      'sub/a.conf': SITE,
      'sub/deeper/.proxylintrc.json': JSON.stringify({ rules: { 'invalid-upstream-address': 'warning' } }),
      'sub/deeper/b.conf': SITE,
      'alt.json': JSON.stringify({ rules: { 'invalid-upstream-address': 'off' } }),
      'all-warnings.json': JSON.stringify({ rules: { 'invalid-upstream-address': 'warning', 'pass-scheme-mismatch': 'warning', 'undefined-upstream': 'warning' } }),
    }));
  });
  after(() => cleanup());

  test('the nearest .proxylintrc.json up from each file applies: "off" removes a rule, a level changes severity', () => {
    const { code, report } = runJson(['sub/a.conf', 'sub/deeper/b.conf'], { cwd: dir });
    assert.equal(code, 1);
    // a.conf: the root config.
    assert.deepEqual(levels(report, join(dir, 'sub/a.conf')), { 'invalid-upstream-address': 'error', 'undefined-upstream': 'warning' });
    // b.conf: the config next to it, on its own (configs do not merge).
    assert.deepEqual(levels(report, join(dir, 'sub/deeper/b.conf')), { 'invalid-upstream-address': 'warning', 'pass-scheme-mismatch': 'error', 'undefined-upstream': 'error' });
    assert.deepEqual(report.summary, { errors: 3, warnings: 2, infos: 0, fixable: 3, files: 2, runErrors: 0 });
  });

  test('the nearest config also applies when running from elsewhere', () => {
    const { report } = runJson([join(dir, 'sub/a.conf')], { cwd: join(dir, 'sub/deeper') });
    assert.deepEqual(levels(report, join(dir, 'sub/a.conf')), { 'invalid-upstream-address': 'error', 'undefined-upstream': 'warning' });
  });

  test('--config overrides the nearest file for every input', () => {
    const { report } = runJson(['--config', 'alt.json', 'sub/a.conf', 'sub/deeper/b.conf'], { cwd: dir });
    for (const p of ['sub/a.conf', 'sub/deeper/b.conf']) {
      assert.deepEqual(levels(report, join(dir, p)), { 'pass-scheme-mismatch': 'error', 'undefined-upstream': 'error' }, p);
    }
    const short = runJson(['-c', join(dir, 'alt.json'), 'sub/a.conf'], { cwd: dir });
    assert.deepEqual(levels(short.report, join(dir, 'sub/a.conf')), { 'pass-scheme-mismatch': 'error', 'undefined-upstream': 'error' });
  });

  test('severities from the config drive the exit code', () => {
    const r = runCli(['-c', 'all-warnings.json', '--fail-on', 'error', 'sub/a.conf'], { cwd: dir });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /3 problems \(0 errors, 3 warnings, 0 info\)/);
    assert.equal(runCli(['-c', 'all-warnings.json', 'sub/a.conf'], { cwd: dir }).code, 1);
  });
});

describe('a broken configuration file is a usage error naming the file', () => {
  const cases: [string, string, RegExp][] = [
    ['invalid JSON', '{ "rules": { "pass-scheme-mismatch": "off", }', /is not valid JSON/],
    ['unknown top-level key', JSON.stringify({ rulez: {} }), /unknown key "rulez"/],
    ['unknown rule id', JSON.stringify({ rules: { 'no-such-rule': 'off' } }), /unknown rule "no-such-rule"/],
    ['bad level', JSON.stringify({ rules: { 'pass-scheme-mismatch': 'loud' } }), /rules\.pass-scheme-mismatch: use "off", "info", "warning" or "error"/],
    ['not an object', '[]', /must be a JSON object/],
    // A rule option that is misspelt, or a value the rule cannot read, used to leave the rule at its default without a
    // word: CI passed on a threshold nobody had set.
    ['misspelt rule option', JSON.stringify({ rules: { 'read-timeout-too-low': ['warning', { minimun: '10s' }] } }), /rules\.read-timeout-too-low: unknown option "minimun" \(expected "minimum"\)/],
    ['rule option that is not a time', JSON.stringify({ rules: { 'read-timeout-too-low': ['warning', { minimum: 'ten seconds' }] } }), /rules\.read-timeout-too-low: option "minimum" must be a number of seconds or an nginx time/],
    ['option of a rule that takes none', JSON.stringify({ rules: { 'pass-scheme-mismatch': ['error', { minimum: 1 }] } }), /rules\.pass-scheme-mismatch: this rule takes no options \(got "minimum"\)/],
  ];
  for (const [name, content, message] of cases) {
    test(name, () => {
      const { dir, cleanup } = tree({ 'conf/.proxylintrc.json': content, 'conf/site.conf': SITE, 'other.json': content });
      try {
        for (const [args, file] of [
          [['conf/site.conf'], join(dir, 'conf/.proxylintrc.json')],
          [['-c', 'other.json', 'conf/site.conf'], join(dir, 'other.json')],
        ] as const) {
          const r = runCli([...args], { cwd: dir });
          assert.equal(r.code, 2, show(r));
          const lines = r.stderr.trimEnd().split('\n');
          assert.equal(lines.length, 1, show(r));
          assert.ok(lines[0].startsWith(`proxylint: ${file}`), show(r));
          assert.match(lines[0], message);
          assert.equal(r.stdout, 'No configuration files were checked.\n', 'nothing is linted with a broken configuration');
        }
      } finally {
        cleanup();
      }
    });
  }

  test('files under a good (or no) configuration are still checked in the same run', () => {
    const { dir, cleanup } = tree({ 'bad/.proxylintrc.json': '{', 'bad/site.conf': SITE, 'good/site.conf': SITE });
    try {
      const { code, report, stderr } = runJson(['bad/site.conf', 'good/site.conf'], { cwd: dir });
      assert.equal(code, 2);
      assert.match(stderr, /bad\/\.proxylintrc\.json is not valid JSON/);
      assert.deepEqual(report.files.map((f) => f.path), [join(dir, 'good/site.conf')]);
      assert.equal(report.files[0].findings.length, 3);
    } finally {
      cleanup();
    }
  });
});

describe('nginx.pathMap', () => {
  const files = {
    'nginx.conf': `events {}
http {
    include /etc/nginx/snippets/upstreams.conf;
    server {
        listen 127.0.0.1:8080;
        location / { proxy_pass http://ap; }
    }
}
`,
    'snippets/upstreams.conf': 'upstream app {\n    server http://127.0.0.1:9000;\n}\n',
  };

  test('without it, an absolute include that is not on this machine is a warning', () => {
    const { dir, cleanup } = tree(files);
    try {
      const { report } = runJson(['nginx.conf'], { cwd: dir });
      const f = allFindings(report).filter((x) => x.path === join(dir, 'nginx.conf'));
      assert.deepEqual(f.map((x) => [x.ruleId, x.severity, x.line]), [['include-not-found', 'warning', 3]]);
      assert.match(f[0].message, /nginx\.pathMap/);
    } finally {
      cleanup();
    }
  });

  test('with it, the include resolves into the checkout and is checked in context', () => {
    const { dir, cleanup } = tree({ ...files, '.proxylintrc.json': JSON.stringify({ nginx: { pathMap: { '/etc/nginx/': './' } } }) });
    try {
      const { report } = runJson(['nginx.conf'], { cwd: dir });
      const snippet = join(dir, 'snippets/upstreams.conf');
      assert.deepEqual(where(report, join(dir, 'nginx.conf')), ['undefined-upstream@6:40']);
      const undef = report.files.find((f) => f.path === join(dir, 'nginx.conf'))!.findings[0];
      // The "did you mean" comes from the upstream defined in the mapped file.
      assert.match(undef.message, /did you mean "app"/);
      assert.equal(undef.related[0].path, snippet);
      assert.deepEqual(where(report, snippet), ['invalid-upstream-address@2:12']);
      assert.equal(report.summary.files, 2);
    } finally {
      cleanup();
    }
  });
});

describe('ignore', () => {
  test('patterns relative to the config file skip matching files in a folder walk', () => {
    const frag = '# proxylint: context location\nproxy_pass 127.0.0.1:8090;\n';
    const { dir, cleanup } = tree({
      '.proxylintrc.json': JSON.stringify({ ignore: ['vendor/**', '*.generated.conf'] }),
      'vendor/mod/a.conf': frag,
      'vendor/b.conf': frag,
      'site/c.generated.conf': frag,
      'site/d.conf': frag,
      'none.json': '{}',
    });
    try {
      const { code, report } = runJson(['.'], { cwd: dir });
      assert.equal(code, 1);
      assert.deepEqual(report.files.map((f) => f.path), [join(dir, 'site/d.conf')]);
      assert.equal(report.summary.files, 1);
      // Under a config without the ignore list all four are checked.
      const all = runJson(['--config', 'none.json', '.'], { cwd: dir });
      assert.equal(all.report.summary.files, 4);
      const { report: r2 } = runJson(['.'], { cwd: join(dir, 'vendor') });
      assert.equal(r2.summary.files, 0, 'the config above still applies when walking from inside the ignored folder');
    } finally {
      cleanup();
    }
  });

  test('a file named explicitly but ignored is not checked: a warning, exit 0, and no "no files found" (as ESLint)', () => {
    const { dir, cleanup } = tree({
      '.proxylintrc.json': JSON.stringify({ ignore: ['vendor/**'] }),
      'vendor/v.conf': '# proxylint: context location\nproxy_pass 127.0.0.1:9000;\n',
      'site/d.conf': '# proxylint: context location\nproxy_pass http://127.0.0.1:9000;\n',
    });
    try {
      const r = runCli(['vendor/v.conf'], { cwd: dir });
      assert.equal(r.code, 0, show(r));
      assert.equal(r.stderr, 'proxylint: warning: vendor/v.conf not checked: it matches the "ignore" list of .proxylintrc.json\n');
      // With another file beside it (a pre-commit hook passing every changed file), the other is checked as usual.
      const both = runJson(['vendor/v.conf', 'site/d.conf'], { cwd: dir });
      assert.equal(both.code, 0);
      assert.equal(both.report.summary.files, 1);
      // Standard input named like an ignored file is ignored the same way.
      const stdin = runCli(['--stdin', '--stdin-filename', 'vendor/v.conf'], { cwd: dir, input: 'proxy_pass 127.0.0.1:9000;\n' });
      assert.equal(stdin.code, 0, show(stdin));
      // A folder whose every file is ignored is still a run that checked nothing (exit 2), and says why.
      const folder = runCli(['vendor'], { cwd: dir });
      assert.equal(folder.code, 2, show(folder));
      assert.match(folder.stderr, /all 1 configuration file\(s\) found in vendor match the "ignore" list; nothing was checked/);
      assert.doesNotMatch(folder.stderr, /no nginx or Apache configuration files found/);
      // The same beside another argument: the other is checked, and the folder is still reported (with its path).
      const beside = runJson(['vendor', 'site/d.conf'], { cwd: dir });
      assert.equal(beside.code, 2);
      assert.equal(beside.report.summary.files, 1);
      assert.deepEqual(beside.report.errors, [{ path: join(dir, 'vendor'), message: 'all 1 configuration file(s) found in vendor match the "ignore" list; nothing was checked' }]);
      assert.match(beside.stderr, /all 1 configuration file\(s\) found in vendor match the "ignore" list; nothing was checked/);
      // A quoted glob is taken as a folder walk is: all its matches ignored is a run that checked nothing.
      const glob = runCli(['vendor/*.conf'], { cwd: dir });
      assert.equal(glob.code, 2, show(glob));
      assert.match(glob.stderr, /all 1 configuration file\(s\) matching vendor\/\*\.conf match the "ignore" list; nothing was checked/);
    } finally {
      cleanup();
    }
  });

  test('an ignored file that a checked nginx.conf includes is read, but its own findings are not reported', () => {
    const { dir, cleanup } = tree({
      '.proxylintrc.json': JSON.stringify({ ignore: ['vendor/**'] }),
      'nginx.conf': 'events {}\nhttp {\n    server {\n        listen 8080;\n        location / {\n            include vendor/v.conf;\n        }\n    }\n}\n',
      'vendor/v.conf': 'proxy_pass 127.0.0.1:9000;\n',
    });
    try {
      const { code, report } = runJson(['.'], { cwd: dir });
      assert.equal(code, 0);
      assert.deepEqual(allFindings(report), []);
    } finally {
      cleanup();
    }
  });
});

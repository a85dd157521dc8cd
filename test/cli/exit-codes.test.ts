import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers';
import { runJson, show, tree, where } from './util';

const CLEAN = `events {}
http {
    server {
        listen 127.0.0.1:8080;
        location / { proxy_pass http://127.0.0.1:8081; }
    }
}
`;

// One error (pass-scheme-mismatch at 2:12).
const ERROR = `# proxylint: context location
proxy_pass 127.0.0.1:8090;
`;

// Two warnings (undefined-upstream, portless targets with no near group).
const WARN2 = `events {}
http {
    upstream backend_pool { server 127.0.0.1:9000; }
    server {
        location /a { proxy_pass http://zeta; }
        location /b { proxy_pass http://omega; }
    }
}
`;

// One error and one warning in the same file.
const MIXED = `events {}
http {
    upstream backend_pool { server 127.0.0.1:9000; }
    server {
        location /a { proxy_pass http://zeta; }
        location /b { proxy_pass 127.0.0.1:8090; }
    }
}
`;

let dir = '';
let cleanup = () => {};
before(() => {
  ({ dir, cleanup } = tree({
    'clean.conf': CLEAN,
    'error.conf': ERROR,
    'warn2.conf': WARN2,
    'mixed.conf': MIXED,
    'binary.conf': Buffer.from([0x73, 0x65, 0x72, 0x00, 0x01, 0x02]),
    'info.json': JSON.stringify({ rules: { 'pass-scheme-mismatch': 'info' } }),
    'notes/readme.md': 'no configuration here\n',
    'empty/.keep': '',
  }));
});
after(() => cleanup());

const run = (...args: string[]) => runCli(args, { cwd: dir });

describe('exit status from findings', () => {
  test('0 on a clean config', () => {
    const r = run('clean.conf');
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stderr, '');
  });

  test('1 with an error, and 1 with warnings only (default --fail-on warning)', () => {
    assert.equal(run('error.conf').code, 1);
    const w = run('warn2.conf');
    assert.equal(w.code, 1, show(w));
    assert.match(w.stdout, /0 errors, 2 warnings/);
  });

  test('--fail-on error: warnings alone pass, errors still fail', () => {
    assert.equal(run('--fail-on', 'error', 'warn2.conf').code, 0);
    assert.equal(run('--fail-on=error', 'warn2.conf').code, 0);
    assert.equal(run('--fail-on', 'error', 'mixed.conf').code, 1);
  });

  test('info findings fail only with --fail-on info', () => {
    const plain = run('-c', 'info.json', 'error.conf');
    assert.equal(plain.code, 0, show(plain));
    assert.match(plain.stdout, /1 info/);
    assert.equal(run('-c', 'info.json', '--fail-on', 'warning', 'error.conf').code, 0);
    assert.equal(run('-c', 'info.json', '--fail-on', 'info', 'error.conf').code, 1);
  });

  test('--max-warnings: at or under the limit passes, over it fails; errors fail regardless', () => {
    assert.equal(run('--max-warnings', '2', 'warn2.conf').code, 0);
    assert.equal(run('--max-warnings=5', 'warn2.conf').code, 0);
    assert.equal(run('--max-warnings', '1', 'warn2.conf').code, 1);
    assert.equal(run('--max-warnings', '0', 'warn2.conf').code, 1);
    assert.equal(run('--max-warnings', '10', 'mixed.conf').code, 1);
    // The warnings are still reported when they are under the limit.
    assert.match(run('--max-warnings', '2', 'warn2.conf').stdout, /2 problems \(0 errors, 2 warnings, 0 info\)/);
  });

  test('--max-warnings with --fail-on info: infos share the warnings\' budget, so a warning never passes where an info fails', () => {
    // error.conf gives one info with info.json; warn2.conf gives two warnings.
    assert.equal(run('-c', 'info.json', '--fail-on', 'info', '--max-warnings', '1', 'error.conf').code, 0);
    assert.equal(run('-c', 'info.json', '--fail-on', 'info', '--max-warnings', '0', 'error.conf').code, 1);
    assert.equal(run('-c', 'info.json', '--fail-on', 'info', '--max-warnings', '2', 'error.conf', 'warn2.conf').code, 1, 'three against a budget of two');
    assert.equal(run('-c', 'info.json', '--fail-on', 'info', '--max-warnings', '3', 'error.conf', 'warn2.conf').code, 0);
    // Without --fail-on info, infos are not counted at all.
    assert.equal(run('-c', 'info.json', '--max-warnings', '2', 'error.conf', 'warn2.conf').code, 0);
  });

  test('-q/--quiet reports errors only, and warnings no longer fail the run', () => {
    const w = run('-q', 'warn2.conf');
    assert.equal(w.code, 0, show(w));
    assert.doesNotMatch(w.stdout, /^ +\d+:\d+ +warning/m, 'no warning is listed');
    assert.match(w.stdout, /hidden by --quiet/, 'but the summary says some were hidden');
    const m = run('--quiet', 'mixed.conf');
    assert.equal(m.code, 1, show(m));
    assert.match(m.stdout, /^ {2}6:34 {2}error /m);
    assert.doesNotMatch(m.stdout, /zeta/);
    assert.match(m.stdout, /1 problem \(1 error, 0 warnings, 0 info\)/);
    const j = runJson(['-q', 'mixed.conf'], { cwd: dir });
    assert.equal(j.report.summary.warnings, 0);
    assert.deepEqual(where(j.report, join(dir, 'mixed.conf')), ['pass-scheme-mismatch@6:34']);
  });

  test('-q with an explicit --fail-on or --max-warnings: the hidden warnings still count for the exit code', () => {
    for (const args of [['--fail-on', 'warning'], ['--max-warnings', '0'], ['--max-warnings=1'], ['--fail-on', 'info']]) {
      const r = run('-q', ...args, 'warn2.conf');
      assert.equal(r.code, 1, `-q ${args.join(' ')}: ${show(r)}`);
      assert.doesNotMatch(r.stdout, /^ +\d+:\d+ +warning/m, 'still hidden from the report');
      assert.match(r.stdout, /No errors in 1 file \(2 warnings hidden by --quiet, still counted for the exit code\)\./, show(r));
    }
    assert.equal(run('-q', '--max-warnings', '2', 'warn2.conf').code, 0, 'at the limit');
    assert.equal(run('-q', '--fail-on', 'error', 'warn2.conf').code, 0);
    const j = runJson(['-q', '--max-warnings', '0', 'warn2.conf'], { cwd: dir });
    assert.equal(j.code, 1);
    assert.deepEqual(j.report.summary, { errors: 0, warnings: 0, infos: 0, fixable: 0, files: 1, hidden: 2, hiddenWarnings: 2, hiddenInfos: 0, hiddenCounted: true, runErrors: 0 });
  });
});

describe('usage errors exit 2 with one line on stderr and nothing on stdout', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown option', ['--bogus', 'clean.conf'], /^proxylint: unknown option "--bogus"/],
    ['unknown format', ['--format', 'xml', 'clean.conf'], /^proxylint: unknown format "xml" \(use text, json, sarif, github, gitlab, baseline\)/],
    ['missing value', ['clean.conf', '--format'], /^proxylint: --format needs a value/],
    ['missing value for --config', ['clean.conf', '-c'], /^proxylint: -c needs a value/],
    // The last one silently winning would write a report the CI job may not read.
    ['--format given twice', ['-f', 'json', '-f', 'sarif', 'clean.conf'], /^proxylint: --format given twice, as "json" and "sarif": give it once/],
    ['--format= and -f', ['--format=json', '-f', 'text', 'clean.conf'], /^proxylint: --format given twice, as "json" and "text"/],
    ['--fail-on given twice', ['--fail-on', 'error', '--fail-on', 'info', 'clean.conf'], /^proxylint: --fail-on given twice/],
    ['non-numeric --max-warnings', ['--max-warnings', 'many', 'clean.conf'], /^proxylint: --max-warnings takes a whole number/],
    ['--max-findings-per-rule 0 (every error would pass)', ['--max-findings-per-rule', '0', 'error.conf'], /^proxylint: --max-findings-per-rule takes a whole number of at least 1/],
    ['--max-findings-per-rule=0', ['--max-findings-per-rule=0', 'error.conf'], /^proxylint: --max-findings-per-rule takes a whole number of at least 1/],
    // 0 would follow no include and report each include line as an error: every configuration with an include fails.
    ['--max-include-depth 0', ['--max-include-depth', '0', 'clean.conf'], /^proxylint: --max-include-depth takes a whole number of at least 1/],
    ['--max-directives=0', ['--max-directives=0', 'clean.conf'], /^proxylint: --max-directives takes a whole number of at least 1/],
    // 0 would refuse every file with anything in it, each one an I/O error.
    ['--max-file-size 0', ['--max-file-size', '0', 'clean.conf'], /^proxylint: --max-file-size takes a number of bytes of at least 1/],
    ['bad --fail-on', ['--fail-on', 'fatal', 'clean.conf'], /^proxylint: --fail-on takes error, warning or info/],
    ['--fix with --stdin', ['--fix', '--stdin'], /^proxylint: --fix cannot write to standard input/],
    ['--fix with --fix-dry-run', ['--fix', '--fix-dry-run', 'clean.conf'], /^proxylint: use either --fix or --fix-dry-run/],
    ['--fix-dry-run with sarif', ['--fix-dry-run', '-f', 'sarif', 'clean.conf'], /^proxylint: --fix-dry-run shows its changes as a diff .*not in sarif output/],
    ['--fix-dry-run with github', ['--fix-dry-run', '--format=github', 'clean.conf'], /^proxylint: --fix-dry-run shows its changes .*not in github output/],
    ['- with a file', ['-', 'clean.conf'], /^proxylint: --stdin checks standard input only, not also clean.conf/],
    ['--stdin-filename without --stdin', ['--stdin-filename', 'x.conf', 'clean.conf'], /^proxylint: --stdin-filename goes with --stdin/],
    ['--stdin with a file (the file would be silently ignored)', ['--stdin', 'error.conf'], /^proxylint: --stdin checks standard input only, not also error\.conf: give either --stdin or files/],
    ['no paths', [], /^proxylint: no files given/],
    ['unknown context', ['--context', 'nowhere', 'clean.conf'], /^proxylint: unknown context "nowhere"/],
    ['bad --nginx-version', ['--nginx-version', 'latest', 'clean.conf'], /^proxylint: --nginx-version takes a version/],
    ['bad --nginx-edition', ['--nginx-edition', 'enterprise', 'clean.conf'], /^proxylint: --nginx-edition takes oss, plus or unknown/],
    ['missing --config file', ['--config', 'nope.json', 'clean.conf'], /^proxylint: config file nope\.json not found/],
  ];
  for (const [name, args, message] of cases) {
    test(name, () => {
      const r = runCli(args, { cwd: dir, input: '' });
      assert.equal(r.code, 2, show(r));
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, show(r));
      assert.equal(r.stdout, '');
    });
  }
});

test('an option given twice with the same value is not a usage error', () => {
  const r = runCli(['-f', 'json', '--format=json', 'clean.conf'], { cwd: dir, input: '' });
  assert.equal(r.code, 0, show(r));
  assert.equal(JSON.parse(r.stdout).summary.files, 1);
});

describe('a bad path never stops the rest', () => {
  test('a nonexistent path exits 2 but the files around it are still checked', () => {
    const r = run('error.conf', 'nope.conf', 'warn2.conf');
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /^proxylint: nope\.conf: no such file or folder$/m);
    assert.match(r.stdout, /^error\.conf$/m);
    assert.match(r.stdout, /^warn2\.conf$/m);
    assert.match(r.stdout, /3 problems \(1 error, 2 warnings, 0 info\) in 2 files checked/);
  });

  test('exit 2 even when the valid files are clean', () => {
    const r = run('nope.conf', 'clean.conf');
    assert.equal(r.code, 2, show(r));
    assert.match(r.stdout, /No problems found in 1 file\./);
  });

  test('json output stays parseable and complete, and lists what could not be checked', () => {
    const { code, report, stderr } = runJson(['nope.conf', 'error.conf', 'missing/dir/', 'binary.conf'], { cwd: dir });
    assert.equal(code, 2);
    assert.match(stderr, /nope\.conf: no such file or folder/);
    assert.match(stderr, /missing\/dir\/: no such file or folder/);
    assert.deepEqual(where(report, join(dir, 'error.conf')), ['pass-scheme-mismatch@2:12']);
    assert.deepEqual(report.errors, [
      { path: join(dir, 'nope.conf'), message: 'nope.conf: no such file or folder' },
      { path: join(dir, 'missing/dir'), message: 'missing/dir/: no such file or folder' },
      { path: join(dir, 'binary.conf'), message: 'cannot read binary.conf: is a binary file (it contains NUL bytes), not a configuration' },
    ]);
    assert.equal(report.summary.runErrors, 3);
  });

  test('json: a folder with no configuration in it is an error in the report too', () => {
    const { code, report } = runJson(['notes'], { cwd: dir });
    assert.equal(code, 2);
    assert.deepEqual(report.errors, [{ path: join(dir, 'notes'), message: 'no nginx or Apache configuration files found in notes' }]);
  });

  test('a folder with no configuration beside another argument is still an error (stderr, exit 2, json, sarif)', () => {
    for (const folder of ['empty', 'notes']) {
      const r = run(folder, 'clean.conf');
      assert.equal(r.code, 2, show(r));
      assert.equal(r.stderr, `proxylint: no nginx or Apache configuration files found in ${folder}\n`);
      assert.match(r.stdout, /No problems found in 1 file\./);
      const { code, report } = runJson([folder, 'clean.conf'], { cwd: dir });
      assert.equal(code, 2);
      assert.deepEqual(report.errors, [{ path: join(dir, folder), message: `no nginx or Apache configuration files found in ${folder}` }]);
      assert.equal(report.summary.runErrors, 1);
      assert.equal(report.summary.files, 1);
    }
    // After the file as before it, and beside a folder that has configuration.
    assert.equal(run('clean.conf', 'empty').code, 2);
    const s = run('--format', 'sarif', 'empty', 'clean.conf');
    assert.equal(s.code, 2, show(s));
    assert.deepEqual((JSON.parse(s.stdout) as { runs: { invocations: unknown[] }[] }).runs[0].invocations, [
      {
        executionSuccessful: false,
        toolExecutionNotifications: [
          { level: 'error', message: { text: 'no nginx or Apache configuration files found in empty' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'empty', uriBaseId: '%SRCROOT%' } } }] },
        ],
      },
    ]);
  });

  test('sarif: what could not be checked is a toolExecutionNotification, and the run did not succeed', () => {
    const r = run('--format', 'sarif', 'nope.conf', 'error.conf');
    assert.equal(r.code, 2, show(r));
    const inv = (JSON.parse(r.stdout) as { runs: { invocations: unknown[]; results: unknown[] }[] }).runs[0];
    assert.equal(inv.results.length, 1);
    assert.deepEqual(inv.invocations, [
      {
        executionSuccessful: false,
        toolExecutionNotifications: [{ level: 'error', message: { text: 'nope.conf: no such file or folder' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'nope.conf', uriBaseId: '%SRCROOT%' } } }] }],
      },
    ]);
    const ok = run('--format', 'sarif', 'error.conf');
    assert.deepEqual((JSON.parse(ok.stdout) as { runs: { invocations: unknown[] }[] }).runs[0].invocations, [{ executionSuccessful: true }]);
  });

  test('an unreadable (binary) file given by name exits 2; the others are still checked', () => {
    const r = run('binary.conf', 'error.conf');
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /cannot read binary\.conf: is a binary file/);
    assert.match(r.stdout, /^ {2}2:12 {2}error .*\[pass-scheme-mismatch\]/m);
  });

  test('standard input that cannot be checked (empty, binary, too large) is in the json and sarif reports too, not an empty stdout', () => {
    const cases: [string[], string, string][] = [
      [[], '', 'cannot check standard input: it is empty: there is nothing to check'],
      [[], '  \n\n', 'cannot check standard input: it is only white space: there is nothing to check'],
      [['--stdin-filename', 'conf.d/site.conf'], 'server {\0\x01}', 'cannot check standard input: it is a binary file (it contains NUL bytes), not a configuration'],
      [['--max-file-size', '10'], ERROR, 'cannot check standard input: over the 10-byte limit (see --max-file-size)'],
    ];
    for (const [args, input, message] of cases) {
      const r = runCli(['--format', 'json', '--stdin', ...args], { cwd: dir, input });
      assert.equal(r.code, 2, show(r));
      assert.equal(r.stderr, `proxylint: ${message}\n`);
      const report = JSON.parse(r.stdout) as { summary: { files: number; runErrors: number }; errors: unknown[] };
      const path = args[0] === '--stdin-filename' ? { path: join(dir, 'conf.d/site.conf') } : {};
      assert.deepEqual(report.errors, [{ ...path, message }]);
      assert.deepEqual([report.summary.files, report.summary.runErrors], [0, 1]);
      const s = runCli(['--format', 'sarif', '--stdin', ...args], { cwd: dir, input });
      assert.equal(s.code, 2, show(s));
      const inv = (JSON.parse(s.stdout) as { runs: { invocations: { executionSuccessful: boolean; toolExecutionNotifications: { message: { text: string } }[] }[] }[] }).runs[0].invocations[0];
      assert.equal(inv.executionSuccessful, false);
      assert.deepEqual(inv.toolExecutionNotifications.map((n) => n.message.text), [message]);
    }
  });

  test('a glob that matches nothing is an error too', () => {
    const r = run('nothing-*.conf', 'error.conf');
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /no files match nothing-\*\.conf/);
    assert.match(r.stdout, /\[pass-scheme-mismatch\]/);
  });
});

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
});

describe('usage errors exit 2 with one line on stderr and nothing on stdout', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown option', ['--bogus', 'clean.conf'], /^proxylint: unknown option "--bogus"/],
    ['unknown format', ['--format', 'xml', 'clean.conf'], /^proxylint: unknown format "xml" \(use text, json, sarif, github\)/],
    ['missing value', ['clean.conf', '--format'], /^proxylint: --format needs a value/],
    ['missing value for --config', ['clean.conf', '-c'], /^proxylint: -c needs a value/],
    ['non-numeric --max-warnings', ['--max-warnings', 'many', 'clean.conf'], /^proxylint: --max-warnings takes a whole number/],
    ['bad --fail-on', ['--fail-on', 'fatal', 'clean.conf'], /^proxylint: --fail-on takes error, warning or info/],
    ['--fix with --stdin', ['--fix', '--stdin'], /^proxylint: --fix cannot write to standard input/],
    ['--fix with --fix-dry-run', ['--fix', '--fix-dry-run', 'clean.conf'], /^proxylint: use either --fix or --fix-dry-run/],
    ['--stdin-filename without --stdin', ['--stdin-filename', 'x.conf', 'clean.conf'], /^proxylint: --stdin-filename goes with --stdin/],
    ['no paths', [], /^proxylint: no files given/],
    ['unknown context', ['--context', 'nowhere', 'clean.conf'], /^proxylint: unknown context "nowhere"/],
    ['bad --nginx-version', ['--nginx-version', 'latest', 'clean.conf'], /^proxylint: --nginx-version takes a version/],
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

  test('json output stays parseable and complete', () => {
    const { code, report, stderr } = runJson(['nope.conf', 'error.conf', 'missing/dir/'], { cwd: dir });
    assert.equal(code, 2);
    assert.match(stderr, /nope\.conf: no such file or folder/);
    assert.match(stderr, /missing\/dir\/: no such file or folder/);
    assert.deepEqual(where(report, join(dir, 'error.conf')), ['pass-scheme-mismatch@2:12']);
  });

  test('an unreadable (binary) file given by name exits 2; the others are still checked', () => {
    const r = run('binary.conf', 'error.conf');
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /cannot read binary\.conf: is a binary file/);
    assert.match(r.stdout, /^ {2}2:12 {2}error .*\[pass-scheme-mismatch\]/m);
  });

  test('a glob that matches nothing is an error too', () => {
    const r = run('nothing-*.conf', 'error.conf');
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /no files match nothing-\*\.conf/);
    assert.match(r.stdout, /\[pass-scheme-mismatch\]/);
  });
});

// proxylint's SARIF checked against the official SARIF 2.1.0 JSON schema and against what GitHub code scanning
// requires of an uploaded log, on many kinds of input: nginx and Apache fixtures, the real-world corpus, fixes,
// suggestions and related locations, syntax errors, unreadable files, suppressed findings and an empty run.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, SHARED, runCli, sharedSkip } from '../helpers';
import { githubProblems, schemaErrors, type LooseSarif } from './sarif-check';
import { show, tree } from './util';

const FIXES = `events {}
http {
    include conf.d/*.conf;
}
`;
// A WebSocket location (its fix edits nginx.conf too), a fix, a suggestion with a related location, a used and an
// unused suppression.
const SITE = `upstream app { server 127.0.0.1:9000; }
server {
    listen 127.0.0.1:8080;
    location /ws/ {
        proxy_pass http://127.0.0.1:8090;
    }
    location /x { proxy_pass 127.0.0.1:9; }
    location /y { proxy_pass http://ap; }
    # proxylint-disable-next-line pass-scheme-mismatch -- kept as it is on purpose
    location /z { proxy_pass 127.0.0.1:10; }
    # proxylint-disable-next-line read-timeout-too-low -- nothing to silence here
    location /q { proxy_pass http://127.0.0.1:11; }
}
`;
const BROKEN = `http {
    server {
        location / { proxy_pass http://a
`;
const FRAGMENT = `# proxylint: context location
proxy_pass 127.0.0.1:8090;
`;
const SUPPRESSED = `# proxylint: context location
# proxylint-disable-next-line pass-scheme-mismatch -- a test of suppressions
proxy_pass 127.0.0.1:8090;
`;
const CLEAN = `events {}
http {
    server {
        listen 127.0.0.1:8080;
        location / { proxy_pass http://127.0.0.1:8081; }
    }
}
`;

let repo = '';
let outside = '';
const cleanups: (() => void)[] = [];
before(() => {
  const r = tree({
    '.git/HEAD': 'ref: refs/heads/main\n',
    'nginx/nginx.conf': FIXES,
    'nginx/conf.d/site.conf': SITE,
    'nginx/dir with space/broken #1.conf': BROKEN,
    'nginx/ünï/a,b:c%d;e?.conf': FRAGMENT,
    'nginx/suppressed.conf': SUPPRESSED,
    'nginx/clean.conf': CLEAN,
    'nginx/bin.conf': Buffer.from('user x;\0\0\0binary'),
    'broken-config/.proxylintrc.json': '{ "rules": ',
    'broken-config/site.conf': FRAGMENT,
  });
  const o = tree({ 'other.conf': FRAGMENT });
  repo = r.dir;
  outside = o.dir;
  cleanups.push(r.cleanup, o.cleanup);
});
after(() => cleanups.forEach((c) => c()));

/** Runs the CLI with --format sarif; the log must be parseable whatever the exit code. */
function sarif(args: string[], opts: { cwd?: string; input?: string; codes?: number[] } = {}): { log: LooseSarif; stderr: string } {
  const r = runCli(['--format', 'sarif', ...args], { cwd: opts.cwd ?? repo, input: opts.input });
  assert.ok((opts.codes ?? [0, 1]).includes(r.code!), show(r));
  let log: LooseSarif;
  try {
    log = JSON.parse(r.stdout) as LooseSarif;
  } catch (e) {
    assert.fail(`stdout is not JSON: ${(e as Error).message}\n${show(r)}`);
  }
  return { log, stderr: r.stderr };
}

function assertValid(log: LooseSarif, what: string) {
  assert.deepEqual(schemaErrors(log), [], `${what}: the log does not match the SARIF 2.1.0 schema`);
  assert.deepEqual(githubProblems(log), [], `${what}: GitHub code scanning would not take the log as it is`);
}

const CASES: { name: string; args: string[] | (() => string[]); codes?: number[]; input?: string; cwd?: () => string; check?: (log: LooseSarif) => void }[] = [
  {
    name: 'fixes (one editing two files), a suggestion with a related location, a used and an unused suppression',
    args: ['nginx/nginx.conf'],
    check: (log) => {
      const results = log.runs![0].results!;
      assert.ok(results.some((r) => (r.fixes?.length ?? 0) > 0));
      assert.ok(results.some((r) => (r.relatedLocations?.length ?? 0) > 0));
      assert.ok(results.some((r) => r.ruleId === 'unused-suppression'));
      assert.ok(!results.some((r) => r.ruleId === 'pass-scheme-mismatch' && r.locations![0].physicalLocation!.region!.startLine === 10), 'the suppressed finding is not reported');
    },
  },
  { name: 'syntax errors, in a file whose name has a space and "#"', args: ['nginx/dir with space/broken #1.conf'] },
  { name: 'a file name with non-ASCII letters, ",", ":", "%", ";" and "?"', args: ['nginx/ünï/a,b:c%d;e?.conf'] },
  { name: 'only suppressed findings', args: ['nginx/suppressed.conf'], check: (log) => assert.deepEqual(log.runs![0].results, []) },
  { name: 'an empty run', args: ['nginx/clean.conf'], check: (log) => assert.deepEqual(log.runs![0].results, []) },
  {
    name: 'a binary file and a missing one beside a good file (toolExecutionNotifications)',
    args: ['nginx/bin.conf', 'nginx/missing.conf', 'nginx/conf.d/site.conf'],
    codes: [2],
    check: (log) => assert.equal(log.runs![0].invocations![0].toolExecutionNotifications!.length, 2),
  },
  { name: 'a broken .proxylintrc.json', args: ['broken-config/site.conf'], codes: [2] },
  { name: 'a folder with no configuration in it', args: ['.git'], codes: [2] },
  { name: 'a file outside the repository (an absolute file: URI)', args: () => [join(outside, 'other.conf')] },
  { name: 'standard input', args: ['--stdin', '--stdin-filename', 'nginx/std in.conf'], input: FRAGMENT },
  { name: 'the nginx rule fixtures', args: [join(ROOT, 'test/rules')], cwd: () => ROOT },
  { name: 'the Apache rule fixtures', args: [join(ROOT, 'test/rules/apache')], cwd: () => ROOT },
  { name: 'the examples', args: [join(ROOT, 'examples')], cwd: () => ROOT },
];

describe('SARIF matches the SARIF 2.1.0 schema and what GitHub code scanning takes', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const args = typeof c.args === 'function' ? c.args() : c.args;
      const { log } = sarif(args, { cwd: c.cwd?.(), codes: c.codes, input: c.input });
      assertValid(log, c.name);
      c.check?.(log);
    });
  }

  test('the real-world corpus (nginx and Apache), one run over all of it', { skip: sharedSkip('corpus') }, () => {
    const { log } = sarif([join(SHARED, 'corpus')], { cwd: ROOT, codes: [1] });
    assert.ok(log.runs![0].results!.length > 1000, 'many findings');
    assertValid(log, 'corpus');
  });

  test('each corpus folder on its own, from inside it as the report root', { skip: sharedSkip('corpus') }, () => {
    for (const server of ['nginx', 'apache']) {
      const { log } = sarif(['.'], { cwd: join(SHARED, 'corpus', server), codes: [1] });
      assertValid(log, server);
    }
  });
});

describe('the checks themselves', () => {
  test('catch a log that breaks the schema or a GitHub requirement', () => {
    const { log } = sarif(['nginx/conf.d/site.conf']);
    const broken = JSON.parse(JSON.stringify(log)) as LooseSarif;
    const result = broken.runs![0].results![0];
    result.level = 'fatal';
    result.locations![0].physicalLocation!.artifactLocation!.uri = 'a b';
    assert.ok(schemaErrors(broken).some((e) => e.includes('/level')), 'level');
    assert.ok(schemaErrors(broken).some((e) => e.includes('format')), 'a URI with a space');
    delete result.partialFingerprints;
    result.locations![0].physicalLocation!.artifactLocation!.uri = 'http://example.com/a.conf';
    assert.deepEqual(githubProblems(broken).map((p) => p.replace(/^.*?: /, '')), [
      'level fatal',
      '%SRCROOT% http://example.com/a.conf is neither relative to %SRCROOT% nor an absolute file: URI',
      'no partialFingerprints',
    ]);
  });
});

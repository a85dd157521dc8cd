// What GitHub code scanning does with an uploaded SARIF log beyond the schema: its limits, and the locations it
// can show.
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../helpers';
import { GITHUB, githubProblems, schemaErrors, type LooseSarif } from './sarif-check';
import { show, tree } from './util';

const cleanups: (() => void)[] = [];
after(() => cleanups.forEach((c) => c()));

function sarif(args: string[], cwd: string): { log: LooseSarif; stderr: string } {
  const r = runCli(['--format', 'sarif', ...args], { cwd });
  assert.ok(r.code === 0 || r.code === 1, show(r));
  return { log: JSON.parse(r.stdout) as LooseSarif, stderr: r.stderr };
}

function assertValid(log: LooseSarif, what: string) {
  assert.deepEqual(schemaErrors(log), [], `${what}: the log does not match the SARIF 2.1.0 schema`);
  assert.deepEqual(githubProblems(log), [], `${what}: GitHub code scanning would not take the log as it is`);
}

describe('GitHub code scanning limits', () => {
  test(`over ${GITHUB.resultsPerRun} results: the log keeps ${GITHUB.resultsPerRun}, errors first, and says what it left out`, () => {
    // 3 × 8,500 errors (a pass target without a scheme) and 300 warnings (a read timeout of 1 s): 25,800 findings.
    const t = tree({ '.git/HEAD': 'ref: refs/heads/main\n' });
    cleanups.push(t.cleanup);
    const block = (n: number, line: (i: number) => string) => `# proxylint: context http\nserver {\n    listen 8080;\n${Array.from({ length: n }, (_, i) => line(i)).join('')}}\n`;
    for (const name of ['a', 'b']) writeFileSync(join(t.dir, `${name}.conf`), block(8_500, (i) => `    location /${name}${i} { proxy_pass 127.0.0.1:1; }\n`));
    writeFileSync(join(t.dir, 'w.conf'), block(300, (i) => `    location /w${i} { proxy_pass http://127.0.0.1:1; proxy_read_timeout 1s; }\n`));
    writeFileSync(join(t.dir, 'z.conf'), block(8_500, (i) => `    location /z${i} { proxy_pass 127.0.0.1:1; }\n`));
    const r = runCli(['--format', 'json', '--max-findings-per-rule', '100000', '.'], { cwd: t.dir });
    const json = JSON.parse(r.stdout) as { summary: { errors: number; warnings: number } };
    assert.deepEqual([json.summary.errors, json.summary.warnings], [25_500, 300], 'the run has more findings than GitHub takes');
    const { log, stderr } = sarif(['--max-findings-per-rule', '100000', '.'], t.dir);
    assertValid(log, 'a large run');
    const run = log.runs![0];
    assert.equal(run.results!.length, GITHUB.resultsPerRun);
    assert.deepEqual(new Set(run.results!.map((x) => x.level)), new Set(['error']), 'errors are kept before warnings');
    // The cut is said in the log (a notification, not a failure) and on stderr, and the exit code stays 1.
    assert.equal(run.invocations![0].executionSuccessful, true);
    const notes = run.invocations![0].toolExecutionNotifications ?? [];
    assert.equal(notes.length, 1);
    assert.equal(notes[0].level, 'warning');
    assert.match(notes[0].message.text, /25000 of 25800 results.*left out 800 \(500 errors, 300 warnings\)/);
    assert.match(stderr, /25000 of 25800 results/);
  });
});
describe('GitHub code scanning cannot show a result on a symbolic link', () => {
  test('a file reached through a link inside the repository is reported at its real path', () => {
    const t = tree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'nginx/nginx.conf': 'events {}\nhttp {\n    include sites-enabled/*;\n}\n',
      'nginx/sites-available/app.conf': `server {\n    listen 8080;\n    location / { proxy_pass 127.0.0.1:1; }\n}\n`,
    });
    cleanups.push(t.cleanup);
    // sites-enabled/app.conf -> ../sites-available/app.conf, as Debian's nginx packaging makes it.
    mkdirSync(join(t.dir, 'nginx/sites-enabled'));
    symlinkSync('../sites-available/app.conf', join(t.dir, 'nginx/sites-enabled/app.conf'));
    const { log } = sarif(['nginx/nginx.conf'], t.dir);
    const uris = log.runs![0].results!.flatMap((x) => [
      ...x.locations!.map((l) => l.physicalLocation!.artifactLocation!.uri),
      ...((x.fixes ?? []) as { artifactChanges: { artifactLocation: { uri: string } }[] }[]).flatMap((f) => f.artifactChanges.map((c) => c.artifactLocation.uri)),
    ]);
    assert.ok(uris.length >= 2, JSON.stringify(log.runs![0].results));
    assert.deepEqual([...new Set(uris)], ['nginx/sites-available/app.conf']);
    const gh = runCli(['--format', 'github', 'nginx/nginx.conf'], { cwd: t.dir });
    assert.match(gh.stdout, /^::error file=nginx\/sites-available\/app\.conf,line=3,/, show(gh));
  });

  test('a link that leads out of the repository keeps its path inside it', () => {
    const t = tree({ '.git/HEAD': 'ref: refs/heads/main\n' });
    const o = tree({ 'other.conf': '# proxylint: context location\nproxy_pass 127.0.0.1:8090;\n' });
    cleanups.push(t.cleanup, o.cleanup);
    symlinkSync(join(o.dir, 'other.conf'), join(t.dir, 'linked.conf'));
    const { log } = sarif(['linked.conf'], t.dir);
    assert.deepEqual(log.runs![0].results!.map((x) => x.locations![0].physicalLocation!.artifactLocation), [{ uri: 'linked.conf', uriBaseId: '%SRCROOT%' }]);
  });
});

describe('columns', () => {
  test('are UTF-16 code units, and the run says so: without columnKind a SARIF reader counts Unicode code points', () => {
    // "🙂" is one code point and two UTF-16 code units: the two counts differ by one after it.
    const line = 'set $face "🙂"; proxy_pass 127.0.0.1:1;';
    const t = tree({ '.git/HEAD': 'ref: refs/heads/main\n', 'face.conf': `# proxylint: context location\n${line}\n` });
    cleanups.push(t.cleanup);
    const { log } = sarif(['face.conf'], t.dir);
    assertValid(log, 'face.conf');
    const run = log.runs![0] as NonNullable<LooseSarif['runs']>[number] & { columnKind?: string };
    assert.equal(run.columnKind, 'utf16CodeUnits');
    assert.deepEqual(run.results!.map((r) => [r.ruleId, r.locations![0].physicalLocation!.region!.startColumn]), [['pass-scheme-mismatch', line.indexOf('127') + 1]]);
  });
});

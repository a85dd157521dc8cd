import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI, runCli } from '../helpers';
import { DOCS, runJson, show, tree, type JsonReport } from './util';

// Four findings with known positions: two safe fixes, one fix that drops a scheme, one suggestion only.
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
        location /c {
            fastcgi_pass http://127.0.0.1:9001;
        }
    }
}
`;

// Two warnings: portless pass targets that name no defined group (and are not near one).
const WARN = `events {}
http {
    upstream backend_pool { server 127.0.0.1:9000; }
    server {
        location /a { proxy_pass http://zeta; }
        location /b { proxy_pass http://omega; }
    }
}
`;

const FRAGMENT = `# proxylint: context location
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

let dir = '';
let cleanup = () => {};
before(() => {
  ({ dir, cleanup } = tree({
    'site.conf': SITE,
    'warn.conf': WARN,
    'frag.conf': FRAGMENT,
    'clean.conf': CLEAN,
    'my site#1.conf': FRAGMENT,
    'a,b:c.conf': FRAGMENT,
    // Not named .proxylintrc.json, so only -c picks it up.
    'info.json': JSON.stringify({ rules: { 'pass-scheme-mismatch': 'info' } }),
  }));
});
after(() => cleanup());

describe('text format', () => {
  test('related locations in one file are told apart by path:line:col (failover-ignores-5xx with three passes)', () => {
    const { dir: d, cleanup: c } = tree({
      'nginx.conf': `events {}
http {
    upstream app { server 127.0.0.1:9000; server 127.0.0.1:9001; }
    server {
        listen 127.0.0.1:8080;
        location /a { proxy_pass http://app; }
        location /b { proxy_pass http://app; }
        location /c { proxy_pass http://app; }
    }
}
`,
    });
    try {
      const r = runCli(['nginx.conf'], { cwd: d });
      const related = r.stdout.split('\n').filter((l) => l.startsWith('      ↳ '));
      assert.equal(related.length, 2, show(r));
      for (const l of related) assert.match(l, /^ {6}↳ nginx\.conf:\d+:\d+: /, l);
      assert.equal(new Set(related).size, related.length, show(r));
    } finally {
      c();
    }
  });

  test('groups findings under the file, with line:col, severity, message, [rule] and a docs line', () => {
    const r = runCli(['site.conf'], { cwd: dir });
    assert.equal(r.code, 1, show(r));
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'site.conf');
    const expected: [string, string, string, string][] = [
      ['3:16', 'invalid-upstream-address', 'nginx/invalid-upstream-address.md', ' (fixable)'],
      ['8:24', 'pass-scheme-mismatch', 'nginx/pass-scheme-mismatch.md', ' (fixable)'],
      ['11:31', 'undefined-upstream', 'nginx/undefined-upstream.md', ' (suggestion)'],
      ['14:26', 'pass-scheme-mismatch', 'nginx/pass-scheme-mismatch.md', ' (fixable)'],
    ];
    const findingLines = lines.filter((l) => /^ {2}\d+:\d+ {2}/.test(l));
    assert.equal(findingLines.length, expected.length, show(r));
    for (const [i, [pos, rule, , marker]] of expected.entries()) {
      const l = findingLines[i];
      assert.ok(l.startsWith(`  ${pos}  error    `), `line ${i}: ${l}`);
      assert.ok(l.endsWith(`  [${rule}]${marker}`), `line ${i}: ${l}`);
    }
    // The docs link follows each finding (after the related-location line, when there is one).
    for (const [pos, , doc] of expected) {
      const at = lines.findIndex((l) => l.startsWith(`  ${pos}  `));
      const rest = lines.slice(at + 1);
      const docLine = rest.find((l) => !l.startsWith('      ↳'));
      assert.equal(docLine, `      ${DOCS}/${doc}`, `docs line after ${pos}`);
    }
    // Related locations carry line and column, as the finding does.
    assert.ok(lines.includes('      ↳ site.conf:2:5: upstream "app" is defined here'), show(r));
    assert.match(r.stdout, /8:24 {2}error {4}nginx will not start: invalid URL prefix in "127\.0\.0\.1:8090"/);
    assert.equal(lines.at(-2), '4 problems (4 errors, 0 warnings, 0 info) in 1 file checked; 3 fixable with --fix');
    assert.equal(lines.at(-1), '', 'output ends with a newline');
  });

  test('several files: one header each, separated by a blank line, one summary for all', () => {
    const r = runCli(['site.conf', 'warn.conf'], { cwd: dir });
    assert.equal(r.code, 1, show(r));
    const lines = r.stdout.split('\n');
    assert.equal(lines.filter((l) => l === 'site.conf').length, 1);
    assert.equal(lines.filter((l) => l === 'warn.conf').length, 1);
    const w = lines.indexOf('warn.conf');
    assert.equal(lines[w - 1], '', 'blank line before the second file');
    assert.ok(lines.indexOf('site.conf') < w);
    assert.match(lines[w + 1], /^ {2}5:41 {2}warning {2}no upstream "zeta" is defined in this configuration.*\[undefined-upstream\]$/);
    assert.match(lines[w + 3], /^ {2}6:41 {2}warning {2}no upstream "omega"/);
    assert.ok(r.stdout.endsWith('\n6 problems (4 errors, 2 warnings, 0 info) in 2 files checked; 3 fixable with --fix\n'), show(r));
  });

  test('info severity and a clean run', () => {
    const info = runCli(['-c', 'info.json', 'frag.conf'], { cwd: dir });
    assert.match(info.stdout, /^ {2}2:12 {2}info {5}nginx will not start.*\[pass-scheme-mismatch\] \(fixable\)$/m, show(info));
    assert.match(info.stdout, /^1 problem \(0 errors, 0 warnings, 1 info\) in 1 file checked; 1 fixable with --fix$/m);
    const clean = runCli(['clean.conf'], { cwd: dir });
    assert.equal(clean.code, 0, show(clean));
    assert.equal(clean.stdout, 'No problems found in 1 file.\n');
  });
});

describe('json format', () => {
  test('version, summary and each finding with positions, docs, fix and suggestions', () => {
    const { code, report } = runJson(['site.conf'], { cwd: dir });
    assert.equal(code, 1);
    assert.equal(report.version, 1);
    assert.deepEqual(report.summary, { errors: 4, warnings: 0, infos: 0, fixable: 3, files: 1, runErrors: 0 });
    assert.deepEqual(report.skipped, []);
    assert.equal(report.files.length, 1);
    const file = join(dir, 'site.conf');
    assert.equal(report.files[0].path, file);
    assert.equal('output' in report.files[0], false, 'no output without --fix-dry-run');
    const got = report.files[0].findings.map((f) => [f.ruleId, f.severity, f.line, f.column, f.endLine, f.endColumn, f.docs]);
    assert.deepEqual(got, [
      ['invalid-upstream-address', 'error', 3, 16, 3, 37, `${DOCS}/nginx/invalid-upstream-address.md`],
      ['pass-scheme-mismatch', 'error', 8, 24, 8, 38, `${DOCS}/nginx/pass-scheme-mismatch.md`],
      ['undefined-upstream', 'error', 11, 31, 11, 33, `${DOCS}/nginx/undefined-upstream.md`],
      ['pass-scheme-mismatch', 'error', 14, 26, 14, 47, `${DOCS}/nginx/pass-scheme-mismatch.md`],
    ]);
    const text = readFileSync(file, 'utf8');
    const [upstream, proxy, undef, fastcgi] = report.files[0].findings;
    // Fix edits are offsets into the file as it is on disk.
    const edit = (f: typeof proxy) => {
      assert.ok(f.fix, `${f.ruleId} has a fix`);
      assert.equal(f.fix.edits.length, 1);
      const e = f.fix.edits[0];
      assert.equal(e.path, file);
      return [text.slice(e.start, e.end), e.newText];
    };
    assert.deepEqual(edit(upstream), ['http://127.0.0.1:9000', '127.0.0.1:9000']);
    assert.deepEqual(edit(proxy), ['127.0.0.1:8090', 'http://127.0.0.1:8090']);
    assert.deepEqual(edit(fastcgi), ['http://127.0.0.1:9001', '127.0.0.1:9001']);
    assert.equal(proxy.fix!.title, 'Add "http://"');
    // The typo gets a suggestion, never a fix: --fix must not pick a backend for the user.
    assert.equal(undef.fix, undefined);
    assert.equal(undef.suggestions.length, 1);
    const s = undef.suggestions[0].edits[0];
    assert.deepEqual([text.slice(s.start, s.end), s.newText], ['ap', 'app']);
    assert.equal(undef.related.length, 1);
    assert.equal(undef.related[0].path, file);
    assert.ok(text.slice(undef.related[0].start).startsWith('upstream app {'), 'related points at the upstream block');
    assert.match(undef.message, /did you mean "app"/);
  });

  test('counts warnings and infos in the summary', () => {
    const w = runJson(['warn.conf'], { cwd: dir });
    assert.deepEqual(w.report.summary, { errors: 0, warnings: 2, infos: 0, fixable: 0, files: 1, runErrors: 0 });
    assert.deepEqual(w.report.files[0].findings.map((f) => f.severity), ['warning', 'warning']);
    const i = runJson(['-c', 'info.json', 'frag.conf'], { cwd: dir });
    assert.deepEqual(i.report.summary, { errors: 0, warnings: 0, infos: 1, fixable: 1, files: 1, runErrors: 0 });
    assert.equal(i.report.files[0].findings[0].severity, 'info');
  });

  test('a clean run is an empty file list, not an empty output', () => {
    const { code, report } = runJson(['clean.conf'], { cwd: dir });
    assert.equal(code, 0);
    assert.deepEqual(report, { version: 1, summary: { errors: 0, warnings: 0, infos: 0, fixable: 0, files: 1, runErrors: 0 }, files: [], skipped: [], errors: [] });
  });

  test('a report standard output cannot take (a full disk) is a clear error with exit code 2, not a stack trace', { skip: !existsSync('/dev/full') && 'no /dev/full here' }, () => {
    const r = spawnSync('sh', ['-c', `node ${CLI} --format json site.conf > /dev/full`], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'proxylint: cannot write to standard output: ENOSPC: no space left on device, write\n');
    // --fix still says which files it changed: that is written before the report that fails.
    const fixTree = tree({ 'site.conf': SITE });
    try {
      const fix = spawnSync('sh', ['-c', `node ${CLI} --fix site.conf > /dev/full`], { cwd: fixTree.dir, encoding: 'utf8' });
      assert.equal(fix.status, 2);
      assert.equal(fix.stderr, 'proxylint: fixed 1 file(s): site.conf\nproxylint: cannot write to standard output: ENOSPC: no space left on device, write\n');
      assert.notEqual(readFileSync(join(fixTree.dir, 'site.conf'), 'utf8'), SITE);
    } finally {
      fixTree.cleanup();
    }
  });

  test('a standard error that cannot be written changes nothing: the exit code is still the result', { skip: !existsSync('/dev/full') && 'no /dev/full here' }, () => {
    const clean = spawnSync('sh', ['-c', `node ${CLI} --timing clean.conf 2>/dev/full`], { cwd: dir, encoding: 'utf8' });
    assert.equal(clean.status, 0);
    assert.equal(clean.stdout, 'No problems found in 1 file.\n');
    const usage = spawnSync('sh', ['-c', `node ${CLI} --bogus 2>/dev/full`], { cwd: dir, encoding: 'utf8' });
    assert.equal(usage.status, 2);
    // A reader of standard error that goes away early (`2>&1 | grep -q …` with pipefail) does not turn 0 into 1.
    const gone = spawnSync('bash', ['-c', `set -o pipefail; node ${CLI} --timing clean.conf 2>&1 >/dev/null | true; echo "status=\${PIPESTATUS[0]}"`], { cwd: dir, encoding: 'utf8' });
    assert.equal(gone.stdout, 'status=0\n');
  });

  test('with 2>&1 into a slow pipe, messages come in the order they were written', () => {
    // 700 unreadable files give 70 KB of messages, more than a pipe holds, before the report of the last file.
    const files: Record<string, string | Buffer> = { 'zz-site.conf': SITE };
    for (let k = 0; k < 700; k++) files[`bin-${String(k).padStart(3, '0')}.conf`] = Buffer.from('a\0b');
    const many = tree(files);
    try {
      // Expanded by the shell: each file is named, so each unreadable one is an I/O error with its own message (a
      // quoted glob would skip them, as a folder walk does).
      const r = spawnSync('sh', ['-c', `node ${CLI} *.conf 2>&1 | (sleep 1; cat)`], { cwd: many.dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const lines = r.stdout.split('\n');
      const lastMessage = lines.map((l, k) => (l.startsWith('proxylint: cannot read') ? k : -1)).reduce((a, b) => Math.max(a, b));
      assert.equal(lines.filter((l) => l.startsWith('proxylint: cannot read')).length, 700);
      assert.ok(lastMessage < lines.indexOf('zz-site.conf'), `the last message is on line ${lastMessage}, the report starts on line ${lines.indexOf('zz-site.conf')}`);
    } finally {
      many.cleanup();
    }
  });

  test('a large report reaches a slow pipe reader whole, the same as when written to a file', () => {
    // 3,000 locations with a finding each: a report of most of a megabyte, far more than a pipe holds (64 KB), so the
    // writer has to wait for the reader many times over.
    const locations = Array.from({ length: 3000 }, (_, k) => `        location /l${k} { proxy_pass 127.0.0.1:${9000 + (k % 500)}; }\n`).join('');
    const big = tree({ 'nginx.conf': `events {}\nhttp {\n    server {\n        listen 127.0.0.1:8080;\n${locations}    }\n}\n` });
    try {
      const toFile = spawnSync('sh', ['-c', `node ${CLI} --format json nginx.conf > out.json`], { cwd: big.dir, encoding: 'utf8' });
      assert.equal(toFile.status, 1, toFile.stderr);
      const expected = readFileSync(join(big.dir, 'out.json'), 'utf8');
      assert.ok(expected.length > 500_000, `report of ${expected.length} characters`);
      const report = JSON.parse(expected) as JsonReport;
      assert.ok(report.files[0].findings.length > 1000, String(report.files[0].findings.length)); // 1,000 per rule at most, plus a note
      // The reader sleeps before reading anything, then reads in small pieces.
      const slow = spawnSync('sh', ['-c', `node ${CLI} --format json nginx.conf | (sleep 1; dd bs=4096 status=none)`], { cwd: big.dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      assert.equal(slow.stderr, '');
      assert.equal(slow.stdout, expected);
      // The same through a non-blocking pipe, where write(2) answers EAGAIN whenever the pipe is full instead of
      // waiting. Touching process.stdout makes a pipe non-blocking; the CLI is then loaded in that same process.
      const wrapper = `process.stdout; process.argv.splice(1, Infinity, ${JSON.stringify(CLI)}, '--format', 'json', 'nginx.conf'); require(${JSON.stringify(CLI)})`;
      const nonBlocking = spawnSync('sh', ['-c', `node -e "$W" | (sleep 1; dd bs=4096 status=none)`], { cwd: big.dir, encoding: 'utf8', env: { ...process.env, W: wrapper }, maxBuffer: 64 * 1024 * 1024 });
      assert.equal(nonBlocking.stderr, '');
      assert.equal(nonBlocking.stdout, expected);
    } finally {
      big.cleanup();
    }
  });
});

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}
interface SarifLocation {
  physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: SarifRegion };
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; rules: { id: string; helpUri: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    results: {
      ruleId: string;
      ruleIndex?: number;
      level: string;
      message: { text: string };
      locations: SarifLocation[];
      relatedLocations?: (SarifLocation & { message: { text: string } })[];
      fixes?: { description: { text: string }; artifactChanges: { artifactLocation: { uri: string; uriBaseId: string }; replacements: { deletedRegion: SarifRegion; insertedContent: { text: string } }[] }[] }[];
    }[];
  }[];
}

describe('sarif format', () => {
  const sarif = (args: string[]): SarifLog => {
    const r = runCli(['--format', 'sarif', ...args], { cwd: dir });
    assert.ok(r.code === 0 || r.code === 1, show(r));
    return JSON.parse(r.stdout) as SarifLog;
  };

  test('SARIF 2.1.0 log with rule metadata, relative locations and fixes as replacements', () => {
    const log = sarif(['site.conf']);
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0/);
    assert.equal(log.runs.length, 1);
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, 'proxylint');
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    assert.equal(run.tool.driver.version, pkg.version);
    const ruleIds = run.tool.driver.rules.map((r) => r.id);
    for (const id of ['syntax-error', 'include-not-found', 'include-unreadable', 'include-cycle', 'undefined-upstream', 'invalid-upstream-address', 'pass-scheme-mismatch', 'invalid-suppression', 'unused-suppression']) {
      assert.ok(ruleIds.includes(id), `rules include ${id}`);
    }
    for (const rule of run.tool.driver.rules) {
      assert.match(rule.helpUri, new RegExp(`^${DOCS}/(common|nginx|apache)/${rule.id}\\.md$`));
      assert.ok(rule.shortDescription.text.length > 10);
    }
    assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, `file://${dir}/`);

    assert.equal(run.results.length, 4);
    for (const res of run.results) {
      assert.equal(res.ruleIndex !== undefined && run.tool.driver.rules[res.ruleIndex].id, res.ruleId, 'ruleIndex points at the rule');
      assert.equal(res.level, 'error');
      assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, 'site.conf');
      assert.equal(res.locations[0].physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
    }
    const proxy = run.results[1];
    assert.equal(proxy.ruleId, 'pass-scheme-mismatch');
    assert.deepEqual(proxy.locations[0].physicalLocation.region, { startLine: 8, startColumn: 24, endLine: 8, endColumn: 38 });
    assert.equal(proxy.fixes?.length, 1);
    const change = proxy.fixes![0].artifactChanges[0];
    assert.deepEqual(change.artifactLocation, { uri: 'site.conf', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(change.replacements, [{ deletedRegion: { startLine: 8, startColumn: 24, endLine: 8, endColumn: 38 }, insertedContent: { text: 'http://127.0.0.1:8090' } }]);

    const undef = run.results[2];
    assert.equal(undef.ruleId, 'undefined-upstream');
    assert.deepEqual(undef.locations[0].physicalLocation.region, { startLine: 11, startColumn: 31, endLine: 11, endColumn: 33 });
    assert.equal(undef.fixes, undefined, 'a suggestion is not a SARIF fix');
    assert.equal(undef.relatedLocations?.[0].physicalLocation.region.startLine, 2);
    assert.equal(undef.relatedLocations?.[0].message.text, 'upstream "app" is defined here');
  });

  test('levels: warning stays warning, info becomes note', () => {
    assert.deepEqual(sarif(['warn.conf']).runs[0].results.map((r) => r.level), ['warning', 'warning']);
    assert.deepEqual(sarif(['-c', 'info.json', 'frag.conf']).runs[0].results.map((r) => r.level), ['note']);
  });

  test('artifact URIs percent-encode characters that would end the path ("#", space)', () => {
    const res = sarif(['my site#1.conf']).runs[0].results;
    assert.equal(res.length, 1);
    assert.equal(res[0].locations[0].physicalLocation.artifactLocation.uri, 'my%20site%231.conf');
    assert.equal(res[0].fixes![0].artifactChanges[0].artifactLocation.uri, 'my%20site%231.conf');
  });

  test('a clean run still has the rules and an empty result list', () => {
    const run = sarif(['clean.conf']).runs[0];
    assert.deepEqual(run.results, []);
    assert.ok(run.tool.driver.rules.length >= 9);
  });
});

describe('github format', () => {
  test('one ::error workflow command per finding with position properties and an escaped docs line', () => {
    const r = runCli(['--format', 'github', 'site.conf'], { cwd: dir });
    assert.equal(r.code, 1, show(r));
    assert.ok(r.stdout.endsWith('\n'));
    const lines = r.stdout.slice(0, -1).split('\n');
    assert.equal(lines.length, 4, show(r));
    assert.equal(
      lines[1],
      `::error file=site.conf,line=8,col=24,endLine=8,endColumn=38,title=proxylint pass-scheme-mismatch::nginx will not start: invalid URL prefix in "127.0.0.1:8090": proxy_pass needs http:// or https:// in front of the address%0A${DOCS}/nginx/pass-scheme-mismatch.md`,
    );
    const props = lines.map((l) => /^::(\w+) file=([^,]*),line=(\d+),col=(\d+),endLine=(\d+),endColumn=(\d+),title=proxylint ([a-z-]+)::(.*)$/.exec(l));
    assert.ok(props.every(Boolean), show(r));
    assert.deepEqual(
      props.map((m) => m!.slice(1, 8)),
      [
        ['error', 'site.conf', '3', '16', '3', '37', 'invalid-upstream-address'],
        ['error', 'site.conf', '8', '24', '8', '38', 'pass-scheme-mismatch'],
        ['error', 'site.conf', '11', '31', '11', '33', 'undefined-upstream'],
        ['error', 'site.conf', '14', '26', '14', '47', 'pass-scheme-mismatch'],
      ],
    );
    for (const m of props) assert.match(m![8], new RegExp(`%0A${DOCS.replace(/[./]/g, '\\$&')}/nginx/${m![7]}\\.md$`));
  });

  test('::warning for warnings and ::notice for info', () => {
    const w = runCli(['--format', 'github', 'warn.conf'], { cwd: dir });
    assert.deepEqual(w.stdout.trim().split('\n').map((l) => l.slice(0, l.indexOf(' '))), ['::warning', '::warning'], show(w));
    const i = runCli(['--format', 'github', '-c', 'info.json', 'frag.conf'], { cwd: dir });
    assert.match(i.stdout, /^::notice file=frag\.conf,line=2,col=12,endLine=2,endColumn=26,title=proxylint pass-scheme-mismatch::nginx will not start/, show(i));
    assert.equal(i.stdout.trim().split('\n').length, 1);
  });

  test('"," and ":" in a file name are escaped in the properties', () => {
    const r = runCli(['--format', 'github', 'a,b:c.conf'], { cwd: dir });
    assert.match(r.stdout, /^::error file=a%2Cb%3Ac\.conf,line=2,col=12,/, show(r));
  });

  test('no findings, no output', () => {
    const r = runCli(['--format', 'github', 'clean.conf'], { cwd: dir });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
  });
});

describe('--timing', () => {
  test('prints phases and the slowest rules to stderr, and leaves stdout and the exit code as they are', () => {
    const t = tree({
      'nginx.conf': 'events {}\nhttp {\n  upstream app { server 10.0.0.1:8080; server 10.0.0.2:8080; server 10.0.0.3:8080; }\n  server {\n    listen 80;\n    location / { proxy_pass http://app; }\n  }\n  server {\n    listen 81;\n    location / { proxy_pass http://app; }\n  }\n}\n',
      'site.conf': '# proxylint: context server\nlocation /x { proxy_pass http://127.0.0.1:9000; proxy_read_timeout 1s; }\n',
    });
    try {
      const plain = runCli(['--format', 'json', 'nginx.conf', 'site.conf'], { cwd: t.dir });
      const timed = runCli(['--format', 'json', '--timing', 'nginx.conf', 'site.conf'], { cwd: t.dir });
      assert.equal(timed.code, plain.code, show(timed));
      assert.equal(timed.stdout, plain.stdout);
      assert.equal(plain.stderr, '');
      for (const phase of ['find and read files', 'parse', 'load includes', 'model (upstreams)', 'rules', 'check findings and suppressions', 'position and format output', 'total']) {
        assert.match(timed.stderr, new RegExp(`^${phase.replace(/[()]/g, '\\$&')} +\\d+\\.\\d ms +\\d+\\.\\d%$`, 'm'), `phase "${phase}" in:\n${timed.stderr}`);
      }
      // The header's words end where their columns end: "Time" over the "ms", "Share" over the "%".
      const [header, first] = timed.stderr.split('\n');
      assert.equal(header.indexOf('Time') + 'Time'.length, first.indexOf(' ms') + ' ms'.length, timed.stderr);
      assert.equal(header.length, first.length, timed.stderr);
      // Rules are listed by id, slowest first, with times that add up to no more than the "rules" phase.
      const rules = [...timed.stderr.split('Slowest rules')[1].matchAll(/^([a-z0-9-]+) +(\d+\.\d) ms/gm)].map((m) => [m[1], Number(m[2])] as const);
      assert.ok(rules.length >= 5, timed.stderr);
      assert.ok(rules.some(([id]) => id === 'unbounded-retries'), timed.stderr);
      for (let k = 1; k < rules.length; k++) assert.ok(rules[k - 1][1] >= rules[k][1], `sorted: ${timed.stderr}`);
      const rulesPhase = Number(/^rules +(\d+\.\d) ms/m.exec(timed.stderr)![1]);
      assert.ok(rules.reduce((s, [, ms]) => s + ms, 0) <= rulesPhase + 0.1 * rules.length, timed.stderr);
      assert.equal(rules.length, 15, 'the 15 slowest by default');
      // --timing=all lists every rule that ran; any other value is a usage error (exit 2).
      const all = runCli(['--format', 'json', '--timing=all', 'nginx.conf', 'site.conf'], { cwd: t.dir });
      assert.equal(all.stdout, plain.stdout);
      const ran = Number(/^Slowest rules \(of (\d+);/m.exec(all.stderr)![1]);
      assert.ok(ran > 15, all.stderr);
      assert.equal([...all.stderr.split('Slowest rules')[1].matchAll(/^[a-z0-9-]+ +\d+\.\d ms/gm)].length, ran, all.stderr);
      const bad = runCli(['--timing=some', 'nginx.conf'], { cwd: t.dir });
      assert.equal(bad.code, 2, show(bad));
      assert.match(bad.stderr, /--timing takes no value, or "all"/);
    } finally {
      t.cleanup();
    }
  });
});

// SARIF partialFingerprints: what GitHub code scanning matches alerts by from one run to the next.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { lineHashes } from '../../server/src/cli/fingerprint';
import { runCli } from '../helpers';
import { show, tree } from './util';

// The same finding twice: same rule, same message, same line text.
const TWICE = `# proxylint: context server
location /a {
    proxy_pass 127.0.0.1:8090;
}
location /b {
    proxy_pass 127.0.0.1:8090;
}
`;

let repo = '';
let cleanup = () => {};
before(() => {
  ({ dir: repo, cleanup } = tree({ '.git/HEAD': 'ref: refs/heads/main\n', 'sub/site.conf': TWICE }));
});
after(() => cleanup());

const fingerprints = (args: string[], cwd: string): string[] => {
  const r = runCli(['--format', 'sarif', ...args], { cwd });
  assert.equal(r.code, 1, show(r));
  const log = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; partialFingerprints: Record<string, string> }[] }[] };
  return log.runs[0].results.map((x) => {
    assert.deepEqual(Object.keys(x.partialFingerprints), ['proxylint/v2', 'primaryLocationLineHash']);
    return x.partialFingerprints['proxylint/v2'];
  });
};

describe('SARIF partialFingerprints', () => {
  test('two identical findings in one file get different fingerprints: a hash and an occurrence counter', () => {
    const fp = fingerprints(['sub/site.conf'], repo);
    assert.equal(fp.length, 2);
    assert.notEqual(fp[0], fp[1]);
    assert.match(fp[0], /^[0-9a-f]{16}:1$/);
    assert.equal(fp[1], fp[0].replace(/:1$/, ':2'), 'same rule, file and line text: the counter tells them apart');
  });

  test('the same from any working directory (paths relative to the report root)', () => {
    assert.deepEqual(fingerprints(['site.conf'], join(repo, 'sub')), fingerprints(['sub/site.conf'], repo));
  });

  test('unchanged when a line is inserted above; changed when the line itself changes', () => {
    const file = join(repo, 'sub', 'site.conf');
    const was = fingerprints(['sub/site.conf'], repo);
    writeFileSync(file, TWICE.replace('location /a {', '# a new comment line\nlocation /a {'));
    assert.deepEqual(fingerprints(['sub/site.conf'], repo), was);
    writeFileSync(file, TWICE.replace('    proxy_pass 127.0.0.1:8090;\n}\nlocation /b', '    proxy_pass 127.0.0.1:8091;\n}\nlocation /b'));
    const edited = fingerprints(['sub/site.conf'], repo);
    assert.notEqual(edited[0], was[0]);
    assert.equal(edited[1], was[0], 'the one left alone is now the first of its kind');
    writeFileSync(file, TWICE);
  });
});

describe('primaryLocationLineHash, the one fingerprint GitHub code scanning matches alerts by', () => {
  // Expected values from the tests of github/codeql-action's fingerprints.ts, which upload-sarif uses to fill in
  // this fingerprint when a log has none: a rolling hash of the 100 characters from the start of each line, spaces
  // and tabs left out, CR, LF and CR LF alike, and a counter for a hash seen before in the file.
  const cases: [string, string[]][] = [
    ['', ['c129715d7a2bc9a3:1']],
    [' a\nb\n  \t\tc\n d', ['271789c17abda88f:1', '54703d4cd895b18:1', '180aee12dab6264:1', 'a23a3dc5e078b07b:1']],
    [' hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End', ['8b7cf3e952e7aeb2:1', 'b1ae1287ec4718d9:1', 'bff680108adb0fcc:1', 'c6805c5e1288b612:1', 'b86d3392aea1be30:1', 'e6ceba753e1a442:1']],
    [' hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n', ['e9496ae3ebfced30:1', 'fb7c023a8b9ccb3f:1', 'ce8ba1a563dcdaca:1', 'e20e36e16fcb0cc8:1', 'b3edc88f2938467e:1', 'c8e28b0b4002a3a0:1', 'c129715d7a2bc9a3:1']],
    [
      'Lorem ipsum dolor sit amet.\n'.repeat(10),
      ['a7f2ff13bc495cf2:1', 'a7f2ff13bc495cf2:2', 'a7f2ff13bc495cf2:3', 'a7f2ff13bc495cf2:4', 'a7f2ff13bc495cf2:5', 'a7f2ff13bc495cf2:6', 'a7f2ff1481e87703:1', 'a9cf91f7bbf1862b:1', '55ec222b86bcae53:1', 'cc97dc7b1d7d8f7b:1', 'c129715d7a2bc9a3:1'],
    ],
  ];
  test('the hash of each line is the one upload-sarif computes', () => {
    for (const [text, expected] of cases) assert.deepEqual(lineHashes(text), expected, JSON.stringify(text));
  });

  test('each result carries the hash of its first line, so an upload without upload-sarif matches alerts too', () => {
    const r = runCli(['--format', 'sarif', 'sub/site.conf'], { cwd: repo });
    const results = (JSON.parse(r.stdout) as { runs: { results: { partialFingerprints: Record<string, string>; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] }).runs[0].results;
    const hashes = lineHashes(TWICE);
    assert.deepEqual(
      results.map((x) => x.partialFingerprints.primaryLocationLineHash),
      results.map((x) => hashes[x.locations[0].physicalLocation.region.startLine - 1]),
    );
    assert.deepEqual(results.map((x) => x.partialFingerprints.primaryLocationLineHash), [hashes[2], hashes[5]]);
  });
});

// SARIF partialFingerprints: what GitHub code scanning matches alerts by from one run to the next.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
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
    assert.deepEqual(Object.keys(x.partialFingerprints), ['proxylint/v2']);
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

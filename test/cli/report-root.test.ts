// github annotations and SARIF locations are relative to the repository root (as GitHub resolves them), not to
// the folder proxylint ran in; text and JSON keep the paths they always had.
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers';
import { show, tree } from './util';

const FRAGMENT = `# proxylint: context location
proxy_pass 127.0.0.1:8090;
`;

let repo = '';
let outside = '';
const cleanups: (() => void)[] = [];
before(() => {
  const r = tree({ '.git/HEAD': 'ref: refs/heads/main\n', 'top.conf': FRAGMENT, 'sub/app.conf': FRAGMENT });
  const o = tree({ 'other.conf': FRAGMENT });
  repo = r.dir;
  outside = o.dir;
  cleanups.push(r.cleanup, o.cleanup);
});
after(() => cleanups.forEach((c) => c()));

const fileProps = (stdout: string) => [...stdout.matchAll(/^::error file=([^,]*),/gm)].map((m) => m[1]);

interface Sarif {
  runs: {
    originalUriBaseIds: Record<string, { uri: string }>;
    results: { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[] }[];
  }[];
}
const sarifUris = (stdout: string) => {
  const run = (JSON.parse(stdout) as Sarif).runs[0];
  return { root: run.originalUriBaseIds['%SRCROOT%'].uri, locations: run.results.map((r) => r.locations[0].physicalLocation.artifactLocation) };
};

describe('report root', () => {
  test('github: from a sub-folder of a repository, file= is relative to the folder that holds .git', () => {
    const r = runCli(['--format', 'github', 'app.conf', '../top.conf'], { cwd: join(repo, 'sub') });
    assert.equal(r.code, 1, show(r));
    assert.deepEqual(fileProps(r.stdout), ['sub/app.conf', 'top.conf'], show(r));
  });

  test('sarif: %SRCROOT% is the repository root and artifact URIs are relative to it', () => {
    const r = runCli(['--format', 'sarif', 'app.conf', '../top.conf'], { cwd: join(repo, 'sub') });
    assert.equal(r.code, 1, show(r));
    const { root, locations } = sarifUris(r.stdout);
    assert.equal(root, `file://${repo}/`);
    assert.deepEqual(locations, [
      { uri: 'sub/app.conf', uriBaseId: '%SRCROOT%' },
      { uri: 'top.conf', uriBaseId: '%SRCROOT%' },
    ]);
  });

  test('$GITHUB_WORKSPACE wins over the .git search', () => {
    const env = { GITHUB_WORKSPACE: join(repo, 'sub') };
    const g = runCli(['--format', 'github', 'sub/app.conf'], { cwd: repo, env });
    assert.deepEqual(fileProps(g.stdout), ['app.conf'], show(g));
    const s = runCli(['--format', 'sarif', 'sub/app.conf'], { cwd: repo, env });
    assert.equal(sarifUris(s.stdout).root, `file://${repo}/sub/`);
  });

  test('$GITHUB_WORKSPACE reached through a symbolic link: paths stay relative to it (github and sarif)', () => {
    const links = tree({});
    try {
      const link = join(links.dir, 'workspace');
      symlinkSync(repo, link);
      const env = { GITHUB_WORKSPACE: link };
      // Run from inside the link (the working directory is then the real path) and with paths through the link.
      for (const [cwd, args] of [
        [link, ['sub/app.conf']],
        [links.dir, [join(link, 'sub/app.conf')]],
      ] as const) {
        const g = runCli(['--format', 'github', ...args], { cwd, env });
        assert.equal(g.code, 1, show(g));
        assert.deepEqual(fileProps(g.stdout), ['sub/app.conf'], show(g));
        const s = runCli(['--format', 'sarif', ...args], { cwd, env });
        assert.equal(s.code, 1, show(s));
        assert.deepEqual(sarifUris(s.stdout), { root: `file://${repo}/`, locations: [{ uri: 'sub/app.conf', uriBaseId: '%SRCROOT%' }] });
      }
    } finally {
      links.cleanup();
    }
  });

  test('a file outside the root: an absolute path (github) and an absolute file URI without a base (sarif)', () => {
    const other = join(outside, 'other.conf');
    const g = runCli(['--format', 'github', other], { cwd: join(repo, 'sub') });
    assert.deepEqual(fileProps(g.stdout), [other], show(g));
    const s = runCli(['--format', 'sarif', other], { cwd: join(repo, 'sub') });
    assert.deepEqual(sarifUris(s.stdout).locations, [{ uri: `file://${other}` }]);
  });

  test('text keeps paths relative to the working directory', () => {
    const r = runCli(['app.conf', '../top.conf'], { cwd: join(repo, 'sub') });
    assert.match(r.stdout, /^app\.conf$/m, show(r));
    assert.match(r.stdout, /^\.\.\/top\.conf$/m, show(r));
  });
});

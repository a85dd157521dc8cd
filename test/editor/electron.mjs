// The same mocha suite through @vscode/test-electron, for machines that can download desktop VS Code
// (these cannot: update.code.visualstudio.com is unreachable, so .ci/run uses run.sh and code-server).
// It runs the trusted suite (suite/proxylint.test.js) against the repository's build; run.sh also covers
// Restricted Mode and the installed .vsix.
// usage: npm run build && node test/editor/electron.mjs        env: VSCODE_VERSION (default: stable)
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
// The suite edits files and workspace settings: give it a copy of the fixture workspace, with outside/
// beside it as run.sh does (workspace/trust/nginx.conf includes ../../outside/upstreams.conf).
const tmp = mkdtempSync(join(tmpdir(), 'proxylint-editor-'));
const workspace = join(tmp, 'workspace');
cpSync(join(here, 'workspace'), workspace, { recursive: true });
cpSync(join(here, 'outside'), join(tmp, 'outside'), { recursive: true });
try {
  await runTests({
    version: process.env.VSCODE_VERSION || 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(here, 'suite', 'index.js'),
    launchArgs: [workspace, '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
} catch (e) {
  console.error(`editor tests failed: ${e.message ?? e}`);
  process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

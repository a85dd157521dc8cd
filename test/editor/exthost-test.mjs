// Runs the mocha suite (suite/index.js) in the real Node extension host of code-server's VS Code, the way
// @vscode/test-web does it for web extension hosts:
//   - opens the workbench with ?payload=[["extensionDevelopmentPath",…],["extensionTestsPath",…]]; a built
//     VS Code honours that payload only when the server runs with --vscode-option enable-smoke-test-driver
//   - the workbench calls window.codeAutomationLog(type, args) for every log line of the extension host
//     and window.codeAutomationExit(code) when the suite ends
// run.sh passes the folder code-server unpacked the installed .vsix into as extensionDevelopmentPath, so the
// suite runs against exactly what the .vsix ships.
//
// usage: node exthost-test.mjs <baseUrl> <workspaceFolder> <extensionDevPath> <testsIndexJs> <outDir>
// env:   PW_MODULE (playwright-core), CHROMIUM (default /usr/bin/chromium), TEST_TIMEOUT_MS (default 180000)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { launch } from './browser.mjs';

const [baseUrl, folder, devPath, testsPath, outDir] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: node exthost-test.mjs <baseUrl> <folder> <extDevPath> <testsIndexJs> <outDir>');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const t0 = Date.now();
const stamp = (m) => console.error(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const remote = (p) => `vscode-remote://${new URL(baseUrl).host}${p}`; // code-server's remote authority is the page's host
const payload = JSON.stringify([
  ['extensionDevelopmentPath', remote(devPath)],
  ['extensionTestsPath', remote(testsPath)],
]);
const url = `${baseUrl}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`;

const { context, page, close } = await launch();
let finish;
const exited = new Promise((r) => (finish = r));
await page.exposeFunction('codeAutomationLog', (type, args) => {
  const line = format(...args); // mocha logs printf-style
  (type === 'error' ? console.error : console.log)(line);
});
await page.exposeFunction('codeAutomationExit', (code) => finish(code));

stamp('chromium launched, opening the workbench');
await page.goto(url);
const timeoutMs = Number(process.env.TEST_TIMEOUT_MS || 180_000);
const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), timeoutMs))]);
stamp(`extension host finished: exit code ${code}`);
if (code === 'timeout') console.log(`0 passed, 1 failed (no result within ${timeoutMs} ms)`);
await page.screenshot({ path: join(outDir, 'exthost-test.png') }).catch(() => {});
await close();
process.exit(code === 0 ? 0 : 1);

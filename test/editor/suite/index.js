// Entry point VS Code's extension host loads (extensionTestsPath), both under code-server (run.sh →
// exthost-test.mjs) and under @vscode/test-electron (electron.mjs). Runs mocha inside the real extension
// host: require('vscode') is the real API.
const path = require('path');
const Mocha = require('mocha');
const vscode = require('vscode');

exports.run = function run() {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec' });
  // run.sh opens the workspace once trusted and once in Restricted Mode (workspace trust on, not granted).
  mocha.addFile(path.join(__dirname, vscode.workspace.isTrusted ? 'proxylint.test.js' : 'restricted.test.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      console.log(`${mocha.suite.total() - failures} passed, ${failures} failed`);
      failures ? reject(new Error(`${failures} tests failed`)) : resolve();
    });
  });
};

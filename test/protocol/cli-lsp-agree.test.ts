// CI and the editor must say the same thing about a file: the CLI's report and the language server's pulled
// diagnostics are compared finding by finding (rule, severity, range, message) on every file of the real-world
// corpus, with the same folder as the editor's workspace and as the CLI's argument, so includes resolve alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { runCli } from '../helpers';
import { CORPUS, CORPUS_SKIP, walk } from '../corpus/corpus-files';
import { LspClient, uri } from './client';

const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];

interface Report {
  files: { path: string; findings: { ruleId: string; severity: string; line: number; column: number; endLine: number; endColumn: number; message: string }[] }[];
  skipped: { path: string }[];
}

async function compare(folder: string, languageId: string) {
  const root = join(CORPUS, folder);
  // Which files a folder run skips (binary, or the other server's syntax), so that neither side is asked about them.
  const walked = JSON.parse(runCli(['--format', 'json', root], { cwd: root }).stdout) as Report;
  const skipped = new Set(walked.skipped.map((s) => s.path));
  const files = walk(root).filter((f) => !skipped.has(f)).sort();
  // Every file named, as the editor opens each one: a folder run leaves out names it does not take for configurations
  // (openid_connect.server_conf, mods-available/*.load), and the editor checks whatever it is given.
  const named = runCli(['--format', 'json', ...files], { cwd: root });
  assert.ok(named.code === 0 || named.code === 1, named.stderr);
  const cli = new Map<string, string[]>();
  for (const f of (JSON.parse(named.stdout) as Report).files) {
    cli.set(f.path, f.findings.map((x) => `${x.ruleId} ${x.severity} ${x.line - 1}:${x.column - 1}-${x.endLine - 1}:${x.endColumn - 1} ${x.message}`).sort());
  }
  const c = new LspClient();
  const differ: string[] = [];
  let findings = 0;
  try {
    await c.initialize(root, { pull: true });
    for (const path of files) {
      await c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(path), languageId, version: 1, text: readFileSync(path, 'utf8') } });
      const report = await c.request<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri: uri(path) } });
      await c.close(path);
      const lsp = report.items.map((d) => `${d.code} ${SEVERITY[d.severity ?? 0]} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`).sort();
      const want = cli.get(path) ?? [];
      findings += want.length;
      const onlyCli = want.filter((x) => !lsp.includes(x));
      const onlyLsp = lsp.filter((x) => !want.includes(x));
      if (onlyCli.length || onlyLsp.length) differ.push(`${path}\n  only CLI: ${onlyCli.join('\n            ')}\n  only LSP: ${onlyLsp.join('\n            ')}`);
    }
  } finally {
    await c.stop();
  }
  return { files: files.length, findings, differ };
}

for (const [folder, languageId, least] of [['nginx', 'nginx', 400], ['apache', 'apache', 40]] as const) {
  test(`the CLI and the language server report the same findings on every file of corpus/${folder}`, { skip: CORPUS_SKIP, timeout: 300_000 }, async (t) => {
    const r = await compare(folder, languageId);
    const line = `corpus/${folder}: ${r.files} files, ${r.findings} findings; ${r.differ.length} files differ`;
    t.diagnostic(line);
    // Enough findings that agreeing means something (623 and 57 today, folder runs).
    assert.ok(r.findings >= least && r.files > 300, line);
    assert.deepEqual(r.differ, [], line);
  });
}

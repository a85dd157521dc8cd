import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT, runCli } from '../helpers';
import { DOCS, show } from './util';

const RULES = [
  'syntax-error',
  'include-not-found',
  'include-unreadable',
  'include-cycle',
  'undefined-upstream',
  'invalid-upstream-address',
  'pass-scheme-mismatch',
  'invalid-suppression',
  'unused-suppression',
];

describe('informational commands exit 0 without any path', () => {
  test('--list-rules prints one line per rule with its server, severity, outcome and docs link', () => {
    const r = runCli(['--list-rules']);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stderr, '');
    const lines = r.stdout.trimEnd().split('\n');
    const byId = new Map(lines.map((l) => [l.split(/\s+/)[0], l.split(/\s+/)]));
    for (const id of RULES) {
      const cols = byId.get(id);
      assert.ok(cols, `${id} is listed`);
      assert.equal(cols.length, 5, `5 columns for ${id}`);
      assert.match(cols[1], /^(nginx|any)$/);
      assert.match(cols[2], /^(error|warning|info)$/);
      assert.equal(cols[4], `${DOCS}/${cols[1] === 'any' ? 'common' : 'nginx'}/${id}.md`);
    }
    assert.deepEqual(byId.get('pass-scheme-mismatch')!.slice(1, 4), ['nginx', 'error', 'startup-failure']);
    assert.deepEqual(byId.get('unused-suppression')!.slice(1, 4), ['any', 'warning', 'lint']);
    assert.equal(new Set(lines.map((l) => l.split(/\s+/)[0])).size, lines.length, 'no rule listed twice');
  });

  test('--list-rules --format json gives the same rules as the text list, each with its summary; other formats are refused', () => {
    const text = runCli(['--list-rules']);
    const json = runCli(['--list-rules', '--format', 'json']);
    assert.equal(json.code, 0, show(json));
    const list = JSON.parse(json.stdout) as { id: string; server: string; severity: string; outcome: string; summary: string; docs: string }[];
    assert.deepEqual(list.map((r) => r.id), text.stdout.trimEnd().split('\n').map((l) => l.split(/\s+/)[0]));
    const scheme = list.find((r) => r.id === 'pass-scheme-mismatch')!;
    assert.deepEqual([scheme.server, scheme.severity, scheme.outcome, scheme.docs], ['nginx', 'error', 'startup-failure', `${DOCS}/nginx/pass-scheme-mismatch.md`]);
    for (const r of list) assert.ok(r.summary.length > 20, `${r.id} has a summary`);
    const sarif = runCli(['--list-rules', '--format', 'sarif']);
    assert.equal(sarif.code, 2, show(sarif));
    assert.match(sarif.stderr, /--list-rules prints text or json/);
  });

  test('--help and -h print the usage with every option', () => {
    for (const flag of ['--help', '-h']) {
      const r = runCli([flag]);
      assert.equal(r.code, 0, show(r));
      assert.ok(r.stdout.startsWith('Usage: proxylint [options] <file|dir|glob>...\n'), r.stdout);
      for (const opt of ['--format', '--fix', '--fix-dry-run', '--config', '--max-warnings', '--fail-on', '--stdin', '--stdin-filename', '--context', '--nginx-version', '--max-file-size', '--quiet', '--list-rules', '--version', 'lsp --stdio']) {
        assert.ok(r.stdout.includes(opt), `help mentions ${opt}`);
      }
      assert.match(r.stdout, /Exit codes: 0 clean, 1 .*\n2 usage or I\/O error\./);
    }
  });

  test('--help wins over other arguments and lints nothing', () => {
    const r = runCli(['--help', 'does-not-exist.conf']);
    assert.equal(r.code, 0, show(r));
    assert.ok(r.stdout.startsWith('Usage: '));
    assert.equal(r.stderr, '');
  });

  test('--version and -v print the package version', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = runCli([flag]);
      assert.equal(r.code, 0, show(r));
      assert.equal(r.stdout, `${pkg.version}\n`);
    }
  });
});

describe('proxylint lsp', () => {
  test('without --stdio it exits 2 with the usage on stderr', () => {
    for (const args of [['lsp'], ['lsp', '--socket=1234']]) {
      const r = runCli(args, { input: '' });
      assert.equal(r.code, 2, show(r));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /usage: proxylint lsp --stdio/);
    }
  });
});

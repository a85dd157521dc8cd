// The client saves an explanation as a file and links its configuration lines by relative path: VS Code's Markdown
// preview showed the server's file:///…#L12 links as raw text (markdown-it refuses the file: scheme) and opens
// only links without a scheme, resolved against the previewed file (see client/src/explain-links.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { relativeLinks } from '../../client/src/explain-links';

const DIR = '/home/u/.config/Code/User/globalStorage/proxylint.proxylint/explanations/window-abc';
const link = (label: string, file: string, line: number) => `[${label}](${URI.file(file).toString()}#L${line})`;

test('a file: link becomes a path relative to the explanation, with its #L line', () => {
  const md = `**Handled by:** the server block at ${link('nginx.conf:5', '/srv/site/nginx.conf', 5)} (it has no server_name)`;
  assert.equal(relativeLinks(md, DIR), '**Handled by:** the server block at [nginx.conf:5](../../../../../../../../../srv/site/nginx.conf#L5) (it has no server_name)');
});

test('the relative path leads back to the file from the explanation folder', () => {
  const files = ['/srv/site/nginx.conf', '/etc/nginx/sites-enabled/app', '/home/u/.config/Code/User/globalStorage/proxylint.proxylint/x.conf'];
  for (const file of files) {
    const out = relativeLinks(link('x', file, 3), DIR);
    const href = /\]\(([^)]+)\)$/.exec(out)![1];
    const [rel, fragment] = href.split('#');
    assert.equal(path.posix.resolve(DIR, decodeURIComponent(rel)), file, out);
    assert.equal(fragment, 'L3');
  }
});

test('spaces, parentheses, #, % and ? in folder and file names stay inside the link destination', () => {
  const file = '/srv/my site (old)/50% #1?.conf';
  const out = relativeLinks(`see ${link('50% #1?.conf:12', file, 12)}.`, DIR);
  const m = /^see \[50% #1\?\.conf:12\]\(([^()\s]+)\)\.$/.exec(out);
  assert.ok(m, out);
  const [rel, fragment, ...rest] = m[1].split('#');
  assert.deepEqual(rest, [], 'one # only: the line');
  assert.equal(fragment, 'L12');
  assert.equal(path.posix.resolve(DIR, decodeURIComponent(rel)), file);
});

test('links that are not file: URIs are left alone, and so is the text around them', () => {
  const md = '**Rules:** [read-timeout-too-low](https://github.com/proxylint/proxylint/blob/main/x.md), backend `http://127.0.0.1:9000/` ([a](b))';
  assert.equal(relativeLinks(md, DIR), md);
});

test('every file: link of a multi-line answer is rewritten', () => {
  const md = ['- a: ' + link('a.conf:1', '/srv/a.conf', 1), '- b: ' + link('b.conf:2', '/srv/b.conf', 2) + ' and ' + link('b.conf:9', '/srv/b.conf', 9)].join('\n');
  const out = relativeLinks(md, '/srv/x');
  assert.equal(out, '- a: [a.conf:1](../a.conf#L1)\n- b: [b.conf:2](../b.conf#L2) and [b.conf:9](../b.conf#L9)');
});

test('a file on another Windows drive has no relative path: its link stays a file: URI', () => {
  const md = `[app.conf:4](${URI.file('d:/sites/app.conf').toString()}#L4)`;
  assert.equal(relativeLinks(md, 'C:\\Users\\u\\AppData\\Roaming\\Code\\User\\globalStorage\\proxylint.proxylint\\explanations\\w', path.win32), md);
});

// Document links on Apache Include and IncludeOptional lines, as nginx's include lines have them: each line that read
// exactly one file links to it; a wildcard that matched several, a missing, unreadable or binary file, and (in
// Restricted Mode) anything outside the workspace folders get none.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import type { DocumentLink } from 'vscode-languageserver-protocol';
import { tempTree } from '../helpers';
import { LspClient, uri } from './client';

const trees: (() => void)[] = [];
after(() => trees.forEach((c) => c()));

function tree(files: Record<string, string>): string {
  const t = tempTree(files);
  trees.push(t.cleanup);
  return realpathSync(t.dir);
}

const outside = tree({ 'outside.conf': 'Timeout 30\n', 'glob/only.conf': 'ProxyTimeout 5\n' });
const root = tree({
  'apache2/conf/one.conf': 'KeepAlive On\n',
  'apache2/conf/empty.conf': '',
  'apache2/conf.d/a.conf': 'Timeout 10\n',
  'apache2/conf.d/b.conf': 'Timeout 20\n',
  'apache2/sites-enabled/app.conf': '<VirtualHost *:80>\n    ProxyPass /a/ http://127.0.0.1:18790/\n</VirtualHost>\n',
  'apache2/conf/one-dir/only.conf': 'ProxyTimeout 9\n',
});
writeFileSync(join(root, 'apache2/conf/binary.conf'), Buffer.from([0x54, 0x00, 0x01, 0x02, 0x0a]));
symlinkSync(join(root, 'apache2/conf/nowhere.conf'), join(root, 'apache2/conf/dangling.conf'));
symlinkSync(join(outside, 'outside.conf'), join(root, 'apache2/conf/escape.conf'));

const LINES = [
  'Include conf/one.conf',
  'IncludeOptional conf.d/*.conf',
  'Include sites-enabled/*.conf',
  'IncludeOptional missing/*.conf',
  'IncludeOptional conf/binary.conf',
  'IncludeOptional conf/dangling.conf',
  'Include conf/empty.conf',
  `Include ${outside}/outside.conf`,
  'Include conf/escape.conf',
  `IncludeOptional ${outside}/glob/*.conf`,
  'Include conf/one-dir',
  '<VirtualHost *:81>',
  '    Include "conf/one.conf"',
  '</VirtualHost>',
  '',
];
const CONF = LINES.join('\n');
const entry = join(root, 'apache2/apache2.conf');
writeFileSync(entry, CONF);

async function links(trusted: boolean): Promise<string[]> {
  const c = new LspClient();
  try {
    await c.initialize(root, { initializationOptions: { trusted } });
    await c.open(entry, CONF);
    await c.diagnostics(entry);
    const got = await c.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri: uri(entry) } });
    return got.map((l) => {
      const line = LINES[l.range.start.line];
      return `${l.range.start.line + 1}:${line.slice(l.range.start.character, l.range.end.character)} -> ${l.target!.replace(uri(root), '').replace(uri(outside), '<outside>')}`;
    });
  } finally {
    await c.stop();
  }
}

test('Apache Include lines link the one file each read; none for several matches, a missing, binary or dangling file', async () => {
  assert.deepEqual(await links(true), [
    '1:conf/one.conf -> /apache2/conf/one.conf',
    '3:sites-enabled/*.conf -> /apache2/sites-enabled/app.conf',
    '7:conf/empty.conf -> /apache2/conf/empty.conf',
    `8:${outside}/outside.conf -> <outside>/outside.conf`,
    '9:conf/escape.conf -> /apache2/conf/escape.conf',
    `10:${outside}/glob/*.conf -> <outside>/glob/only.conf`,
    '11:conf/one-dir -> /apache2/conf/one-dir/only.conf',
    '13:"conf/one.conf" -> /apache2/conf/one.conf',
  ]);
});

test('in Restricted Mode, Include lines that reach outside the workspace folders (a path, a wildcard, a link) get no link', async () => {
  assert.deepEqual(await links(false), [
    '1:conf/one.conf -> /apache2/conf/one.conf',
    '3:sites-enabled/*.conf -> /apache2/sites-enabled/app.conf',
    '7:conf/empty.conf -> /apache2/conf/empty.conf',
    '11:conf/one-dir -> /apache2/conf/one-dir/only.conf',
    '13:"conf/one.conf" -> /apache2/conf/one.conf',
  ]);
});

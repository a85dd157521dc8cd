// Places in hovers as links (core/features/place-link.ts): the core writes `[label](<path#L12>)`, the language server
// points it at `file:///path#L12` (which VS Code opens at that line), and plain text keeps only the label.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelsOnly, placeLink } from '../../server/src/core/features/place-link';
import { linkTargetsToUris } from '../../server/src/lsp/convert';
import { markdownToPlainText } from '../../server/src/lsp/plaintext';
import { placeLinks } from '../helpers';

test('the core writes the absolute path and line in a pointy-bracket destination; a label is escaped', () => {
  assert.equal(placeLink('line 7', '/etc/apache2/apache2.conf', 7), '[line 7](</etc/apache2/apache2.conf#L7>)');
  assert.equal(placeLink('line 2 of my [old].conf', '/c/my [old].conf', 2), '[line 2 of my \\[old\\].conf](</c/my [old].conf#L2>)');
  assert.deepEqual(placeLinks(placeLink('line 2 of my [old].conf', '/c/my [old].conf', 2)), [{ label: 'line 2 of my [old].conf', path: '/c/my [old].conf', line: 2 }]);
  // A path that cannot stand between < and > is told by its label alone, not as a broken link.
  assert.equal(placeLink('line 3', '/c/a>b.conf', 3), 'line 3');
  assert.equal(labelsOnly(`set here (${placeLink('`app.conf:3`', '/c/app.conf', 3)}), see [docs ↗](https://httpd.apache.org/)`), 'set here (`app.conf:3`), see [docs ↗](https://httpd.apache.org/)');
});

test('the language server turns each place into a file:// URI with a #L fragment, spaces and all; other links stay', () => {
  const md = `inherited from ${placeLink('../nginx.conf:4', '/srv/my conf/nginx.conf', 4)} · [nginx docs ↗](https://nginx.org/en/docs/)`;
  assert.equal(linkTargetsToUris(md), 'inherited from [../nginx.conf:4](file:///srv/my%20conf/nginx.conf#L4) · [nginx docs ↗](https://nginx.org/en/docs/)');
  assert.deepEqual(placeLinks(linkTargetsToUris(md)), [{ label: '../nginx.conf:4', path: '/srv/my conf/nginx.conf', line: 4 }]);
});

test('plain text shows a place by its label only, with code spans and escapes undone', () => {
  const md = `**Backend timeout here:** 3 s (Timeout 3 on ${placeLink('line 7 of httpd.conf', '/c/httpd.conf', 7)}); member at ${placeLink('`my [x].conf:2`', '/c/my [x].conf', 2)}`;
  assert.equal(markdownToPlainText(md), 'Backend timeout here: 3 s (Timeout 3 on line 7 of httpd.conf); member at my [x].conf:2');
});

test('brackets inside a code span of the label are left as they are (a backslash there would show)', () => {
  const md = placeLink('`my [x].conf:2`', '/c/my [x].conf', 2);
  assert.equal(md, '[`my [x].conf:2`](</c/my [x].conf#L2>)');
  assert.deepEqual(placeLinks(md), [{ label: '`my [x].conf:2`', path: '/c/my [x].conf', line: 2 }]);
  assert.equal(labelsOnly(md), '`my [x].conf:2`');
});

// glob(3) matching for nginx/Apache includes: the cases nginx's glob() gives, and patterns a RegExp translation threw on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { globSegmentMatcher } from '../../server/src/core/paths';
import { globSync } from '../../server/src/node/node-host';
import { lintText } from '../helpers';

const m = (pattern: string, name: string) => globSegmentMatcher(pattern)(name);

test('glob segment matching: *, ?, classes, negation, ranges, escapes, unclosed [', () => {
  assert.ok(m('*.conf', 'a.conf'));
  assert.ok(!m('*.conf', 'a.conf.bak'));
  assert.ok(m('site-?.conf', 'site-1.conf'));
  assert.ok(!m('site-?.conf', 'site-10.conf'));
  assert.ok(m('[ab]*.conf', 'b1.conf'));
  assert.ok(!m('[!ab]*.conf', 'b1.conf'));
  assert.ok(m('[^ab]*.conf', 'c1.conf'));
  assert.ok(m('[0-9][0-9]-*.conf', '10-default.conf'));
  assert.ok(m('[]x].conf', '].conf'), 'a ] first in the brackets is a member');
  assert.ok(m('a\\*b', 'a*b'));
  assert.ok(!m('a\\*b', 'axb'));
  assert.ok(m('a[b', 'a[b'), 'an unclosed [ is literal');
  assert.ok(m('*a*b*c*', 'xaybzc'));
  assert.ok(!m('*a*b*c*', 'xaybz'));
});

test('glob: patterns an invalid or oversized RegExp would come from match nothing instead of throwing', () => {
  assert.ok(!m('[z-a]*.conf', 'b.conf'), 'a reversed range matches nothing');
  const huge = '\\\\'.repeat(40_000) + 'x';
  assert.ok(!m(huge, 'x'));
  const dir = mkdtempSync(join(tmpdir(), 'proxylint-glob-'));
  try {
    writeFileSync(join(dir, 'a.conf'), 'proxy_read_timeout 30s;\n');
    assert.deepEqual(globSync(join(dir, '[z-a]*.conf')), { paths: [] });
    assert.deepEqual(globSync(join(dir, huge + '*.conf')), { paths: [] });
    assert.deepEqual(globSync(join(dir, '[a-c]*.conf')), { paths: [join(dir, 'a.conf')] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // The whole pipeline: nginx -t accepts such an include (it matches nothing); so must the lint, without an internal error.
  const r = lintText('events {}\nhttp {\n    include /cfg/[z-a]*.conf;\n}\n');
  assert.deepEqual(r.findings.filter((f) => f.ruleId === 'internal-error'), []);
});

test('glob: dot entries as glob(3) lists them ("." and "..", an escaped leading dot), and a lone trailing backslash', () => {
  assert.ok(!m('a\\', 'a\\'), 'a lone backslash at the end matches nothing');
  const dir = mkdtempSync(join(tmpdir(), 'proxylint-glob-'));
  try {
    writeFileSync(join(dir, '.hidden.conf'), '');
    writeFileSync(join(dir, 'shown.conf'), '');
    assert.deepEqual(globSync(join(dir, '*.conf')), { paths: [join(dir, 'shown.conf')] });
    assert.deepEqual(globSync(join(dir, '\\.h*')), { paths: [join(dir, '.hidden.conf')] });
    // nginx -t on "include conf.d/.*;" fails reading conf.d itself ("(21: Is a directory)"): "." is among the matches.
    assert.ok((globSync(join(dir, '.*')) as { paths: string[] }).paths.includes(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

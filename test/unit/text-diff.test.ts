// editsBetween turns "the text before" and "the text after every fix pass" into edits for the editor's "fix all".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyEdits } from '../../server/src/core/fix';
import { editsBetween } from '../../server/src/core/text-diff';

// Texts made of a few distinct lines, so that before and after share lines in different orders and places.
const line = fc.constantFrom('server {\n', '    proxy_pass http://a;\n', '}\n', '\n', '    # x\n', 'LoadModule a b\r\n', 'no break');
const text = fc.array(line, { maxLength: 30 }).map((l) => l.join(''));

test('applying editsBetween(before, after) to before gives after; the edits are sorted, apart and inside before', () => {
  fc.assert(
    fc.property(text, text, (before, after) => {
      const edits = editsBetween('/f', before, after);
      for (let k = 0; k < edits.length; k++) {
        assert.ok(edits[k].start <= edits[k].end && edits[k].end <= before.length);
        if (k) assert.ok(edits[k - 1].end < edits[k].start, 'a kept line between any two');
      }
      const r = applyEdits(before, edits);
      assert.deepEqual(r.skipped, []);
      assert.equal(r.text, after);
      if (before === after) assert.deepEqual(edits, []);
    }),
    { numRuns: 3000 },
  );
});

test('an inserted line is one insertion at the start of a line; the lines around it are not touched', () => {
  const before = 'a\nb\nc\n';
  assert.deepEqual(editsBetween('/f', before, 'a\nb\nx\nc\n'), [{ path: '/f', start: 4, end: 4, newText: 'x\n' }]);
  assert.deepEqual(editsBetween('/f', before, 'x\na\nb\nc\ny\n'), [
    { path: '/f', start: 0, end: 0, newText: 'x\n' },
    { path: '/f', start: 6, end: 6, newText: 'y\n' },
  ]);
  assert.deepEqual(editsBetween('/f', before, 'a\nB\nc\n'), [{ path: '/f', start: 2, end: 4, newText: 'B\n' }]);
});

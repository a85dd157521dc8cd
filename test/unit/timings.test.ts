// --timing adds its phases up to the run: a phase that runs inside another (a file parsed while includes are loaded)
// counts in its own row only, and the per-rule rows stay parts of "rules".
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { timed, type Timings } from '../../server/src/core/timings';

// A clock of the test's own: timed() reads performance.now(), and with the real clock a loaded machine (CI runs two
// test files at a time) stretched a 5 ms phase past its bound. `busy(ms)` moves the clock on by exactly `ms`.
let now = 0;
const realNow = performance.now.bind(performance);
function busy(ms: number): void {
  now += ms;
}
beforeEach(() => {
  now = 1000;
  performance.now = () => now;
});
afterEach(() => {
  performance.now = realNow;
});

test('a phase inside another is taken off the outer one; rule times are not', () => {
  const t: Timings = new Map();
  const start = performance.now();
  timed(t, 'load includes', () => {
    busy(10);
    timed(t, 'parse', () => busy(30));
    timed(t, 'parse', () => busy(30));
  });
  timed(t, 'rules', () => {
    timed(t, 'rule:a', () => busy(20));
    timed(t, 'rule:b', () => {
      busy(5);
      // A phase a rule starts (none does today) is still counted once, and in the rule's time as well.
      timed(t, 'parse', () => busy(10));
    });
  });
  const wall = performance.now() - start;
  const load = t.get('load includes')!;
  const parse = t.get('parse')!;
  const rules = t.get('rules')!;
  assert.equal(parse, 70);
  assert.equal(load, 10, 'the 60 ms of parsing inside "load includes" are not counted twice');
  assert.equal(t.get('rule:a'), 20);
  assert.equal(t.get('rule:b'), 15, 'a rule counts the phase it starts in its own time');
  assert.equal(rules, 25, 'its rules are counted in it, the parse inside one is not');
  // Every millisecond in one row: the phases add up to the time around them.
  assert.equal(load + parse + rules, wall);
});

test('an exception leaves the sink as it was for the next phase', () => {
  const t: Timings = new Map();
  assert.throws(() => timed(t, 'outer', () => timed(t, 'inner', () => {
    busy(10);
    throw new Error('x');
  })));
  timed(t, 'next', () => busy(5));
  assert.deepEqual([...t], [['inner', 10], ['outer', 0], ['next', 5]]);
});

test('without a sink nothing is measured and the value passes through', () => {
  assert.equal(timed(undefined, 'x', () => 42), 42);
});

// --timing adds its phases up to the run: a phase that runs inside another (a file parsed while includes are loaded)
// counts in its own row only, and the per-rule rows stay parts of "rules".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timed, type Timings } from '../../server/src/core/timings';

/** Keeps the CPU busy for about `ms` milliseconds (a sleep would not show the difference between wall and CPU time, which the phases do not need). */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

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
  assert.ok(parse >= 70 && parse < 90, `parse ${parse}`);
  assert.ok(load >= 10 && load < 25, `load includes ${load}: the 60 ms of parsing inside it are not counted twice`);
  assert.ok(t.get('rule:a')! >= 20 && t.get('rule:b')! >= 15, JSON.stringify([...t]));
  assert.ok(rules >= 25 && rules < 40, `rules ${rules}: its rules are counted in it, the parse inside one is not`);
  const phases = load + parse + rules;
  // Never more than the time around them (nothing counted twice); less only by the moments between the calls.
  assert.ok(phases <= wall + 0.5 && phases > wall - 15, `phases ${phases} against ${wall} ms measured around them`);
});

test('an exception leaves the sink as it was for the next phase', () => {
  const t: Timings = new Map();
  assert.throws(() => timed(t, 'outer', () => timed(t, 'inner', () => {
    busy(10);
    throw new Error('x');
  })));
  timed(t, 'next', () => busy(5));
  assert.ok(t.get('inner')! >= 10 && t.get('outer')! < 3, JSON.stringify([...t]));
  assert.ok(t.get('next')! >= 5 && t.get('next')! < 10, JSON.stringify([...t]));
});

test('without a sink nothing is measured and the value passes through', () => {
  assert.equal(timed(undefined, 'x', () => 42), 42);
});

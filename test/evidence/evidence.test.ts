// Runs every scenario of test/evidence/scenarios against the real nginx and Apache httpd (as `npm run evidence`
// does): each rule's claimed status code and error-log line before its quick fix, and the promised outcome after
// it. Servers and stand-in upstreams bind 127.0.0.1 only and are stopped by their own pid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary } from '../helpers';
import { coverage, loadScenarios, runScenario, type Row } from './runner';
import type { Scenario } from './scenario';

requireBinary('nginx');
requireBinary('apache2');
const scenarios = loadScenarios();

test('every rule with a runtime or start-up claim has a scenario, or a reason why it cannot be reproduced here', () => {
  const { missing } = coverage(scenarios);
  assert.deepEqual(missing.map((r) => `${r.id} (${r.server}, ${r.outcome})`), []);
});

const label = (s: Scenario) => `${s.rule}${s.variant ? ` (${s.variant})` : ''} [${s.server}]: the claim holds on the real server, and after the quick fix`;
const show = (r: Row) => `claimed ${r.claimed}; observed ${r.observed}; after fix ${r.afterFix}\n  - ${r.problems.join('\n  - ')}`;

// Scenarios run three at a time: each has its own ports, temp folder and stand-ins.
let running = 0;
const queue: (() => void)[] = [];
async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= 3) await new Promise<void>((r) => queue.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    queue.shift()?.();
  }
}

test('scenarios', { concurrency: 3 }, async (t) => {
  await Promise.all(
    scenarios.map((s) =>
      t.test(label(s), { timeout: 60_000 }, async () => {
        const row = await slot(() => runScenario(s));
        assert.ok(row.ok, show(row));
      }),
    ),
  );
});

// long-lived-location-default-timeout on a catch-all location: a longer proxy_read_timeout there covers every ordinary
// request too (a hung backend answers 504 only after it), so the finding says so and the suggestion's title warns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintNginx } from '../../server/src/core/lint';
import { createNodeHost } from '../../server/src/node/node-host';
import { fixtureDir, fixtureSettings } from './rule-harness';

test('long-lived-location-default-timeout: only the catch-all location gets the ordinary-requests note and the warning title', () => {
  const path = join(fixtureDir({ server: 'nginx', id: 'long-lived-location-default-timeout' } as never), 'bad.conf');
  const text = readFileSync(path, 'utf8');
  const found = lintNginx(path, text, createNodeHost(), { settings: fixtureSettings(text) }).findings.filter((f) => f.ruleId === 'long-lived-location-default-timeout' && f.path === path);
  const catchAll = found.filter((f) => /"\/" keeps/.test(f.message));
  const others = found.filter((f) => !/"\/" keeps/.test(f.message));
  assert.equal(catchAll.length, 1);
  assert.ok(others.length >= 2);
  assert.match(catchAll[0].message, /also serves ordinary requests.*ping/);
  assert.match(catchAll[0].suggestions[0].title, /every request of this catch-all location .*504 only after 1h/);
  for (const f of others) {
    assert.doesNotMatch(f.message, /ordinary requests/);
    assert.doesNotMatch(f.suggestions[0]?.title ?? '', /catch-all/);
  }
});

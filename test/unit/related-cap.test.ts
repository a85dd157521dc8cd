// A finding lists at most MAX_RELATED related locations: a group used by hundreds of locations made one diagnostic
// hundreds of lines long (and most of a large document's diagnostics payload on every keystroke).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_RELATED } from '../../server/src/core/finding';
import { runRules } from '../../server/src/core/run-rules';
import { defaultSettings } from '../../server/src/core/settings';
import type { RuleMeta } from '../../server/src/core/rules/rule';
import { lintText } from '../helpers';

test('failover-ignores-5xx: a group used by 30 locations lists the first 20 as related and says how many there are', () => {
  const locations = Array.from({ length: 31 }, (_, i) => `        location /l${i}/ { proxy_pass http://app; }`).join('\n');
  const r = lintText(`events {}\nhttp {\n    upstream app { server 10.0.0.1:80; server 10.0.0.2:80; }\n    server {\n        listen 8080;\n${locations}\n    }\n}\n`);
  const f = r.findings.filter((x) => x.ruleId === 'failover-ignores-5xx');
  assert.equal(f.length, 1);
  assert.equal(f[0].related.length, MAX_RELATED);
  assert.match(f[0].message, /and 30 more places that use this group, listed as related: the first 20\)/);
});

test('runRules keeps MAX_RELATED related locations of any rule and says how many there were', () => {
  const rule = { id: 'duplicate-directive', severity: 'warning' } as unknown as RuleMeta;
  const related = Array.from({ length: 25 }, (_, i) => ({ path: '/x', start: i, end: i + 1, message: `r${i}` }));
  const { findings } = runRules([rule], defaultSettings(), '/x', (_r, place) => place, (_r, place) => place({ message: 'm', related }, '/x', 0, 1));
  assert.equal(findings[0].related.length, MAX_RELATED);
  assert.equal(findings[0].message, `m [${MAX_RELATED} of 25 related places listed]`);
  const few = runRules([rule], defaultSettings(), '/x', (_r, place) => place, (_r, place) => place({ message: 'm', related: related.slice(0, 3) }, '/x', 0, 1));
  assert.equal(few.findings[0].message, 'm');
  assert.equal(few.findings[0].related.length, 3);
});

// long-lived-location-default-timeout and timeout-exceeds-outer-idle-timeout look at the same WebSocket and
// event-stream locations once environment.outerIdleTimeout is set. Their suggestions must not work against each other:
// applying one rule's suggestion (and then the other's, on the result) must never give the other rule a finding it
// did not have before, and every configuration on the way must pass the real `nginx -t`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Finding } from '../../server/src/core/finding';
import { applyEdits } from '../../server/src/core/fix';
import { lintText, nginxTest, tempTree } from '../helpers';

const LONG = 'long-lived-location-default-timeout';
const OUTER = 'timeout-exceeds-outer-idle-timeout';

const CONFIG = `events {}
http {
    server {
        listen 127.0.0.1:18480;
        location / {
            proxy_pass http://127.0.0.1:3000;
        }
        location /ws/ {
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_pass http://127.0.0.1:3000;
        }
        location /events {
            proxy_buffering off;
            proxy_read_timeout 30s;
            proxy_pass http://127.0.0.1:3000;
        }
    }
}
`;

function lint(text: string, outerSeconds: number) {
  const r = lintText(text, { settings: (s) => (s.environment.outerIdleTimeoutMs = outerSeconds * 1000) });
  const findings = r.findings.filter((f) => f.ruleId === LONG || f.ruleId === OUTER);
  // What a finding is about, independent of where edits moved it: its rule and the text it underlines.
  const key = (f: Finding) => `${f.ruleId}: ${text.slice(f.start, f.end)}`;
  return { findings, keys: findings.map(key) };
}

function nginxAccepts(text: string): void {
  const tree = tempTree({ 'nginx.conf': text });
  try {
    const r = nginxTest(tree.dir, join(tree.dir, 'nginx.conf'));
    assert.ok(r.ok, `nginx -t rejected:\n${text}\n${r.output}`);
  } finally {
    tree.cleanup();
  }
}

/** Applies each suggestion of `text` in turn, checks the other rule gained nothing, and goes on from there. */
function explore(text: string, outer: number, depth: number, path: string[], seen: Set<string>): void {
  if (seen.has(text)) return;
  seen.add(text);
  nginxAccepts(text);
  const before = lint(text, outer);
  for (const f of before.findings) {
    for (const s of f.suggestions) {
      const applied = applyEdits(text, s.edits).text;
      const after = lint(applied, outer);
      const other = f.ruleId === LONG ? OUTER : LONG;
      const was = before.keys.filter((k) => k.startsWith(other));
      const gained = after.keys.filter((k) => k.startsWith(other) && !was.includes(k));
      const steps = [...path, `${f.ruleId}: ${s.title}`];
      assert.deepEqual(gained, [], `outer ${outer} s, after ${steps.join(' → ')}:\n${after.findings.filter((x) => x.ruleId === other).map((x) => x.message).join('\n')}\n${applied}`);
      if (depth > 1) explore(applied, outer, depth - 1, steps, seen);
    }
  }
}

for (const outer of [60, 120, 3600, 7200]) {
  test(`outer idle timeout ${outer} s: no suggestion of ${LONG} or ${OUTER} gives the other rule a new finding`, () => {
    explore(CONFIG, outer, 3, [], new Set());
  });
}

test(`${LONG}: behind a 60 s balancer it offers no longer timeout, only a ping or a longer balancer timeout`, () => {
  const found = lint(CONFIG, 60).findings.filter((f) => f.ruleId === LONG);
  const ws = found.find((f) => /"\/ws\/"/.test(f.message))!;
  assert.ok(ws, found.map((f) => f.message).join('\n'));
  assert.deepEqual(ws.suggestions, []);
  assert.match(ws.message, /load balancer .* closes a connection idle for 60 s whatever nginx allows, so have the application send a ping more often than every 60 s, or raise the load balancer's idle timeout/);
  // /events sets 30s: just under the balancer's 60 s (55s) still keeps quiet streams open longer.
  const events = found.find((f) => /"\/events"/.test(f.message))!;
  assert.equal(events.suggestions.length, 1);
  assert.match(events.suggestions[0].title, /55s .*just under the load balancer's 60 s/);
  assert.doesNotMatch(JSON.stringify(found), /\b1h\b/);
});

test(`${LONG}: without an outer idle timeout, or behind a longer one, it still offers 1h`, () => {
  const none = lintText(CONFIG).findings.filter((f) => f.ruleId === LONG);
  const long = lint(CONFIG, 7200).findings.filter((f) => f.ruleId === LONG);
  for (const found of [none, long]) {
    assert.equal(found.length, 2);
    for (const f of found) assert.match(f.suggestions[0].title, /Allow 1h of silence/);
  }
});

test(`${OUTER}: a suggestion that also lowers a WebSocket location's timeout says what that means for it`, () => {
  const server = lint(CONFIG, 60).findings.find((f) => f.ruleId === OUTER && /default/.test(f.message))!;
  assert.ok(server);
  assert.match(server.message, /the WebSocket location \/ws\/ would then get 55s too: .*ping more often than every 55 s, or raise the load balancer's idle timeout/);
  assert.match(server.suggestions[0].title, /also for the WebSocket location \/ws\//);
});

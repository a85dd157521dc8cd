// misread-time-value: which times it reports and what it says, and its two suggestions, each applied to every finding
// of bad.conf: the result is pinned (meant.fixed.conf, kept.fixed.conf), the real `nginx -t` (1.22.1) accepts it,
// and the rule has nothing left to say. "kept" must also leave every value as nginx reads it now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fix } from '../../server/src/core/finding';
import { applyEdits } from '../../server/src/core/fix';
import { lintNginx } from '../../server/src/core/lint';
import { parseNginxTime } from '../../server/src/core/model/units';
import { createNodeHost } from '../../server/src/node/node-host';
import { lintText, nginxTest, tempTree } from '../helpers';
import { fixtureDir, fixtureSettings } from './rule-harness';

const ID = 'misread-time-value';
const DIR = fixtureDir({ server: 'nginx', id: ID } as never);

const findings = (text: string) => lintText(text).findings.filter((f) => f.ruleId === ID);
const inHttp = (line: string) => `events {}\nhttp {\n    ${line}\n    server { listen 127.0.0.1:18720; location / { proxy_pass http://127.0.0.1:18721; } }\n}\n`;

test('misread-time-value: reports a number after a unit other than m, where nginx takes the value', () => {
  const reported = [
    'proxy_read_timeout 1h30;', 'proxy_read_timeout 1s500;', 'proxy_read_timeout 5ms500;', "proxy_read_timeout '1h 30';",
    "proxy_read_timeout '1h30 ';", 'proxy_read_timeout 0d1;', 'ssl_session_timeout 1y6;', 'ssl_session_timeout 1M2;', 'ssl_session_timeout 1w2;',
    'keepalive_timeout 1h30;', 'keepalive_timeout 60s 1h30;', 'proxy_cache_valid 200 302 1h30;', 'proxy_cache_valid 1d12;',
    'resolver 127.0.0.1 valid=1h30;', 'upstream u { server 127.0.0.1:1 fail_timeout=1h30; }', "upstream u { server 127.0.0.1:1 'fail_timeout=1h 30'; }",
  ];
  for (const line of reported) assert.equal(findings(inHttp(line)).length, 1, line);
  const quiet = [
    // After minutes the number is seconds, as meant; zero is zero in any unit; no unit at all is plain seconds.
    'proxy_read_timeout 1m30;', "proxy_read_timeout '1m 30';", 'proxy_read_timeout 1h0;', 'proxy_read_timeout 1s00;', 'proxy_read_timeout 90;',
    "proxy_read_timeout '7 1';", "proxy_read_timeout '30 ';", 'proxy_read_timeout 1h30m;', 'proxy_read_timeout 1s500ms;',
    // Values nginx refuses are invalid-argument-value's: "y" and "M" in milliseconds, "s" twice, a blank after "s".
    'proxy_read_timeout 1y6;', 'proxy_read_timeout 1M2;', 'proxy_read_timeout 1s1s5;', "proxy_read_timeout '1s5 ';", 'ssl_session_timeout 5ms500;',
    'proxy_read_timeout $t;', 'proxy_cache_valid 200 1h30x;',
    // Written twice at one level: nginx does not start (duplicate-directive), so no value is in force.
    'proxy_read_timeout 1h30; proxy_read_timeout 1h30;',
    // Not a time: a server block's arguments, a number of requests.
    'keepalive_requests 1000;', 'server { listen 127.0.0.1:18722; server_name a1h30; }',
  ];
  for (const line of quiet) assert.deepEqual(findings(inHttp(line)).map((f) => f.message), [], line);
});

test('misread-time-value: the message states the value nginx reads, exactly, and what it looks like', () => {
  const [f] = findings(inHttp('proxy_read_timeout 1h30;'));
  assert.equal(
    f.message,
    '"1h30" in proxy_read_timeout is 1h + 30s = 3630 s: nginx counts a number after the last unit as seconds, not as minutes; if 1h30m (5400 s) was meant, nginx now gives the backend 3630 s before it answers 504, not 5400 s',
  );
  assert.deepEqual(f.suggestions.map((s) => s.title), ['Change to 1h30m (5400 s): 30 as minutes, as probably meant', 'Change to 1h30s: keep what nginx reads now (3630 s), written out']);
  assert.equal(f.fix, undefined, 'no safe fix: what was meant is a guess');
  const [ms] = findings(inHttp('send_timeout 5ms500;'));
  assert.match(ms.message, /^"5ms500" in send_timeout is 5ms \+ 500s = 500\.005 s: .*even after ms; write 500s5ms if that is what you mean$/);
  const [sec] = findings(inHttp('ssl_session_timeout 1s500;'));
  assert.match(sec.message, /= 501 s: .*not as milliseconds \(this time is read in whole seconds: it has no ms\)$/);
  assert.deepEqual(sec.suggestions.map((s) => s.edits[0].newText), ['501s'], 'no "ms" where the directive reads seconds');
  const [quoted] = findings(inHttp("proxy_send_timeout '1h 30';"));
  assert.deepEqual(quoted.suggestions.map((s) => s.edits[0].newText), ["'1h 30m'", "'1h 30s'"], 'the quotes stay around a value with a blank');
});

/** nginx's milliseconds for an argument as written (quotes and a name= prefix dropped), in either form. */
function valueOf(raw: string): number | null {
  const time = raw.replace(/^(['"])(.*)\1$/, '$2').replace(/^\w+=/, '');
  return parseNginxTime(time, 'msec') ?? parseNginxTime(time, 'sec');
}

function lintFile(path: string) {
  const text = readFileSync(path, 'utf8');
  return lintNginx(path, text, createNodeHost(), { settings: fixtureSettings(text) }).findings.filter((f) => f.ruleId === ID);
}

for (const [kind, pick, golden] of [
  ['the value probably meant (or, where there is none, the value written out)', (f: { suggestions: Fix[] }) => f.suggestions[0], 'meant.fixed.conf'],
  ['the value nginx reads now, written out', (f: { suggestions: Fix[] }) => f.suggestions.find((s) => /written out/.test(s.title)), 'kept.fixed.conf'],
] as const) {
  test(`misread-time-value: "${kind}" applied to every finding of bad.conf gives ${golden}, which the real nginx -t accepts and the rule leaves alone`, () => {
    const tree = tempTree({});
    try {
      const bad = join(tree.dir, 'bad.conf');
      const text = readFileSync(join(DIR, 'bad.conf'), 'utf8');
      writeFileSync(bad, text);
      const before = lintFile(bad);
      const chosen = before.map(pick);
      assert.ok(chosen.every((c) => c !== undefined), 'every finding offers it');
      const r = applyEdits(text, chosen.flatMap((c) => c!.edits));
      assert.deepEqual(r.skipped, []);
      if (golden === 'kept.fixed.conf') {
        for (const [k, f] of before.entries()) {
          const was = valueOf(text.slice(f.start, f.end));
          assert.ok(was !== null && valueOf(chosen[k]!.edits[0].newText) === was, `${chosen[k]!.title}: same value as ${text.slice(f.start, f.end)}`);
        }
      }
      assert.equal(r.text, readFileSync(join(DIR, golden), 'utf8'));
      writeFileSync(bad, r.text);
      const t = nginxTest(tree.dir, bad);
      assert.ok(t.ok, `nginx -t rejected bad.conf with "${kind}" applied:\n${t.output}`);
      assert.deepEqual(lintFile(bad).map((f) => f.message), []);
    } finally {
      tree.cleanup();
    }
  });
}

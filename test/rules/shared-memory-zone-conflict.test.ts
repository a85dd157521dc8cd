// shared-memory-zone-conflict against the real nginx -t (1.22.1): every line bad.conf marks, kept alone in the fixture,
// makes nginx fail at that line with the words the finding quotes; ok.conf (zones shared the way nginx allows) passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertOneFindingQuoting, eachMarkedLineAlone, nginxTestText } from '../helpers';
import { fixtureDir } from './rule-harness';

const ID = 'shared-memory-zone-conflict';
const dir = fixtureDir({ server: 'nginx', id: ID } as never);
const bad = readFileSync(join(dir, 'bad.conf'), 'utf8');

function check(text: string, line: number) {
  const t = nginxTestText(text);
  assert.ok(!t.ok, 'nginx -t accepted it');
  const m = /\[emerg\] (.*?) in \S+?:(\d+)\n/.exec(t.output);
  assert.ok(m, t.output);
  assert.equal(Number(m[2]), line, t.output);
  assertOneFindingQuoting(text, ID, line, m[1]);
}

test(`${ID}: each marked line alone makes nginx -t fail there with the words the finding quotes`, () => {
  const cases = eachMarkedLineAlone(bad, ID);
  assert.equal(cases.length, 6);
  for (const { line, text } of cases) check(text, line);
});

test(`${ID}: ok.conf passes nginx -t`, () => {
  const t = nginxTestText(readFileSync(join(dir, 'ok.conf'), 'utf8'));
  assert.ok(t.ok, t.output);
});

test(`${ID}: more pairs nginx refuses, each reported at the line nginx names`, () => {
  const http = (body: string) => `events {}\nhttp {\n${body}\n    server {\n        listen 127.0.0.1:18500;\n    }\n}\n`;
  const cases = [
    // proxy_cache_path's keys_zone and a limit_conn_zone
    [http('    proxy_cache_path cache_a keys_zone=x:10m;\n    limit_conn_zone $binary_remote_addr zone=x:10m;'), 4],
    // ssl_session_cache and a limit_conn_zone
    [http('    ssl_session_cache shared:x:10m;\n    limit_conn_zone $binary_remote_addr zone=x:10m;'), 4],
    // limit_conn_zone twice, the same key and size
    [http('    limit_conn_zone $binary_remote_addr zone=x:10m;\n    limit_conn_zone $binary_remote_addr zone=x:10m;'), 4],
    // ssl_session_cache with two sizes
    [http('    ssl_session_cache shared:x:10m;\n    server {\n        ssl_session_cache shared:x:20m;\n    }'), 5],
  ] as const;
  for (const [text, line] of cases) check(text, line);
});

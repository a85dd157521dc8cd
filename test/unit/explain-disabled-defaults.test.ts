// "upstream server temporarily disabled" was explained as "after max_fails failures (1 by default) within fail_timeout
// (10s) …": 10s read as the value in force, also for a group whose servers have fail_timeout=30s (explain places the
// line, but lists no server parameters for it). Both numbers are nginx's defaults, and the text says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';

const http = '2026/11/24 14:28:36 [warn] 25685#25685: *1 upstream server temporarily disabled while connecting to upstream, client: 127.0.0.1, server: pool.local, request: "GET /a HTTP/1.1", upstream: "http://127.0.0.1:9301/a", host: "127.0.0.1:18085"';
const stream = '2026/11/24 14:28:36 [warn] 25685#25685: *1 upstream server temporarily disabled while connecting to upstream, client: 127.0.0.1, server: 127.0.0.1:15432, upstream: "127.0.0.1:5432", bytes from/to client:0/0, bytes from/to upstream:0/0';

test('explain: the max_fails and fail_timeout a "temporarily disabled" line names are said as defaults', () => {
  for (const l of [http, stream]) {
    const e = explainLogLine(l)!;
    assert.equal(e.pattern.id, 'nginx-server-disabled', l);
    assert.match(e.pattern.meaning, /fail_timeout \(10s by default\)/, e.pattern.meaning);
  }
});

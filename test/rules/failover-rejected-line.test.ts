// A *_next_upstream line with a word nginx does not take stops nginx ("invalid value"), which invalid-argument-value
// reports as an error. failover-ignores-5xx used to add, on the same line, advice about which 5xx answers the list
// retries: found on a gRPC service written with "grpc_next_upstream error timeout unavailable" (a gRPC status, not
// an nginx keyword). With invalid-argument-value turned off, the advice is given again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../helpers';

const text = (line: string) =>
  ['events {}', 'http {', '    upstream g { server 10.0.1.10:50051; server 10.0.1.11:50051; }', '    server {', '        listen 127.0.0.1:18700 http2;', '        location / {', `            ${line}`, '            grpc_pass grpc://g;', '        }', '    }', '}', ''].join('\n');

const ids = (src: string, off?: string) =>
  lintText(src, off ? { settings: (s) => s.rules.set(off, { level: 'off', options: {} }) } : {}).findings.map((f) => f.ruleId).sort();

test('a line nginx refuses gets the start failure only', () => {
  assert.deepEqual(ids(text('grpc_next_upstream error timeout unavailable;')), ['invalid-argument-value']);
});

test('a valid line without 5xx still gets the failover advice', () => {
  assert.deepEqual(ids(text('grpc_next_upstream error timeout;')), ['failover-ignores-5xx']);
});

test('with invalid-argument-value off, the advice comes back', () => {
  assert.deepEqual(ids(text('grpc_next_upstream error timeout unavailable;'), 'invalid-argument-value'), ['failover-ignores-5xx']);
});

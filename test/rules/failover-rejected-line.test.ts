// A *_next_upstream line with a word nginx does not take stops nginx ("invalid value"), which invalid-argument-value
// reports as an error. failover-ignores-5xx used to add, on the same line, advice about which 5xx answers the list
// retries: found on a gRPC service written with "grpc_next_upstream error timeout unavailable" (a gRPC status, not
// an nginx keyword). With invalid-argument-value turned off, the advice is given again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../helpers';

const text = (line: string, pass = 'grpc_pass grpc://g;') =>
  ['events {}', 'http {', '    upstream g { server 10.0.1.10:50051; server 10.0.1.11:50051; }', '    server {', '        listen 127.0.0.1:18700 http2;', '        location / {', `            ${line}`, `            ${pass}`, '        }', '    }', '}', ''].join('\n');
// The advice itself is not given for gRPC (a sent gRPC request is never passed on, 5xx listed or not): proxy_pass shows it.
const PROXY = 'proxy_pass http://g;';

const ids = (src: string, off?: string) =>
  lintText(src, off ? { settings: (s) => s.rules.set(off, { level: 'off', options: {} }) } : {}).findings.map((f) => f.ruleId).sort();

test('a line nginx refuses gets the start failure only', () => {
  assert.deepEqual(ids(text('grpc_next_upstream error timeout unavailable;')), ['invalid-argument-value']);
});

test('a valid line without 5xx still gets the failover advice', () => {
  assert.deepEqual(ids(text('proxy_next_upstream error timeout;', PROXY)), ['failover-ignores-5xx']);
});

test('with invalid-argument-value off, the advice comes back', () => {
  assert.deepEqual(ids(text('proxy_next_upstream error timeout unavailable;', PROXY), 'invalid-argument-value'), ['failover-ignores-5xx']);
});

test('gRPC gets no failover advice: listing 5xx in grpc_next_upstream would neither retry nor count them', () => {
  assert.deepEqual(ids(text('grpc_next_upstream error timeout;')), []);
});

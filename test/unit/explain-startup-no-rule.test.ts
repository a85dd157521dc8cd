// A start-up refusal no rule looks for (a certificate file nginx 1.22.1 cannot load) names no rule: with --in,
// explain must not print "proxylint: none of  reports anything" with an empty list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, tempTree } from '../helpers';

const LINE = '2026/11/24 15:08:07 [emerg] 32121#32121: cannot load certificate "/nope.pem": BIO_new_file() failed (SSL: error:80000002:system library::No such file or directory:calling fopen(/nope.pem, r) error:10000080:BIO routines::no such file)';

test('explain --in: a start-up line with no rule behind it says no empty "none of" line', () => {
  const tree = tempTree({ 'nginx.conf': 'events {}\nhttp {\n    server {\n        listen 127.0.0.1:18810 ssl;\n        ssl_certificate /nope.pem;\n        ssl_certificate_key /nope.key;\n    }\n}\n' });
  try {
    const r = runCli(['explain', LINE, '--in', join(tree.dir, 'nginx.conf')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /nginx will not start or reload/);
    assert.doesNotMatch(r.stdout, /none of {2}|none of\s+reports/);
  } finally {
    tree.cleanup();
  }
});

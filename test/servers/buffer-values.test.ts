// Buffer sizes nginx cannot read, against the real `nginx -t` (1.22.1): for each line, proxylint reports an invalid
// value (invalid-argument-value) exactly when nginx refuses the line, and buffer-size-arithmetic never computes with
// a value nginx refused (it used to say "there must be at least 2" for a count of 0, and to print sums of sizes past
// 63 bits).
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText, nginxTestText, requireBinary } from '../helpers';

const config = (line: string) => `events {}\nhttp {\n    server {\n        listen 127.0.0.1:18992;\n        location / {\n            ${line}\n            proxy_pass http://127.0.0.1:47104;\n        }\n    }\n}\n`;

const LINES = [
  'proxy_buffers 0 4k;', 'proxy_buffers -1 4k;', 'proxy_buffers x 4k;', 'proxy_buffers 4 0;', 'proxy_buffers 4 1g;', 'proxy_buffers 9223372036854775808 4k;',
  'proxy_buffer_size 99999999999999999999k;', 'proxy_buffer_size 9007199254740992k;', 'proxy_buffer_size 0;', 'proxy_buffer_size 8K;',
  'proxy_busy_buffers_size 1g;', 'proxy_temp_file_write_size 16kb;', 'proxy_max_temp_file_size 0;', 'proxy_max_temp_file_size 9223372036854775808;',
  'fastcgi_buffers 8 0;', 'uwsgi_buffer_size abc;', 'scgi_busy_buffers_size 8m;', 'grpc_buffer_size 2g;', 'grpc_buffer_size 64k;',
];

for (const line of LINES) {
  test(`"${line}" is an invalid value in proxylint exactly when nginx -t refuses it as one`, () => {
    requireBinary('nginx');
    const text = config(line);
    const t = nginxTestText(text);
    const emerg = /\[emerg\] (.*) in \//.exec(t.output)?.[1];
    const findings = lintText(text).findings;
    const invalid = findings.filter((f) => f.ruleId === 'invalid-argument-value').map((f) => f.message);
    if (emerg?.endsWith('directive invalid value')) {
      assert.equal(invalid.length, 1, `nginx says ${emerg}; proxylint says: ${invalid.join(' | ')}`);
      assert.ok(invalid[0].includes(emerg), `nginx says ${emerg}; proxylint says: ${invalid[0]}`);
      assert.deepEqual(findings.filter((f) => f.ruleId === 'buffer-size-arithmetic').map((f) => f.message), []);
    } else assert.deepEqual(invalid, [], `nginx -t says: ${t.output}`);
  });
}

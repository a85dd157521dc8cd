// What the upstream keepalive hovers say older nginx does with the 1.29.7 forms, against the real nginx -t (1.22.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nginxDirectiveDoc } from '../../server/src/core/docs/directive-doc';
import { nginxTest, tempTree } from '../helpers';

test('keepalive 0 and keepalive 32 local: nginx before 1.29.7 refuses them with the messages the hover quotes', () => {
  const doc = nginxDirectiveDoc('keepalive', 'upstream')!;
  for (const line of ['0', '32 local']) {
    const tree = tempTree({});
    try {
      const conf = join(tree.dir, 'nginx.conf');
      writeFileSync(conf, `events {}\nhttp {\n    upstream app { server 127.0.0.1:9; keepalive ${line}; }\n    server { listen 127.0.0.1:9; location / { proxy_pass http://app; } }\n}\n`);
      const t = nginxTest(tree.dir, conf);
      assert.ok(!t.ok, `nginx -t accepted keepalive ${line}`);
      const said = /\[emerg\] (.*) in \S+nginx\.conf:3/.exec(t.output)?.[1];
      assert.ok(said, t.output);
      assert.ok(doc.versions!.includes(said), `keepalive hover lacks «${said}»`);
      assert.ok(doc.versions!.includes(`\`keepalive ${line};\``), `keepalive hover does not name keepalive ${line}`);
    } finally {
      tree.cleanup();
    }
  }
  assert.doesNotMatch(doc.summary, /`0` disables it\./, 'unqualified: older nginx rejects keepalive 0');
});

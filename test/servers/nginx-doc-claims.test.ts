// What the upstream keepalive hovers say older nginx does with the 1.29.7 forms, against the real nginx -t (1.22.1).
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nginxDirectiveDoc } from '../../server/src/core/docs/directive-doc';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { lintText, nginxTest, tempTree } from '../helpers';

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

test('include-cycle: an nginx.conf that includes itself inside server {} stops nginx -t at its own first line ("not allowed here"), as the message says', () => {
  const tree = tempTree({});
  try {
    const conf = join(tree.dir, 'nginx.conf');
    const text = `events {}\nhttp {\n    server {\n        include ${conf};\n        listen 127.0.0.1:18777;\n    }\n}\n`;
    writeFileSync(conf, text);
    const t = nginxTest(tree.dir, conf);
    assert.ok(!t.ok, t.output);
    assert.match(t.output, /\[emerg\] "events" directive is not allowed here in \S+nginx\.conf:1/);
    // The same file as proxylint sees it at /cfg/nginx.conf.
    const r = lintText(text.replace(conf, '/cfg/nginx.conf'));
    const cycle = r.findings.find((f) => f.ruleId === 'include-cycle');
    assert.ok(cycle, 'include-cycle is reported');
    assert.match(cycle.message, /"directive is not allowed here" first when the file's lines do not belong where it is included again/);
  } finally {
    tree.cleanup();
  }
});

test('queue (NGINX Plus): open-source nginx refuses it at start-up with the line the hover quotes', () => {
  const tree = tempTree({});
  try {
    const conf = join(tree.dir, 'nginx.conf');
    writeFileSync(conf, `events {}\nhttp {\n    upstream app { server 127.0.0.1:9; queue 100 timeout=70; }\n    server { listen 127.0.0.1:9; location / { proxy_pass http://app; } }\n}\n`);
    const t = nginxTest(tree.dir, conf);
    assert.ok(!t.ok && t.output.includes(`${NGX_LOG.queueUnknown} in `), t.output);
  } finally {
    tree.cleanup();
  }
  const doc = nginxDirectiveDoc('queue', 'upstream')!;
  assert.ok(doc.logLines.includes(NGX_LOG.queueUnknown));
  assert.deepEqual(doc.statusCodes, ['502', 'startup-failure']);
});

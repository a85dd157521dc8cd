// --fix on a snippet that two nginx.conf files of the run both include: a fix meant for one configuration must not
// edit the snippet for the other. The WebSocket fix adds its map to a/nginx.conf and the header to the snippet;
// applied, b/nginx.conf stopped passing `nginx -t` (unknown "connection_upgrade" variable) and proxylint then called
// the tree clean. Such a fix is offered as a suggestion; both configurations still pass the real nginx -t.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nginxTest, runCli, tempTree } from '../helpers';

const CONF = (port: number) => `events {}\nhttp {\n    server {\n        listen 127.0.0.1:${port};\n        include ../shared/ws.conf;\n    }\n}\n`;
const SNIPPET = 'location /ws/ {\n    proxy_pass http://127.0.0.1:8083;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n}\n';

test('--fix leaves a snippet two configurations include alone unless both want the same fix; both still pass nginx -t', () => {
  const t = tempTree({ 'a/nginx.conf': CONF(18901), 'b/nginx.conf': CONF(18902), 'shared/ws.conf': SNIPPET });
  try {
    for (const c of ['a', 'b']) assert.ok(nginxTest(join(t.dir, c), join(t.dir, c, 'nginx.conf')).ok, `${c} passes before`);
    const before = runCli(['--format', 'json', '.'], { cwd: t.dir });
    const findings = (JSON.parse(before.stdout) as { files: { path: string; findings: { ruleId: string; fix?: unknown; suggestions: { title: string }[] }[] }[] }).files.flatMap((f) => f.findings.map((x) => ({ ...x, path: f.path })));
    const ws = findings.filter((f) => f.ruleId === 'websocket-headers-missing' && f.path.endsWith('shared/ws.conf'));
    assert.ok(ws.length > 0, before.stdout);
    assert.ok(ws.every((f) => !f.fix && f.suggestions.some((s) => /which 2 of the checked configurations include/.test(s.title))), JSON.stringify(ws, null, 1));

    const fixed = runCli(['--fix', '.'], { cwd: t.dir });
    assert.ok(fixed.code === 0 || fixed.code === 1, fixed.stderr);
    for (const c of ['a', 'b']) {
      const check = nginxTest(join(t.dir, c), join(t.dir, c, 'nginx.conf'));
      assert.ok(check.ok, `${c} after --fix: ${check.output}\n${readFileSync(join(t.dir, c, 'nginx.conf'), 'utf8')}\n${readFileSync(join(t.dir, 'shared/ws.conf'), 'utf8')}`);
    }
    assert.equal(readFileSync(join(t.dir, 'shared/ws.conf'), 'utf8'), SNIPPET);
  } finally {
    t.cleanup();
  }
});

test('--fix still applies a fix to a shared snippet when every configuration that includes it offers the same one', () => {
  const broken = 'location /api/ {\n    proxy_pass 127.0.0.1:8090;\n}\n';
  const t = tempTree({ 'a/nginx.conf': CONF(18903), 'b/nginx.conf': CONF(18904), 'shared/ws.conf': broken });
  try {
    const fixed = runCli(['--fix', '.'], { cwd: t.dir });
    assert.ok(fixed.code === 0 || fixed.code === 1, fixed.stderr);
    assert.equal(readFileSync(join(t.dir, 'shared/ws.conf'), 'utf8'), broken.replace('proxy_pass 127.0.0.1:8090;', 'proxy_pass http://127.0.0.1:8090;'));
    for (const c of ['a', 'b']) assert.ok(nginxTest(join(t.dir, c), join(t.dir, c, 'nginx.conf')).ok, c);
  } finally {
    t.cleanup();
  }
});

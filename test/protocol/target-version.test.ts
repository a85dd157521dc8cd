// The target nginx version reaches the language server's rules as it reaches the CLI's: from the editor setting
// (proxylint.nginx.version) and from .proxylintrc.json; directive-not-in-target-version depends on nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { realpathSync } from 'node:fs';
import { runCli, tempTree } from '../helpers';
import { LspClient } from './client';

const ID = 'directive-not-in-target-version';
const CONF = '# proxylint: context location\nproxy_pass http://127.0.0.1:9000;\nproxy_ssl_conf_command Options PrioritizeChaCha;\n';

test(`${ID}: the editor's nginx.version and the project file's both reach the rule; with neither it is silent`, async () => {
  const t = tempTree({ 'plain/a.conf': CONF, 'pinned/.proxylintrc.json': JSON.stringify({ nginx: { version: '1.18.0' } }), 'pinned/a.conf': CONF });
  const dir = realpathSync(t.dir);
  const q = (rel: string) => join(dir, rel);
  const editor = new LspClient();
  const bare = new LspClient();
  try {
    await editor.initialize(dir, { initializationOptions: { settings: { nginx: { version: '1.18.0' } } } });
    await editor.open(q('plain/a.conf'), CONF);
    const d = await editor.diagnostics(q('plain/a.conf'), (x) => x.some((y) => y.code === ID));
    const found = d.filter((x) => x.code === ID);
    assert.equal(found.length, 1);
    assert.equal(found[0].range.start.line, 2);
    assert.match(found[0].message, /^nginx 1\.18\.0 will not start: "proxy_ssl_conf_command" appeared in nginx 1\.19\.4/);

    await bare.initialize(dir);
    await bare.open(q('pinned/a.conf'), CONF);
    const pinned = await bare.diagnostics(q('pinned/a.conf'), (x) => x.some((y) => y.code === ID));
    assert.equal(pinned.filter((x) => x.code === ID).length, 1);
    await bare.open(q('plain/a.conf'), CONF);
    const plain = await bare.diagnostics(q('plain/a.conf'));
    assert.deepEqual(plain.filter((x) => x.code === ID), []);
  } finally {
    await editor.stop();
    await bare.stop();
    t.cleanup();
  }
});

test(`${ID}: the CLI's --nginx-version reaches the rule too (exit 1), and without it the same file is clean of it`, () => {
  const t = tempTree({ 'a.conf': CONF });
  try {
    const on = runCli(['--nginx-version', '1.18.0', '-f', 'json', join(t.dir, 'a.conf')]);
    assert.equal(on.code, 1, on.stderr);
    const ids = (out: string) => (JSON.parse(out) as { files: { findings: { ruleId: string; line: number }[] }[] }).files.flatMap((f) => f.findings).filter((f) => f.ruleId === ID);
    assert.deepEqual(ids(on.stdout).map((f) => f.line), [3]);
    const off = runCli(['-f', 'json', join(t.dir, 'a.conf')]);
    assert.deepEqual(ids(off.stdout), []);
  } finally {
    t.cleanup();
  }
});

// Push-mode clients (Neovim, Helix) only see what the server publishes: when an edit to an entry adds or removes an
// include, the open files that enter or leave its tree must be published again without being touched themselves.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { realpathSync, writeFileSync } from 'node:fs';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { nginxTest, tempTree } from '../helpers';
import { LspClient } from './client';

const NGINX = `events {}
http {
    server {
        listen 127.0.0.1:18650;
        location / {
            proxy_read_timeout 60s;
            proxy_pass http://127.0.0.1:9000;
        }
    }
}
`;
const WITH_INCLUDE = NGINX.replace('proxy_read_timeout 60s;\n', 'proxy_read_timeout 60s;\n            include loc.conf;\n');
const LOC = 'proxy_read_timeout 30s;\n';

let root = '';
let cleanup = () => {};
const p = (rel: string) => join(root, rel);
const duplicate = (d: Diagnostic[]) => d.some((x) => x.code === 'duplicate-directive' && x.range.start.line === 0);

before(() => {
  const t = tempTree({ 'nginx.conf': NGINX, 'loc.conf': LOC });
  root = realpathSync(t.dir);
  cleanup = t.cleanup;
});
after(() => cleanup());

test('nginx refuses the configuration once loc.conf is included after a proxy_read_timeout of its location', () => {
  const check = tempTree({ 'nginx.conf': WITH_INCLUDE, 'loc.conf': LOC });
  try {
    const dir = realpathSync(check.dir);
    const r = nginxTest(dir, join(dir, 'nginx.conf'));
    assert.ok(!r.ok);
    assert.match(r.output, new RegExp(`"proxy_read_timeout" directive is duplicate in ${join(dir, 'loc.conf')}:1`));
    writeFileSync(join(dir, 'nginx.conf'), NGINX);
    assert.ok(nginxTest(dir, join(dir, 'nginx.conf')).ok);
  } finally {
    check.cleanup();
  }
});

test('push diagnostics: an include added to (or removed from) an open entry re-publishes the open file it names', async () => {
  const c = new LspClient();
  try {
    await c.initialize(root);
    await c.open(p('nginx.conf'), NGINX);
    await c.open(p('loc.conf'), LOC);
    const alone = await c.diagnostics(p('loc.conf'));
    assert.ok(!duplicate(alone), JSON.stringify(alone));

    // Typing the include in nginx.conf (unsaved): loc.conf is now checked inside it, and nginx would refuse it.
    await c.change(p('nginx.conf'), WITH_INCLUDE);
    const included = await c.diagnostics(p('loc.conf'), duplicate);
    assert.match(included.find((x) => x.code === 'duplicate-directive')!.message, /already set at nginx\.conf:6/);

    // Two edits within one debounce: the first removes the include, the second only adds a comment. loc.conf left
    // the tree in the first; the second must not forget that.
    await c.change(p('nginx.conf'), NGINX);
    await c.change(p('nginx.conf'), '# edited\n' + NGINX);
    await c.diagnostics(p('loc.conf'), (d) => !duplicate(d));

    // Closing nginx.conf with the include deleted but not saved: the file on disk, which has it, counts again (and a
    // closed nginx.conf is still the entry that loc.conf is checked in).
    writeFileSync(p('nginx.conf'), WITH_INCLUDE);
    await c.change(p('nginx.conf'), NGINX);
    await c.close(p('nginx.conf'));
    await c.diagnostics(p('loc.conf'), duplicate);
  } finally {
    await c.stop();
  }
});

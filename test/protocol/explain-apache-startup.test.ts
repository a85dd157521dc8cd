import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, realpathSync } from 'node:fs';
import { tempTree } from '../helpers';
import { LspClient } from './client';

// The editor's explain on httpd's two start-up lines (as apache2 2.4.71 prints them, see
// test/unit/fixtures/explain/httpd-2.4.71-startup.txt) says what the CLI says: a start-up failure, the file and line
// httpd names, the workspace's copy of that file (matched by its last path segments) and the finding there.
test('workspace/executeCommand proxylint.server.explain: AH00526 and its reason point at the finding in the workspace copy of the file', async () => {
  const tree = tempTree({
    'apache2.conf': 'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\nLoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so\nLoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so\nListen 80\nIncludeOptional sites-enabled/*.conf\n',
    'sites-enabled/app.conf': '<VirtualHost *:80>\n    ProxyPass "/app/" "http://127.0.0.1:8080/"\n    ProxyTimout 30\n</VirtualHost>\n',
  });
  const root = realpathSync(tree.dir);
  const c = new LspClient();
  try {
    await c.initialize(root);
    await c.open(join(root, 'apache2.conf'), readFileSync(join(root, 'apache2.conf'), 'utf8'));
    const md = await c.request<string>('workspace/executeCommand', {
      command: 'proxylint.server.explain',
      arguments: ["AH00526: Syntax error on line 3 of /etc/apache2/sites-enabled/app.conf:\nInvalid command 'ProxyTimout', perhaps misspelled or defined by a module not included in the server configuration"],
    });
    assert.match(md, /### Apache httpd: httpd will not start or reload \(no request is involved;/, md);
    assert.match(md, /\*\*Refused at:\*\* `\/etc\/apache2\/sites-enabled\/app\.conf:3` \(in the workspace: \[app\.conf:3\]\([^)]*app\.conf#L3\)\)/, md);
    assert.match(md, /- \[app\.conf:3\]\([^)]*\): httpd refuses to start: "Invalid command 'ProxyTimout'.*\(`apache-unknown-directive`\)/, md);
  } finally {
    await c.stop();
    tree.cleanup();
  }
});

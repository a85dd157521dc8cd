// Debian's layout opened with the workspace folder at sites-available/: the nginx.conf that includes the site (through
// the link sites-enabled/app → ../sites-available/app) and the upstream group it uses (conf.d/) are both outside the
// folder. The CLI run in sites-available/ (`proxylint app`, `proxylint .`) checks the site in that nginx.conf; the
// editor must too, in a trusted workspace. In Restricted Mode nothing outside the folder is read, so there the site
// is checked on its own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import type { Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { nginxTest, tempTree } from '../helpers';
import { runJson } from '../cli/util';
import { LspClient, uri } from './client';

const NGINX = 'events {}\nhttp {\n    include conf.d/*.conf;\n    include sites-enabled/*;\n}\n';
const UPSTREAMS = 'upstream node_app {\n    server 127.0.0.1:3000;\n    server 127.0.0.1:3001;\n    keepalive 32;\n}\n';
const APP = [
  'server {',
  '    listen 127.0.0.1:18651;',
  '    server_name app.example.com;',
  '    include proxy_params;',
  '',
  '    location / {',
  '        proxy_pass http://node_app;',
  '    }',
  '',
  '    location /socket.io/ {',
  '        proxy_pass http://node_app;',
  '        proxy_read_timeout 600s;',
  '    }',
  '}',
  '',
].join('\n');
const PROXY_PARAMS = 'proxy_set_header Host $host;\nproxy_set_header X-Real-IP $remote_addr;\n';

let root = '';
let cleanup = () => {};
const p = (rel: string) => join(root, rel);
const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];

before(() => {
  const t = tempTree({ 'nginx.conf': NGINX, 'conf.d/upstreams.conf': UPSTREAMS, 'sites-available/app': APP, proxy_params: PROXY_PARAMS });
  cleanup = t.cleanup;
  root = realpathSync(t.dir);
  mkdirSync(p('sites-enabled'));
  symlinkSync('../sites-available/app', p('sites-enabled/app'));
});
after(() => cleanup());

/** The CLI's findings, wherever it reports them (under the path nginx reads the file by: sites-enabled/app). */
function cli(args: string[]): string[] {
  const { report } = runJson(args, { cwd: p('sites-available') });
  return report.files.flatMap((f) => f.findings.map((x) => `${x.ruleId} ${x.severity} ${x.line}:${x.column} ${x.message}`)).sort();
}

const lsp = (d: Diagnostic[]) => d.map((x) => `${x.code} ${SEVERITY[x.severity ?? 0]} ${x.range.start.line + 1}:${x.range.start.character + 1} ${x.message}`).sort();

async function openAt(trusted: boolean): Promise<{ c: LspClient; diags: Diagnostic[]; hover: string }> {
  const c = new LspClient();
  await c.initialize(p('sites-available'), { initializationOptions: { trusted } });
  await c.open(p('sites-available/app'), APP);
  const diags = await c.diagnostics(p('sites-available/app'));
  // The first proxy_pass: its hover lists the proxy_* values in force and where each comes from.
  const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: uri(p('sites-available/app')) }, position: { line: 6, character: 9 } });
  const hover = h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : JSON.stringify(h);
  return { c, diags, hover };
}

test('the layout is one nginx accepts, and the CLI in sites-available/ checks the site in the nginx.conf above it', () => {
  const t = nginxTest(root, p('nginx.conf'));
  assert.ok(t.ok, t.output);
  const alone = cli(['app']);
  assert.deepEqual(cli(['.']), alone);
  // Two of these need the upstream group of conf.d/ (its keepalive, its two servers): the control for the editor below.
  assert.deepEqual(alone.map((f) => f.split(' ').slice(0, 3).join(' ')), [
    'failover-ignores-5xx info 7:9',
    'upstream-keepalive-ineffective info 11:9',
    'upstream-keepalive-ineffective info 7:9',
    'websocket-headers-missing warning 11:9',
  ]);
});

test('language server, workspace folder sites-available/: the site is checked in the nginx.conf above the folder, as the CLI does', async () => {
  const { c, diags, hover } = await openAt(true);
  try {
    assert.deepEqual(lsp(diags), cli(['app']));
    // The hover knows the configuration too: a default is nginx's, not "unless the configuration that includes this file sets it".
    assert.match(hover, /\| `proxy_next_upstream` \| `error timeout` \| built-in default \|/);
    assert.doesNotMatch(hover, /unless the configuration that includes this file/);
  } finally {
    await c.stop();
  }
});

test('language server in Restricted Mode, workspace folder sites-available/: nothing above the folder is read, so the site is checked on its own', async () => {
  const { c, diags, hover } = await openAt(false);
  try {
    // Without conf.d/ the upstream group is unknown: only what the file shows by itself. Nor is the nginx.conf above
    // looked for, so the prefix its `include proxy_params;` resolves against is unknown: "cannot verify".
    assert.deepEqual(lsp(diags).map((f) => f.split(' ').slice(0, 3).join(' ')), ['include-not-found warning 4:13', 'websocket-headers-missing warning 11:9']);
    assert.match(diags.find((d) => d.code === 'include-not-found')!.message, /^cannot verify include "proxy_params"/);
    assert.match(hover, /built-in default, unless the configuration that includes this file sets it/);
  } finally {
    await c.stop();
  }
});

test('the same for Apache: a site in sites-available/, the workspace folder, is checked in the apache2.conf above it, as the CLI does', async () => {
  const SITE = '<VirtualHost 127.0.0.1:18652>\n    ServerName deb.example.test\n    ProxyPass /app/ http://127.0.0.1:18653/ connectiontimeout=2\n</VirtualHost>\n';
  const t = tempTree({
    'apache2/apache2.conf': 'IncludeOptional mods-enabled/*.load\nIncludeOptional sites-enabled/*.conf\n',
    'apache2/mods-enabled/proxy.load': 'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so\n',
    'apache2/mods-enabled/mpm_event.load': 'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n',
    'apache2/sites-available/app.conf': SITE,
  });
  const dir = realpathSync(t.dir);
  try {
    mkdirSync(join(dir, 'apache2/sites-enabled'));
    symlinkSync('../sites-available/app.conf', join(dir, 'apache2/sites-enabled/app.conf'));
    const folder = join(dir, 'apache2/sites-available');
    const file = join(folder, 'app.conf');
    // Only apache2.conf shows that mod_proxy_http is not loaded: the control that the site was checked in it.
    const want = runJson(['app.conf'], { cwd: folder }).report.files.flatMap((f) => f.findings.map((x) => `${x.ruleId} ${x.severity} ${x.line}:${x.column} ${x.message}`)).sort();
    assert.deepEqual(want.map((f) => f.split(' ')[0]), ['proxy-scheme-module-missing']);
    for (const [trusted, expected] of [[true, want], [false, []]] as const) {
      const c = new LspClient();
      try {
        await c.initialize(folder, { initializationOptions: { trusted } });
        await c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(file), languageId: 'apacheconf', version: 1, text: SITE } });
        // Restricted Mode: apache2.conf is outside the folder, so the site is checked alone, and alone it is fine.
        assert.deepEqual(lsp(await c.diagnostics(file)), expected, `trusted: ${trusted}`);
      } finally {
        await c.stop();
      }
    }
  } finally {
    t.cleanup();
  }
});

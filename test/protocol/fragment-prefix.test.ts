// A fragment checked without the nginx.conf that includes it (sites-available/x, or one file given to the CLI or
// opened in the editor) resolves its relative includes against the folder of the nginx.conf above it, as nginx
// does, and the CLI (file or folder) and the language server agree on it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { realpathSync, writeFileSync } from 'node:fs';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { nginxTest, tempTree } from '../helpers';
import { runJson, where } from '../cli/util';
import { LspClient } from './client';

const NGINX = 'events {}\nhttp {\n    include sites-enabled/*.conf;\n}\n';
const APP = 'server {\n    listen 127.0.0.1:18640;\n    include snippets/proxy.conf;\n    location / { proxy_pass http://127.0.0.1:9000; }\n}\n';

let root = '';
let lonely = '';
const cleanups: (() => void)[] = [];
const p = (rel: string) => join(root, rel);

function tree(files: Record<string, string>): string {
  const t = tempTree(files);
  cleanups.push(t.cleanup);
  return realpathSync(t.dir);
}

before(() => {
  root = tree({
    'nginx.conf': NGINX,
    'sites-enabled/app.conf': APP,
    'sites-available/app.conf': APP,
    'sites-available/broken.conf': APP.replace('snippets/proxy.conf', 'snippets/missing.conf'),
    'snippets/proxy.conf': 'proxy_read_timeout 30s;\n',
  });
  // No nginx.conf anywhere above conf.d/: where nginx would look for the include is unknown.
  lonely = tree({ 'conf.d/app.conf': APP });
});
after(() => cleanups.forEach((c) => c()));

const includeFindings = (d: Diagnostic[]) => d.filter((x) => String(x.code).startsWith('include-'));

test('nginx resolves an included file\'s relative include against the folder of nginx.conf, not the file\'s own folder', () => {
  const ok = nginxTest(root, p('nginx.conf'));
  assert.ok(ok.ok, ok.output);
  // The same site with the snippet beside it (sites-enabled/snippets/) instead: nginx does not find it there.
  const beside = tree({ 'nginx.conf': NGINX, 'sites-enabled/app.conf': APP, 'sites-enabled/snippets/proxy.conf': 'proxy_read_timeout 30s;\n' });
  const refused = nginxTest(beside, join(beside, 'nginx.conf'));
  assert.ok(!refused.ok);
  assert.match(refused.output, new RegExp(`open\\(\\) "${join(beside, 'snippets/proxy.conf')}" failed`));
});

test('CLI: a fragment given alone is checked with the prefix of the nginx.conf above it, as in the folder run', () => {
  const folder = runJson([root]);
  const alone = runJson([p('sites-available/app.conf')]);
  assert.deepEqual(where(alone.report, p('sites-available/app.conf')), where(folder.report, p('sites-available/app.conf')));
  assert.ok(!where(alone.report, p('sites-available/app.conf')).some((w) => w.startsWith('include-')), JSON.stringify(alone.report));
  // A missing include under the prefix of an nginx.conf that does not include the file (sites-available/ is not
  // enabled): nginx fails only once the site is enabled, so a warning that says so, not "nginx refuses to start".
  const broken = runJson([p('sites-available/broken.conf')]);
  assert.deepEqual(where(broken.report, p('sites-available/broken.conf')), ['include-not-found@3:13']);
  assert.equal(broken.report.files[0].findings[0].severity, 'warning');
  assert.match(broken.report.files[0].findings[0].message, new RegExp(`"${p('snippets/missing.conf')}" does not exist: this file is checked on its own, so "snippets/missing.conf" was resolved against ${root}, the folder of the nginx configuration found beside or above it; .* only if that configuration includes this file$`));
  assert.equal(nginxTest(root, p('nginx.conf')).ok, true, 'nginx as it is never reads broken.conf');
});

test('a missing include in a fragment that an unrelated nginx.conf sits beside: the same warning alone, in the folder, with --context and in the editor; an error once that nginx.conf includes the fragment', async () => {
  const FRAG = 'include missing.conf;\nlocation / { proxy_pass http://127.0.0.1:9000; }\n';
  // The nginx.conf beside the fragment does not include it: nginx -t passes, it never reads s.conf.
  const dir = tree({ 'nginx.conf': 'events {}\nhttp {}\n', 's.conf': FRAG });
  const lonelyDir = tree({ 's.conf': FRAG });
  const s = join(dir, 's.conf');
  assert.equal(nginxTest(dir, join(dir, 'nginx.conf')).ok, true);
  const only = (r: ReturnType<typeof runJson>) => r.report.files.find((f) => f.path === s)?.findings.map((f) => ({ rule: f.ruleId, severity: f.severity, message: f.message })) ?? [];
  const alone = only(runJson([s]));
  assert.deepEqual(alone.map((f) => [f.rule, f.severity]), [['include-not-found', 'warning']]);
  assert.match(alone[0].message, new RegExp(`^included file "${join(dir, 'missing.conf')}" does not exist: this file is checked on its own, .* resolved against ${dir}, .* only if that configuration includes this file$`));
  assert.deepEqual(only(runJson([dir])), alone);
  assert.deepEqual(only(runJson(['--context', 'server', s])), alone);
  // Without any nginx.conf the same file is a warning too, one that says the prefix is unknown.
  const noConf = runJson([join(lonelyDir, 's.conf')]).report.files[0].findings;
  assert.deepEqual(noConf.map((f) => [f.ruleId, f.severity]), [['include-not-found', 'warning']]);
  assert.match(noConf[0].message, /^cannot verify include "missing\.conf"/);
  const c = new LspClient();
  try {
    await c.initialize(dir);
    await c.open(s, FRAG);
    const diags = includeFindings(await c.diagnostics(s));
    assert.deepEqual(diags.map((d) => [d.code, d.severity, d.message]), alone.map((f) => [f.rule, 2, f.message]));
  } finally {
    await c.stop();
  }
  // Once nginx.conf includes it, nginx refuses to start, and the file is checked inside nginx.conf: an error.
  writeFileSync(join(dir, 'nginx.conf'), 'events {}\nhttp {\n    server {\n        listen 127.0.0.1:18643;\n        include s.conf;\n    }\n}\n');
  const refused = nginxTest(dir, join(dir, 'nginx.conf'));
  assert.ok(!refused.ok);
  assert.match(refused.output, new RegExp(`open\\(\\) "${join(dir, 'missing.conf')}" failed \\(2: No such file or directory\\)`));
  const included = only(runJson([s]));
  assert.deepEqual(included.map((f) => [f.rule, f.severity]), [['include-not-found', 'error']]);
  assert.match(included[0].message, /nginx refuses to start with: open\(\)/);
  // nginx.conf itself given with --context is checked as a fragment, but its folder is its own prefix: still an error.
  assert.deepEqual(only(runJson(['--context', 'main', join(dir, 'nginx.conf')])), included);
});

test('CLI: with no nginx.conf above the fragment, a missing relative include cannot be verified: a warning that says so', () => {
  const { report } = runJson([join(lonely, 'conf.d/app.conf')]);
  const [f] = report.files[0].findings;
  assert.equal(f.ruleId, 'include-not-found');
  assert.equal(f.severity, 'warning');
  assert.match(f.message, /^cannot verify include "snippets\/proxy.conf"/);
  assert.match(f.message, /nginx\.prefix/);
});

test('language server: an unincluded fragment gets the same include findings as the CLI on the folder', async () => {
  const c = new LspClient();
  try {
    await c.initialize(root);
    for (const rel of ['sites-available/app.conf', 'sites-available/broken.conf']) {
      await c.open(p(rel), APP.replace('snippets/proxy.conf', rel.includes('broken') ? 'snippets/missing.conf' : 'snippets/proxy.conf'));
      const diags = await c.diagnostics(p(rel));
      const cli = where(runJson([root]).report, p(rel));
      assert.deepEqual(diags.map((d) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}`).sort(), [...cli].sort(), rel);
    }
    // Go-to-definition on the include opens the file nginx would read.
    const links = await c.request<{ target: string }[]>('textDocument/documentLink', { textDocument: { uri: `file://${p('sites-available/app.conf')}` } });
    assert.deepEqual(links.map((l) => l.target), [`file://${p('snippets/proxy.conf')}`]);
  } finally {
    await c.stop();
  }
  const alone = new LspClient();
  try {
    await alone.initialize(lonely);
    await alone.open(join(lonely, 'conf.d/app.conf'), APP);
    const diags = includeFindings(await alone.diagnostics(join(lonely, 'conf.d/app.conf')));
    assert.equal(diags.length, 1, JSON.stringify(diags));
    assert.equal(diags[0].severity, 2);
    assert.match(diags[0].message, /^cannot verify include/);
  } finally {
    await alone.stop();
  }
});

test('"nginx.prefix" in .proxylintrc.json still wins over the nginx.conf above the fragment, in the CLI and the editor', async () => {
  const dir = tree({ 'nginx.conf': NGINX, 'sites-available/app.conf': APP, 'snippets/proxy.conf': 'proxy_read_timeout 30s;\n', 'alt/snippets/.keep': '' });
  writeFileSync(join(dir, '.proxylintrc.json'), JSON.stringify({ nginx: { prefix: 'alt' } }));
  const { report } = runJson([join(dir, 'sites-available/app.conf')]);
  assert.deepEqual(where(report, join(dir, 'sites-available/app.conf')), ['include-not-found@3:13']);
  assert.match(report.files[0].findings[0].message, /alt\/snippets\/proxy\.conf" does not exist/);
  assert.equal(report.files[0].findings[0].severity, 'error');
  const c = new LspClient();
  try {
    await c.initialize(dir);
    await c.open(join(dir, 'sites-available/app.conf'), APP);
    const diags = includeFindings(await c.diagnostics(join(dir, 'sites-available/app.conf')));
    assert.equal(diags.length, 1, JSON.stringify(diags));
    assert.match(diags[0].message, /alt\/snippets\/proxy\.conf" does not exist/);
    assert.equal(diags[0].severity, 1);
  } finally {
    await c.stop();
  }
});

test('a file that nginx.conf includes gets the same findings from the CLI given that file alone, the CLI on the folder and the editor', async () => {
  const SITE = 'server {\n    listen 127.0.0.1:18641;\n    location / { proxy_pass http://ap; }\n    location /b { proxy_pass http://app; }\n}\n';
  const dir = tree({
    'nginx.conf': 'events {}\nhttp {\n    upstream app { server 127.0.0.1:9000; server 127.0.0.1:9001; server 127.0.0.1:9002; }\n    include conf.d/*.conf;\n}\n',
    'conf.d/site.conf': SITE,
  });
  const site = join(dir, 'conf.d/site.conf');
  const folder = where(runJson([dir]).report, site);
  // Only nginx.conf gives these meaning: the typo of its upstream, and the retries over its three servers.
  assert.ok(folder.includes('undefined-upstream@3:36') && folder.some((w) => w.startsWith('unbounded-retries@')), folder.join(' '));
  assert.deepEqual(where(runJson([site]).report, site), folder);
  const c = new LspClient();
  try {
    await c.initialize(dir);
    await c.open(site, SITE);
    const diags = await c.diagnostics(site);
    assert.deepEqual(diags.map((d) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}`).sort(), [...folder].sort());
  } finally {
    await c.stop();
  }
});

test('language server, no folder open: a file that the nginx.conf or apache2.conf above it includes is checked in that configuration, as the CLI checks it', async () => {
  const SITE = 'server {\n    listen 127.0.0.1:18642;\n    location / { proxy_pass http://ap; }\n}\n';
  const VHOST = '<VirtualHost *:8080>\n    ProxyPass "/app/" "http://127.0.0.1:9000/"\n</VirtualHost>\n';
  const dir = tree({
    'nginx/nginx.conf': 'events {}\nhttp {\n    upstream app { server 127.0.0.1:9000; }\n    include conf.d/*.conf;\n}\n',
    'nginx/conf.d/site.conf': SITE,
    // The main configuration's ProxyTimeout 2 also bounds the connect: no-connectiontimeout has nothing to say there.
    'apache/apache2.conf': 'Listen 127.0.0.1:8080\nProxyTimeout 2\nIncludeOptional sites-enabled/*.conf\n',
    'apache/sites-enabled/x.conf': VHOST,
  });
  const site = join(dir, 'nginx/conf.d/site.conf');
  const vhost = join(dir, 'apache/sites-enabled/x.conf');
  const codes = (d: Diagnostic[]) => d.map((x) => `${x.code}@${x.range.start.line + 1}:${x.range.start.character + 1}`).sort();
  const c = new LspClient();
  try {
    await c.initializeWith({ rootUri: null, workspaceFolders: null, capabilities: { textDocument: { publishDiagnostics: {} } } });
    await c.open(site, SITE);
    assert.deepEqual(codes(await c.diagnostics(site)), ['undefined-upstream@3:36']);
    assert.deepEqual(codes(await c.diagnostics(site)), [...where(runJson([site]).report, site)].sort());
    await c.open(vhost, VHOST);
    assert.deepEqual(codes(await c.diagnostics(vhost)), []);
    assert.deepEqual(where(runJson([vhost]).report, vhost), []);
  } finally {
    await c.stop();
  }
});

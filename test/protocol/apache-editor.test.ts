// The Apache side of the editor as a user meets it: quick fixes and comments that must keep httpd starting, on
// lines that a trailing "\" continues.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import type { CodeAction, CompletionItem, Hover, Location, LocationLink, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { apacheTest, assertPlaceLink, readable, runCli, tempTree } from '../helpers';
import { apply, LspClient, uri } from './client';

const trees: (() => void)[] = [];
after(() => trees.forEach((c) => c()));

function tree(files: Record<string, string>): string {
  const t = tempTree(files);
  trees.push(t.cleanup);
  return realpathSync(t.dir);
}

// timeout=500ms on the third physical line of one ProxyPass: httpd reads the three lines as one.
const CONTINUED = `<VirtualHost 127.0.0.1:18710>
    ServerName cont.example.test
    ProxyPass /c/ http://127.0.0.1:18711/ \\
        connectiontimeout=2 \\
        timeout=500ms
</VirtualHost>
`;

test('the disable comment for a finding on a "\\"-continued line goes above the whole directive, httpd still starts, and it silences the finding', async () => {
  const root = tree({ 'site.conf': CONTINUED });
  const file = join(root, 'site.conf');
  const c = new LspClient();
  try {
    await c.initialize(root);
    await c.open(file, CONTINUED);
    const diags = await c.diagnostics(file, (d) => d.some((x) => x.code === 'worker-timeout-unit-ignored'));
    const unit = diags.find((d) => d.code === 'worker-timeout-unit-ignored')!;
    assert.equal(unit.range.start.line, 4);
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri(file) }, range: unit.range, context: { diagnostics: [unit] } });
    const disable = actions.find((a) => a.title.startsWith('Add a disable comment for worker-timeout-unit-ignored'))!;
    const disabled = apply(CONTINUED, (disable.edit as WorkspaceEdit).changes![uri(file)]);
    // A "#" line between continued lines is no comment for httpd: it would be read as more ProxyPass parameters.
    assert.match(disabled, /\n {4}# proxylint-disable-next-line worker-timeout-unit-ignored -- TODO: why this is safe\n {4}ProxyPass \/c\//);
    const reasoned = disabled.replace('TODO: why this is safe', 'the backend answers within 500 s');
    writeFileSync(file, reasoned);
    const t = apacheTest(file);
    assert.ok(t.ok, t.output);
    await c.change(file, reasoned);
    await c.diagnostics(file, (d) => !d.some((x) => x.code === 'worker-timeout-unit-ignored' || x.code === 'invalid-suppression' || x.code === 'unused-suppression'));
  } finally {
    await c.stop();
  }
});

/** A value httpd accepts for each parameter completion may offer (2.4.71). */
const SAMPLE: Record<string, string> = {
  min: '0', max: '5', smax: '5', acquire: '500', connectiontimeout: '2', disablereuse: 'Off', enablereuse: 'On', flushpackets: 'auto',
  flushwait: '10', iobuffersize: '8192', responsefieldsize: '8192', keepalive: 'On', lbset: '0', loadfactor: '1', ping: '1',
  receivebuffersize: '0', redirect: 'r2', retry: '5', route: 'r1', status: '+H', timeout: '5', ttl: '4', addressttl: '30', upgrade: 'websocket',
  mapping: 'servlet', secret: 's3cr3t', hcmethod: 'GET', hcexpr: 'ok', hcinterval: '10', hcpasses: '1', hcfails: '1', hcuri: '/health',
  hctemplate: 't', lbmethod: 'byrequests', maxattempts: '1', nofailover: 'Off', stickysession: 'JSESSIONID', stickysessionsep: '.',
  scolonpathdelim: 'Off', failonstatus: '503', failontimeout: 'On', nonce: 'None', growth: '1', forcerecovery: 'On',
};

test('completion offers only the parameters httpd takes on that line (worker or balancer), also on a continued line, and apache2 -t accepts every one', async () => {
  // Each "|" is a place to complete at; what is offered there is written there, all of it, and apache2 -t must pass.
  const template = `<VirtualHost 127.0.0.1:18720>
    ServerName params.example.test
    ProxyHCExpr ok {%{REQUEST_STATUS} =~ /^[23]/}
    ProxyHCTemplate t hcmethod=GET
    <Proxy "balancer://pool">
        BalancerMember http://127.0.0.1:18721 |
        ProxySet |
    </Proxy>
    <Proxy "http://127.0.0.1:18722/">
        ProxySet |
    </Proxy>
    ProxyPass /a/ balancer://pool/ |
    ProxySet balancer://pool |
    ProxyPass /w/ http://127.0.0.1:18722/ |
    ProxyPass /c/ http://127.0.0.1:18724/ \\
        |
    <Location /l/>
        ProxyPass http://127.0.0.1:18723/ |
    </Location>
</VirtualHost>
`;
  const root = tree({});
  const file = join(root, 'params.conf');
  const parts = template.split('|');
  const text = parts.join('');
  const marks: number[] = [];
  parts.slice(0, -1).reduce((n, p) => (marks.push(n + p.length), n + p.length), 0);
  const c = new LspClient();
  try {
    await c.initialize(root);
    await c.open(file, text);
    await c.diagnostics(file);
    const offered: string[][] = [];
    for (const m of marks) {
      const before = text.slice(0, m);
      const position = { line: before.split('\n').length - 1, character: m - before.lastIndexOf('\n') - 1 };
      const items = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri(file) }, position });
      offered.push(items.map((i) => i.label));
    }
    const [member, balancerSet, workerSet, balancerPass, namedSet, workerPass, continued, inLocation] = offered;
    for (const worker of [member, workerSet, workerPass, continued, inLocation]) {
      assert.ok(worker.includes('connectiontimeout=') && worker.includes('retry=') && worker.includes('timeout='), worker.join(' '));
      assert.ok(!worker.includes('lbmethod=') && !worker.includes('stickysession='), worker.join(' '));
    }
    for (const balancer of [balancerSet, balancerPass, namedSet]) {
      assert.ok(balancer.includes('lbmethod=') && balancer.includes('failonstatus=') && balancer.includes('timeout='), balancer.join(' '));
      assert.ok(!balancer.includes('connectiontimeout=') && !balancer.includes('retry='), balancer.join(' '));
    }
    // Written out, each place with everything offered there: httpd takes it all.
    let k = 0;
    const filled = parts.slice(0, -1).map((p) => p + offered[k++].filter((l) => l.endsWith('=')).map((l) => `${l}${SAMPLE[l.slice(0, -1)] ?? assert.fail(`no sample for ${l}`)}`).join(' ')).join('') + parts.at(-1);
    writeFileSync(file, filled);
    const t = apacheTest(file);
    assert.ok(t.ok, `${t.output}\n${filled}`);
  } finally {
    await c.stop();
  }
});

test('completion at the start of a line: sections with their "<" and closing tag, only where httpd takes them; a "</" closes the open section', async () => {
  const template = `<VirtualHost 127.0.0.1:18730>
    |
    <|
    <Location /l/>
        |
        <|
    </|
</VirtualHost>
`;
  const root = tree({});
  const file = join(root, 'sections.conf');
  const parts = template.split('|');
  const text = parts.join('');
  const c = new LspClient();
  try {
    await c.initialize(root);
    await c.open(file, text);
    await c.diagnostics(file);
    const at = async (k: number) => {
      const m = parts.slice(0, k + 1).join('').length;
      const before = text.slice(0, m);
      const position = { line: before.split('\n').length - 1, character: m - before.lastIndexOf('\n') - 1 };
      return c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri(file) }, position });
    };
    const newText = (i: CompletionItem) => (i.textEdit as { newText: string }).newText;
    const lineStart = await at(0);
    // "Proxy" is a section: what is inserted opens and closes it, never the bare word httpd rejects.
    const proxy = lineStart.find((i) => i.label === 'Proxy')!;
    assert.match(newText(proxy), /^<Proxy "balancer:\/\/\$\{1:name\}">\n\t\$0\n<\/Proxy>$/);
    assert.ok(lineStart.some((i) => i.label === 'ProxyTimeout'));
    assert.ok(!lineStart.some((i) => i.label === 'VirtualHost'), 'no <VirtualHost> in a <VirtualHost>');
    const lt = await at(1);
    assert.ok(lt.every((i) => i.label.startsWith('<') && newText(i).startsWith('<')), lt.map((i) => i.label).join(' '));
    assert.ok(lt.some((i) => i.label === '<Location>') && !lt.some((i) => i.label === '<ProxyPass>'));
    // The "<" typed is part of what the item replaces.
    assert.equal((lt[0].textEdit as { range: { start: { character: number } } }).range.start.character, 4);
    const inLocation = (await at(2)).map((i) => i.label);
    for (const refused of ['ProxyTimeout', 'Timeout', 'KeepAliveTimeout', 'BalancerMember', 'Location', 'Proxy']) assert.ok(!inLocation.includes(refused), `${refused} offered in <Location>`);
    assert.ok(inLocation.includes('ProxyPass') && inLocation.includes('IfModule'));
    assert.deepEqual((await at(3)).map((i) => i.label), ['<IfModule>', '<IfDefine>']);
    assert.deepEqual((await at(4)).map((i) => i.label), ['</Location>']);
  } finally {
    await c.stop();
  }
});

test('completion of a balancer name offers those the line\'s server sees: its own and the main server\'s, not another virtual host\'s', async () => {
  const text = `<Proxy balancer://shared>
    BalancerMember http://127.0.0.1:18741
</Proxy>
<VirtualHost 127.0.0.1:18740>
    <Proxy balancer://a-only>
        BalancerMember http://127.0.0.1:18742
    </Proxy>
    ProxyPass /a/ balancer://
</VirtualHost>
<VirtualHost 127.0.0.1:18740>
    ProxyPass /b balancer://
</VirtualHost>
`;
  const root = tree({});
  const file = join(root, 'names.conf');
  const c = new LspClient();
  try {
    await c.initialize(root);
    await c.open(file, text);
    await c.diagnostics(file);
    const labels = async (line: number) => (await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri(file) }, position: { line, character: text.split('\n')[line].length } })).map((i) => i.label);
    // A path ending in "/" wants the URL to end in one too (proxypass-trailing-slash-mismatch).
    assert.deepEqual(await labels(7), ['balancer://shared/', 'balancer://a-only/']);
    assert.deepEqual(await labels(10), ['balancer://shared']);
  } finally {
    await c.stop();
  }
});

test('completion offers a balancer URL only where a URL starts: not right after a whole URL, whatever its scheme', async () => {
  const text = `<VirtualHost 127.0.0.1:18745>
    <Proxy balancer://grp>
        BalancerMember http://127.0.0.1:18746
    </Proxy>
    ProxyPass /app http://backend:8080/
    ProxyPass /b balancer://grp/
    ProxyPass /c bal
    ProxyPass /d balancer://g
    <Location /loc>
        ProxyPass http://backend:8080/
    </Location>
    ProxySet balancer://grp
</VirtualHost>
`;
  const root = tree({});
  const file = join(root, 'urls.conf');
  const c = new LspClient();
  try {
    await c.initialize(root);
    await c.open(file, text);
    await c.diagnostics(file);
    // At the end of the line, as the "/" trigger character asks right after a URL's last slash.
    const labels = async (line: number) => {
      const l = text.split('\n')[line];
      const items = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri(file) }, position: { line, character: l.length }, context: { triggerKind: 2, triggerCharacter: l.at(-1) } });
      return items.map((i) => i.label);
    };
    assert.deepEqual(await labels(4), [], 'after http://backend:8080/');
    assert.deepEqual(await labels(5), [], 'after balancer://grp/');
    assert.deepEqual(await labels(9), [], 'after the URL of a ProxyPass in a <Location>');
    assert.deepEqual(await labels(11), ['balancer://grp'], 'the name itself: it may still be completed');
    // Where a URL is being started, the balancer is still offered.
    assert.deepEqual(await labels(6), ['balancer://grp']);
    assert.deepEqual(await labels(7), ['balancer://grp']);
  } finally {
    await c.stop();
  }
});

test('go to definition of a balancer name leads to the <Proxy balancer://…> the line\'s server uses, never to another virtual host\'s', async () => {
  const text = `<VirtualHost 127.0.0.1:18750>
    ServerName a.example.test
    <Proxy balancer://pool>
        BalancerMember http://127.0.0.1:18751
    </Proxy>
    ProxyPass /a/ balancer://pool/
</VirtualHost>
<VirtualHost 127.0.0.1:18750>
    ServerName b.example.test
    ProxyPass /b/ balancer://pool/
</VirtualHost>
<Proxy balancer://shared>
    BalancerMember http://127.0.0.1:18752
</Proxy>
<VirtualHost 127.0.0.1:18750>
    ServerName c.example.test
    ProxyPass /c/ balancer://SHARED/
</VirtualHost>
`;
  const root = tree({});
  const file = join(root, 'defs.conf');
  const c = new LspClient();
  try {
    await c.initialize(root);
    await c.open(file, text);
    await c.diagnostics(file);
    const def = (line: number) => c.request<LocationLink[]>('textDocument/definition', { textDocument: { uri: uri(file) }, position: { line, character: text.split('\n')[line].indexOf('balancer://') + 12 } });
    assert.deepEqual((await def(5)).map((l) => l.targetSelectionRange.start.line), [2]);
    // b.example.test has no balancer of that name (a virtual host sees its own and the main server's): httpd answers
    // 503 there (undefined-balancer), and a jump to a.example.test's section would say otherwise.
    assert.deepEqual(await def(9), []);
    assert.deepEqual((await def(16)).map((l) => l.targetSelectionRange.start.line), [11]);
  } finally {
    await c.stop();
  }
});

test('a site edited in sites-available/ and enabled by a link in sites-enabled/ is checked in apache2.conf, as the CLI checks it', async () => {
  // Debian's layout: a2ensite links sites-enabled/app.conf to ../sites-available/app.conf, where the file is edited.
  const SITE = `<VirtualHost 127.0.0.1:18760>
    ServerName deb.example.test
    ProxyPass /app/ http://127.0.0.1:18761/ connectiontimeout=2
</VirtualHost>
`;
  const root = tree({
    'apache2/apache2.conf': 'Timeout 300\nIncludeOptional mods-enabled/*.load\nIncludeOptional sites-enabled/*.conf\n',
    'apache2/mods-enabled/proxy.load': 'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so\n',
    'apache2/mods-enabled/mpm_event.load': 'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n',
    'apache2/mods-enabled/authz_core.load': 'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so\n',
    'apache2/sites-available/app.conf': SITE,
  });
  mkdirSync(join(root, 'apache2/sites-enabled'));
  symlinkSync('../sites-available/app.conf', join(root, 'apache2/sites-enabled/app.conf'));
  const file = join(root, 'apache2/sites-available/app.conf');
  // The CLI, given the file, reports it in apache2.conf: mod_proxy_http is not enabled.
  const cli = runCli(['--format', 'json', file], { cwd: root });
  const cliFindings = (JSON.parse(cli.stdout) as { files: { findings: { ruleId: string; line: number }[] }[] }).files.flatMap((f) => f.findings.map((x) => `${x.ruleId}@${x.line}`));
  assert.deepEqual(cliFindings, ['proxy-scheme-module-missing@3']);
  const c = new LspClient();
  try {
    await c.initialize(root);
    await c.open(file, SITE);
    const diags = await c.diagnostics(file, (d) => d.some((x) => x.code === 'proxy-scheme-module-missing'));
    assert.deepEqual(diags.map((d) => `${d.code}@${d.range.start.line + 1}`), cliFindings);
    const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri: uri(file) }, position: { line: 2, character: 6 } });
    assert.match(readable((h.contents as { value: string }).value), /Backend timeout here:\*\* 300 s \(Timeout 300 on line 1 of apache2\.conf/);
    // The place is a link to the file (as the server resolves it) and line; VS Code opens file:///…#L1 at that line.
    assertPlaceLink((h.contents as { value: string }).value, 'line 1 of apache2.conf', realpathSync(join(root, 'apache2/apache2.conf')), 1);
    // The unsaved buffer is what is checked, and a quick fix edits this document, not the link.
    const edited = SITE.replace('connectiontimeout=2', 'connectiontimeout=2 timeout=500ms');
    await c.change(file, edited);
    const now = await c.diagnostics(file, (d) => d.some((x) => x.code === 'worker-timeout-unit-ignored'));
    const unit = now.find((d) => d.code === 'worker-timeout-unit-ignored')!;
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri(file) }, range: unit.range, context: { diagnostics: [unit] } });
    const fix = actions.find((a) => a.title.startsWith('Use timeout='))!;
    assert.deepEqual(Object.keys((fix.edit as WorkspaceEdit).changes!), [uri(file)]);
  } finally {
    await c.stop();
  }
});

test('the same for nginx: a sites-available/ file enabled by a link has the values its nginx.conf gives it, not the defaults', async () => {
  const SITE = 'server {\n    listen 127.0.0.1:18770;\n    location / {\n        proxy_pass http://app;\n    }\n}\n';
  const root = tree({
    'nginx/nginx.conf': 'events {}\nhttp {\n    upstream app { server 127.0.0.1:18771; }\n    proxy_read_timeout 3s;\n    include sites-enabled/*;\n}\n',
    'nginx/sites-available/site': SITE,
  });
  mkdirSync(join(root, 'nginx/sites-enabled'));
  symlinkSync('../sites-available/site', join(root, 'nginx/sites-enabled/site'));
  const file = join(root, 'nginx/sites-available/site');
  const c = new LspClient();
  try {
    await c.initialize(root);
    await c.open(file, SITE);
    assert.deepEqual(await c.diagnostics(file), []);
    const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri: uri(file) }, position: { line: 3, character: 10 } });
    assert.match(readable((h.contents as { value: string }).value), /\| `proxy_read_timeout` \| `3s` \| inherited from \.\.\/nginx\.conf:4 \|/);
    assertPlaceLink((h.contents as { value: string }).value, '../nginx.conf:4', realpathSync(join(root, 'nginx/nginx.conf')), 4);
  } finally {
    await c.stop();
  }
});

test('find references of a balancer:// name: every line of the servers that use that balancer, from any of them', async () => {
  const text = `<Proxy balancer://shared>
    BalancerMember http://127.0.0.1:18781
</Proxy>
ProxyPass /m/ balancer://shared/
<VirtualHost 127.0.0.1:18780>
    ServerName a.example.test
    <Proxy balancer://pool>
        BalancerMember http://127.0.0.1:18782
        ProxySet lbmethod=byrequests
    </Proxy>
    ProxySet balancer://pool failonstatus=503
    ProxyPass /a/ balancer://pool/
    ProxyPassReverse /a/ balancer://pool/
    ProxyPass /s/ balancer://Shared/
</VirtualHost>
<VirtualHost 127.0.0.1:18780>
    ServerName b.example.test
    ProxyPass /b/ balancer://pool/
</VirtualHost>
`;
  const root = tree({});
  const file = join(root, 'refs.conf');
  const c = new LspClient();
  try {
    const init = await c.initialize(root);
    assert.ok(init.capabilities.referencesProvider);
    await c.open(file, text);
    await c.diagnostics(file);
    const lines = text.split('\n');
    const refs = async (line: number, includeDeclaration = true) => {
      const got = await c.request<Location[]>('textDocument/references', { textDocument: { uri: uri(file) }, position: { line, character: lines[line].indexOf('balancer://') + 12 }, context: { includeDeclaration } });
      return got.map((l) => `${l.range.start.line}:${lines[l.range.start.line].slice(l.range.start.character, l.range.end.character)}`);
    };
    const pool = ['6:balancer://pool', '10:balancer://pool', '11:balancer://pool/', '12:balancer://pool/'];
    assert.deepEqual(await refs(11), pool);
    assert.deepEqual(await refs(6), pool);
    assert.deepEqual(await refs(11, false), pool.slice(1));
    // b.example.test's balancer://pool is another one (without members there, see undefined-balancer).
    assert.deepEqual(await refs(17), ['17:balancer://pool/']);
    // The main server's balancer, used from the main server and a virtual host that defines none of that name.
    assert.deepEqual(await refs(13), ['0:balancer://shared', '3:balancer://shared/', '13:balancer://Shared/']);
  } finally {
    await c.stop();
  }
});

test('with both the sites-available/ file and its sites-enabled/ link open, the link is checked in apache2.conf, as the CLI checks it, whichever was opened first', async () => {
  // Opened second, the link used to be checked on its own (no apache2.conf, so no modules known): the configuration
  // read the sites-available/ document in its place whenever that one was opened first.
  const SITE = `<VirtualHost 127.0.0.1:18765>
    ServerName both.example.test
    ProxyPass /app/ http://127.0.0.1:18766/ connectiontimeout=2
</VirtualHost>
`;
  const root = tree({
    'apache2/apache2.conf': 'Timeout 300\nIncludeOptional mods-enabled/*.load\nIncludeOptional sites-enabled/*.conf\n',
    'apache2/mods-enabled/proxy.load': 'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so\n',
    'apache2/mods-enabled/mpm_event.load': 'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n',
    'apache2/mods-enabled/authz_core.load': 'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so\n',
    'apache2/sites-available/app.conf': SITE,
  });
  mkdirSync(join(root, 'apache2/sites-enabled'));
  symlinkSync('../sites-available/app.conf', join(root, 'apache2/sites-enabled/app.conf'));
  const available = join(root, 'apache2/sites-available/app.conf');
  const link = join(root, 'apache2/sites-enabled/app.conf');
  const cli = runCli(['--format', 'json', link], { cwd: root });
  const cliFindings = (JSON.parse(cli.stdout) as { files: { findings: { ruleId: string; line: number }[] }[] }).files.flatMap((f) => f.findings.map((x) => `${x.ruleId}@${x.line}`));
  assert.deepEqual(cliFindings, ['proxy-scheme-module-missing@3']);
  for (const order of [[available, link], [link, available]]) {
    const c = new LspClient();
    try {
      await c.initialize(root);
      for (const p of order) {
        await c.open(p, SITE);
        await c.diagnostics(p);
      }
      const diags = await c.diagnostics(link);
      assert.deepEqual(diags.map((d) => `${d.code}@${d.range.start.line + 1}`), cliFindings, `opened ${order.map((p) => p.slice(root.length + 1)).join(', then ')}`);
      // Closed, the link is read as the sites-available/ document again, which then has the configuration's findings.
      await c.close(link);
      const back = await c.diagnostics(available, (d) => d.length > 0);
      assert.deepEqual(back.map((d) => `${d.code}@${d.range.start.line + 1}`), cliFindings);
    } finally {
      await c.stop();
    }
  }
});

test('with both the sites-available/ file and its sites-enabled/ link open, the sites-available/ file has the findings the CLI given it reports (those of the configuration that reads it through the link), nginx and Apache', async () => {
  // It used to be checked as a fragment on its own once the link was open too: no modules, no upstream groups known.
  const APACHE_SITE = '<VirtualHost 127.0.0.1:18767>\n    ServerName twin.example.test\n    ProxyPass /app/ http://127.0.0.1:18768/ connectiontimeout=2\n</VirtualHost>\n';
  const NGINX_SITE = 'server {\n    listen 127.0.0.1:18769;\n    location / {\n        proxy_pass http://node_app;\n    }\n}\n';
  const root = tree({
    'apache2/apache2.conf': 'Timeout 300\nIncludeOptional mods-enabled/*.load\nIncludeOptional sites-enabled/*.conf\n',
    'apache2/mods-enabled/proxy.load': 'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so\n',
    'apache2/mods-enabled/mpm_event.load': 'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n',
    'apache2/mods-enabled/authz_core.load': 'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so\n',
    'apache2/sites-available/app.conf': APACHE_SITE,
    'nginx/nginx.conf': 'events {}\nhttp {\n    upstream node_app {\n        server 127.0.0.1:3000;\n        server 127.0.0.1:3001;\n        keepalive 32;\n    }\n    include sites-enabled/*;\n}\n',
    'nginx/sites-available/app': NGINX_SITE,
  });
  mkdirSync(join(root, 'apache2/sites-enabled'));
  symlinkSync('../sites-available/app.conf', join(root, 'apache2/sites-enabled/app.conf'));
  mkdirSync(join(root, 'nginx/sites-enabled'));
  symlinkSync('../sites-available/app', join(root, 'nginx/sites-enabled/app'));
  const found = (args: string[]) => (JSON.parse(runCli(['--format', 'json', ...args], { cwd: root }).stdout) as { files: { findings: { ruleId: string; severity: string; line: number; column: number; message: string }[] }[] }).files.flatMap((f) => f.findings.map((x) => `${x.ruleId} ${x.severity} ${x.line}:${x.column} ${x.message}`)).sort();
  const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];
  const shown = (d: { code?: string | number; severity?: number; range: { start: { line: number; character: number } }; message: string }[]) => d.map((x) => `${x.code} ${SEVERITY[x.severity ?? 0]} ${x.range.start.line + 1}:${x.range.start.character + 1} ${x.message}`).sort();
  for (const [dir, name, text, languageId] of [['apache2', 'app.conf', APACHE_SITE, 'apacheconf'], ['nginx', 'app', NGINX_SITE, 'nginx']] as const) {
    const available = join(root, dir, 'sites-available', name);
    const link = join(root, dir, 'sites-enabled', name);
    const cli = found([available]);
    // The control: checked on its own, the file gives other findings.
    assert.notDeepEqual(found(['--context', dir === 'nginx' ? 'http' : 'main', available]), cli, dir);
    assert.ok(cli.length > 0, dir);
    for (const order of [[available, link], [link, available]]) {
      const how = `${dir}: opened ${order.map((p) => p.slice(root.length + 1)).join(', then ')}`;
      const c = new LspClient();
      try {
        await c.initialize(root);
        for (const p of order) {
          await c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(p), languageId, version: 1, text } });
          await c.diagnostics(p);
        }
        assert.deepEqual(shown(await c.diagnostics(link)), cli, how);
        assert.deepEqual(shown(await c.diagnostics(available)), cli, how);
        // Its unsaved text is what is checked in the configuration, as when the link is not open.
        const edited = '# a line above\n' + text;
        await c.change(available, edited);
        const moved = cli.map((f) => f.replace(/ (\d+):/, (_, l: string) => ` ${Number(l) + 1}:`));
        const after = await c.diagnostics(available, (d) => JSON.stringify(shown(d)) !== JSON.stringify(cli)).catch((e: Error) => e.message);
        assert.deepEqual(Array.isArray(after) ? shown(after) : after, moved, how);
      } finally {
        await c.stop();
      }
    }
  }
});

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { realpathSync } from 'node:fs';
import type { CompletionItem, DocumentSymbol, Hover, LocationLink } from 'vscode-languageserver-protocol';
import { runCli, tempTree } from '../helpers';
import { LspClient, uri } from './client';

const VHOST = `<VirtualHost 127.0.0.1:18700>
    ServerName app.example.test
    ProxyTimeout 300
    <Proxy balancer://app>
        BalancerMember http://127.0.0.1:18701
        BalancerMember http://127.0.0.1:18702
    </Proxy>
    ProxyPass /api/ balancer://app/
    ProxyPass /old/ http://127.0.0.1:18703/ timeout=2
</VirtualHost>
`;

const tree = tempTree({ 'apache2/sites-enabled/app.conf': VHOST });
const root = realpathSync(tree.dir);
after(() => tree.cleanup());

function pos(text: string, needle: string, delta = 0) {
  const at = text.indexOf(needle) + delta;
  const before = text.slice(0, at);
  return { line: before.split('\n').length - 1, character: at - before.lastIndexOf('\n') - 1 };
}

test('Apache files get Apache diagnostics, hover with the timeout chain, outline, balancer definition and parameter completion', async () => {
  const c = new LspClient();
  const file = join(root, 'apache2/sites-enabled/app.conf');
  try {
    await c.initialize(root);
    await c.open(file, VHOST);
    const diags = await c.diagnostics(file, (d) => d.length > 0);
    assert.ok(diags.some((d) => d.code === 'balancer-member-without-health-check'), JSON.stringify(diags.map((d) => d.code)));
    assert.ok(diags.every((d) => /\/rules\/(apache|common)\//.test(d.codeDescription!.href)));

    const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri: uri(file) }, position: pos(VHOST, 'ProxyPass /old/', 3) });
    const md = (h.contents as { value: string }).value;
    assert.match(md, /Backend timeout here:\*\* 2 s \(timeout=2\)/);
    assert.match(md, /httpd\.apache\.org\/docs\/2\.4\/mod\/mod_proxy\.html#proxypass/);
    const h2 = await c.request<Hover>('textDocument/hover', { textDocument: { uri: uri(file) }, position: pos(VHOST, 'BalancerMember', 3) });
    assert.match((h2.contents as { value: string }).value, /Backend timeout here:\*\* 300 s \(ProxyTimeout 300/);

    const symbols = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: uri(file) } });
    assert.equal(symbols[0].name, '<VirtualHost 127.0.0.1:18700>');
    // Besides the sections, the lines a user goes to: where requests leave, the members, the timeouts.
    assert.deepEqual(symbols[0].children!.map((s) => [s.name, s.detail]), [
      ['ProxyTimeout 300', ''],
      ['<Proxy balancer://app>', ''],
      ['ProxyPass /api/ balancer://app/', ''],
      ['ProxyPass /old/ http://127.0.0.1:18703/', 'timeout=2'],
    ]);
    assert.deepEqual(symbols[0].children![1].children!.map((s) => s.name), ['BalancerMember http://127.0.0.1:18701', 'BalancerMember http://127.0.0.1:18702']);
    assert.equal(symbols[0].children![3].range.start.line, 8);

    const def = await c.request<LocationLink[]>('textDocument/definition', { textDocument: { uri: uri(file) }, position: pos(VHOST, 'balancer://app/', 12) });
    assert.equal(def[0].targetRange.start.line, 3);

    const text = VHOST.replace('timeout=2', 'timeout=2 conn');
    await c.change(file, text);
    const items = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri(file) }, position: pos(text, 'timeout=2 conn', 14) });
    assert.ok(items.some((i) => i.label === 'connectiontimeout='));
  } finally {
    await c.stop();
  }
});

test('a fragment\'s relative Include resolves against a likely ServerRoot above it, the same in the editor as in the CLI', async () => {
  // basic.conf sits in h5bp/ and includes h5bp/security/x.conf: httpd resolves it against ServerRoot, not h5bp/.
  const basic = 'Include h5bp/security/x.conf\nInclude h5bp/security/gone.conf\n';
  const t = tempTree({ 'site/h5bp/basic.conf': basic, 'site/h5bp/security/x.conf': 'ServerSignature Off\n' });
  const dir = realpathSync(t.dir);
  const file = join(dir, 'site/h5bp/basic.conf');
  const c = new LspClient();
  try {
    await c.initialize(dir);
    await c.open(file, basic);
    const diags = await c.diagnostics(file, (d) => d.length > 0);
    const inEditor = diags.map((d) => [d.code, d.range.start.line + 1, d.severity]);
    // Only the file that exists under no folder above is reported, as information (3), not as a start failure.
    assert.deepEqual(inEditor, [['include-not-found', 2, 3]]);
    const cli = runCli(['--format', 'json', file], { cwd: dir });
    const report = JSON.parse(cli.stdout) as { files: { findings: { ruleId: string; line: number; severity: string }[] }[] };
    assert.deepEqual(report.files.flatMap((f) => f.findings.map((x) => [x.ruleId, x.line, x.severity])), [['include-not-found', 2, 'info']]);
  } finally {
    await c.stop();
    t.cleanup();
  }
});

test('workspace/executeCommand proxylint.server.explain: an httpd line goes to the worker of the backend it names, with its timeout', async () => {
  const c = new LspClient();
  const file = join(root, 'apache2/sites-enabled/app.conf');
  try {
    await c.initialize(root);
    await c.open(file, VHOST);
    const line = '[Sun Nov 22 13:24:46.293503 2026] [proxy_http:error] [pid 16210:tid 16226] (70007)The timeout specified has expired: [client 127.0.0.1:50306] AH01102: error reading status line from remote server 127.0.0.1:18703';
    const md = await c.request<string>('workspace/executeCommand', { command: 'proxylint.server.explain', arguments: [line] });
    assert.match(md, /Apache httpd: the client got 502/);
    assert.match(md, /\*\*Backend:\*\* `ProxyPass http:\/\/127\.0\.0\.1:18703\/` at \[app\.conf:9\]/);
    assert.match(md, /- backend timeout: `2 s`, timeout=2 on the worker/);
    const member = await c.request<string>('workspace/executeCommand', { command: 'proxylint.server.explain', arguments: [line.replace('18703', '18702')] });
    assert.match(member, /`BalancerMember http:\/\/127\.0\.0\.1:18702` at \[app\.conf:6\]/);
    assert.match(member, /- backend timeout: `300 s`, ProxyTimeout 300/);
    // A selection of the lines one thread logged for one request: shown as that request, AH01114 (host only) at the
    // member whose port the AH00957 before it names.
    const request = [
      '[Sun Nov 22 14:40:19.597520 2026] [proxy:error] [pid 11964:tid 11987] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:18702 (127.0.0.1:18702) failed',
      '[Sun Nov 22 14:40:19.597556 2026] [proxy_http:error] [pid 11964:tid 11987] [client 127.0.0.1:42086] AH01114: HTTP: failed to make connection to backend: 127.0.0.1',
    ].join('\n');
    const grouped = await c.request<string>('workspace/executeCommand', { command: 'proxylint.server.explain', arguments: [request] });
    assert.match(grouped, /^### Apache httpd: one request, logged in 2 lines by one thread \(pid 11964:tid 11987, client 127\.0\.0\.1:42086\)/);
    // The member is said once, with the first line: the AH01114 says no Backend or Request of its own only when it
    // was placed at that same member (unplaced, it would say "backend `127.0.0.1`").
    assert.equal(grouped.match(/\*\*Backend:\*\* `BalancerMember http:\/\/127\.0\.0\.1:18702` at \[app\.conf:6\]/g)?.length, 1, grouped);
    assert.equal(grouped.match(/\*\*(Backend|Balancer):\*\*/g)?.length, 1, grouped);
    assert.doesNotMatch(grouped, /\*\*Request:\*\* backend `127\.0\.0\.1`/, grouped);
    assert.doesNotMatch(grouped, /does not say which|---/);
  } finally {
    await c.stop();
  }
});

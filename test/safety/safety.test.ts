/**
 * Safety: proxylint reads configurations; it never runs anything a configuration names (perl_set, js_import,
 * *_by_lua_block, piped logs, RewriteMap prg:, SSLPassPhraseDialog exec:), never opens a network connection or
 * looks a name up (resolver, upstream host names, syslog targets), and never writes a file except through --fix or
 * an edit the user accepts in the editor. Shown three ways:
 *
 * 1. statically: the core, the CLI and the language-server sources import no process or network module, and the CLI
 *    bundle requires nothing but node:fs and node:path;
 * 2. in-process: with child_process, net, dns, http, https, tls and dgram replaced by traps, the CLI (runCli) and the
 *    language server (over in-memory streams, every feature asked) go through a hostile tree without springing one;
 * 3. process-level: the CLI and `proxylint lsp --stdio` run under strace (no execve but their own, no socket, no file
 *    opened for writing), the CLI's output is the same inside `unshare -n` (no network at all), and the tree's files
 *    (names, sizes, modes, mtimes, contents) are unchanged after a CLI run without --fix and an LSP session.
 *
 * Restricted Mode (untrusted workspace: nothing outside the workspace folders is read) is tested in
 * test/protocol/lsp.test.ts.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CLI, ROOT, runCli as runCliProcess, tempTree } from '../helpers';
import { LspClient, uri } from '../protocol/client';

const SENTINEL = mkdtempSync(join(tmpdir(), 'proxylint-sentinel-'));
const pwned = (name: string) => join(SENTINEL, name);

const NGINX = `load_module modules/ngx_http_perl_module.so;
events {}
http {
    perl_modules perl/lib;
    perl_require hello.pm;
    perl_set $x 'sub { system("touch ${pwned('perl')}"); return "x"; }';
    js_import evil from evil.js;
    js_set $y evil.run;
    resolver 8.8.8.8 valid=5s;
    upstream b { zone b 64k; server backend.example.com:8080 resolve; server 203.0.113.7:80; }
    server {
        listen 80;
        server_name www.example.org;
        ssl_certificate /etc/ssl/evil.pem;
        auth_basic_user_file /etc/passwd;
        access_log syslog:server=203.0.113.9:514;
        error_log ${pwned('errorlog')};
        location / { proxy_pass http://evil.example.com; }
        location /b { proxy_pass https://b; }
        location /lua { content_by_lua_block { os.execute("touch ${pwned('lua')}") } }
        location /v { set $h "x.example.net"; proxy_pass http://$h; }
        location /fcgi { fastcgi_pass unix:/run/php.sock; include fastcgi_params; }
        include /dev/zero;
        include pipe.conf;
    }
}
`;
const HTTPD = `ServerRoot "."
LoadModule mpm_event_module modules/mod_mpm_event.so
LoadModule proxy_module modules/mod_proxy.so
LoadModule rewrite_module modules/mod_rewrite.so
SSLPassPhraseDialog "exec:/bin/sh -c 'touch ${pwned('passphrase')}'"
CustomLog "|/bin/sh -c 'touch ${pwned('customlog')}'" common
ErrorLog "|/usr/bin/touch ${pwned('errorlog-apache')}"
RewriteMap evil "prg:/bin/sh -c 'touch ${pwned('rewritemap')}'"
<VirtualHost *:80>
    ProxyPass / http://backend.internal.example/
    <Proxy balancer://grp>
        BalancerMember http://app1.example.com:8080
        BalancerMember http://10.0.0.1:8080
    </Proxy>
</VirtualHost>
Include /dev/zero
`;

const trees: { cleanup(): void }[] = [];
function hostileTree() {
  const t = tempTree({ 'nginx/nginx.conf': NGINX, 'nginx/evil.js': 'require("child_process").execSync("touch x")', 'apache2/httpd.conf': HTTPD, '.proxylintrc.json': '{ "nginx": { "version": "1.27.3" } }\n' });
  trees.push(t);
  const dir = realpathSync(t.dir);
  assert.equal(spawnSync('mkfifo', [join(dir, 'nginx/pipe.conf')]).status, 0);
  return dir;
}
const root = hostileTree();
after(() => {
  trees.forEach((t) => t.cleanup());
  rmSync(SENTINEL, { recursive: true, force: true });
});

function assertNothingRan() {
  assert.deepEqual(readdirSync(SENTINEL), [], 'a command named in the configuration ran');
}

/** Names, types, sizes, modes, mtimes and content hashes of everything under `dir`. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      const kind = st.isFile() ? 'f' : st.isDirectory() ? 'd' : st.isFIFO() ? 'p' : st.isSymbolicLink() ? 'l' : '?';
      const hash = st.isFile() ? createHash('sha256').update(readFileSync(p)).digest('hex') : '';
      out.set(p, `${kind} ${st.size} ${st.mode} ${st.mtimeMs} ${hash}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Static

test('the core, CLI and language-server sources import no process, network or code-evaluation module', () => {
  const banned = /from ['"](node:)?(child_process|net|dns|http|https|http2|tls|dgram|cluster|worker_threads|vm|inspector)['"]|require\(['"](node:)?(child_process|net|dns|http|https|tls|dgram|vm)['"]\)|\beval\(|new Function\(/;
  const offenders: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (lstatSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && banned.test(readFileSync(p, 'utf8'))) offenders.push(p);
    }
  };
  walk(join(ROOT, 'server', 'src'));
  assert.deepEqual(offenders, []);
});

test('the CLI bundle requires only node:fs, node:path and node:v8: it cannot start a process or open a socket', () => {
  const bundle = readFileSync(join(ROOT, 'dist', 'server', 'cli.js'), 'utf8');
  const required = new Set([...bundle.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]));
  // The language server is a separate bundle, loaded only for `proxylint lsp` (its protocol library brings net and
  // child_process for other transports; the process-level tests below show they are never used).
  required.delete('./server-main.js');
  // node:v8 tunes the garbage collector for a batch run (see server/src/node/cli.ts); it reaches no process or network.
  assert.deepEqual([...required].sort(), ['node:fs', 'node:path', 'node:v8']);
});

// ---------------------------------------------------------------------------------------------------------------
// 2. In-process, with traps

/** Replaces every function that could run a program or reach the network with one that records the call and throws. */
function installTraps(): { calls: string[]; restore(): void } {
  const calls: string[] = [];
  const restores: (() => void)[] = [];
  const trap = (modName: string, mod: Record<string, unknown>, names: string[]) => {
    for (const name of names) {
      const orig = mod[name];
      if (typeof orig !== 'function') continue;
      mod[name] = (...args: unknown[]) => {
        calls.push(`${modName}.${name}(${JSON.stringify(args[0])?.slice(0, 80)})`);
        throw new Error(`safety trap: ${modName}.${name} called`);
      };
      restores.push(() => (mod[name] = orig));
    }
  };
  /* eslint-disable @typescript-eslint/no-require-imports */
  trap('child_process', require('node:child_process'), ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']);
  trap('net', require('node:net'), ['connect', 'createConnection', 'createServer']);
  trap('net.Socket', require('node:net').Socket.prototype, ['connect']);
  trap('dns', require('node:dns'), ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveSrv', 'reverse']);
  trap('dns.promises', require('node:dns').promises, ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'reverse']);
  trap('http', require('node:http'), ['request', 'get', 'createServer']);
  trap('https', require('node:https'), ['request', 'get', 'createServer']);
  trap('tls', require('node:tls'), ['connect', 'createServer']);
  trap('dgram', require('node:dgram'), ['createSocket']);
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { calls, restore: () => restores.forEach((r) => r()) };
}

test('in-process: the CLI checks the hostile tree (text, json, sarif, --fix-dry-run) without running, resolving or connecting anything', async () => {
  const { runCli } = await import('../../server/src/cli/run');
  const { createCliIo } = await import('../../server/src/node/cli-io');
  const traps = installTraps();
  const before = snapshot(root);
  try {
    for (const args of [[root], ['--format', 'json', root], ['--format', 'sarif', join(root, 'nginx/nginx.conf')], ['--fix-dry-run', root]]) {
      let out = '';
      const io = { ...createCliIo('test'), stdout: (s: string) => void (out += s), stderr: (s: string) => void (out += s) };
      const code = await runCli(args, io);
      assert.ok(code === 1 || code === 2, `${args.join(' ')}: exit ${code}\n${out.slice(0, 2000)}`);
      assert.match(out, /backend\.example\.com|evil\.example\.com|include|proxylint/);
    }
  } finally {
    traps.restore();
  }
  assert.deepEqual(traps.calls, []);
  assert.deepEqual(snapshot(root), before, 'the CLI changed the tree without --fix');
  assertNothingRan();
});

test('in-process: the language server answers every request on the hostile tree without running, resolving or connecting anything', async () => {
  const { createConnection } = await import('vscode-languageserver/node');
  const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = await import('vscode-jsonrpc/node');
  const { startServer } = await import('../../server/src/lsp/server');
  const { nodeServerEnv } = await import('../../server/src/node/server-main');
  const traps = installTraps();
  const before = snapshot(root);
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  try {
    startServer(createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient)), nodeServerEnv);
    const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const diagnostics = new Map<string, unknown[]>();
    client.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: unknown[] }) => diagnostics.set(p.uri, p.diagnostics));
    client.onRequest('workspace/configuration', () => []);
    client.onRequest('client/registerCapability', () => null);
    client.listen();
    await client.sendRequest('initialize', { processId: null, rootUri: uri(root), workspaceFolders: [{ uri: uri(root), name: 'ws' }], capabilities: {}, initializationOptions: { trusted: true } });
    await client.sendNotification('initialized', {});
    const nginx = join(root, 'nginx/nginx.conf');
    const apache = join(root, 'apache2/httpd.conf');
    for (const [p, lang] of [[nginx, 'nginx'], [apache, 'apacheconf']]) {
      await client.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(p), languageId: lang, version: 1, text: readFileSync(p, 'utf8') } });
    }
    const deadline = Date.now() + 15_000;
    while (!diagnostics.get(uri(nginx))?.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(diagnostics.get(uri(nginx))?.length, 'diagnostics were published');
    const lines = NGINX.split('\n');
    for (let line = 0; line < lines.length; line += 3) {
      const td = { textDocument: { uri: uri(nginx) }, position: { line, character: 10 } };
      await client.sendRequest('textDocument/hover', td);
      await client.sendRequest('textDocument/completion', td);
      await client.sendRequest('textDocument/definition', td);
    }
    await client.sendRequest('textDocument/documentLink', { textDocument: { uri: uri(nginx) } });
    await client.sendRequest('textDocument/documentSymbol', { textDocument: { uri: uri(nginx) } });
    await client.sendRequest('textDocument/foldingRange', { textDocument: { uri: uri(nginx) } });
    const actions = await client.sendRequest('textDocument/codeAction', { textDocument: { uri: uri(nginx) }, range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } }, context: { diagnostics: diagnostics.get(uri(nginx)) } });
    assert.ok(Array.isArray(actions));
    await client.sendNotification('textDocument/didChange', { textDocument: { uri: uri(nginx), version: 2 }, contentChanges: [{ text: NGINX.replace('8.8.8.8', '1.1.1.1') }] });
    await client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(nginx), type: 2 }] });
    await client.sendNotification('textDocument/didClose', { textDocument: { uri: uri(nginx) } });
    await client.sendRequest('shutdown');
    client.dispose();
  } finally {
    toServer.end();
    toClient.end();
    traps.restore();
  }
  assert.deepEqual(traps.calls, []);
  assert.deepEqual(snapshot(root), before, 'the language server wrote to the tree');
  assertNothingRan();
});

// ---------------------------------------------------------------------------------------------------------------
// 3. Process level

const hasStrace = spawnSync('strace', ['-V']).status === 0;

interface Traced {
  /** Files opened for reading: proves the trace saw the process at work. */
  reads: string[];
  execs: string[];
  sockets: string[];
  writes: string[];
}

/** Reads an strace -f log: programs started, sockets opened (other than AF_UNIX pairs), files opened for writing. */
function readTrace(log: string): Traced {
  const lines = readFileSync(log, 'utf8').split('\n');
  return {
    reads: lines.filter((l) => /\bopenat\(.*O_RDONLY/.test(l)),
    execs: lines.filter((l) => /\bexecve\(/.test(l) && !/= -1 /.test(l)),
    sockets: lines.filter((l) => /\b(socket|connect|sendto|bind)\(/.test(l) && !/AF_UNIX/.test(l)),
    writes: lines.filter((l) => /\bopenat\(.*O_(WRONLY|RDWR|CREAT)/.test(l) && !/"\/dev\/(null|tty|pts\/\d+)"/.test(l) && !/= -1 /.test(l)),
  };
}

test('process level: the CLI under strace starts no program, opens no socket and opens no file for writing', { skip: !hasStrace && 'strace is not installed', timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'proxylint-strace-'));
  try {
    const log = join(dir, 'cli.trace');
    const before = snapshot(root);
    const r = spawnSync('strace', ['-f', '-qq', '-s', '4096', '-o', log, '-e', 'trace=execve,socket,connect,sendto,bind,openat', process.execPath, CLI, '--format', 'json', root], { encoding: 'utf8', timeout: 50_000 });
    assert.ok(r.status === 1 || r.status === 2, r.stderr);
    const t = readTrace(log);
    assert.ok(t.reads.some((l) => l.includes('nginx/nginx.conf')), 'the trace shows the configuration being read');
    assert.equal(t.execs.length, 1, t.execs.join('\n'));
    assert.match(t.execs[0], /proxylint\.js/);
    assert.deepEqual(t.sockets, []);
    assert.deepEqual(t.writes, []);
    assert.deepEqual(snapshot(root), before);
    assertNothingRan();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('process level: `proxylint lsp --stdio` under strace, through a session with edits, starts no program, opens no network socket and writes no file', { skip: !hasStrace && 'strace is not installed', timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'proxylint-strace-'));
  const log = join(dir, 'lsp.trace');
  const before = snapshot(root);
  const c = new LspClient({ command: ['strace', '-f', '-qq', '-s', '4096', '-o', log, '-e', 'trace=execve,socket,connect,sendto,bind,openat', process.execPath, CLI, 'lsp', '--stdio'] });
  try {
    await c.initialize(root);
    const nginx = join(root, 'nginx/nginx.conf');
    await c.open(nginx, NGINX);
    const diags = await c.diagnostics(nginx, (d) => d.length > 0, 20_000);
    await c.request('textDocument/codeAction', { textDocument: { uri: uri(nginx) }, range: diags[0].range, context: { diagnostics: diags } });
    await c.request('textDocument/hover', { textDocument: { uri: uri(nginx) }, position: { line: 9, character: 40 } });
    await c.change(nginx, NGINX + '\n# edited\n');
    await c.diagnostics(nginx, (d) => d.length > 0, 20_000);
  } finally {
    await c.stop();
  }
  try {
    // strace writes the log as the traced process exits.
    const deadline = Date.now() + 10_000;
    while (!existsSync(log) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    const t = readTrace(log);
    assert.ok(t.reads.some((l) => l.includes('nginx/pipe.conf') || l.includes('nginx/nginx.conf') || l.includes('.proxylintrc.json')), 'the trace shows the server reading the tree');
    assert.equal(t.execs.length, 1, t.execs.join('\n'));
    assert.deepEqual(t.sockets, []);
    assert.deepEqual(t.writes, []);
    assert.deepEqual(snapshot(root), before, 'an LSP session without an applied edit changed the tree');
    assertNothingRan();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('process level: the CLI gives the same output with no network at all (unshare -n)', { timeout: 60_000 }, (t) => {
  if (spawnSync('unshare', ['-n', 'true']).status !== 0) return t.skip('cannot create a network namespace here');
  const normal = runCliProcess(['--format', 'json', root]);
  const r = spawnSync('unshare', ['-n', process.execPath, CLI, '--format', 'json', root], { encoding: 'utf8', timeout: 50_000 });
  assert.equal(r.status, normal.code);
  assert.equal(r.stdout, normal.stdout);
  assert.ok(normal.stdout.length > 100);
});

test('--fix writes only the files it fixes, and only there', { timeout: 60_000 }, () => {
  const t = tempTree({ 'nginx.conf': 'events {}\nhttp { server { location / { proxy_pass 10.0.0.1:8080; } } }\n', 'other.conf': 'proxy_read_timeout 30s;\n', 'README': 'not a config\n' });
  trees.push(t);
  const before = snapshot(t.dir);
  const r = runCliProcess(['--fix', t.dir]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const after = snapshot(t.dir);
  const changed = [...after.keys()].filter((k) => after.get(k) !== before.get(k));
  assert.deepEqual(changed, [join(t.dir, 'nginx.conf')]);
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), 'no file was added or removed (the temporary file is renamed over the original)');
});

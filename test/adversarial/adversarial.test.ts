/**
 * Hostile inputs, each with an explicit expectation and a bound on time and memory, through the real CLI bundle:
 * every run is a child process killed past its time limit, and its peak RSS is measured. Each test prints one
 * "adversarial | input | outcome | time | memory" line (the README's Limits section quotes them).
 *
 * The bounds are generous on purpose (CI shares two cores with other jobs); the point is that each input ends with
 * a clear diagnostic or limit message instead of a hang, a crash or unbounded memory.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempTree } from '../helpers';
import { report, runMeasured } from './run';

const trees: { cleanup(): void }[] = [];
after(() => trees.forEach((t) => t.cleanup()));
function tree(files: Record<string, string | Buffer>) {
  const t = tempTree(files);
  trees.push(t);
  return t.dir;
}

interface JsonOut {
  summary: { errors: number; warnings: number; infos: number; files: number };
  files: { path: string; findings: { ruleId: string; message: string; line: number }[] }[];
  skipped: { path: string; reason: string }[];
}
const json = (s: string): JsonOut => JSON.parse(s);
const all = (o: JsonOut) => o.files.flatMap((f) => f.findings.map((x) => ({ ...x, path: f.path })));

const SERVER = (i: number) =>
  `  server {\n    listen 80;\n    server_name s${i}.example.com;\n    location / {\n      proxy_pass http://app;\n      proxy_read_timeout 30s;\n      proxy_set_header Host $host;\n    }\n    location /api/ {\n      proxy_pass http://10.0.1.${i % 250}:8080;\n      proxy_connect_timeout 5s;\n    }\n  }\n`;

/** An nginx.conf of about `bytes` bytes: one http block with as many server blocks as fit. */
function bigConfig(bytes: number): string {
  const parts = ['events {}\nhttp {\n  upstream app { server 10.0.0.1:8080; server 10.0.0.2:8080; keepalive 16; }\n'];
  let len = parts[0].length;
  for (let i = 0; len < bytes; i++) {
    const s = SERVER(i);
    parts.push(s);
    len += s.length;
  }
  parts.push('}\n');
  return parts.join('');
}

test('a 20 MB file: linted in full, each rule capped at 1,000 findings with an analysis-limit note', { timeout: 200_000 }, () => {
  const dir = tree({ 'nginx.conf': bigConfig(20 * 1024 * 1024) });
  const r = runMeasured(['--format', 'json', join(dir, 'nginx.conf')], { timeoutMs: 180_000 });
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code} ${r.signal}: ${r.stderr.slice(0, 2000)}`);
  const out = json(r.stdout);
  const limits = all(out).filter((f) => f.ruleId === 'analysis-limit');
  assert.ok(limits.length > 0 && limits.every((f) => /only the first 1000 are reported/.test(f.message)), JSON.stringify(limits.slice(0, 3)));
  const perRule = new Map<string, number>();
  for (const f of all(out)) perRule.set(f.ruleId, (perRule.get(f.ruleId) ?? 0) + 1);
  for (const [id, n] of perRule) if (id !== 'analysis-limit') assert.ok(n <= 1000, `${id}: ${n}`);
  assert.ok(r.ms < 120_000, `${r.ms} ms`);
  assert.ok(r.peakRssMiB < 2048, `${r.peakRssMiB} MiB`);
  report('20 MB nginx.conf (74k server blocks, 1 file)', r, `exit ${r.code}, ${out.summary.infos + out.summary.warnings + out.summary.errors} findings, ${limits.length} analysis-limit notes`);
});

test('a 20 MB file over --max-file-size: skipped at once with a message naming the limit', { timeout: 60_000 }, () => {
  const dir = tree({ 'nginx.conf': 'events {}\nhttp {\n' + '  # filler\n'.repeat(2_000_000) + '}\n' });
  const r = runMeasured(['--max-file-size', String(8 * 1024 * 1024), join(dir, 'nginx.conf')], { timeoutMs: 30_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /is \d+ bytes, over the 8388608-byte limit \(see --max-file-size\)/);
  assert.ok(r.ms < 10_000);
  report('22 MB file with --max-file-size 8 MiB', r, 'exit 2, "over the 8388608-byte limit"');
});

test('a single 5 MB line (220,000 directives without a line break) and a single 5 MB argument', { timeout: 120_000 }, () => {
  const line = 'events {} http { server { location / { ' + 'proxy_read_timeout 30s; '.repeat(220_000) + '} } }\n';
  const arg = `events {}\nhttp {\n  server {\n    server_name ${'a'.repeat(5 * 1024 * 1024)};\n    location / { proxy_pass http://10.0.0.1:80; }\n  }\n}\n`;
  const dir = tree({ 'line/nginx.conf': line, 'arg/nginx.conf': arg });
  for (const [name, p] of [['line', 'line/nginx.conf'], ['argument', 'arg/nginx.conf']]) {
    const r = runMeasured(['--format', 'json', join(dir, p)], { timeoutMs: 90_000 });
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code} ${r.signal}: ${r.stderr.slice(0, 2000)}`);
    const out = json(r.stdout);
    assert.ok(r.ms < 60_000 && r.peakRssMiB < 1024, `${r.ms} ms, ${r.peakRssMiB} MiB`);
    report(`5 MB single ${name}`, r, `exit ${r.code}, ${out.summary.errors} errors, ${out.summary.warnings} warnings, ${out.summary.infos} infos`);
  }
});

test('10,000 nested blocks: checked to depth 200, the rest reported as not checked', { timeout: 60_000 }, () => {
  const text = 'events {}\nhttp { server { ' + 'location / { '.repeat(10_000) + 'proxy_pass http://10.0.0.1:80; ' + '} '.repeat(10_000) + '} }\n';
  const dir = tree({ 'nginx.conf': text });
  const r = runMeasured(['--format', 'json', '--fail-on', 'error', join(dir, 'nginx.conf')], { timeoutMs: 30_000 });
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code} ${r.signal}: ${r.stderr.slice(0, 2000)}`);
  const limit = all(json(r.stdout)).find((f) => f.ruleId === 'analysis-limit');
  assert.ok(limit && /deeper than 200 levels/.test(limit.message), r.stdout.slice(0, 2000));
  assert.ok(r.ms < 20_000 && r.peakRssMiB < 512, `${r.ms} ms, ${r.peakRssMiB} MiB`);
  report('10,000 nested location blocks', r, `exit ${r.code}, analysis-limit "${limit.message.slice(0, 60)}…"`);
});

test('a 2 MB run of spaces inside a line a quick fix copies (found by the fuzz campaign: 54,500 spaces took 5 s)', { timeout: 90_000 }, () => {
  // websocket-headers-missing's fix copies the server's proxy_set_header lines into the location, joined onto one
  // line each; the regex that joined them retried from every space of a run with no line break.
  const dir = tree({ 'nginx.conf': `events {}\nhttp {\n  server {\n    listen 80;\n    proxy_set_header X-Pad${' '.repeat(2_000_000)}v;\n    location /ws/ {\n      proxy_pass http://127.0.0.1:18491;\n    }\n  }\n}\n` });
  const r = runMeasured(['--format', 'json', join(dir, 'nginx.conf')], { timeoutMs: 60_000 });
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code} ${r.signal}: ${r.stderr.slice(0, 2000)}`);
  assert.ok(all(json(r.stdout)).some((f) => f.ruleId === 'websocket-headers-missing'), 'the fix that copies the line was built');
  assert.ok(r.ms < 30_000 && r.peakRssMiB < 1024, `${r.ms} ms, ${r.peakRssMiB} MiB`);
  report('2 MB of spaces inside a line a fix copies', r, `exit ${r.code}`);
});

test('one long line of 200,000 bad arguments, and one of 100,000 misplaced directives (found by the fuzz campaign: 43,000 words took 15 s)', { timeout: 150_000 }, () => {
  // Each bad word and each misplaced directive asked whether its line holds template markup, and each question read
  // the whole line again: quadratic in the line's length.
  const dir = tree({
    'args.conf': `events {}\nhttp {\n  server {\n    error_page ${'abc '.repeat(200_000)}/50x.html;\n  }\n}\n`,
    'misplaced.conf': `events {}\nhttp { ${'keepalive 5; '.repeat(100_000)}}\n`,
  });
  for (const [file, rule] of [['args.conf', 'invalid-argument-value'], ['misplaced.conf', 'directive-not-allowed-here']] as const) {
    const r = runMeasured(['--format', 'json', join(dir, file)], { timeoutMs: 60_000 });
    assert.ok(r.code === 1, `exit ${r.code} ${r.signal}: ${r.stderr.slice(0, 2000)}`);
    assert.ok(all(json(r.stdout)).some((f) => f.ruleId === rule), `${file}: ${rule} reported`);
    assert.ok(r.ms < 30_000 && r.peakRssMiB < 1024, `${file}: ${r.ms} ms, ${r.peakRssMiB} MiB`);
    report(`one line: ${file}`, r, `exit ${r.code}`);
  }
});

test('100,000 directives in one block', { timeout: 120_000 }, () => {
  const body = Array.from({ length: 100_000 }, (_, i) => `      proxy_set_header X-H${i} v${i};\n`).join('');
  const dir = tree({ 'nginx.conf': `events {}\nhttp {\n  server {\n    location / {\n      proxy_pass http://10.0.0.1:80;\n${body}    }\n  }\n}\n` });
  const r = runMeasured(['--format', 'json', join(dir, 'nginx.conf')], { timeoutMs: 90_000 });
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code} ${r.signal}: ${r.stderr.slice(0, 2000)}`);
  assert.ok(r.ms < 60_000 && r.peakRssMiB < 1024, `${r.ms} ms, ${r.peakRssMiB} MiB`);
  report('100,000 directives in one location block', r, `exit ${r.code}, ${all(json(r.stdout)).length} findings`);
});

test('20,000 ProxyPass lines in one Apache server (worker sharing and shadowing are not checked pair by pair)', { timeout: 120_000 }, () => {
  const head = ['mpm_event', 'authz_core', 'proxy', 'proxy_http'].map((m) => `LoadModule ${m}_module modules/mod_${m}.so\n`).join('');
  // Half to one backend (each line's URL is then looked up among thousands of that host's workers), half to many.
  const body = Array.from({ length: 20_000 }, (_, i) => `ProxyPass "/r${i}/" "http://${i % 2 ? '10.0.0.1' : `10.0.${i >> 8}.${i & 255}`}:8080/a${i}/" timeout=5\n`).join('');
  const dir = tree({ 'httpd.conf': head + body });
  const r = runMeasured(['--format', 'json', join(dir, 'httpd.conf')], { timeoutMs: 90_000 });
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code} ${r.signal}: ${r.stderr.slice(0, 2000)}`);
  // Both checks compared every pair of lines: 20 s for proxypass-shadowed alone, 51–59 s with worker sharing; 1.4 s now.
  assert.ok(r.ms < 30_000 && r.peakRssMiB < 1024, `${r.ms} ms, ${r.peakRssMiB} MiB`);
  report('20,000 ProxyPass lines in one Apache server', r, `exit ${r.code}, ${all(json(r.stdout)).length} findings`);
});

test('an include glob matching 5,000 files', { timeout: 120_000 }, () => {
  const files: Record<string, string> = { 'nginx.conf': 'events {}\nhttp {\n  upstream app { server 10.0.0.1:8080; server 10.0.0.2:8080; }\n  include conf.d/*.conf;\n}\n' };
  for (let i = 0; i < 5000; i++) files[`conf.d/site-${String(i).padStart(4, '0')}.conf`] = SERVER(i);
  const dir = tree(files);
  const r = runMeasured(['--format', 'json', join(dir, 'nginx.conf')], { timeoutMs: 90_000 });
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code} ${r.signal}: ${r.stderr.slice(0, 2000)}`);
  const out = json(r.stdout);
  assert.equal(out.summary.files, 5001);
  assert.ok(r.ms < 60_000 && r.peakRssMiB < 1024, `${r.ms} ms, ${r.peakRssMiB} MiB`);
  report('include conf.d/*.conf matching 5,000 files', r, `exit ${r.code}, ${out.summary.files} files checked`);
});

test('include cycles, an include fan-out bomb and symlink loops end with clear findings', { timeout: 120_000 }, () => {
  const dir = tree({
    'cycle/nginx.conf': 'events {}\nhttp { include a.conf; }\n',
    'cycle/a.conf': 'include b.conf;\n',
    'cycle/b.conf': 'include a.conf;\nproxy_read_timeout 30s;\n',
    // Each level includes the next ten times: 10^8 copies of the last file if every include were followed.
    ...Object.fromEntries(Array.from({ length: 8 }, (_, k) => [`bomb/l${k}.conf`, `include l${k + 1}.conf;\n`.repeat(10)])),
    'bomb/l8.conf': 'proxy_read_timeout 30s;\nproxy_connect_timeout 5s;\n',
    'bomb/nginx.conf': 'events {}\nhttp { server { location / { proxy_pass http://10.0.0.1:80; include l0.conf; } } }\n',
    'links/nginx.conf': 'events {}\nhttp { include loop/loop/loop/loop/*.conf; include self.conf; include dir/*.conf; }\n',
    'links/x.conf': 'proxy_read_timeout 30s;\n',
  });
  symlinkSync('.', join(dir, 'links/loop'));
  symlinkSync('self.conf', join(dir, 'links/self.conf'));
  mkdirSync(join(dir, 'links/dir'));
  symlinkSync('..', join(dir, 'links/dir/up'));
  symlinkSync('../nginx.conf', join(dir, 'links/dir/back.conf'));

  const cycle = runMeasured(['--format', 'json', join(dir, 'cycle/nginx.conf')], { timeoutMs: 30_000 });
  assert.ok(all(json(cycle.stdout)).some((f) => f.ruleId === 'include-cycle'), cycle.stdout);
  report('include cycle a.conf → b.conf → a.conf', cycle, 'include-cycle');

  const bomb = runMeasured(['--format', 'json', '--max-directives', '200000', join(dir, 'bomb/nginx.conf')], { timeoutMs: 60_000 });
  const limit = all(json(bomb.stdout)).find((f) => f.ruleId === 'include-unreadable' && /over the limit of 200000/.test(f.message));
  assert.ok(limit, bomb.stdout.slice(0, 3000));
  assert.ok(bomb.ms < 30_000 && bomb.peakRssMiB < 1024, `${bomb.ms} ms, ${bomb.peakRssMiB} MiB`);
  report('include fan-out 10^8 (10 includes per level, 9 levels), --max-directives 200000', bomb, 'include-unreadable "over the limit of 200000"');

  const links = runMeasured(['--format', 'json', join(dir, 'links/nginx.conf')], { timeoutMs: 30_000 });
  const found = all(json(links.stdout));
  assert.ok(found.some((f) => f.ruleId === 'include-unreadable' && /ELOOP/.test(f.message)), links.stdout.slice(0, 3000));
  assert.ok(found.some((f) => f.ruleId === 'include-cycle'), 'dir/back.conf links back to nginx.conf');
  assert.ok(links.ms < 20_000);
  report('symlink loops (dir → ., file → itself, link back to nginx.conf)', links, 'include-unreadable ELOOP + include-cycle');
});

test('unreadable files and folders (as an unprivileged user)', { timeout: 60_000 }, (t) => {
  const dir = tree({ 'nginx.conf': 'events {}\nhttp { include secret.conf; include locked/*.conf; }\n', 'secret.conf': 'proxy_read_timeout 30s;\n', 'locked/a.conf': 'proxy_read_timeout 30s;\n' });
  chmodSync(join(dir, 'secret.conf'), 0o000);
  chmodSync(join(dir, 'locked'), 0o000);
  // root reads everything: run the CLI as "nobody" when we can switch users, else this test cannot show anything.
  const canDrop = process.getuid?.() === 0 && spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', '0']).status === 0;
  if (process.getuid?.() === 0 && !canDrop) return t.skip('running as root without setpriv: permissions do not apply');
  chmodSync(dir, statSync(dir).mode | 0o005);
  chmodSync(join(dir, 'nginx.conf'), 0o644);
  const prefix = canDrop ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  const r = runMeasured(['--format', 'json', join(dir, 'nginx.conf')], { timeoutMs: 30_000, prefix, cwd: '/' });
  assert.ok(r.code === 1, `exit ${r.code}: ${r.stderr}`);
  const found = all(json(r.stdout));
  assert.ok(found.some((f) => f.ruleId === 'include-unreadable' && /EACCES/.test(f.message) && /secret\.conf/.test(f.message)), r.stdout);
  // The code once: Node's message starts with it already ("EACCES: EACCES: permission denied" before).
  assert.ok(!found.some((f) => /EACCES: EACCES/.test(f.message)), r.stdout);
  assert.ok(found.some((f) => f.ruleId === 'include-unreadable' && /cannot list/.test(f.message)), r.stdout);
  report('unreadable file and folder (mode 000, as nobody)', r, 'include-unreadable EACCES, "cannot list"');
});

test('binary files, NUL bytes, /dev/zero, /dev/urandom and a named pipe are refused, never read forever', { timeout: 60_000 }, () => {
  const dir = tree({
    'nginx.conf': 'events {}\nhttp { include bin.conf; include /dev/zero; include /dev/urandom; include fifo.conf; include ok.conf; }\n',
    'bin.conf': Buffer.concat([Buffer.from('\x7fELF'), Buffer.alloc(5000, 0)]),
    'ok.conf': 'proxy_read_timeout 30s;\n',
  });
  assert.equal(spawnSync('mkfifo', [join(dir, 'fifo.conf')]).status, 0, 'mkfifo');
  const r = runMeasured(['--format', 'json', join(dir, 'nginx.conf')], { timeoutMs: 20_000 });
  assert.equal(r.signal, null, 'not killed by the time limit');
  const found = all(json(r.stdout)).filter((f) => f.ruleId === 'include-unreadable');
  assert.ok(found.some((f) => /bin\.conf.*binary file/.test(f.message)), JSON.stringify(found));
  assert.ok(found.some((f) => /\/dev\/zero.*not a regular file \(a device\)/.test(f.message)), JSON.stringify(found));
  assert.ok(found.some((f) => /fifo\.conf.*a named pipe/.test(f.message)), JSON.stringify(found));
  assert.ok(r.ms < 10_000);
  const direct = runMeasured([join(dir, 'bin.conf')], { timeoutMs: 20_000 });
  assert.equal(direct.code, 2);
  assert.match(direct.stderr, /bin\.conf: is a binary file/);
  report('binary include, /dev/zero, /dev/urandom, FIFO', r, 'include-unreadable for each ("binary file", "a device", "a named pipe")');
});

test('Latin-1 and UTF-16 (LE and BE, with BOM) files are linted with the right positions and fixed byte for byte', { timeout: 60_000 }, () => {
  const body = '# caf\u00e9 \u2014 r\u00e9glages\nevents {}\nhttp {\n    server {\n        location / {\n            proxy_pass 10.0.0.1:8080;\n        }\n    }\n}\n';
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]);
  const be = Buffer.from(le);
  be.swap16();
  const dir = tree({ 'latin1/nginx.conf': Buffer.from(body.replace('\u2014', '-'), 'latin1'), 'le/nginx.conf': le, 'be/nginx.conf': be, 'nobom/nginx.conf': Buffer.from(body, 'utf16le') });
  for (const enc of ['latin1', 'le', 'be']) {
    const p = join(dir, enc, 'nginx.conf');
    const r = runMeasured(['--format', 'json', p], { timeoutMs: 20_000 });
    const f = all(json(r.stdout)).find((x) => x.ruleId === 'pass-scheme-mismatch');
    assert.ok(f && f.line === 6, `${enc}: ${r.stdout.slice(0, 1000)}`);
    const fixed = runMeasured(['--fix', p], { timeoutMs: 20_000 });
    assert.ok(fixed.code === 0 || fixed.code === 1, fixed.stderr);
    const bytes = readFileSync(p);
    const expected = enc === 'latin1' ? Buffer.from(body.replace('\u2014', '-').replace('proxy_pass 10', 'proxy_pass http://10'), 'latin1') : enc === 'le' ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body.replace('proxy_pass 10', 'proxy_pass http://10'), 'utf16le')]) : (() => { const b = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body.replace('proxy_pass 10', 'proxy_pass http://10'), 'utf16le')]); b.swap16(); return b; })();
    assert.ok(bytes.equals(expected), `${enc}: --fix did not keep the encoding`);
    report(`${enc === 'latin1' ? 'Latin-1' : enc === 'le' ? 'UTF-16LE' : 'UTF-16BE'} nginx.conf`, r, `pass-scheme-mismatch on line 6; --fix keeps the encoding`);
  }
  const nobom = runMeasured([join(dir, 'nobom/nginx.conf')], { timeoutMs: 20_000 });
  assert.equal(nobom.code, 2);
  assert.match(nobom.stderr, /binary file/);
  report('UTF-16 without BOM', nobom, 'exit 2, "is a binary file (it contains NUL bytes)"');
});

test('a file that changes while being read: every run ends with a result, none crashes', { timeout: 120_000 }, async () => {
  const dir = tree({ 'nginx.conf': 'events {}\nhttp {\n  include site.conf;\n}\n', 'site.conf': SERVER(0) });
  const big = Array.from({ length: 3000 }, (_, i) => SERVER(i)).join('');
  writeFileSync(join(dir, 'big.txt'), big);
  // Another process rewrites, truncates and appends to the included file as fast as it can.
  const writer = spawn('sh', ['-c', `cd "${dir}" && while :; do cp big.txt site.conf; : > site.conf; head -c 70000 big.txt > site.conf; cat big.txt >> site.conf; done`], { stdio: 'ignore' });
  try {
    const codes: (number | null)[] = [];
    const started = Date.now();
    for (let k = 0; k < 15; k++) {
      const r = runMeasured(['--format', 'json', join(dir, 'nginx.conf')], { timeoutMs: 30_000 });
      codes.push(r.code);
      assert.ok(r.code === 0 || r.code === 1, `run ${k}: exit ${r.code} ${r.signal}: ${r.stderr.slice(0, 2000)}`);
      json(r.stdout);
    }
    console.log(`adversarial | included file rewritten, truncated and appended to during 15 runs | exit codes ${[...new Set(codes)].join('/')} | ${((Date.now() - started) / 15000).toFixed(2)} s per run | -`);
  } finally {
    writer.kill('SIGKILL');
    await new Promise((r) => writer.once('exit', r));
  }
});

test('stdin of 20 MB with no line break at all', { timeout: 120_000 }, () => {
  const r = runMeasured(['--stdin', '--format', 'json'], { input: 'x'.repeat(20 * 1024 * 1024), timeoutMs: 90_000 });
  assert.ok(r.code === 1, `exit ${r.code}: ${r.stderr.slice(0, 500)}`);
  assert.ok(all(json(r.stdout)).some((f) => f.ruleId === 'syntax-error'));
  assert.ok(r.ms < 60_000 && r.peakRssMiB < 1024, `${r.ms} ms, ${r.peakRssMiB} MiB`);
  report('20 MB on stdin, one word, no line break', r, 'syntax-error (unexpected end of file)');
});

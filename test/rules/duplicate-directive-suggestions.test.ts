// duplicate-directive reports a second line of a directive nginx takes once per level. The list behind it is a
// claim about nginx, so it is checked here against the real `nginx -t` (1.22.1): for every entry, one line passes
// and two lines with different values fail with `"<name>" directive is duplicate`. Then bad.conf with every
// suggestion applied (in whichever file it edits) must fail only on the duplicate that has none: the one whose
// both lines sit in snippets included from several places.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { applyEdits } from '../../server/src/core/fix';
import type { TextEdit } from '../../server/src/core/finding';
import { lintNginx } from '../../server/src/core/lint';
import { nginxDirective } from '../../server/src/core/model/nginx-directives';
import { SINGLE_VALUE_DIRECTIVES } from '../../server/src/core/rules/nginx/duplicate-directive';
import { createNodeHost } from '../../server/src/node/node-host';
import { nginxTest, requireBinary, tempTree } from '../helpers';
import { fixtureDir, fixtureSettings } from './rule-harness';

/** Two different valid values per directive. */
const OVERRIDE: Record<string, [string, string]> = {
  proxy_pass: ['http://127.0.0.1:18491', 'http://127.0.0.1:18492'], grpc_pass: ['grpc://127.0.0.1:18491', 'grpc://127.0.0.1:18492'],
  fastcgi_pass: ['127.0.0.1:18491', '127.0.0.1:18492'], uwsgi_pass: ['127.0.0.1:18491', '127.0.0.1:18492'], scgi_pass: ['127.0.0.1:18491', '127.0.0.1:18492'], memcached_pass: ['127.0.0.1:18491', '127.0.0.1:18492'],
  proxy_http_version: ['1.1', '1.0'], proxy_method: ['GET', 'POST'], proxy_set_body: ['a', 'b'], proxy_bind: ['127.0.0.1', 'off'], fastcgi_bind: ['127.0.0.1', 'off'], uwsgi_bind: ['127.0.0.1', 'off'], scgi_bind: ['127.0.0.1', 'off'], grpc_bind: ['127.0.0.1', 'off'], memcached_bind: ['127.0.0.1', 'off'],
  proxy_cache: ['off', 'off'], fastcgi_cache: ['off', 'off'], uwsgi_cache: ['off', 'off'], scgi_cache: ['off', 'off'],
  proxy_cache_key: ['$uri', '$host$uri'], fastcgi_cache_key: ['$uri', '$host$uri'], uwsgi_cache_key: ['$uri', '$host$uri'], scgi_cache_key: ['$uri', '$host$uri'],
  proxy_store: ['on', 'off'], fastcgi_store: ['on', 'off'], uwsgi_store: ['on', 'off'], scgi_store: ['on', 'off'],
  proxy_store_access: ['user:rw', 'user:rw group:r'], fastcgi_store_access: ['user:rw', 'user:rw group:r'], uwsgi_store_access: ['user:rw', 'user:rw group:r'], scgi_store_access: ['user:rw', 'user:rw group:r'],
  proxy_temp_path: ['/tmp/a', '/tmp/b'], fastcgi_temp_path: ['/tmp/a', '/tmp/b'], uwsgi_temp_path: ['/tmp/a', '/tmp/b'], scgi_temp_path: ['/tmp/a', '/tmp/b'], client_body_temp_path: ['/tmp/a', '/tmp/b'],
  proxy_buffers: ['8 4k', '16 4k'], fastcgi_buffers: ['8 4k', '16 4k'], uwsgi_buffers: ['8 4k', '16 4k'], scgi_buffers: ['8 4k', '16 4k'], large_client_header_buffers: ['4 8k', '8 8k'],
  fastcgi_index: ['index.php', 'a.php'], uwsgi_modifier1: ['0', '1'], uwsgi_modifier2: ['0', '1'], memcached_gzip_flag: ['1', '2'],
  resolver: ['127.0.0.1', '127.0.0.2'], try_files: ['$uri =404', '$uri /x'], root: ['html', 'www'], alias: ['/tmp/', '/var/'], default_type: ['text/plain', 'text/html'],
  ssl_ciphers: ['HIGH', 'DEFAULT'], proxy_ssl_ciphers: ['HIGH', 'DEFAULT'], uwsgi_ssl_ciphers: ['HIGH', 'DEFAULT'], grpc_ssl_ciphers: ['HIGH', 'DEFAULT'],
  proxy_ssl_name: ['a', 'b'], uwsgi_ssl_name: ['a', 'b'], grpc_ssl_name: ['a', 'b'],
  ssl_ecdh_curve: ['auto', 'prime256v1'], ssl_verify_client: ['off', 'optional'], ssl_session_timeout: ['5m', '10m'], ssl_buffer_size: ['16k', '4k'],
  client_body_in_file_only: ['off', 'clean'], lingering_close: ['on', 'off'], server_tokens: ['on', 'off'], proxy_next_upstream: ['on', 'off'], ssl_alpn: ['a', 'b'], return: ['200', '204'],
  keepalive: ['8', '16'], keepalive_timeout: ['30s', '60s'],
};
const FILES = ['proxy_ssl_certificate', 'proxy_ssl_certificate_key', 'proxy_ssl_crl', 'proxy_ssl_trusted_certificate', 'proxy_ssl_password_file', 'uwsgi_ssl_certificate', 'uwsgi_ssl_certificate_key', 'uwsgi_ssl_crl', 'uwsgi_ssl_trusted_certificate', 'uwsgi_ssl_password_file', 'grpc_ssl_certificate', 'grpc_ssl_certificate_key', 'grpc_ssl_crl', 'grpc_ssl_trusted_certificate', 'grpc_ssl_password_file', 'ssl_dhparam', 'ssl_trusted_certificate', 'ssl_client_certificate'];
function sampleValues(kind: string, name: string, dir: string): [string, string] {
  if (kind === 'stream' && name === 'proxy_pass') return ['127.0.0.1:18491', '127.0.0.1:18492'];
  if (OVERRIDE[name]) return OVERRIDE[name];
  if (FILES.includes(name)) return [`${dir}/pw`, `${dir}/pw2`];
  const info = nginxDirective(name);
  const values = info?.values ?? [];
  if (values.includes('on') && values.includes('off')) return ['on', 'off'];
  const def = Object.values(info?.defaults ?? {})[0]?.replace(/\|[^ ]*/g, '') ?? '';
  if (/^\d+(ms|s|m|h)$/.test(def)) return [def, '7s'];
  if (/^\d+[kKmM]?$/.test(def)) return [def, /[kKmM]$/.test(def) ? '16k' : String(Number(def) + 1)];
  if (def === 'on' || def === 'off') return ['on', 'off'];
  return [def || '1', def || '2'];
}

function conf(kind: string, name: string, body: string): string {
  if (kind === 'stream') {
    const pass = name === 'proxy_pass' || name === 'return' ? '' : 'proxy_pass su;';
    return `load_module /usr/lib/nginx/modules/ngx_stream_module.so;\nevents {}\nstream {\n upstream su { server 127.0.0.1:1; }\n server { listen 127.0.0.1:18495; ${body} ${pass} }\n}\n`;
  }
  if (kind === 'upstream') return `events {}\nhttp { upstream u { server 127.0.0.1:1; ${body} } server { listen 127.0.0.1:18490; location / { proxy_pass http://u; } } }\n`;
  const ctxs = nginxDirective(name)?.contexts ?? [];
  const at = ctxs.includes('location') ? 'location' : ctxs.includes('server') ? 'server' : 'http';
  const pre = name === 'memcached_pass' ? 'set $memcached_key $uri; ' : '';
  return `events {}\nhttp { ${at === 'http' ? body : ''} server { listen 127.0.0.1:18490; ${at === 'server' ? body : ''} location / { ${pre}${at === 'location' ? body : ''} } } }\n`;
}

const netns = spawnSync('unshare', ['-n', 'true']).status === 0 ? ['unshare', '-n'] : [];

/** `nginx -t` on one config in its own prefix; resolves with the first [emerg] line (without " in file:line"), or "" when it passes. */
function configTest(dir: string, text: string): Promise<string> {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  writeFileSync(join(dir, 't.conf'), text);
  const cmd = [...netns, 'nginx', '-t', '-q', '-p', dir + '/', '-e', join(dir, 'logs', 'e.log'), '-c', join(dir, 't.conf')];
  return new Promise((done) =>
    execFile(cmd[0], cmd.slice(1), { encoding: 'utf8', timeout: 30_000 }, (err, _out, stderr) => {
      done(err ? (stderr.split('\n').find((l) => l.includes('[emerg]')) ?? stderr).replace(/ in \/\S+$/, '') : '');
    }),
  );
}

test('every directive on the list: one line passes the real nginx -t, two lines at one level fail with "directive is duplicate"', async () => {
  requireBinary('nginx');
  const tree = tempTree({ 'pw': 'x\n', 'pw2': 'x\n' });
  try {
    const jobs = Object.entries(SINGLE_VALUE_DIRECTIVES).flatMap(([kind, names]) => names.map((name) => ({ kind, name })));
    assert.ok(jobs.length > 250, 'the list covers the proxy, upstream, core and stream directives');
    const failures: string[] = [];
    let next = 0;
    const worker = async (w: number) => {
      const dir = join(tree.dir, `w${w}`);
      for (let k = next++; k < jobs.length; k = next++) {
        const { kind, name } = jobs[k];
        const [a, b] = sampleValues(kind, name, tree.dir);
        const one = await configTest(dir, conf(kind, name, `${name} ${a};`));
        const two = await configTest(dir, conf(kind, name, `${name} ${a};\n ${name} ${b};`));
        const want = `nginx: [emerg] "${name}" directive is duplicate`;
        if (one !== '' || two !== want) failures.push(`${kind} ${name} [${a}] [${b}]: one line → ${one || 'ok'}; two lines → ${two || 'ok'}`);
      }
    };
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(worker));
    assert.deepEqual(failures, []);
  } finally {
    tree.cleanup();
  }
});

test('duplicate-directive: bad.conf with every suggestion applied fails only on the duplicate that has none (both lines in shared snippets)', () => {
  const src = fixtureDir({ server: 'nginx', id: 'duplicate-directive' } as never);
  const tree = tempTree({});
  try {
    cpSync(src, tree.dir, { recursive: true });
    const entry = join(tree.dir, 'bad.conf');
    const lint = () => {
      const text = readFileSync(entry, 'utf8');
      return lintNginx(entry, text, createNodeHost(), { settings: fixtureSettings(text) }).findings.filter((f) => f.ruleId === 'duplicate-directive');
    };
    const before = lint();
    assert.equal(before.filter((f) => f.fix).length, 0, 'no safe fix: which line is right is the user\'s decision');
    const byFile = new Map<string, TextEdit[]>();
    for (const f of before) for (const e of f.suggestions[0]?.edits ?? []) byFile.set(e.path, [...(byFile.get(e.path) ?? []), e]);
    for (const [p, edits] of byFile) {
      const r = applyEdits(readFileSync(p, 'utf8'), edits);
      assert.deepEqual(r.skipped, []);
      writeFileSync(p, r.text);
    }
    const left = lint();
    assert.deepEqual(left.map((f) => [relative(tree.dir, f.path), f.suggestions.length]), [['snippets/websocket.conf', 0]]);
    const t = nginxTest(tree.dir, entry);
    assert.ok(!t.ok);
    assert.match(t.output, /"proxy_http_version" directive is duplicate in \S*snippets\/websocket\.conf:1/);
  } finally {
    tree.cleanup();
  }
});

// The version table (model/nginx-directive-versions.ts) against the real nginx 1.22.1 here: every entry the table says
// is newer than 1.22.1 must be refused by `nginx -t` (unknown directive, or "not allowed here" for a name 1.22.1 has
// elsewhere), and every entry it says 1.22.1 has must be accepted where the entry puts it. directive-not-in-target-version
// must report exactly the refused ones with the target set to 1.22.1. A version copied wrong on either side of 1.22.1
// fails here.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIRECTIVE_VERSIONS, PARAMETER_VERSIONS, missingInVersion, parameterMissingInVersion, type DirectiveVersion, type ParameterVersion, type VersionScope } from '../../server/src/core/model/nginx-directive-versions';
import { nginxDirective } from '../../server/src/core/model/nginx-directives';
import { parseVersion } from '../../server/src/core/model/version';
import { lintText, requireBinary } from '../helpers';
import { STREAM_MODULE, nginxTRunner, pool } from './harness/nginx-t';

const TARGET = parseVersion('1.22.1');
const ID = 'directive-not-in-target-version';
const PLUS_ID = 'plus-only-directive';
/** *_ssl_password_file is read while the configuration is (the certificates only for TLS targets): one real file. */
const PASSWORDS = mkdtempSync(join(tmpdir(), 'proxylint-versions-pw-'));
writeFileSync(join(PASSWORDS, 'passwords'), 'secret\n');

/** Arguments nginx accepts for each entry, outside any TLS target (certificate files are then not opened). */
function argsFor(name: string): string {
  const info = nginxDirective(name);
  const special: Record<string, string> = {
    proxy_http_version: '1.1',
    proxy_cache_max_range_offset: '1000',
    proxy_limit_rate: '0',
    proxy_cookie_flags: 'one httponly',
    grpc_bind: 'off',
    grpc_buffer_size: '4k',
    grpc_hide_header: 'X-A',
    grpc_pass_header: 'X-A',
    grpc_ignore_headers: 'X-Accel-Redirect',
    grpc_next_upstream: 'error',
    grpc_pass: 'grpc://127.0.0.1:9',
    grpc_set_header: 'X-A b',
    keepalive: '4',
    sticky: 'cookie srv_id',
    least_time: 'connect',
    keepalive_requests: '100',
    resolver: '127.0.0.1',
    ssl: 'off',
    zone: 'z 64k',
    random: '',
    allow: 'all',
    deny: 'all',
    map: '$remote_addr $mapped { default 1; }',
    geo: '$geo_value { default 1; }',
    split_clients: '"$remote_addr" $split { * a; }',
    return: '1',
    set: '$x 1',
    pass: '127.0.0.1:3',
    access_log: 'off',
    log_format: 'fmt "$remote_addr"',
    open_log_file_cache: 'off',
    set_real_ip_from: '127.0.0.1',
    preread_buffer_size: '16k',
    proxy_buffer_size: '16k',
    proxy_bind: 'off',
    proxy_download_rate: '0',
    proxy_upload_rate: '0',
    proxy_responses: '1',
    proxy_requests: '1',
    proxy_protocol: 'on',
    variables_hash_bucket_size: '64',
    variables_hash_max_size: '1024',
    ssl_alpn: 'h2',
    ssl_client_certificate: 'none.pem',
    ssl_crl: 'none.pem',
    ssl_trusted_certificate: 'none.pem',
    ssl_verify_client: 'off',
    ssl_verify_depth: '2',
  };
  if (name in special) return special[name];
  if (/_next_upstream_tries$/.test(name) || /_ssl_verify_depth$/.test(name)) return '2';
  if (/(^|_)ssl_conf_command$/.test(name)) return 'Options PrioritizeChaCha';
  if (/_ssl_certificate_cache$/.test(name)) return 'off';
  if (/_ssl_ciphers$/.test(name)) return 'HIGH';
  if (/_ssl_protocols$/.test(name)) return 'TLSv1.2';
  if (/_ssl_name$/.test(name)) return 'example.com';
  if (/_ssl_password_file$/.test(name)) return join(PASSWORDS, 'passwords');
  if (/_ssl_(certificate|certificate_key|trusted_certificate|crl)$/.test(name)) return 'none.pem';
  if (info?.flagIn?.length) return 'off';
  if (info?.timeIn?.length) return '10s';
  throw new Error(`no sample arguments for ${name}: add them above`);
}

type Scope = 'http' | 'upstream' | 'stream' | 'stream-upstream';

/** A whole configuration with the entry's directive in the innermost block of `scope` it may stand in; its line number. */
function config(e: DirectiveVersion, scope: Scope): { text: string; line: number; context: string } {
  if (scope === 'stream' || scope === 'stream-upstream') return streamConfig(e, scope);
  const line = `${e.name} ${argsFor(e.name)};`;
  const contexts = nginxDirective(e.name)?.contexts ?? [];
  const context = scope === 'upstream' ? 'upstream' : (['location', 'server', 'http'].find((c) => contexts.includes(c)) ?? 'http');
  const at = (c: string) => (c === context ? ` ${line} ` : ' ');
  const text = [
    'events {}',
    'http {',
    `${at('http')}`,
    `    upstream hu { server 127.0.0.1:2;${at('upstream')}}`,
    '    server { listen 127.0.0.1:1;',
    `        location / {${at('location')}}`,
    `${at('server')}`,
    '    }',
    '}',
    '',
  ].join('\n');
  return { text, line: text.split('\n').findIndex((l) => l.includes(line)) + 1, context };
}

/**
 * The same for a stream entry, with Debian's stream module loaded (it has ssl, ssl_preread and realip built in; of the
 * stream modules this build has, none is left out). A stream server needs a handler before 1.27.1: proxy_pass, unless
 * the entry is one (return, pass).
 */
function streamConfig(e: DirectiveVersion, scope: 'stream' | 'stream-upstream'): { text: string; line: number; context: string } {
  const args = argsFor(e.name);
  // map, geo and split_clients are blocks: no ";" after the "}".
  const line = args.endsWith('}') ? `${e.name} ${args}` : `${e.name} ${args}`.trimEnd() + ';';
  const contexts = nginxDirective(e.name)?.contexts ?? [];
  const context = scope === 'stream-upstream' ? 'stream-upstream' : (['stream-server', 'stream'].find((c) => contexts.includes(c)) ?? 'stream');
  const at = (c: string) => (c === context ? ` ${line} ` : ' ');
  const handler = ['return', 'pass'].includes(e.name) ? '' : ' proxy_pass 127.0.0.1:3;';
  const text = [
    `load_module ${STREAM_MODULE};`,
    'events {}',
    'stream {',
    `${at('stream')}`,
    `    upstream su { server 127.0.0.1:2;${at('stream-upstream')}}`,
    `    server { listen 127.0.0.1:1;${handler}${at('stream-server')}}`,
    '}',
    '',
  ].join('\n');
  return { text, line: text.split('\n').findIndex((l) => l.includes(line)) + 1, context };
}

test('every entry of the version table: nginx 1.22.1 refuses the newer ones and accepts the older ones, and the rule reports exactly the refused ones', { timeout: 300_000 }, async (t) => {
  requireBinary('nginx');
  const { nginxT, cleanup } = nginxTRunner('versions');
  try {
    // Debian's nginx has no mail module loaded by default: the mail half of `ssl` is not tried here.
    const cases = DIRECTIVE_VERSIONS.flatMap((e) => e.where.filter((w): w is Scope => w !== 'mail').map((w) => ({ e, ...config(e, w) })));
    const outputs = await pool(cases.map((c) => () => nginxT(c.text)), 4);
    const wrong: string[] = [];
    let newer = 0;
    cases.forEach((c, k) => {
      const out = outputs[k];
      const miss = missingInVersion(c.e.name, c.context, TARGET);
      const where = `${c.e.name} in ${c.context} (table: ${c.e.since ? `since ${c.e.since}` : ''}${c.e.removed ? `removed in ${c.e.removed}` : ''})`;
      if (miss) {
        newer++;
        const expected = miss.says === 'unknown' ? `unknown directive "${c.e.name}"` : `"${c.e.name}" directive is not allowed here`;
        if (!out.includes(`[emerg] ${expected}`)) wrong.push(`${where}: the table says 1.22.1 refuses it with ${expected}, nginx -t said: ${out.trim() || 'nothing (accepted)'}`);
      } else if (/\[emerg\]|test failed/.test(out)) wrong.push(`${where}: the table says 1.22.1 has it, nginx -t said: ${out.trim()}`);
      // What only NGINX Plus had before the release is plus-only-directive's (it weighs the edition too), and not this rule's.
      const owner = c.e.plusBefore ? PLUS_ID : ID;
      const target = lintText(c.text, { settings: (s) => (s.nginx.version = TARGET) });
      const reported = target.findings.filter((f) => f.ruleId === owner).map((f) => c.text.slice(0, f.start).split('\n').length);
      if (reported.join() !== (miss ? String(c.line) : '')) wrong.push(`${where}: ${owner} reported lines [${reported}] with target 1.22.1`);
      if (owner !== ID && target.findings.some((f) => f.ruleId === ID)) wrong.push(`${where}: reported by ${ID} as well as ${owner}`);
      const unknown = lintText(c.text).findings.filter((f) => f.ruleId === owner);
      if (unknown.length) wrong.push(`${where}: reported with no target version`);
    });
    t.diagnostic(`${cases.length} entries checked (${cases.filter((c) => c.context.startsWith('stream')).length} in stream): ${newer} refused, ${cases.length - newer} accepted`);
    assert.deepEqual(wrong, []);
    // The test means something only with entries on both sides of 1.22.1.
    assert.ok(newer >= 7 && cases.length - newer >= 60, `${newer} newer and ${cases.length - newer} older entries checked`);
  } finally {
    cleanup();
    rmSync(PASSWORDS, { recursive: true, force: true });
  }
});

/** Values for the parameters that take one ("max_conns=" → "max_conns=10"). */
const PARAM_VALUES: Record<string, string> = { 'ipv4=': 'off', 'max_conns=': '10', 'fastopen=': '16', 'service=': 'http', 'route=': 'a' };

/** A whole configuration with the parameter on a line of its directive where the entry puts it; the line and its context. */
function paramConfig(p: ParameterVersion, scope: VersionScope, arg: string): { text: string; line: number; context: string } {
  const http = (body: string, context: string) => ({ text: `events {}\nhttp {\n${body}\n}\n`, context });
  const stream = (body: string, context: string) => ({ text: `load_module ${STREAM_MODULE};\nevents {}\nstream {\n${body}\n}\n`, context });
  const at = (() => {
    if (p.directive === 'resolver') return { ...http(`    server {\n        listen 127.0.0.1:1;\n        location / { resolver 127.0.0.1 ${arg}; }\n    }`, 'location'), line: `resolver 127.0.0.1 ${arg};` };
    if (p.directive.endsWith('_next_upstream')) return { ...http(`    server {\n        listen 127.0.0.1:1;\n        location / { ${p.directive} error ${arg}; }\n    }`, 'location'), line: `${p.directive} error ${arg};` };
    if (p.directive === 'listen' && scope === 'http') return { ...http(`    server {\n        listen 127.0.0.1:1 ${arg};\n    }`, 'server'), line: `listen 127.0.0.1:1 ${arg};` };
    if (p.directive === 'listen' && scope === 'stream') return { ...stream(`    server {\n        listen 127.0.0.1:1 ${arg};\n        proxy_pass 127.0.0.1:3;\n    }`, 'stream-server'), line: `listen 127.0.0.1:1 ${arg};` };
    if (p.directive === 'server' && scope === 'upstream') return { ...http(`    upstream u {\n        server 127.0.0.1:2 ${arg};\n    }`, 'upstream'), line: `server 127.0.0.1:2 ${arg};` };
    if (p.directive === 'server' && scope === 'stream-upstream')
      return { ...stream(`    upstream su {\n        server 127.0.0.1:2 ${arg};\n    }\n    server {\n        listen 127.0.0.1:1;\n        proxy_pass su;\n    }`, 'stream-upstream'), line: `server 127.0.0.1:2 ${arg};` };
    throw new Error(`no sample configuration for the ${p.param} parameter of ${p.directive} in ${scope}: add one above`);
  })();
  return { text: at.text, context: at.context, line: at.text.split('\n').findIndex((l) => l.includes(at.line)) + 1 };
}

test('every parameter of the version table: nginx 1.22.1 refuses the newer ones as the table says and accepts the older ones, and the rule reports exactly the refused ones', { timeout: 60_000 }, async (t) => {
  requireBinary('nginx');
  const { nginxT, cleanup } = nginxTRunner('param-versions');
  try {
    const wrong: string[] = [];
    let newer = 0;
    const cases = PARAMETER_VERSIONS.flatMap((p) => p.where.map((scope) => ({ p, scope, arg: p.param.endsWith('=') ? p.param + PARAM_VALUES[p.param] : p.param })));
    for (const { p, scope, arg } of cases) {
      const { text, line, context } = paramConfig(p, scope, arg);
      const out = await nginxT(text);
      const miss = parameterMissingInVersion(p.directive, arg, context, TARGET) !== undefined;
      if (miss) newer++;
      const where = `${p.directive} ${arg} in ${context} (since ${p.since})`;
      if (miss !== /\[emerg\]/.test(out) || (miss && !out.includes(`[emerg] ${p.says(arg)}`))) wrong.push(`${where}: nginx -t said ${out.trim() || 'nothing (accepted)'}`);
      // An upstream server's "resolve" is resolve-without-prerequisites' to report (it weighs the version with what
      // else the parameter needs); this rule leaves it alone, so the one line does not get two errors.
      // What only NGINX Plus had before the release (service=, route=, drain) is plus-only-directive's.
      const owner = p.directive === 'server' && p.param === 'resolve' ? 'resolve-without-prerequisites' : p.plusBefore ? PLUS_ID : ID;
      const findings = lintText(text, { settings: (s) => (s.nginx.version = TARGET) }).findings;
      const reported = findings.filter((f) => f.ruleId === owner).map((f) => text.slice(0, f.start).split('\n').length);
      if (reported.join() !== (miss ? String(line) : '')) wrong.push(`${where}: ${owner} reported lines [${reported}] with target 1.22.1`);
      if (owner !== ID && findings.some((f) => f.ruleId === ID)) wrong.push(`${where}: reported by ${ID} as well as ${owner}`);
      if (lintText(text).findings.some((f) => f.ruleId === ID || (owner === PLUS_ID && f.ruleId === PLUS_ID))) wrong.push(`${where}: reported with no target version`);
    }
    t.diagnostic(`${cases.length} parameters checked: ${newer} refused, ${cases.length - newer} accepted`);
    assert.deepEqual(wrong, []);
    assert.ok(newer >= 3 && cases.length - newer >= 8, `${newer} newer and ${cases.length - newer} older parameters checked`);
  } finally {
    cleanup();
  }
});

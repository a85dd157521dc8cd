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
import { DIRECTIVE_VERSIONS, PARAMETER_VERSIONS, missingInVersion, parameterMissingInVersion, type DirectiveVersion } from '../../server/src/core/model/nginx-directive-versions';
import { nginxDirective } from '../../server/src/core/model/nginx-directives';
import { parseVersion } from '../../server/src/core/model/version';
import { lintText, requireBinary } from '../helpers';
import { nginxTRunner, pool } from './harness/nginx-t';

const TARGET = parseVersion('1.22.1');
const ID = 'directive-not-in-target-version';
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
    keepalive_requests: '100',
    resolver: '127.0.0.1',
    ssl: 'off',
  };
  if (special[name]) return special[name];
  if (/_next_upstream_tries$/.test(name) || /_ssl_verify_depth$/.test(name)) return '2';
  if (/_ssl_conf_command$/.test(name)) return 'Options PrioritizeChaCha';
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

/** A whole configuration with the entry's directive in the innermost block of `scope` it may stand in; its line number. */
function config(e: DirectiveVersion, scope: 'http' | 'upstream'): { text: string; line: number; context: string } {
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

test('every entry of the version table: nginx 1.22.1 refuses the newer ones and accepts the older ones, and the rule reports exactly the refused ones', { timeout: 300_000 }, async () => {
  requireBinary('nginx');
  const { nginxT, cleanup } = nginxTRunner('versions');
  try {
    // Debian's nginx has no mail module loaded by default: the mail half of `ssl` is not tried here.
    const cases = DIRECTIVE_VERSIONS.flatMap((e) => e.where.filter((w): w is 'http' | 'upstream' => w === 'http' || w === 'upstream').map((w) => ({ e, ...config(e, w) })));
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
      const target = lintText(c.text, { settings: (s) => (s.nginx.version = TARGET) });
      const reported = target.findings.filter((f) => f.ruleId === ID).map((f) => c.text.slice(0, f.start).split('\n').length);
      if (reported.join() !== (miss ? String(c.line) : '')) wrong.push(`${where}: the rule reported lines [${reported}] with target 1.22.1`);
      const unknown = lintText(c.text).findings.filter((f) => f.ruleId === ID);
      if (unknown.length) wrong.push(`${where}: reported with no target version`);
    });
    assert.deepEqual(wrong, []);
    // The test means something only with entries on both sides of 1.22.1.
    assert.ok(newer >= 7 && cases.length - newer >= 60, `${newer} newer and ${cases.length - newer} older entries checked`);
  } finally {
    cleanup();
    rmSync(PASSWORDS, { recursive: true, force: true });
  }
});

test('every parameter of the version table: nginx 1.22.1 refuses the newer ones as the table says, and the rule reports them', { timeout: 60_000 }, async () => {
  requireBinary('nginx');
  const { nginxT, cleanup } = nginxTRunner('param-versions');
  try {
    const wrong: string[] = [];
    for (const p of PARAMETER_VERSIONS) {
      const arg = p.param.endsWith('=') ? `${p.param}off` : p.param;
      const line = `${p.directive} 127.0.0.1 ${arg};`;
      const text = `events {}\nhttp {\n    server {\n        listen 127.0.0.1:1;\n        location / { ${line} }\n    }\n}\n`;
      const out = await nginxT(text);
      const newer = parameterMissingInVersion(p.directive, arg, 'location', TARGET) !== undefined;
      if (newer !== /\[emerg\]/.test(out) || (newer && !out.includes(`[emerg] ${p.says(arg)}`))) wrong.push(`${line} (since ${p.since}): nginx -t said ${out.trim() || 'nothing (accepted)'}`);
      const reported = lintText(text, { settings: (s) => (s.nginx.version = TARGET) }).findings.filter((f) => f.ruleId === ID).map((f) => text.slice(0, f.start).split('\n').length);
      if (reported.join() !== (newer ? '5' : '')) wrong.push(`${line}: the rule reported lines [${reported}] with target 1.22.1`);
    }
    assert.deepEqual(wrong, []);
  } finally {
    cleanup();
  }
});

// listen-conflict and listen-ssl-without-certificate against the real nginx -t (1.22.1): for each small layout, nginx
// refuses it exactly when proxylint reports it, with the [emerg] line the rule's message and doc page quote, on the
// line nginx names (for a missing certificate in http: the server block the message names); each has a near twin
// that nginx accepts and proxylint leaves alone. Then the rules' fixtures: ok.conf passes -t, and bad.conf fails it
// at a line proxylint reports.
// proxylint-test: untimed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../server/src/core/finding';
import { FIXTURES, docPath, lintFixture } from '../rules/rule-harness';
import { ruleMeta } from '../../server/src/core/rules/index';
import { parseVersion } from '../../server/src/core/model/version';
import { testPki } from './standins/tls';
import { lintText, nginxTest, requireBinary, tempTree } from '../helpers';

requireBinary('nginx');
requireBinary('openssl');

const RULES = ['listen-conflict', 'listen-ssl-without-certificate'];
const STREAM = 'load_module /usr/lib/nginx/modules/ngx_stream_module.so;\n';

interface Layout {
  name: string;
  /** Body of http {} and of stream {}; CERT stands for a certificate and its key. `sites` go to sites/<name>, included at the end of http {}. */
  http?: string;
  stream?: string;
  sites?: Record<string, string>;
}

/** A layout nginx refuses, and (twin) a near one it accepts, which proxylint must leave alone. */
interface Case extends Layout {
  /** What nginx says after "[emerg] " (addresses as written here). */
  rejects: string;
  rule: string;
  /** The doc page quotes this form of the [emerg] line. */
  doc?: string;
  twin?: Layout;
}

const srv = (...lines: string[]) => `server {\n${lines.map((l) => `    ${l}\n`).join('')}}`;

const cases: Case[] = [
  {
    name: 'two default_server on one address',
    http: `${srv('listen 127.0.0.1:18760 default_server;')}\n${srv('server_name b;', 'listen 127.0.0.1:18760 default_server;')}`,
    rejects: 'a duplicate default server for 127.0.0.1:18760',
    rule: 'listen-conflict',
    doc: 'a duplicate default server for 127.0.0.1:8080',
    twin: { name: 'default_server on 127.0.0.1, [::] and the wildcard of one port: three addresses', http: `${srv('listen 18760 default_server;')}\n${srv('listen 127.0.0.1:18760 default_server;', 'listen [::]:18760 default_server;')}` },
  },
  {
    name: 'default_server on "18761" and "*:18761": one address',
    http: `${srv('listen 18761 default_server;')}\n${srv('server_name b;', 'listen *:18761 default;')}`,
    rejects: 'a duplicate default server for 0.0.0.0:18761',
    rule: 'listen-conflict',
  },
  {
    name: 'default_server in an included site, the first in nginx.conf',
    http: srv('listen 127.0.0.1:18762 default_server;'),
    sites: { 'b.conf': srv('server_name b;', 'listen 127.0.0.1:18762 default_server;') },
    rejects: 'a duplicate default server for 127.0.0.1:18762',
    rule: 'listen-conflict',
  },
  {
    name: 'the same socket option on two servers',
    http: `${srv('listen 127.0.0.1:18764 backlog=1024;')}\n${srv('server_name b;', 'listen 127.0.0.1:18764 backlog=1024;')}`,
    rejects: 'duplicate listen options for 127.0.0.1:18764',
    rule: 'listen-conflict',
    doc: 'duplicate listen options for 127.0.0.1:8080',
    twin: {
      name: 'options on one line only, ssl http2 proxy_protocol repeated',
      http: `CERT\n${srv('listen 127.0.0.1:18764 ssl http2 proxy_protocol backlog=1024 rcvbuf=64k default_server;')}\n${srv('server_name b;', 'listen 127.0.0.1:18764 ssl http2 proxy_protocol;')}`,
    },
  },
  {
    name: 'reuseport on one, so_keepalive on another',
    http: `${srv('listen 127.0.0.1:18765 reuseport;')}\n${srv('server_name b;', 'listen 127.0.0.1:18765 so_keepalive=on;')}`,
    rejects: 'duplicate listen options for 127.0.0.1:18765',
    rule: 'listen-conflict',
  },
  {
    name: 'deferred and bind on two servers',
    http: `${srv('listen 127.0.0.1:18766 deferred default_server;')}\n${srv('server_name b;', 'listen 127.0.0.1:18766 bind;')}`,
    rejects: 'duplicate listen options for 127.0.0.1:18766',
    rule: 'listen-conflict',
  },
  {
    name: 'the same listen twice in one server',
    http: srv('listen 127.0.0.1:18768;', 'listen 127.0.0.1:18768 http2;'),
    rejects: 'a duplicate listen 127.0.0.1:18768',
    rule: 'listen-conflict',
    doc: 'a duplicate listen 127.0.0.1:8080',
    twin: { name: 'name-based virtual hosts on one address', http: `${srv('server_name a;', 'listen 127.0.0.1:18768;')}\n${srv('server_name b;', 'listen 127.0.0.1:18768 http2;')}` },
  },
  {
    name: 'stream: two servers on one address',
    stream: `${srv('listen 127.0.0.1:18770;', 'proxy_pass 127.0.0.1:18790;')}\n${srv('listen 127.0.0.1:18770;', 'proxy_pass 127.0.0.1:18791;')}`,
    rejects: 'duplicate "127.0.0.1:18770" address and port pair',
    rule: 'listen-conflict',
    doc: 'duplicate "127.0.0.1:8080" address and port pair',
    twin: { name: 'stream: tcp and udp on one port', stream: `${srv('listen 127.0.0.1:18770;', 'proxy_pass 127.0.0.1:18790;')}\n${srv('listen 127.0.0.1:18770 udp;', 'proxy_pass 127.0.0.1:18791;')}` },
  },
  {
    name: 'listen ssl without a certificate',
    http: srv('listen 127.0.0.1:18772 ssl;', 'return 204;'),
    rejects: 'no "ssl_certificate" is defined for the "listen ... ssl" directive in',
    rule: 'listen-ssl-without-certificate',
    doc: 'no "ssl_certificate" is defined for the "listen ... ssl" directive in',
    twin: { name: 'a certificate at http level', http: `CERT\n${srv('listen 127.0.0.1:18772 ssl;', 'return 204;')}` },
  },
  {
    name: 'a plain listen first on an address another server makes TLS',
    http: `${srv('listen 127.0.0.1:18773;', 'return 204;')}\n${srv('server_name b;', 'listen 127.0.0.1:18773 ssl;', 'CERT')}`,
    rejects: 'no "ssl_certificate" is defined for the "listen ... ssl" directive in',
    rule: 'listen-ssl-without-certificate',
    twin: { name: 'the same with default_server on the server that has the certificate', http: `${srv('listen 127.0.0.1:18773;', 'return 204;')}\n${srv('server_name b;', 'listen 127.0.0.1:18773 ssl default_server;', 'CERT')}` },
  },
  {
    name: 'default_server on the server without a certificate',
    http: `${srv('listen 127.0.0.1:18774 ssl;', 'CERT')}\n${srv('server_name b;', 'listen 127.0.0.1:18774 ssl default_server;')}`,
    rejects: 'no "ssl_certificate" is defined for the "listen ... ssl" directive in',
    rule: 'listen-ssl-without-certificate',
    twin: { name: 'the first (default) server has the certificate, another server none', http: `${srv('listen 127.0.0.1:18774 ssl;', 'CERT')}\n${srv('server_name b;', 'listen 127.0.0.1:18774 ssl;')}` },
  },
  {
    name: 'the default server rejects handshakes, another server has no certificate',
    http: `${srv('listen 127.0.0.1:18777 ssl default_server;', 'ssl_reject_handshake on;')}\n${srv('server_name b;', 'listen 127.0.0.1:18777 ssl;')}`,
    rejects: 'no "ssl_certificate" is defined for the "listen ... ssl" directive in',
    rule: 'listen-ssl-without-certificate',
    twin: { name: 'the default server rejects handshakes, the other has a certificate', http: `${srv('listen 127.0.0.1:18777 ssl default_server;', 'ssl_reject_handshake on;')}\n${srv('server_name b;', 'listen 127.0.0.1:18777 ssl;', 'CERT')}` },
  },
  {
    name: 'stream: listen ssl without a certificate',
    stream: srv('listen 127.0.0.1:18779 ssl;', 'proxy_pass 127.0.0.1:18790;'),
    rejects: 'no "ssl_certificate" is defined for the "listen ... ssl" directive in',
    rule: 'listen-ssl-without-certificate',
    twin: { name: 'stream: a certificate at stream level', stream: `CERT\n${srv('listen 127.0.0.1:18779 ssl;', 'proxy_pass 127.0.0.1:18790;')}` },
  },
];

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** nginx -t's output on the layout, and proxylint's findings of the two rules (target 1.22.1). */
function run(c: Layout): { ok: boolean; output: string; text: string; sites: Record<string, string>; found: Finding[] } {
  const { certPath, keyPath } = testPki().certs.get('localhost')!;
  const cert = `ssl_certificate ${certPath}; ssl_certificate_key ${keyPath};`;
  const http = c.http ? `http {\n${c.http}\n${c.sites ? 'include sites/*.conf;\n' : ''}}` : '';
  const text = [c.stream ? STREAM : '', 'events {}', http, c.stream ? `stream {\n${c.stream}\n}` : '', ''].join('\n').replace(/\bCERT\b/g, cert);
  const sites = Object.fromEntries(Object.entries(c.sites ?? {}).map(([k, v]) => [`sites/${k}`, v]));
  const tree = tempTree({ 'nginx.conf': text, ...sites });
  try {
    const t = nginxTest(tree.dir, join(tree.dir, 'nginx.conf'));
    const r = lintText(text, { files: sites, settings: (s) => (s.nginx.version = parseVersion('1.22.1')) });
    return { ...t, text, sites, found: r.findings.filter((f) => RULES.includes(f.ruleId)) };
  } finally {
    tree.cleanup();
  }
}

for (const c of cases) {
  test(`${c.name}: nginx -t refuses it and proxylint reports it where nginx says${c.twin ? `; ${c.twin.name}: both accept it` : ''}`, () => {
    const { ok, output, text, sites, found } = run(c);
    assert.equal(ok, false, output);
    const said = c.rejects.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = new RegExp(`\\[emerg\\] ${said}${c.rejects.endsWith(' in') ? '' : ' in'} (\\S+):(\\d+)`).exec(output);
    assert.ok(m, output);
    const [, file, line] = m;
    assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
    const f = found[0];
    assert.equal(f.ruleId, c.rule);
    assert.equal(f.severity, 'error');
    assert.ok(f.message.startsWith('nginx will not start: '), f.message);
    assert.ok(f.message.includes(c.rejects), f.message);
    const name = file.split('/').pop()!;
    const findingText = f.path.endsWith('nginx.conf') ? text : sites[f.path.slice('/cfg/'.length)];
    if (c.rule === 'listen-ssl-without-certificate') {
      // The message names what nginx names: the server block (http) or the listen line (stream).
      assert.ok(f.message.includes(`directive in ${name}:${line} `), `${f.message}\n${output}`);
    } else {
      assert.equal(`${f.path.split('/').pop()}:${lineOf(findingText, f.start)}`, `${name}:${line}`, `${f.message}\n${output}`);
      assert.ok(f.related.length > 0, 'the other listen line is a related location');
    }
    if (c.doc) assert.ok(readFileSync(docPath(ruleMeta(c.rule)!), 'utf8').includes(`[emerg] ${c.doc}`), `the doc quotes [emerg] ${c.doc}`);
    if (!c.twin) return;
    const twin = run(c.twin);
    assert.equal(twin.ok, true, twin.output);
    assert.deepEqual(twin.found.map((x) => x.message), []);
  });
}

for (const rule of RULES) {
  test(`${rule}: the fixture's ok.conf passes nginx -t and its bad.conf fails it`, () => {
    const { certPath, keyPath } = testPki().certs.get('localhost')!;
    const tree = tempTree({});
    try {
      cpSync(join(FIXTURES, 'nginx', rule), tree.dir, { recursive: true });
      const files = [...readdirSync(tree.dir, { recursive: true })].map(String).filter((p) => p.endsWith('.conf'));
      for (const p of files) {
        const full = join(tree.dir, p);
        writeFileSync(full, readFileSync(full, 'utf8').replace(/\/etc\/nginx\/cert\.pem/g, certPath).replace(/\/etc\/nginx\/cert\.key/g, keyPath));
      }
      const ok = nginxTest(tree.dir, join(tree.dir, 'ok.conf'));
      assert.ok(ok.ok, ok.output);
      const bad = nginxTest(tree.dir, join(tree.dir, 'bad.conf'));
      assert.ok(!bad.ok, bad.output);
      const m = (rule === 'listen-conflict' ? /\[emerg\] (?:a duplicate listen|duplicate listen options|a duplicate default server|duplicate ".*" address and port pair).* in (\S+):(\d+)/ : /\[emerg\] no "ssl_certificate" is defined for the "listen \.\.\. ssl" directive in (\S+):(\d+)/).exec(bad.output);
      assert.ok(m, bad.output);
      // The line nginx stops at is one proxylint reports (listen-conflict) or names (the server block of a missing certificate).
      const { findings, files: linted } = lintFixture(join(tree.dir, 'bad.conf'));
      const at = findings.filter((f) => f.ruleId === rule).map((f) => (rule === 'listen-conflict' ? `${f.path}:${lineOf(linted.find((x) => x.path === f.path)!.text, f.start)}` : f.message));
      const nginxSays = `${m[1]}:${m[2]}`;
      assert.ok(rule === 'listen-conflict' ? at.includes(nginxSays) : at.some((x) => x.includes(`directive in ${nginxSays.split('/').pop()} `)), `${bad.output}\n${at.join('\n')}`);
    } finally {
      tree.cleanup();
    }
  });
}

// tls-certificate-without-key against the real nginx -t (1.22.1): for each small configuration, nginx refuses it with
// `no "<family>_ssl_certificate_key" is defined for certificate "…"` exactly when proxylint reports it, on the line of
// the certificate nginx names. The certificate and key are real files, so what nginx checks is only the missing key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { testPki } from '../servers/standins/tls';
import { lintText, nginxTest, tempTree } from '../helpers';

const ID = 'tls-certificate-without-key';
const STREAM = 'load_module /usr/lib/nginx/modules/ngx_stream_module.so;\n';

interface Case {
  name: string;
  /** Body of http {} (CERT and KEY stand for real files); `stream` is the body of stream {}. */
  http?: string;
  stream?: string;
  /** The family nginx complains about, or undefined when nginx accepts the configuration. */
  rejects?: 'proxy' | 'grpc' | 'uwsgi';
}

const loc = (body: string, path = '/') => `server {\n    listen 127.0.0.1:18650;\n    location ${path} {\n        ${body}\n    }\n}`;

const cases: Case[] = [
  { name: 'certificate without key next to https://', http: loc('proxy_pass https://127.0.0.1:18651;\nproxy_ssl_certificate CERT;'), rejects: 'proxy' },
  { name: 'key at http level covers a certificate in a location', http: `proxy_ssl_certificate_key KEY;\n${loc('proxy_pass https://127.0.0.1:18651;\nproxy_ssl_certificate CERT;')}` },
  { name: 'certificate at http level, key in the location', http: `proxy_ssl_certificate CERT;\n${loc('proxy_pass https://127.0.0.1:18651;\nproxy_ssl_certificate_key KEY;')}` },
  {
    name: 'certificate at server level, key in one location only',
    http: 'server {\n    listen 127.0.0.1:18650;\n    proxy_ssl_certificate CERT;\n    location /a/ { proxy_pass https://127.0.0.1:18651; proxy_ssl_certificate_key KEY; }\n    location /b/ { proxy_pass https://127.0.0.1:18652; }\n}',
    rejects: 'proxy',
  },
  { name: 'plain http:// target: the certificate is never loaded', http: loc('proxy_pass http://127.0.0.1:18651;\nproxy_ssl_certificate CERT;') },
  { name: 'certificate at http level, no TLS target anywhere', http: `proxy_ssl_certificate CERT;\n${loc('return 204;')}` },
  { name: 'target with variables: TLS is prepared', http: loc('set $b 127.0.0.1:18651;\nproxy_pass http://$b;\nproxy_ssl_certificate CERT;'), rejects: 'proxy' },
  { name: 'https:// inside if', http: loc('proxy_ssl_certificate CERT;\nif ($arg_x) { proxy_pass https://127.0.0.1:18651; }'), rejects: 'proxy' },
  { name: 'grpcs:// with grpc_ssl_certificate', http: loc('grpc_pass grpcs://127.0.0.1:18651;\ngrpc_ssl_certificate CERT;'), rejects: 'grpc' },
  { name: 'grpcs:// with the proxy_ key only: another family', http: `proxy_ssl_certificate_key KEY;\n${loc('grpc_pass grpcs://127.0.0.1:18651;\ngrpc_ssl_certificate CERT;')}`, rejects: 'grpc' },
  { name: 'grpcs:// with a proxy_ssl_certificate only: not grpc\'s', http: loc('grpc_pass grpcs://127.0.0.1:18651;\nproxy_ssl_certificate CERT;') },
  { name: 'suwsgi:// with uwsgi_ssl_certificate', http: loc('uwsgi_pass suwsgi://127.0.0.1:18651;\nuwsgi_ssl_certificate CERT;'), rejects: 'uwsgi' },
  { name: 'stream with proxy_ssl on', stream: 'server { listen 127.0.0.1:18653; proxy_ssl on; proxy_ssl_certificate CERT; proxy_pass 127.0.0.1:18654; }', rejects: 'proxy' },
  { name: 'stream without proxy_ssl', stream: 'server { listen 127.0.0.1:18653; proxy_ssl_certificate CERT; proxy_pass 127.0.0.1:18654; }' },
  { name: 'stream with the key at stream level', stream: 'proxy_ssl_certificate_key KEY;\nserver { listen 127.0.0.1:18653; proxy_ssl on; proxy_ssl_certificate CERT; proxy_pass 127.0.0.1:18654; }' },
];

for (const c of cases) {
  test(`${ID}: ${c.name} — nginx ${c.rejects ? 'refuses it' : 'accepts it'}, and proxylint agrees`, () => {
    const pki = testPki();
    const { certPath, keyPath } = pki.certs.get('app.internal')!;
    const text = [c.stream ? STREAM : '', 'events {}', c.http ? `http {\n${c.http}\n}` : '', c.stream ? `stream {\n${c.stream}\n}` : '', '']
      .join('\n')
      .replace(/\bCERT\b/g, certPath)
      .replace(/\bKEY\b/g, keyPath);
    const tree = tempTree({ 'nginx.conf': text });
    let output: string;
    try {
      const t = nginxTest(tree.dir, join(tree.dir, 'nginx.conf'));
      output = t.output;
      assert.equal(t.ok, !c.rejects, t.output);
    } finally {
      tree.cleanup();
    }
    const found = lintText(text).findings.filter((f) => f.ruleId === ID);
    if (!c.rejects) {
      assert.deepEqual(found.map((f) => f.message), []);
      return;
    }
    const said = `no "${c.rejects}_ssl_certificate_key" is defined for certificate "${certPath}"`;
    assert.ok(output.includes(`[emerg] ${said}`), output);
    assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
    assert.ok(found[0].message.startsWith('nginx will not start: '), found[0].message);
    assert.ok(found[0].message.includes(`("${said}"`), found[0].message);
    assert.equal(found[0].severity, 'error');
    // The suggested key line makes nginx -t pass here: the PKI's key has the certificate's name with .key.
    assert.match(found[0].suggestions[0]?.title ?? '', new RegExp(`^Add ${c.rejects}_ssl_certificate_key `));
  });
}

test(`${ID}: in a fragment without its http block the key may be set outside, so the finding is a warning`, () => {
  const frag = 'location / {\n    proxy_pass https://127.0.0.1:18651;\n    proxy_ssl_certificate /etc/nginx/client.pem;\n}\n';
  const found = lintText(frag, { path: 'conf.d/app.conf', rootContext: 'server' }).findings.filter((f) => f.ruleId === ID);
  assert.equal(found.length, 1);
  assert.equal(found[0].severity, 'warning');
  assert.match(found[0].message, /ignore this if the block that includes this file sets the key/);
});

// The server's own ssl_certificate: nginx checks its key in every http server block (TLS or not), and in a stream
// server that listens with ssl, where the message names the listen line instead of the certificate.
interface ServerLayout {
  name: string;
  http?: string;
  stream?: string;
}

/** A layout nginx refuses, and a near twin it accepts (which proxylint must leave alone). */
interface ServerCase extends ServerLayout {
  /** The [emerg] text, with CERT/CERT2 for the certificate paths. */
  rejects: string;
  twin: ServerLayout;
}

const serverCases: ServerCase[] = [
  {
    name: 'listen ssl, certificate without key',
    http: 'server {\n    listen 127.0.0.1:18660 ssl;\n    ssl_certificate CERT;\n}',
    rejects: 'no "ssl_certificate_key" is defined for certificate "CERT"',
    twin: { name: 'a certificate (without key) at http level and no server', http: 'ssl_certificate CERT;' },
  },
  {
    name: 'plain listen, certificate without key',
    http: 'server {\n    listen 127.0.0.1:18660;\n    ssl_certificate CERT;\n}',
    rejects: 'no "ssl_certificate_key" is defined for certificate "CERT"',
    twin: { name: 'the key at http level', http: 'ssl_certificate_key KEY;\nserver {\n    listen 127.0.0.1:18660;\n    ssl_certificate CERT;\n}' },
  },
  {
    name: 'two certificates, one key',
    http: 'server {\n    listen 127.0.0.1:18660 ssl;\n    ssl_certificate CERT;\n    ssl_certificate CERT2;\n    ssl_certificate_key KEY;\n}',
    rejects: 'no "ssl_certificate_key" is defined for certificate "CERT2"',
    twin: { name: 'two certificates, two keys', http: 'server {\n    listen 127.0.0.1:18660 ssl;\n    ssl_certificate CERT;\n    ssl_certificate CERT2;\n    ssl_certificate_key KEY;\n    ssl_certificate_key KEY2;\n}' },
  },
  {
    name: 'certificate at http level, key in one of two servers',
    http: 'ssl_certificate CERT;\nserver {\n    listen 127.0.0.1:18660;\n    ssl_certificate_key KEY;\n}\nserver {\n    listen 127.0.0.1:18661;\n}',
    rejects: 'no "ssl_certificate_key" is defined for certificate "CERT"',
    twin: { name: 'certificate at http level, key in every server', http: 'ssl_certificate CERT;\nserver {\n    listen 127.0.0.1:18660 ssl;\n    ssl_certificate_key KEY;\n}' },
  },
  {
    name: 'stream, listen ssl, certificate without key',
    stream: 'server {\n    listen 127.0.0.1:18662 ssl;\n    ssl_certificate CERT;\n    proxy_pass 127.0.0.1:18663;\n}',
    rejects: 'no "ssl_certificate_key" is defined for the "listen ... ssl" directive in nginx.conf:7',
    twin: { name: 'stream, plain listen', stream: 'server {\n    listen 127.0.0.1:18662;\n    ssl_certificate CERT;\n    proxy_pass 127.0.0.1:18663;\n}' },
  },
];

function runServerLayout(c: ServerLayout): { ok: boolean; output: string; messages: string[]; fill: (t: string) => string } {
  const pki = testPki();
  const a = pki.certs.get('localhost')!;
  const b = pki.certs.get('app.internal')!;
  const fill = (t: string) => t.replace(/\bCERT2\b/g, b.certPath).replace(/\bCERT\b/g, a.certPath).replace(/\bKEY2\b/g, b.keyPath).replace(/\bKEY\b/g, a.keyPath);
  const text = fill([c.stream ? STREAM : '', 'events {}', c.http ? `http {\n${c.http}\n}` : '', c.stream ? `stream {\n${c.stream}\n}` : '', ''].join('\n'));
  const tree = tempTree({ 'nginx.conf': text });
  try {
    const t = nginxTest(tree.dir, join(tree.dir, 'nginx.conf'));
    // nginx names the file by its full path, the message by its name.
    const output = t.output.split(join(tree.dir, 'nginx.conf')).join('nginx.conf');
    return { ok: t.ok, output, messages: lintText(text).findings.filter((f) => f.ruleId === ID).map((f) => f.message), fill };
  } finally {
    tree.cleanup();
  }
}

for (const c of serverCases) {
  test(`${ID}: server certificate, ${c.name} — nginx refuses it and proxylint agrees; ${c.twin.name}: both accept it`, () => {
    const r = runServerLayout(c);
    assert.equal(r.ok, false, r.output);
    const said = r.fill(c.rejects);
    assert.ok(r.output.includes(`[emerg] ${said}`), r.output);
    assert.equal(r.messages.length, 1, r.messages.join('\n'));
    assert.ok(r.messages[0].startsWith('nginx will not start: '), r.messages[0]);
    assert.ok(r.messages[0].includes(`("${said}"`), r.messages[0]);
    const twin = runServerLayout(c.twin);
    assert.equal(twin.ok, true, twin.output);
    assert.deepEqual(twin.messages, []);
  });
}

test(`${ID}: a server certificate whose key a module or fork keeps elsewhere (Tengine's ssl_keyless) is left alone`, () => {
  const server = (extra: string) => `events {}\nhttp {\n    server {\n        listen 127.0.0.1:18660 ssl;\n        ssl_certificate /etc/nginx/site.pem;\n        ${extra}\n    }\n}\n`;
  assert.deepEqual(lintText(server('ssl_keyless on;')).findings.filter((f) => f.ruleId === ID).map((f) => f.message), []);
  assert.equal(lintText(server('ssl_session_timeout 5m;')).findings.filter((f) => f.ruleId === ID).length, 1);
});

test(`${ID}: a server certificate is left alone where an include proxylint could not read may hold its key`, () => {
  const text = 'events {}\nhttp {\n    server {\n        listen 127.0.0.1:18660 ssl;\n        ssl_certificate /etc/nginx/site.pem;\n        include snippets/INC;\n    }\n}\n';
  assert.deepEqual(lintText(text.replace('INC', 'missing.conf')).findings.filter((f) => f.ruleId === ID).map((f) => f.message), []);
  assert.equal(lintText(text.replace('INC', 'params.conf'), { files: { 'snippets/params.conf': 'ssl_session_timeout 5m;\n' } }).findings.filter((f) => f.ruleId === ID).length, 1);
});

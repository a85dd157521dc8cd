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

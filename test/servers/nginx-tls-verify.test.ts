// What nginx 1.22.1 logs when *_ssl_verify rejects a backend's certificate, per way the CA file can be wrong, and why
// an earlier audit saw "(21:unable to verify the first certificate)" even with the right CA: a resumed TLS session
// keeps the verification result of the handshake that made it, and locations passing to the same host:port share
// sessions. Each case runs on the real nginx; the hovers of *_ssl_verify and *_ssl_trusted_certificate must say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nginxDirectiveDoc } from '../../server/src/core/docs/directive-doc';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { requireBinary } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { startHttpStandin, type Standin } from './standins/http';
import { testPki } from './standins/tls';

requireBinary('nginx');
requireBinary('openssl');

/** A root CA, an intermediate it signed, a "localhost" certificate the intermediate signed, and an unrelated root. */
function chainPki(): { dir: string; root: string; other: string; int: string; key: string; leaf: string; chain: string } {
  const dir = mkdtempSync(join(tmpdir(), 'proxylint-chain-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', timeout: 20_000 });
  for (const ca of ['root', 'other']) run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '2', '-subj', `/CN=proxylint ${ca} CA`]);
  writeFileSync(join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  writeFileSync(join(dir, 'leaf.ext'), 'subjectAltName=DNS:localhost\n');
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/CN=proxylint intermediate CA']);
  run(['x509', '-req', '-in', 'int.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-out', 'int.pem', '-days', '2', '-extfile', 'ca.ext']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=localhost']);
  run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'int.pem', '-CAkey', 'int.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'leaf.ext']);
  const r = (f: string) => readFileSync(join(dir, f), 'utf8');
  return { dir, root: join(dir, 'root.pem'), other: join(dir, 'other.pem'), int: join(dir, 'int.pem'), key: r('leaf.key'), leaf: r('leaf.pem'), chain: r('leaf.pem') + r('int.pem') };
}

const verify = (ca: string, extra = '') => `proxy_ssl_verify on; proxy_ssl_trusted_certificate ${ca};${extra}`;

test('*_ssl_verify: the (21), (20) and (2) verify errors, each a 502, with passing controls (real nginx)', async () => {
  const pki = testPki();
  const chain = chainPki();
  const standins: Standin[] = [];
  const tls = async (key: string, cert: string) => {
    const s = await startHttpStandin({ behaviour: 'ok', tls: { key, cert }, deadlineMs: 30_000 });
    standins.push(s);
    return s.port;
  };
  try {
    const local = pki.certs.get('localhost')!;
    // One backend per case (its own port, so no TLS session is shared between the cases).
    const cases: Record<string, { port: number; ca: string; status: number; line?: string }> = {
      'leaf-only, right CA': { port: await tls(local.key, local.cert), ca: pki.caPath, status: 200 },
      'leaf-only, other CA': { port: await tls(local.key, local.cert), ca: chain.other, status: 502, line: NGX_LOG.tlsVerifyLeaf },
      'leaf-only, intermediate missing': { port: await tls(chain.key, chain.leaf), ca: chain.root, status: 502, line: NGX_LOG.tlsVerifyLeaf },
      'chain, root': { port: await tls(chain.key, chain.chain), ca: chain.root, status: 200 },
      'chain, other CA': { port: await tls(chain.key, chain.chain), ca: chain.other, status: 502, line: NGX_LOG.tlsVerifyIssuer },
      'chain, intermediate only': { port: await tls(chain.key, chain.chain), ca: chain.int, status: 502, line: NGX_LOG.tlsVerifyNoRoot },
    };
    const names = Object.keys(cases);
    const locations = names.map((n, i) => `        location /c${i}/ { ${verify(cases[n].ca)} proxy_pass https://localhost:${cases[n].port}; }\n`).join('');
    const setup = await prepareNginx(`http {\n    server {\n        listen 127.0.0.1:8000;\n${locations}    }\n}\n`);
    const nginx = await startNginx(setup);
    try {
      const seen: Record<string, unknown> = {};
      for (const [i, n] of names.entries()) seen[n] = (await request({ port: setup.port, path: `/c${i}/` })).status;
      await new Promise((r) => setTimeout(r, 200));
      const log = nginx.errorLog();
      assert.deepEqual(seen, Object.fromEntries(names.map((n) => [n, cases[n].status])), log);
      for (const [i, n] of names.entries()) {
        const errors = log.split('\n').filter((l) => l.includes(`GET /c${i}/ `) && l.includes('[error]'));
        if (cases[n].line) assert.ok(errors.length === 1 && errors[0].includes(cases[n].line!), `${n}: ${errors.join('\n')}`);
        else assert.deepEqual(errors, [], n);
      }
    } finally {
      await nginx.stop();
      setup.cleanup();
    }
  } finally {
    for (const s of standins) await s.stop();
    rmSync(chain.dir, { recursive: true, force: true });
  }
  for (const m of ['proxy', 'grpc', 'uwsgi']) {
    const trusted = nginxDirectiveDoc(`${m}_ssl_trusted_certificate`)!;
    for (const line of [NGX_LOG.tlsVerifyLeaf, NGX_LOG.tlsVerifyIssuer, NGX_LOG.tlsVerifyNoRoot]) assert.ok(trusted.logLines.includes(line), `${m}: ${line}`);
    assert.match(trusted.failure, /`\(21:unable to verify the first certificate\)` when the backend sends only its own certificate/);
    assert.match(trusted.failure, /`\(20:unable to get local issuer certificate\)` when the backend sends its chain/);
    const v = nginxDirectiveDoc(`${m}_ssl_verify`)!;
    assert.ok(v.logLines.includes(NGX_LOG.tlsVerifyLeaf) && v.logLines.includes(NGX_LOG.tlsVerifyIssuer), m);
  }
});

test('*_ssl_trusted_certificate: a resumed session carries another location\'s verification result to the same host:port (real nginx)', async () => {
  const pki = testPki();
  const local = pki.certs.get('localhost')!;
  const chain = chainPki();
  const run = async (order: string[], reuse: string) => {
    const backend = await startHttpStandin({ behaviour: 'ok', tls: { key: local.key, cert: local.cert }, deadlineMs: 30_000 });
    const extra = reuse ? ` proxy_ssl_session_reuse ${reuse};` : '';
    // /good/ trusts the CA that signed the backend's certificate, /bad/ an unrelated one; both pass to the same address.
    const setup = await prepareNginx(
      `http {\n    server {\n        listen 127.0.0.1:8000;\n        location /good/ { ${verify(pki.caPath, extra)} proxy_pass https://localhost:${backend.port}; }\n        location /bad/ { ${verify(chain.other, extra)} proxy_pass https://localhost:${backend.port}; }\n    }\n}\n`,
    );
    const nginx = await startNginx(setup);
    try {
      const out: string[] = [];
      for (const p of order) out.push(`${p} ${(await request({ port: setup.port, path: `/${p}/` })).status}`);
      await new Promise((r) => setTimeout(r, 200));
      return { out, log: nginx.errorLog() };
    } finally {
      await nginx.stop();
      await backend.stop();
      setup.cleanup();
    }
  };
  try {
    const goodFirst = await run(['good', 'bad'], '');
    assert.deepEqual(goodFirst.out, ['good 200', 'bad 200'], goodFirst.log);
    const badFirst = await run(['bad', 'good'], '');
    assert.deepEqual(badFirst.out, ['bad 502', 'good 502'], badFirst.log);
    assert.equal(badFirst.log.split(NGX_LOG.tlsVerifyLeaf).length - 1, 2, badFirst.log);
    // Without session reuse each location verifies for itself.
    const noReuse = await run(['bad', 'good', 'bad'], 'off');
    assert.deepEqual(noReuse.out, ['bad 502', 'good 200', 'bad 502'], noReuse.log);
  } finally {
    rmSync(chain.dir, { recursive: true, force: true });
  }
  const doc = nginxDirectiveDoc('proxy_ssl_trusted_certificate')!;
  assert.match(doc.failure, /resumed TLS session keeps the verification result/);
  assert.match(doc.failure, /`proxy_ssl_session_reuse`/);
});

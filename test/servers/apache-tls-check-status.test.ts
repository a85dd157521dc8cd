// The SSLProxy* hovers once said a failed backend certificate check ends in 502. On the real apache2 (2.4.71) it is
// 500: mod_proxy maps a failed handshake with the backend to HTTP_INTERNAL_SERVER_ERROR ("Error during SSL Handshake
// with remote server"). Each case here fails one check and has a control that passes it, so the check (not the
// set-up) is what turns 200 into 500; the hovers must quote the status and the lines seen here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apacheDirectiveDoc } from '../../server/src/core/docs/directive-doc';
import { APX_LOG } from '../../server/src/core/docs/log-lines';
import { explainProblems } from '../evidence/explain-check';
import type { Observation } from '../evidence/scenario';
import { requireBinary, tempTree } from '../helpers';
import { apacheConfigTest, prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';
import { testPki } from './standins/tls';

requireBinary('apache2');
requireBinary('openssl');

/** What `proxylint explain` gets wrong about this error log, for a client that got `status`. */
const explainWrong = (log: string, status: string) => explainProblems({ statuses: [status], errorLog: log } as Observation, 'apache', 'server test');

/**
 * Certificates for localhost signed by the test CA that the stand-ins do not have: one expired (openssl ca can
 * back-date, x509 -req cannot), and one whose CN is another name while its subjectAltName says localhost.
 */
function extraCerts(dir: string) {
  const pki = testPki();
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', timeout: 20_000 });
  mkdirSync(join(dir, 'db'));
  writeFileSync(join(dir, 'db', 'index.txt'), '');
  writeFileSync(join(dir, 'db', 'serial'), '01\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    '[ca]\ndefault_ca = c\n[c]\ndatabase = db/index.txt\nserial = db/serial\nnew_certs_dir = db\ndefault_md = sha256\npolicy = p\nx509_extensions = ext\n[p]\ncommonName = supplied\n[ext]\nsubjectAltName = DNS:localhost\n',
  );
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'expired.key', '-out', 'expired.csr', '-subj', '/CN=localhost']);
  run(['ca', '-batch', '-config', 'ca.cnf', '-cert', pki.caPath, '-keyfile', join(pki.dir, 'ca.key'), '-in', 'expired.csr', '-out', 'expired.pem', '-startdate', '20200101000000Z', '-enddate', '20200102000000Z']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'othercn.key', '-out', 'othercn.csr', '-subj', '/CN=other.example']);
  run(['ca', '-batch', '-config', 'ca.cnf', '-cert', pki.caPath, '-keyfile', join(pki.dir, 'ca.key'), '-in', 'othercn.csr', '-out', 'othercn.pem', '-days', '2']);
  // A CA that signed none of the backend certificates.
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'stranger.key', '-out', 'stranger.pem', '-days', '2', '-subj', '/CN=stranger CA']);
  const pair = (n: string) => ({ key: readFileSync(join(dir, `${n}.key`)), cert: readFileSync(join(dir, `${n}.pem`)) });
  return { expired: pair('expired'), otherCn: pair('othercn'), strangerCa: join(dir, 'stranger.pem') };
}

/**
 * One GET through httpd to an HTTPS stand-in at https://localhost:<port>/ serving `tls`; status and error log. At
 * ssl:info httpd says which check failed; a failed chain is logged at the default level too (AH02039, which ssl:info
 * replaces by the longer AH02276).
 */
async function through(tls: { key: string | Buffer; cert: string | Buffer }, ssl: string, logLevel = 'warn ssl:info'): Promise<{ status: string; log: string; reached: number }> {
  const backend = await startHttpStandin({ behaviour: 'ok', tls, deadlineMs: 20_000 });
  const setup = await prepareApache(`SSLProxyEngine On\n${ssl}\nProxyPass "/app/" "https://localhost:${backend.port}/"\n`, { logLevel });
  const httpd = await startApache(setup);
  try {
    const r = await request({ port: setup.port, path: '/app/x', timeoutMs: 5000 });
    await new Promise((res) => setTimeout(res, 150)); // the error log line follows the response
    return { status: String(r.status), log: httpd.errorLog(), reached: backend.requests.length };
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
}

test('failed backend certificate checks give 500, not 502, with the lines the hovers quote (real apache2)', async () => {
  const tree = tempTree({});
  try {
    const pki = testPki();
    const own = pki.certs.get('localhost')!;
    const other = pki.certs.get('default.invalid')!;
    const x = extraCerts(tree.dir);

    // SSLProxyVerify require: a CA file without the backend's CA fails, the right one passes.
    const unverified = await through(own, `SSLProxyVerify require\nSSLProxyCACertificateFile ${x.strangerCa}`, 'warn');
    assert.equal(unverified.status, '500', unverified.log);
    assert.equal(unverified.reached, 0);
    assert.ok(unverified.log.includes(APX_LOG.certNotVerified), unverified.log);
    assert.ok(unverified.log.includes(APX_LOG.sslHandshake), unverified.log);
    assert.deepEqual(explainWrong(unverified.log, unverified.status), []);
    assert.equal((await through(own, `SSLProxyVerify require\nSSLProxyCACertificateFile ${pki.caPath}`)).status, '200');

    // An expired certificate fails with the defaults (no verification at all), and passes with the check off.
    const expired = await through(x.expired, '');
    assert.equal(expired.status, '500', expired.log);
    assert.ok(expired.log.includes(APX_LOG.certExpired), expired.log);
    assert.ok(expired.log.includes(APX_LOG.sslHandshake), expired.log);
    assert.deepEqual(explainWrong(expired.log, expired.status), []);
    assert.equal((await through(x.expired, 'SSLProxyCheckPeerExpire off')).status, '200');

    // The name check: with the defaults a certificate for another name fails (SSLProxyCheckPeerName) …
    const wrongName = await through(other, '');
    assert.equal(wrongName.status, '500', wrongName.log);
    assert.ok(wrongName.log.includes(APX_LOG.certNameMismatch), wrongName.log);
    assert.deepEqual(explainWrong(wrongName.log, wrongName.status), []);
    // … one whose CN differs but whose subjectAltName says localhost passes, and either directive off alone ends the
    // check, although SSLProxyCheckPeerCN is documented as on by default.
    assert.equal((await through(x.otherCn, '')).status, '200');
    assert.equal((await through(other, 'SSLProxyCheckPeerName off')).status, '200');
    assert.equal((await through(other, 'SSLProxyCheckPeerCN off')).status, '200');
    // Only SSLProxyCheckPeerName off with SSLProxyCheckPeerCN on written out compares the CN, and the CN alone.
    const cnOnly = await through(x.otherCn, 'SSLProxyCheckPeerName off\nSSLProxyCheckPeerCN on');
    assert.equal(cnOnly.status, '500', cnOnly.log);
    assert.ok(cnOnly.log.includes(APX_LOG.certCnMismatch), cnOnly.log);
    assert.deepEqual(explainWrong(cnOnly.log, cnOnly.status), []);
  } finally {
    tree.cleanup();
  }
});

test('the SSLProxy* hovers say 500 and quote those lines', () => {
  for (const name of ['SSLProxyVerify', 'SSLProxyCheckPeerName', 'SSLProxyCheckPeerCN', 'SSLProxyCheckPeerExpire', 'SSLProxyCACertificateFile']) {
    const doc = apacheDirectiveDoc(name)!;
    assert.ok(doc.statusCodes.includes('500'), name);
    assert.ok(!doc.statusCodes.includes('502'), name);
    assert.match(doc.failure, /\*\*500\*\* \(not 502\)/, name);
    assert.doesNotMatch(doc.failure, /\*\*502\*\*/, name);
    assert.ok(doc.logLines.includes(APX_LOG.sslHandshake), name);
  }
  assert.ok(apacheDirectiveDoc('SSLProxyVerify')!.logLines.includes(APX_LOG.certNotVerified));
  assert.ok(apacheDirectiveDoc('SSLProxyCheckPeerExpire')!.logLines.includes(APX_LOG.certExpired));
  const cn = apacheDirectiveDoc('SSLProxyCheckPeerCN')!;
  assert.doesNotMatch(cn.failure, /^On by default\. A backend certificate whose CN does not match/);
  assert.match(cn.failure, /`SSLProxyCheckPeerName off` alone ends the name check, and so does `SSLProxyCheckPeerCN off` alone/);
  assert.match(cn.failure, /Only `SSLProxyCheckPeerName off` together with an explicit `SSLProxyCheckPeerCN on` compares the CN alone/);
  assert.ok(cn.expectedLogLines?.includes('AH02005: SSL Proxy: Peer certificate CN mismatch: Certificate CN: other.example Requested hostname: localhost'));
});

test('SSLProxyCACertificateFile naming a missing file stops httpd at configtest, with the line the hover quotes', async () => {
  const setup = await prepareApache('SSLProxyEngine On\nSSLProxyVerify require\nSSLProxyCACertificateFile /nonexistent/ca.pem\nProxyPass "/app/" "https://localhost:9/"\n');
  try {
    const t = apacheConfigTest(setup);
    assert.ok(!t.ok, t.output);
    assert.match(t.output, /SSLProxyCACertificateFile: file '\/nonexistent\/ca\.pem' does not exist or is empty/);
    assert.match(apacheDirectiveDoc('SSLProxyCACertificateFile')!.failure, /`SSLProxyCACertificateFile: file '…' does not exist or is empty`/);
  } finally {
    setup.cleanup();
  }
});

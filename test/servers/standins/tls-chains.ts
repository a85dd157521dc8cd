import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM text of a certificate and its key. */
export interface Pem {
  cert: string;
  key: string;
}

export interface ChainPki {
  dir: string;
  /** The root CA's certificate, the file *_ssl_trusted_certificate names. */
  root: string;
  /** "localhost" signed by the root itself. */
  direct: Pem;
  /** "localhost" signed by the root, and revoked in `crl`. */
  revoked: Pem;
  /** "localhost" under two intermediates (root → int1 → int2 → leaf); `cert` holds the leaf and both intermediates. */
  deep: Pem;
  /** A client certificate signed by the root whose key is encrypted with `passphrase`. */
  encrypted: Pem & { passphrase: string };
  /** A client certificate signed by int2 (so not by a CA a backend trusting only the root knows), key in the clear. */
  foreign: Pem;
  /** The root's CRL, revoking `revoked`; valid for two days. */
  crl: string;
  /** The same CRL, but its next-update time is in 2020. */
  expiredCrl: string;
  cleanup(): void;
}

/**
 * A throw-away PKI for upstream TLS checks, made with the openssl CLI: a root, two intermediates below it, leaf
 * certificates for "localhost" at different depths, a revoked one with the root's CRL (openssl ca), and a client
 * certificate with an encrypted key.
 */
export function chainPki(): ChainPki {
  const dir = mkdtempSync(join(tmpdir(), 'proxylint-chains-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', timeout: 20_000 });
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  writeFileSync(join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  writeFileSync(join(dir, 'leaf.ext'), 'subjectAltName=DNS:localhost\n');
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'root.key', '-out', 'root.pem', '-days', '2', '-subj', '/CN=proxylint chain root']);
  const sign = (name: string, subject: string, issuer: string, ext: string, keyArgs = ['-nodes']) => {
    run(['req', '-newkey', 'rsa:2048', ...keyArgs, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${subject}`]);
    run(['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', ext]);
  };
  sign('int1', 'proxylint int1', 'root', 'ca.ext');
  sign('int2', 'proxylint int2', 'int1', 'ca.ext');
  sign('deep', 'localhost', 'int2', 'leaf.ext');
  sign('direct', 'localhost', 'root', 'leaf.ext');
  sign('revoked', 'localhost', 'root', 'leaf.ext');
  sign('foreign', 'client', 'int2', 'leaf.ext');
  const passphrase = 'proxylint-pass';
  sign('encrypted', 'client', 'root', 'leaf.ext', ['-passout', `pass:${passphrase}`]);
  run(['rsa', '-in', 'encrypted.key', '-passin', `pass:${passphrase}`, '-aes256', '-passout', `pass:${passphrase}`, '-out', 'encrypted.key']);
  writeFileSync(join(dir, 'ca.cnf'), '[ ca ]\ndefault_ca = d\n[ d ]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\ndefault_crl_days = 2\n');
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'crlnumber'), '01\n');
  const ca = ['ca', '-config', 'ca.cnf', '-keyfile', 'root.key', '-cert', 'root.pem'];
  run([...ca, '-revoke', 'revoked.pem']);
  run([...ca, '-gencrl', '-out', 'crl.pem']);
  run([...ca, '-gencrl', '-crl_lastupdate', '20200101000000Z', '-crl_nextupdate', '20200102000000Z', '-out', 'crl-expired.pem']);
  // nginx workers (nobody) read what a test copies out of here only when it is readable.
  chmodSync(dir, 0o755);
  const pem = (n: string, chain: string[] = []): Pem => ({ cert: read(`${n}.pem`) + chain.map((c) => read(`${c}.pem`)).join(''), key: read(`${n}.key`) });
  return {
    dir,
    root: read('root.pem'),
    direct: pem('direct'),
    revoked: pem('revoked'),
    deep: pem('deep', ['int2', 'int1']),
    encrypted: { ...pem('encrypted'), passphrase },
    foreign: pem('foreign'),
    crl: read('crl.pem'),
    expiredCrl: read('crl-expired.pem'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

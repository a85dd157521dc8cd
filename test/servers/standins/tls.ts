import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { startHttpStandin, type HttpStandinOptions, type Standin } from './http';

export interface TestPki {
  dir: string;
  caPath: string;
  /** PEM key and certificate per host name. */
  certs: Map<string, { key: string; cert: string; keyPath: string; certPath: string }>;
}

let cached: TestPki | undefined;

/** A throw-away CA and one certificate per name (signed by it, name in subjectAltName), made with the openssl CLI. */
export function testPki(names = ['localhost', 'app.internal', 'default.invalid']): TestPki {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'proxylint-pki-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', timeout: 20_000 });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=proxylint evidence CA']);
  const certs: TestPki['certs'] = new Map();
  for (const name of names) {
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=DNS:${name}\n`);
    run(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`]);
    certs.set(name, { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.pem`), 'utf8'), keyPath: join(dir, `${name}.key`), certPath: join(dir, `${name}.pem`) });
  }
  cached = { dir, caPath: join(dir, 'ca.pem'), certs };
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return cached;
}

/**
 * Certificates and keys an example names (`proxy_ssl_certificate /etc/nginx/certs/client.pem;`, `ssl_certificate …`) are not on
 * this machine, and nginx loads them at -t. Paths that do not exist are replaced by this PKI's certificate and key
 * (app.internal), so -t judges what a fix wrote (which directive, at which level) rather than the machine's files.
 */
export function withRealCertificates(text: string): string {
  const pki = testPki();
  const { certPath, keyPath } = pki.certs.get('app.internal')!;
  return text.replace(/\b((?:(?:proxy|grpc|uwsgi)_)?ssl_certificate(_key)?)(\s+)(\/[^\s;$"']+);/g, (all, name: string, key: string | undefined, space: string, path: string) =>
    existsSync(path) ? all : `${name}${space}${key ? keyPath : certPath};`,
  );
}

/**
 * An HTTPS stand-in that picks its certificate by SNI, like a shared ingress: a client that names `sniName`
 * (default `localhost`, the one name that resolves without DNS here) gets that certificate; one that sends no
 * (or another) name gets the certificate of `default.invalid`.
 */
export async function startTlsStandin(o: Omit<HttpStandinOptions, 'tls'> & { sniName?: string } = { behaviour: 'ok' }): Promise<Standin> {
  const pki = testPki();
  const { sniName = 'localhost', ...rest } = o;
  const named = pki.certs.get(sniName)!;
  const dflt = pki.certs.get('default.invalid')!;
  const namedCtx = createSecureContext({ key: named.key, cert: named.cert });
  return startHttpStandin({
    ...rest,
    tls: {
      key: dflt.key,
      cert: dflt.cert,
      SNICallback: (name, cb) => cb(null, name === sniName ? namedCtx : undefined),
    },
  });
}

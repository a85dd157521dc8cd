// httpd in front of a TLS backend that needs SNI (found by an on-call review): the backend is a real nginx whose
// default server has ssl_reject_handshake on, and whose named server (localhost, with a certificate for it) answers.
// With an IP address in the ProxyPass URL httpd sends no SNI, the handshake fails, and the client gets 500 with only
// "AH00898: Error during SSL Handshake" at level warn; explain listed certificate and verification causes only. It now
// names SNI among the causes and, for a URL with an IP address, gives the next step proven here: a host name in the URL,
// or ProxyPreserveHost On with a client Host the backend serves, gets 200.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { requireBinary, runCli } from '../helpers';
import { prepareApache, rewriteApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { waitFor } from './harness/proc';
import { testPki } from './standins/tls';

requireBinary('apache2');
requireBinary('nginx');

test('explain: AH00898 for a backend that needs SNI, reached by IP address: SNI is among the causes, and the next step (a host name in the URL, or ProxyPreserveHost On) gets 200 (real httpd and nginx)', async () => {
  const cert = testPki().certs.get('localhost')!;
  const backend = await prepareNginx(`http {
    server {
        listen 127.0.0.1:8443 ssl default_server;
        ssl_reject_handshake on;
    }
    server {
        listen 127.0.0.1:8443 ssl;
        server_name localhost;
        ssl_certificate ${cert.certPath};
        ssl_certificate_key ${cert.keyPath};
        location / { return 200 "named\\n"; }
    }
}
`);
  const nginx = await startNginx(backend);
  const b = backend.port;
  // Certificate checks off: the test is about the name sent, not about the certificate's issuer.
  const front = (pass: string, extra = '') => `SSLProxyEngine On
SSLProxyVerify none
SSLProxyCheckPeerName off
${extra}ProxyPass "/app/" "${pass}"
`;
  const setup = await prepareApache(front(`https://127.0.0.1:${b}/`));
  try {
    const runWith = async (text: string, headers: Record<string, string> = {}) => {
      rewriteApache(setup, setup.text.replace(/SSLProxyEngine On[\s\S]*$/, text));
      writeFileSync(setup.errorLogPath, '');
      const httpd = await startApache(setup);
      try {
        const status = (await request({ port: setup.port, path: '/app/x', headers, timeoutMs: 5000 })).status;
        if (status !== 200) await waitFor(() => /AH00898/.test(httpd.errorLog()), 5000);
        return { status, log: httpd.errorLog() };
      } finally {
        await httpd.stop();
      }
    };

    const ip = await runWith(front(`https://127.0.0.1:${b}/`));
    assert.equal(ip.status, 500, ip.log);
    assert.match(ip.log, /\[proxy:error\] [^\n]*AH00898: Error during SSL Handshake with remote server returned by \/app\/x/);
    const json = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const entry = (JSON.parse(json.stdout) as { explained: { id: string; meaning: string; nextStep?: string }[] }).explained.find((e) => e.id === 'apache-tls-handshake');
    assert.ok(entry, json.stdout);
    assert.match(entry.meaning, /the backend needs SNI .*httpd sends the URL's host name \(the client's Host with ProxyPreserveHost On\), and none for an IP address/);
    assert.equal(
      entry.nextStep,
      `if the backend needs SNI (one TLS address for several names: an ingress, a CDN, nginx with ssl_reject_handshake), httpd sent it none unless ProxyPreserveHost On was in force for the request: the URL of ProxyPass https://127.0.0.1:${b}/ names the IP address 127.0.0.1, which httpd never sends as SNI. Write a host name the backend serves in the URL (one this machine resolves), or, if the clients' Host is a name the backend serves, set ProxyPreserveHost On: httpd then sends that Host as SNI (and, with SSLProxyCheckPeerName on, checks the backend's certificate against it).`,
    );

    // Each way out the step names: a host name in the URL, or the client's Host sent as SNI.
    const named = await runWith(front(`https://localhost:${b}/`));
    assert.equal(named.status, 200, named.log);
    const preserved = await runWith(front(`https://127.0.0.1:${b}/`, 'ProxyPreserveHost On\n'), { Host: 'localhost' });
    assert.equal(preserved.status, 200, preserved.log);
    // ProxyPreserveHost On with a Host the backend does not serve: httpd sent that name as SNI and the backend refused
    // it (500). explain shows the three settings in force at the worker, and no SNI step: it was sent one.
    const wrongHost = await runWith(front(`https://127.0.0.1:${b}/`, 'ProxyPreserveHost On\n'), { Host: 'other.invalid' });
    assert.equal(wrongHost.status, 500, wrongHost.log);
    const withPreserve = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    const tlsEntry = (JSON.parse(withPreserve.stdout) as { explained: { id: string; nextStep?: string; timeouts: { name: string; value: string; origin: string; at?: { line: number } }[] }[] }).explained.find((e) => e.id === 'apache-tls-handshake')!;
    assert.ok(tlsEntry, withPreserve.stdout);
    assert.equal(tlsEntry.nextStep, undefined, 'ProxyPreserveHost On is in force: httpd sent the client\'s Host as SNI');
    const lineOf = (re: RegExp) => setup.text.split('\n').findIndex((l) => re.test(l)) + 1;
    assert.deepEqual(
      tlsEntry.timeouts.map((v) => [v.name, v.value, v.at?.line]),
      [
        ['SSLProxyCheckPeerName', 'off', lineOf(/^SSLProxyCheckPeerName off/)],
        ['SSLProxyVerify', 'none', lineOf(/^SSLProxyVerify none/)],
        ['ProxyPreserveHost', 'On', lineOf(/^ProxyPreserveHost On/)],
      ],
      withPreserve.stdout,
    );
    // A host name in the URL leaves nothing to say about SNI: no step for a worker that names one.
    rewriteApache(setup, setup.text.replace(/SSLProxyEngine On[\s\S]*$/, front(`https://localhost:${b}/`)));
    const other = runCli(['explain', '--in', setup.confPath, '--format', 'json', ip.log.split('\n').find((l) => l.includes('AH00898'))!]);
    const placed = (JSON.parse(other.stdout) as { explained: { nextStep?: string; backend: { url: string } | null }[] }).explained[0];
    assert.equal(placed.backend?.url, `https://localhost:${b}/`, other.stdout);
    assert.equal(placed.nextStep, undefined);
  } finally {
    await nginx.stop();
    backend.cleanup();
    setup.cleanup();
  }
});

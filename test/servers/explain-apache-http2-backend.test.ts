// mod_proxy_http2 backends that do not speak HTTP/2, and mod_ssl's info lines about a backend's handshake (found by an
// on-call review). On httpd 2.4.71 h2:// to a TLS backend without "h2" in ALPN, and h2c:// to an HTTP/1.1 backend,
// answer 503 with no line at all at LogLevel warn; at info, h2:// gives "AH10273: … did not select any of our ALPN
// protocols [h2]" and "AH01997: SSL handshake failed: sending 502" (the client still got 503), and https:// to a plain
// port gives the same AH01997 before AH00898 (the client got 500). explain knew neither info line, and the ProxyPass
// hover did not say that such a 503 comes with an empty error log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { apacheDirectiveDoc } from '../../server/src/core/docs/directive-doc';
import { APX_LOG } from '../../server/src/core/docs/log-lines';
import { requireBinary, runCli } from '../helpers';
import { DEFAULT_APACHE_MODULES, logHasLine, prepareApache, rewriteApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { sleep } from './harness/proc';
import { startHttpStandin } from './standins/http';
import { startTlsStandin } from './standins/tls';

requireBinary('apache2');

interface Entry {
  id: string;
  status: string;
  example: string;
  backend: { url: string } | null;
}

test('mod_proxy_http2 to a backend without HTTP/2: 503 and an empty error log at warn; at info explain knows AH10273 (503) and AH01997, whose "sending 502" is 503 or 500 (real httpd)', async () => {
  const tls = await startTlsStandin({ behaviour: 'ok', deadlineMs: 60_000 });
  const h1 = await startHttpStandin({ behaviour: 'ok', deadlineMs: 60_000 });
  const plain = await startHttpStandin({ behaviour: 'ok', deadlineMs: 60_000 });
  const conf = (level: string) => `LogLevel ${level}
SSLProxyEngine On
SSLProxyVerify none
SSLProxyCheckPeerName off
ProxyPass "/h2/" "h2://${tls.address}/"
ProxyPass "/h2c/" "h2c://${h1.address}/"
ProxyPass "/tls-plain/" "https://${plain.address}/"
`;
  const setup = await prepareApache(conf('warn'), { modules: [...DEFAULT_APACHE_MODULES, 'proxy_http2'] });
  try {
    const runAt = async (level: string) => {
      rewriteApache(setup, setup.text.replace(/^LogLevel warn\n(?=SSLProxyEngine)/m, '').replace(/^LogLevel \S+$/m, `LogLevel ${level}`));
      writeFileSync(setup.errorLogPath, '');
      const httpd = await startApache(setup);
      try {
        const statuses: Record<string, number | string> = {};
        for (const p of ['/h2/', '/h2c/', '/tls-plain/']) statuses[p] = (await request({ port: setup.port, path: `${p}x`, timeoutMs: 8000 })).status;
        await sleep(300);
        return { statuses, log: httpd.errorLog() };
      } finally {
        await httpd.stop();
      }
    };

    // At warn: 503 for both HTTP/2 workers, and not one line about them (only the https:// request's lines).
    const warn = await runAt('warn');
    assert.deepEqual(warn.statuses, { '/h2/': 503, '/h2c/': 503, '/tls-plain/': 500 }, warn.log);
    const requestLines = warn.log.split('\n').filter((l) => /\[(?:proxy|proxy_http|proxy_http2|ssl):(?:warn|error|crit)\]/.test(l) && !/AH0188[0-9]|AH01873|AH01876|AH10159/.test(l));
    assert.ok(requestLines.length > 0 && requestLines.every((l) => /\/tls-plain\/|AH01084|AH01097/.test(l)), requestLines.join('\n'));
    assert.doesNotMatch(warn.log, /AH10273|AH01997|h2c?:\/\//);

    // At info: what mod_ssl says, and what explain makes of it.
    const info = await runAt('info');
    assert.deepEqual(info.statuses, { '/h2/': 503, '/h2c/': 503, '/tls-plain/': 500 }, info.log);
    // h2c:// has nothing to say at info either (its reason is at proxy_http2:debug only).
    assert.ok(!info.log.includes(h1.address), info.log);
    assert.ok(logHasLine(info.log, APX_LOG.h2NoAlpn), info.log);
    assert.ok(logHasLine(info.log, APX_LOG.tlsHandshakeInfo), info.log);
    assert.match(info.log, new RegExp(`\\[ssl:info\\] [^\\n]*\\[remote ${tls.address.replace(/\./g, '\\.')}\\] AH10273: SSL Proxy: Peer did not select any of our ALPN protocols \\[h2\\]\\.`));
    // The https:// request's AH01997 comes right before its AH01084/AH00898 (its own thread).
    assert.match(info.log, new RegExp(`\\[remote ${plain.address.replace(/\./g, '\\.')}\\] AH01997: SSL handshake failed: sending 502\\n[^\\n]*AH01084[^\\n]*\\n[^\\n]*AH00898: Error during SSL Handshake with remote server returned by /tls-plain/x`));

    const json = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout) as { explained: Entry[]; requests: { lines: number[]; outcome?: { status: string | null } | null }[] };
    const alpn = out.explained.find((e) => e.id === 'apache-h2-no-alpn');
    assert.ok(alpn, json.stdout);
    assert.equal(alpn.status, '503');
    assert.equal(alpn.backend?.url, `h2://${tls.address}/`, 'of the workers, only an h2:// one offers "h2" in ALPN');
    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]);
    const blocks = text.stdout.split('\n\n');
    const h2Block = blocks.find((b) => b.includes('AH10273'))!;
    assert.match(h2Block, /\n {2}The client got 503 \(this failure ends the request\)\.\n/, h2Block);
    assert.doesNotMatch(h2Block, /got 500/);
    const plainBlock = blocks.find((b) => b.includes('returned by /tls-plain/x'))!;
    assert.match(plainBlock, /\n {2}The client got 500 \(this failure ends the request\)\.\n/, plainBlock);
    // mod_ssl's AH02003 and its reason line come first now that explain knows them (explain-apache-tls-plain-port).
    assert.match(plainBlock, /AH02003: SSL Proxy connect failed\n {4}Apache httpd: the request's last try, which decided what the client got \(above\)\./, plainBlock);
    assert.match(plainBlock, /AH01997: SSL handshake failed: sending 502\n {4}Apache httpd: part of the same try as the line above \(the request's last\)\./, plainBlock);
    assert.match(plainBlock, /the "sending 502" in the line is mod_ssl's own word, not the status the client got/);
  } finally {
    setup.cleanup();
    await tls.stop();
    await h1.stop();
    await plain.stop();
  }
});

test('hover: ProxyPass says that h2:// and h2c:// to a backend without HTTP/2 answer 503 with nothing in the error log at warn', () => {
  const doc = apacheDirectiveDoc('ProxyPass')!;
  assert.match(doc.failure, /`h2:\/\/` or `h2c:\/\/` to a backend that does not speak HTTP\/2[^\n]*\*\*503\*\*[^\n]*no line at `LogLevel warn`/);
  assert.ok(doc.logLines?.includes(APX_LOG.h2NoAlpn));
});

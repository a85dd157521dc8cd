// `proxylint explain` on lines of a real httpd (Debian 2.4.71) that name only the request path:
// - with a <Proxy balancer://> section above the rules, its members are defined first, but httpd sends a path to the
//   first ProxyPass in the configuration's order that matches it: AH01106 "bad HTTP/1.1 header returned by /mb2/…"
//   belongs to the /mb2/ rule, not to the balancer that `ProxyPass /` uses;
// - a request with `Expect: 100-continue` whose backend never answers gets 503, logged as AH01102 then AH00898
//   "Timeout on 100-Continue returned by /path" (not 502 like "Error reading from remote server").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { explainApacheLog, proxyPassLine } from './harness/explain';
import { sleep } from './harness/proc';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

/** Sends the head with Expect: 100-continue, waits like curl does (1 s) for a 100, then the body; the status line. */
function expectContinue(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    let got = '';
    const timer = setTimeout(() => (s.destroy(), reject(new Error('no answer in 15 s'))), 15_000);
    s.on('connect', () => {
      s.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 3\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`);
      setTimeout(() => s.write('a=1'), 1000);
    });
    s.on('error', reject);
    s.on('data', (d) => {
      got += d.toString('latin1');
      const finals = [...got.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1])).filter((n) => n !== 100);
      if (finals.length) {
        clearTimeout(timer);
        s.destroy();
        resolve(finals[0]);
      }
    });
  });
}

test('explain: a path-only httpd line is placed at the first rule in the configuration that matches it, and a 100-continue timeout is 503 (real apache2)', async () => {
  const member = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  const big = await startHttpStandin({ behaviour: 'big-header', headerKiB: 6, deadlineMs: 30_000 });
  const silent = await startHttpStandin({ behaviour: 'silent', deadlineMs: 30_000 });
  const setup = await prepareApache(
    [
      '<Proxy "balancer://pool">',
      `    BalancerMember "http://${member.address}"`,
      '</Proxy>',
      `ProxyPass "/mb2/" "http://${big.address}/" responsefieldsize=4096`,
      `ProxyPass "/upload/" "http://${silent.address}/" timeout=2`,
      'ProxyPass "/" "balancer://pool/"',
      '',
    ].join('\n'),
  );
  const httpd = await startApache(setup);
  try {
    assert.equal((await request({ port: setup.port, path: '/mb2/bighdr', timeoutMs: 8000 })).status, 502);
    assert.equal((await request({ port: setup.port, path: '/other', timeoutMs: 8000 })).status, 200);
    assert.equal(await expectContinue(setup.port, '/upload/y'), 503);
    await sleep(300);
    const log = httpd.errorLog();
    assert.match(log, /AH01106: bad HTTP\/1\.1 header returned by \/mb2\/bighdr/);
    assert.match(log, /AH00898: Timeout on 100-Continue returned by \/upload\/y/);

    const j = explainApacheLog(setup).report;
    const entry = (id: string) => {
      const e = j.explained.filter((x) => x.id === id);
      assert.equal(e.length, 1, `${id}: ${JSON.stringify(j.explained.map((x) => x.id))}`);
      return e[0];
    };
    assert.equal(entry('apache-bad-header').backend?.line, proxyPassLine(setup, 'mb2'), JSON.stringify(entry('apache-bad-header')));
    const cont = entry('apache-100-continue-timeout') as unknown as { status: string; backend: { line: number } | null };
    assert.equal(cont.status, '503');
    assert.equal(cont.backend?.line, proxyPassLine(setup, 'upload'));
  } finally {
    await httpd.stop();
    await Promise.all([member.stop(), big.stop(), silent.stop()]);
    setup.cleanup();
  }
});

test('explain: a path-only httpd line is placed at the main server\'s rule when it matches, though a virtual host written earlier has a rule for the path (real apache2)', async () => {
  const big = await startHttpStandin({ behaviour: 'big-header', headerKiB: 6, deadlineMs: 30_000 });
  const other = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  // The virtual host comes first in the file, but httpd tries the main server's lines first in every virtual host.
  const setup = await prepareApache(
    [
      '<VirtualHost *:80>',
      '    ServerName localhost',
      `    ProxyPass "/mb2/" "http://${other.address}/"`,
      '</VirtualHost>',
      `ProxyPass "/" "http://${big.address}/" responsefieldsize=4096`,
      '',
    ].join('\n'),
  );
  const httpd = await startApache(setup);
  try {
    assert.equal((await request({ port: setup.port, path: '/mb2/bighdr', timeoutMs: 8000 })).status, 502);
    assert.equal(other.requests.length, 0, 'the virtual host\'s /mb2/ backend got the request');
    await sleep(300);
    assert.match(httpd.errorLog(), /AH01106: bad HTTP\/1\.1 header returned by \/mb2\/bighdr/);
    const j = explainApacheLog(setup).report;
    const e = j.explained.filter((x) => x.id === 'apache-bad-header');
    assert.equal(e.length, 1, JSON.stringify(j.explained.map((x) => x.id)));
    const mainLine = setup.text.split('\n').findIndex((l) => l.startsWith('ProxyPass "/" ')) + 1;
    assert.equal(e[0].backend?.line, mainLine, JSON.stringify(e[0]));
    const vhostLine = setup.text.split('\n').findIndex((l) => l.startsWith('    ProxyPass "/mb2/"')) + 1;
    assert.ok(e[0].backend!.how.includes(`main server's rules come first in every virtual host, so the virtual host's rule for this path (line ${vhostLine}) is not used`), e[0].backend!.how);
  } finally {
    await httpd.stop();
    await Promise.all([big.stop(), other.stop()]);
    setup.cleanup();
  }
});

// What explain says about a placed nginx line follows the configuration's own facts (found by a review on real
// servers): the "Rules:" list names only rules that can apply to the location's setup (single-server-upstream was
// listed under a group of two servers), a refused connect to a backend written as an IP address is not blamed on a
// name that resolved to an old address, and proxy_pass https:// to a plain-HTTP port gets its own cause (OpenSSL's
// "wrong version number") with no SNI next step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { sleep } from './harness/proc';
import { refusedPort, startHttpStandin } from './standins/http';

requireBinary('nginx');

interface Entry {
  id: string;
  status: string;
  meaning: string;
  rules: { id: string }[];
  nextStep?: string;
  fields: { path?: string };
}

test('explain on real nginx lines: rules by the group\'s size, no DNS cause for an IP address, https:// to a plain port', async () => {
  const dead1 = await refusedPort();
  const dead2 = await refusedPort();
  const plain = await startHttpStandin({ behaviour: 'ok', deadlineMs: 60_000 });
  const setup = await prepareNginx(`http {
    upstream two {
        server ${dead1.address};
        server ${dead2.address};
    }
    server {
        listen 8000;
        server_name front.test;
        location /two/ { proxy_pass http://two; }
        location /ip/ { proxy_pass http://${dead1.address}; }
        location /tls/ { proxy_pass https://${plain.address}; }
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    const statuses: Record<string, number | string> = {};
    for (const p of ['/two/', '/ip/', '/tls/']) statuses[p] = (await request({ port: setup.port, path: `${p}x`, headers: { Host: 'front.test' }, timeoutMs: 8000 })).status;
    await sleep(200);
    const log = nginx.errorLog();
    assert.deepEqual(statuses, { '/two/': 502, '/ip/': 502, '/tls/': 502 }, log);
    assert.match(log, /SSL_do_handshake\(\) failed \(SSL: error:0A00010B:SSL routines::wrong version number\) while SSL handshaking to upstream[^\n]*"GET \/tls\/x/);

    const json = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const entries = (JSON.parse(json.stdout) as { explained: (Entry & { place: { location: { match: string } | null } | null })[] }).explained;
    const at = (id: string, loc: string) => entries.find((e) => e.id === id && e.place?.location?.match === loc);
    const rules = (e: Entry | undefined) => e?.rules.map((r) => r.id) ?? [];

    // Two servers in the group: single-server-upstream cannot report it. max-fails-zero could (several servers), but
    // it reports only a written max_fails=0, and none is in the configuration: not named either.
    const two = at('nginx-refused', '/two/');
    assert.ok(two, json.stdout);
    assert.ok(!rules(two).includes('single-server-upstream'), rules(two).join(' '));
    assert.ok(!rules(two).includes('max-fails-zero'), rules(two).join(' '));
    // IP addresses only: no name lookup is involved, so neither the DNS cause nor hostname-resolved-at-startup.
    assert.doesNotMatch(two!.meaning, /resolved to an old address/);
    assert.ok(!rules(two).includes('hostname-resolved-at-startup'), rules(two).join(' '));

    const ip = at('nginx-refused', '/ip/');
    assert.ok(ip, json.stdout);
    assert.doesNotMatch(ip.meaning, /resolved to an old address/);
    assert.match(ip.meaning, /no name lookup is involved/);
    // No group at all: none of the group rules.
    for (const r of ['single-server-upstream', 'max-fails-zero', 'hostname-resolved-at-startup', 'localhost-upstream']) assert.ok(!rules(ip).includes(r), `${r} in ${rules(ip).join(' ')}`);

    const tls = at('nginx-tls-wrong-version', '/tls/');
    assert.ok(tls, json.stdout);
    assert.equal(tls.status, '502');
    assert.match(tls.meaning, /TLS .* to a port that answers in plain HTTP/);
    assert.equal(tls.nextStep, undefined, 'no SNI step: the port does not speak TLS');
    assert.ok(rules(tls).includes('scheme-port-mismatch'));

    // The text output says each once, in the same words.
    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]);
    const block = text.stdout.split('\n\n').find((b) => b.includes('"GET /two/x'))!;
    assert.ok(block && !/single-server-upstream/.test(block), block);
    assert.doesNotMatch(text.stdout, /Next step: [^\n]*SNI/);
  } finally {
    await nginx.stop();
    setup.cleanup();
    await dead1.stop();
    await dead2.stop();
    await plain.stop();
  }
});

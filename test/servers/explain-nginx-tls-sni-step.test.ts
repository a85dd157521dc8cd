// A backend that needs SNI behind proxy_pass https:// (found by an on-call review). The backend here is a real nginx
// whose default server has ssl_reject_handshake on and whose named server has the certificate: a handshake without a
// name it knows gets alert 112. explain listed proxy_ssl_server_name off and stopped there, and the obvious cure,
// "proxy_ssl_server_name on", does nothing when the pass target is an IP address (nginx never sends one as SNI) or an
// upstream group (nginx sends the group's name). explain now gives the next step that works, proven here: the switch
// alone still gets 502, the name passes the handshake but the backend's Host routing answers 404, and the name with
// the Host header gets 200.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { nginxDirectiveDoc } from '../../server/src/core/docs/directive-doc';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { requireBinary, runCli } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, rewriteNginx, startNginx, type NginxSetup } from './harness/nginx';
import { testPki } from './standins/tls';

requireBinary('nginx');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The front's location /app/ (its TLS lines given), and the backend that rejects a handshake without "app.internal". */
function conf(front: string, backPort = 8001): string {
  const cert = testPki().certs.get('app.internal')!;
  return `http {
    upstream backend { server 127.0.0.1:${backPort}; }
    server {
        listen 127.0.0.1:8000;
        server_name front.test;
        location /app/ {
${front}
        }
    }
    server {
        listen 127.0.0.1:8001 ssl default_server;
        ssl_reject_handshake on;
    }
    server {
        listen 127.0.0.1:8001 ssl;
        server_name app.internal;
        ssl_certificate ${cert.certPath};
        ssl_certificate_key ${cert.keyPath};
        location / { return 200 "app\\n"; }
    }
}
`;
}

interface Run {
  status: number | string;
  log: string;
  step: string | undefined;
}

/** Starts the setup with `front` in the location, sends one request, and gives the status, log and explain's next step. */
async function run(setup: NginxSetup, front: string): Promise<Run> {
  const back = setup.ports.get('127.0.0.1:8001')!;
  rewriteNginx(setup, setup.text.replace(/location \/app\/ \{\n[\s\S]*?\n        \}/, `location /app/ {\n${front.replaceAll('BACK', String(back))}\n        }`).replace(/server 127\.0\.0\.1:\d+; \}/, `server 127.0.0.1:${back}; }`));
  // Each run's log alone: explain reads the whole file.
  writeFileSync(setup.errorLogPath, '');
  const nginx = await startNginx(setup);
  try {
    const status = (await request({ port: setup.port, path: '/app/x', timeoutMs: 5000 })).status;
    await sleep(200);
    const log = nginx.errorLog();
    const json = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(json.code === 0 || json.code === 1, true, json.stderr);
    const entries = (JSON.parse(json.stdout) as { explained: { id: string; nextStep?: string }[] }).explained;
    return { status, log, step: entries.find((e) => e.id === 'nginx-tls-handshake')?.nextStep };
  } finally {
    await nginx.stop();
  }
}

test('explain: a TLS backend that needs SNI, reached by IP address: the next step names proxy_ssl_name, since the switch alone sends nothing (real nginx)', async () => {
  const setup = await prepareNginx(conf('            proxy_pass https://127.0.0.1:8001;'));
  try {
    const bare = await run(setup, '            proxy_pass https://127.0.0.1:BACK;');
    assert.equal(bare.status, 502);
    assert.ok(bare.log.split('\n').some((l) => /\[crit\] /.test(l) && l.includes(NGX_LOG.sniUnrecognizedName)), bare.log);
    assert.match(bare.log, /\[crit\] .*SSL_do_handshake\(\) failed \(SSL: error:[0-9A-F]+:SSL routines::tlsv1 unrecognized name:SSL alert number 112\) while SSL handshaking to upstream, .*request: "GET \/app\/x HTTP\/1\.1", upstream: "https:\/\/127\.0\.0\.1:\d+\/app\/x"/);
    assert.match(bare.step ?? '', /^the backend's alert 112 \("unrecognized name"\) says it wanted a name it knows; nginx sent no name here: the name it would send is the IP address 127\.0\.0\.1 \(from proxy_pass\), and nginx never sends an IP address as SNI, even with proxy_ssl_server_name on\. Write the backend's host name in the location: proxy_ssl_server_name on; proxy_ssl_name <the backend's host name>; proxy_set_header Host <the same name>; \(the backend picks its site by the Host header too, and proxy_pass sends the address or group name written there\)$/, bare.step);

    // The switch alone: still no name sent (the IP), still 502, and the step says only what is still missing.
    const switched = await run(setup, '            proxy_ssl_server_name on;\n            proxy_pass https://127.0.0.1:BACK;');
    assert.equal(switched.status, 502, switched.log);
    assert.match(switched.log, /tlsv1 unrecognized name:SSL alert number 112/);
    assert.match(switched.step ?? '', /even with proxy_ssl_server_name on\. Write the backend's host name in the location: proxy_ssl_name <the backend's host name>; proxy_set_header Host <the same name>; \(the backend picks its site by the Host header too, and proxy_pass sends the address or group name written there\)$/, switched.step);

    // The name alone passes the handshake, but nginx on the backend picks its server again by the Host header, which
    // proxy_pass left as the address: its default server answers 404 (no 502 any more, no handshake line).
    const nameOnly = await run(setup, '            proxy_ssl_server_name on;\n            proxy_ssl_name app.internal;\n            proxy_pass https://127.0.0.1:BACK;');
    assert.equal(nameOnly.status, 404, nameOnly.log);
    assert.doesNotMatch(nameOnly.log, /SSL_do_handshake/);
    // The whole step: 200 from the named server.
    const named = await run(setup, '            proxy_ssl_server_name on;\n            proxy_ssl_name app.internal;\n            proxy_set_header Host app.internal;\n            proxy_pass https://127.0.0.1:BACK;');
    assert.equal(named.status, 200, named.log);
  } finally {
    setup.cleanup();
  }
});

test('explain: a TLS backend that needs SNI behind an upstream group: with the switch on nginx sends the group\'s name, and the step says so (real nginx)', async () => {
  const setup = await prepareNginx(conf('            proxy_pass https://backend;'));
  try {
    const off = await run(setup, '            proxy_pass https://backend;');
    assert.equal(off.status, 502);
    assert.match(off.step ?? '', /nginx sent no name here: proxy_ssl_server_name is off \(the default\)\. Write in the location: proxy_ssl_server_name on; proxy_ssl_name <the backend's host name>; proxy_set_header Host <the same name>; \(the backend picks its site by the Host header too, and proxy_pass sends the address or group name written there\) \(without it the name sent is the group's name, backend\)$/, off.step);

    const groupName = await run(setup, '            proxy_ssl_server_name on;\n            proxy_pass https://backend;');
    assert.equal(groupName.status, 502, 'the group\'s name "backend" is no name the backend knows');
    assert.match(groupName.log, /tlsv1 unrecognized name:SSL alert number 112/);
    assert.match(groupName.step ?? '', /the name nginx sent is the group's name, backend, not a host name the backend knows\. Write in the location: proxy_ssl_name <the backend's host name>; proxy_set_header Host <the same name>; \(the backend picks its site by the Host header too, and proxy_pass sends the address or group name written there\)$/, groupName.step);

    const named = await run(setup, '            proxy_ssl_server_name on;\n            proxy_ssl_name app.internal;\n            proxy_set_header Host app.internal;\n            proxy_pass https://backend;');
    assert.equal(named.status, 200, named.log);
    // With a name the backend knows, nothing is left to say about SNI.
    assert.equal(named.step, undefined);
  } finally {
    setup.cleanup();
  }
});

test('hover: proxy_ssl_server_name says an IP address is never sent as SNI, and proxy_ssl_name that the Host header must follow the name (what the runs above show)', () => {
  const on = nginxDirectiveDoc('proxy_ssl_server_name')!;
  assert.match(on.failure, /nginx never sends an IP address as SNI: with `proxy_pass https:\/\/10\.0\.0\.5` turning this on alone sends nothing/);
  assert.ok(on.logLines?.includes(NGX_LOG.sniUnrecognizedName));
  const name = nginxDirectiveDoc('proxy_ssl_name')!;
  assert.match(name.failure, /set `proxy_set_header Host` to the same name, or the handshake passes and the backend answers from its default site \(an nginx backend: \*\*404\*\*\)/);
  // grpc_pass sends no Host header of proxy_pass's kind: the sentence is proxy's only.
  assert.doesNotMatch(nginxDirectiveDoc('grpc_ssl_name')!.failure, /proxy_set_header/);
  assert.match(nginxDirectiveDoc('grpc_ssl_server_name')!.failure, /`grpc_pass grpcs:\/\/10\.0\.0\.5`/);
});

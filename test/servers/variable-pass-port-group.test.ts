// variable-pass-without-resolver on a host taken from the request, on a real nginx (Debian 1.22.1): without a port
// nginx takes a value that names an upstream block for that group (no lookup, 200); with a port it never does, and
// the same value fails with 502 "no resolver defined to resolve three". The finding says which case it is. A value
// that is a whole UNIX socket address (unix:/path:) needs no lookup either, and the finding names it where it can be one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx, tempDir } from './harness/nginx';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

test('variable-pass-without-resolver: a group name helps only when the target has no port, as real nginx resolves it', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  // In a folder nginx's workers can reach (tempDir makes it 0755; the stand-in opens its socket to all).
  const sockets = tempDir('proxylint-sock-');
  const socketPath = `${sockets}/app.sock`;
  const socketBackend = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000, unixPath: socketPath });
  const setup = await prepareNginx(`http {
    upstream three { server ${backend.address}; }
    server {
        listen 127.0.0.1:8000;
        location /port/ { proxy_pass http://$arg_h:${backend.port}; }
        location /plain/ { proxy_pass http://$arg_h; }
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    const withPort = await request({ port: setup.port, path: '/port/x?h=three', timeoutMs: 5000 });
    const plain = await request({ port: setup.port, path: '/plain/x?h=three', timeoutMs: 5000 });
    const socket = await request({ port: setup.port, path: `/plain/x?h=unix:${socketPath}:`, timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 200));
    const log = nginx.errorLog();
    assert.equal(withPort.status, 502, log);
    assert.match(log, /no resolver defined to resolve three/);
    assert.equal(plain.status, 200, log);
    assert.equal(socket.status, 200, log);

    const findings = lintNginx(setup.confPath, setup.text, createNodeHost(), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'variable-pass-without-resolver');
    const messageFor = (path: string) => {
      const at = setup.text.indexOf(`location ${path}`);
      const f = findings.find((x) => x.start > at && x.start < setup.text.indexOf('}', at));
      assert.ok(f, `a finding in location ${path}: ${findings.map((x) => x.message).join('\n')}`);
      return f.message;
    };
    assert.match(messageFor('/port/'), new RegExp(`unless the value is an IP address, the request fails with 502 .*the name of an upstream block does not help, because the target has a port \\(":${backend.port}"\\)`));
    assert.match(messageFor('/plain/'), /unless the value is an IP address, a UNIX socket \(unix:\/path\) or an upstream group name/);
    assert.doesNotMatch(messageFor('/port/'), /UNIX/);
  } finally {
    await nginx.stop();
    await backend.stop();
    await socketBackend.stop();
    rmSync(sockets, { recursive: true, force: true });
    setup.cleanup();
  }
});

// Hover claims about what nginx does at run time that an audit against the real nginx 1.22.1 found wrong or only half
// true. Each test runs the situation on the real server and then checks that the hover says what the server did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nginxDirectiveDoc } from '../../server/src/core/docs/directive-doc';
import { NGX_LOG } from '../../server/src/core/docs/log-lines';
import { requireBinary } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `conf` on the real nginx, calls `fn` with its first port, and returns the error and access logs afterwards. */
async function onNginx(conf: string, fn: (port: number) => Promise<void>): Promise<{ errorLog: string; accessLog: string }> {
  const setup = await prepareNginx(conf);
  const nginx = await startNginx(setup);
  try {
    await fn(setup.port);
    await sleep(200); // the access log line is written as the request ends
    return { errorLog: nginx.errorLog(), accessLog: readFileSync(join(setup.dir, 'logs', 'access.log'), 'utf8') };
  } finally {
    await nginx.stop();
    setup.cleanup();
  }
}

test('*_bind to an address the host does not have: 500 and a [crit] bind() line, no other server tried (real nginx)', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', deadlineMs: 20_000 });
  const statuses: unknown[] = [];
  try {
    // 192.0.2.77 (TEST-NET-1) is configured on no host; the group has a second server nginx could fail over to.
    const logs = await onNginx(
      `http {\n    upstream app { server ${backend.address}; server ${backend.address}; }\n    server {\n        listen 127.0.0.1:8000;\n        location / {\n            proxy_bind 192.0.2.77;\n            proxy_pass http://app;\n        }\n    }\n}\n`,
      async (port) => {
        statuses.push((await request({ port })).status);
      },
    );
    assert.deepEqual(statuses, [500], logs.errorLog);
    assert.match(logs.errorLog, new RegExp(`\\[crit\\] .*${NGX_LOG.bindFailed.replace(/[()]/g, '\\$&')}`));
    assert.equal(logs.errorLog.split('bind(').length - 1, 1, 'one attempt only: the failure is not passed to the next server');
    assert.equal(backend.requests.length, 0);
  } finally {
    await backend.stop();
  }
  for (const m of ['proxy', 'fastcgi', 'grpc']) {
    const doc = nginxDirectiveDoc(`${m}_bind`)!;
    assert.match(doc.failure, /\*\*500\*\*/, `${m}_bind`);
    assert.doesNotMatch(doc.failure, /clients get \*\*502\*\*/, `${m}_bind`);
    assert.ok(doc.statusCodes.includes('500') && !doc.statusCodes.includes('502'), `${m}_bind: ${doc.statusCodes}`);
    assert.ok(doc.logLines.includes(NGX_LOG.bindFailed), `${m}_bind`);
  }
});

// `proxylint explain` on what a real nginx (Debian 1.22.1) logs when a backend's answer is broken after its status
// line was accepted (invalid chunks) or has no status line at all (another protocol on the port). Neither gets a
// 502, and nginx tries no other server: the chunked one closes the client connection, the other is relayed as
// HTTP/0.9. The statuses explain gives must be what the client got, and it must not speak of a retry or a 502.
// A backend reset in the middle of the body is a 200 cut short, logged with readv() or recv() by proxy_buffering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';
import { explainProblems } from '../evidence/explain-check';
import type { Observation } from '../evidence/scenario';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

test('explain: invalid chunks and a non-HTTP answer are what the client got (no answer, HTTP/0.9 bytes), with no 502 and no other try (real nginx)', async () => {
  const chunk = await startHttpStandin({ behaviour: 'bad-chunk', deadlineMs: 30_000 });
  const garbage = await startHttpStandin({ behaviour: 'garbage', deadlineMs: 30_000 });
  const spare = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  // Each group has a working second server that proxy_next_upstream would use for an invalid header.
  const setup = await prepareNginx(`http {
    upstream chunky { server ${chunk.address}; server ${spare.address} backup; }
    upstream banner { server ${garbage.address}; server ${spare.address} backup; }
    server {
        listen 127.0.0.1:8000;
        proxy_next_upstream error timeout invalid_header http_502;
        location /chunk/ { proxy_pass http://chunky; }
        location /banner/ { proxy_pass http://banner; }
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    const chunked = await request({ port: setup.port, path: '/chunk/x', timeoutMs: 5000 });
    const banner = await request({ port: setup.port, path: '/banner/x', timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 300));
    const log = nginx.errorLog();
    assert.equal(chunked.status, 'no-response', `${JSON.stringify(chunked)}\n${log}`);
    assert.equal(banner.status, 'non-http', `${JSON.stringify(banner)}\n${log}`);
    assert.match(banner.body.toString(), /^SSH-2\.0-OpenSSH_9\.2 this is not HTTP/);
    assert.equal(spare.requests.length, 0, 'nginx tried no other server');
    assert.match(log, /\[error\] .*upstream sent invalid chunked response while reading upstream, .*request: "GET \/chunk\/x HTTP\/1\.1"/);
    assert.match(log, /\[error\] .*upstream sent no valid HTTP\/1\.0 header while reading response header from upstream, .*request: "GET \/banner\/x HTTP\/1\.1"/);
    // Each line's claimed statuses include what its request got.
    for (const [path, status] of [['/chunk/', 'no-response'], ['/banner/', 'non-http']] as const) {
      const lines = log.split('\n').filter((l) => l.includes(`"GET ${path}x`)).join('\n');
      assert.deepEqual(explainProblems({ statuses: [status], errorLog: lines } as Observation, 'nginx', path), []);
    }
    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]);
    assert.equal(out.code, 0, out.stderr);
    assert.doesNotMatch(out.stdout, /not known to proxylint: [^\n]*(chunked|HTTP\/1\.0)/);
    assert.match(out.stdout, /nginx: the client got the connection closed: no answer at all, or the response cut short/);
    assert.match(out.stdout, /nginx: the client got no HTTP status: the backend's bytes passed on as they are/);
    assert.doesNotMatch(out.stdout, /got 502|invalid_header/, out.stdout);
  } finally {
    await nginx.stop();
    await chunk.stop();
    await garbage.stop();
    await spare.stop();
    setup.cleanup();
  }
});

test('explain: a backend that resets mid-body logs readv() with proxy_buffering on and recv() with it off; both are a 200 cut short (real nginx)', async () => {
  const backend = await startHttpStandin({ behaviour: 'reset-body', deadlineMs: 30_000 });
  const setup = await prepareNginx(`http {
    server {
        listen 127.0.0.1:8000;
        location /buffered/ { proxy_pass http://${backend.address}; }
        location /unbuffered/ { proxy_pass http://${backend.address}; proxy_buffering off; }
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    const buffered = await request({ port: setup.port, path: '/buffered/x', timeoutMs: 5000 });
    const unbuffered = await request({ port: setup.port, path: '/unbuffered/x', timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 300));
    const log = nginx.errorLog();
    // The status line had been sent: the client got 200 and fewer bytes than the Content-Length promised.
    for (const r of [buffered, unbuffered]) {
      assert.equal(r.status, 200, `${JSON.stringify({ ...r, body: r.body.length })}\n${log}`);
      assert.ok(r.truncated, `${r.body.length} bytes, not truncated\n${log}`);
    }
    const line = (path: string) => log.split('\n').find((l) => l.includes(`"GET ${path}x`)) ?? '';
    assert.match(line('/buffered/'), /\[error\] .*\*\d+ readv\(\) failed \(104: Connection reset by peer\) while reading upstream, /, log);
    assert.match(line('/unbuffered/'), /\[error\] .*\*\d+ recv\(\) failed \(104: Connection reset by peer\) while reading upstream, /, log);
    for (const path of ['/buffered/', '/unbuffered/']) {
      assert.equal(explainLogLine(line(path))?.pattern.id, 'nginx-reset-body', line(path));
      assert.deepEqual(explainProblems({ statuses: ['200 truncated'], errorLog: line(path) } as Observation, 'nginx', path), []);
    }
    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]);
    assert.equal(out.code, 0, out.stderr);
    assert.doesNotMatch(out.stdout, /not known to proxylint: [^\n]*(readv|recv)/, out.stdout);
    assert.equal(out.stdout.match(/response cut short \(200 already sent\)/g)?.length, 2, out.stdout);
  } finally {
    await nginx.stop();
    await backend.stop();
    setup.cleanup();
  }
});

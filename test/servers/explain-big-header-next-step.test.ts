// explain's next step for a response header over the limit in force, on the real servers (nginx 1.22.1, httpd 2.4.71):
// the lines it suggests pass nginx -t (for each module that has the line: proxy, fastcgi, uwsgi, scgi, grpc), and the
// request that got 502 with a 6 KB Set-Cookie (12 KB for httpd, whose default limit is 8192 bytes) gets 200 with the
// same header once they are written. proxy_buffer_size 16k alone is refused by nginx -t, which is why the other lines
// are part of the step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { nginxConfigTest, prepareNginx, rewriteNginx, startNginx } from './harness/nginx';
import { prepareApache, rewriteApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');
requireBinary('apache2');

interface Entry { id: string; nextStep?: string }

function nextStep(args: string[], id: string): string {
  const out = runCli(['explain', ...args, '--format', 'json']);
  assert.equal(out.code, 0, out.stderr);
  const e = (JSON.parse(out.stdout) as { explained: Entry[] }).explained.find((x) => x.id === id);
  assert.ok(e?.nextStep, out.stdout);
  return e!.nextStep!;
}

/** The nginx lines of a step: "raise the header buffer …: a 16k; b 8 16k; (why)". */
const stepLines = (step: string) => step.slice(step.indexOf(': ') + 2, step.indexOf(' (')).match(/[a-z_]+ [^;]+;/g) ?? [];

test('explain: the next step for "upstream sent too big header" passes nginx -t and makes a 6 KB Set-Cookie get through (real nginx)', async () => {
  const big = await startHttpStandin({ behaviour: 'big-header', headerKiB: 6, deadlineMs: 60_000 });
  const setup = await prepareNginx(`http {\n  server {\n    listen 8000;\n    location /api/ {\n      proxy_pass http://${big.address};\n    }\n  }\n}\n`);
  const base = setup.text;
  let nginx = await startNginx(setup);
  try {
    const before = await request({ port: setup.port, path: '/api/x', timeoutMs: 5000 });
    await nginx.stop();
    const log = nginx.errorLog();
    assert.equal(before.status, 502, log);
    assert.match(log, /upstream sent too big header while reading response header from upstream/);

    const step = nextStep(['--in', setup.confPath, '--log', setup.errorLogPath], 'nginx-too-big-header');
    const lines = stepLines(step);
    assert.deepEqual(lines.map((l) => l.split(' ')[0]), ['proxy_buffer_size', 'proxy_buffers', 'proxy_busy_buffers_size'], step);
    assert.equal(lines[0], 'proxy_buffer_size 16k;');

    // The header buffer alone: nginx refuses it, as the step says.
    rewriteNginx(setup, base.replace('      proxy_pass', `      ${lines[0]}\n      proxy_pass`));
    const alone = nginxConfigTest(setup);
    assert.equal(alone.ok, false, alone.output);
    assert.match(alone.output, /"proxy_busy_buffers_size" must be less than the size of all "proxy_buffers" minus one buffer/);

    rewriteNginx(setup, base.replace('      proxy_pass', `      ${lines.join('\n      ')}\n      proxy_pass`));
    const t = nginxConfigTest(setup);
    assert.ok(t.ok, t.output);
    nginx = await startNginx(setup);
    const after = await request({ port: setup.port, path: '/api/x', timeoutMs: 5000 });
    assert.equal(after.status, 200, nginx.errorLog());
    assert.equal(after.headers['set-cookie']?.length, 'big='.length + 6 * 1024);
  } finally {
    await nginx.stop();
    await big.stop();
    setup.cleanup();
  }
});

test('explain: the next step of each module ("upstream:" fastcgi://, uwsgi://, scgi://, grpc://) passes nginx -t (real nginx)', async () => {
  for (const [family, pass] of [['fastcgi', 'fastcgi_pass'], ['uwsgi', 'uwsgi_pass'], ['scgi', 'scgi_pass'], ['grpc', 'grpc_pass']]) {
    const setup = await prepareNginx(`http {\n  server {\n    listen 8000;\n    location /app/ {\n      ${pass} 127.0.0.1:9;\n    }\n  }\n}\n`);
    try {
      const line = `2026/11/24 21:00:00 [error] 10#10: *1 upstream sent too big header while reading response header from upstream, client: 127.0.0.1, server: , request: "GET /app/x HTTP/1.1", upstream: "${family}://127.0.0.1:9", host: "127.0.0.1:${setup.port}"`;
      const lines = stepLines(nextStep(['--in', setup.confPath, line], 'nginx-too-big-header'));
      assert.equal(lines[0], `${family}_buffer_size 16k;`, family);
      if (family !== 'grpc') assert.ok(lines.length > 1, `${family}: ${lines.join(' ')}`);
      rewriteNginx(setup, setup.text.replace(`      ${pass}`, `      ${lines.join('\n      ')}\n      ${pass}`));
      const t = nginxConfigTest(setup);
      assert.ok(t.ok, `${family}: ${lines.join(' ')}\n${t.output}`);
    } finally {
      setup.cleanup();
    }
  }
});

test('explain: the next step for AH10124 (responsefieldsize=16384 on the ProxyPass) makes a 12 KB Set-Cookie get through (real httpd)', async () => {
  const big = await startHttpStandin({ behaviour: 'big-header', headerKiB: 12, deadlineMs: 60_000 });
  const setup = await prepareApache(`ProxyPass "/big/" "http://${big.address}/"\n`);
  let httpd = await startApache(setup);
  try {
    const before = await request({ port: setup.port, path: '/big/a', timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 300));
    await httpd.stop();
    const log = httpd.errorLog();
    assert.equal(before.status, 502, log);
    assert.match(log, /AH10124: header size is over the limit allowed by ResponseFieldSize \(8192 bytes\)/);

    const step = nextStep(['--in', setup.confPath, '--log', setup.errorLogPath], 'apache-big-header');
    assert.match(step, new RegExp(`^set responsefieldsize=16384 on the ProxyPass of http://${big.address.replace(/\./g, '\\.')}/ `), step);

    rewriteApache(setup, setup.text.replace(`"http://${big.address}/"`, `"http://${big.address}/" responsefieldsize=16384`));
    httpd = await startApache(setup);
    const after = await request({ port: setup.port, path: '/big/a', timeoutMs: 5000 });
    assert.equal(after.status, 200, httpd.errorLog());
    assert.equal(after.headers['set-cookie']?.length, 'big='.length + 12 * 1024);
  } finally {
    await httpd.stop();
    await big.stop();
    setup.cleanup();
  }
});

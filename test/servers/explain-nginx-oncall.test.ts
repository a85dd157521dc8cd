// `proxylint explain --in` on what a real nginx (Debian 1.22.1) logs for lone failed tries whose status the
// configuration decides (found by an on-call review):
// - a location with a nested location of its own: the nested location's pass target is not a second server of the
//   outer one, so a hanging backend there is a sure 504 (one server to go to), as for a location without one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx, type NginxSetup } from './harness/nginx';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Outcome {
  status: string | null;
  final: boolean;
  why: string;
}
interface Entry {
  example: string;
  outcome: Outcome | null;
}

/** Runs `conf` on the real nginx, calls `fn`, and gives back explain's text and JSON for the error log. */
async function explainRun(conf: string, fn: (setup: NginxSetup) => Promise<void>): Promise<{ log: string; block(path: string): string; entry(path: string): Entry }> {
  const setup = await prepareNginx(conf);
  const nginx = await startNginx(setup);
  try {
    await fn(setup);
    await sleep(200);
    const log = nginx.errorLog();
    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]);
    assert.equal(text.code, 0, text.stderr);
    const json = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    const entries = (JSON.parse(json.stdout) as { explained: Entry[] }).explained;
    return {
      log,
      block: (path) => text.stdout.split('\n\n').find((b) => b.includes(`request: "GET ${path} `)) ?? `no block for ${path} in:\n${text.stdout}`,
      entry: (path) => entries.find((e) => e.example.includes(`request: "GET ${path} `))!,
    };
  } finally {
    await nginx.stop();
    setup.cleanup();
  }
}

test('explain: a location whose nested location passes elsewhere still has one server to go to: a lone read timeout there is a sure 504 (real nginx)', async () => {
  const silent = await startHttpStandin({ behaviour: 'silent', deadlineMs: 30_000 });
  const spare = await startHttpStandin({ behaviour: 'ok', deadlineMs: 30_000 });
  try {
    const statuses: (number | string)[] = [];
    const run = await explainRun(
      `http {
    server {
        listen 127.0.0.1:8000;
        server_name oncall.test;
        location /api/ {
            proxy_read_timeout 1s;
            proxy_pass http://${silent.address};
            location /api/other/ { proxy_pass http://${spare.address}; }
        }
    }
}
`,
      async (setup) => void statuses.push((await request({ port: setup.port, path: '/api/x', timeoutMs: 5000 })).status),
    );
    assert.deepEqual(statuses, [504], run.log);
    assert.match(run.log, /\[error\] .*upstream timed out \(110: Connection timed out\) while reading response header from upstream, .*request: "GET \/api\/x HTTP\/1\.1"/);
    assert.match(run.block('/api/x'), /\n  nginx: the client got 504 \(the request had one server to go to\)\./);
    const e = run.entry('/api/x');
    assert.deepEqual({ status: e.outcome?.status, final: e.outcome?.final, why: e.outcome?.why }, { status: '504', final: true, why: 'the request had one server to go to' });
  } finally {
    await silent.stop();
    await spare.stop();
  }
});

// `proxylint explain --in` where the location a request's path matches is not the one that passed it to the backend,
// and where two server blocks share a name: a real nginx (Debian 1.22.1) in front of a backend that answers after
// 2.5 s. Each location's proxy_read_timeout is told apart by when the client got its answer (1 s: the location the
// request was handed on to; 30 s there would have let the backend answer), and explain must place each error line
// there, read that location's values, say how the request got there, and give the status the client really got.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { requireBinary, runCli } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx, tempDir } from './harness/nginx';
import { refusedPort, startHttpStandin } from './standins/http';

requireBinary('nginx');

interface NodeJson {
  path: string;
  line: number;
  match: string;
}
interface ValueJson {
  directive: string;
  value: string | null;
  origin: string;
  at?: { path: string; line: number };
  others?: (ValueJson & { server: { line: number } })[];
}
interface PlaceJson {
  server: { line: number };
  location: NodeJson | null;
  how: string;
  handoff: { from: NodeJson; via: { line: number; directive: string }; to: NodeJson }[];
  others: { server: { line: number }; location: NodeJson | null }[];
}
interface EntryJson {
  id: string;
  count: number;
  alone: number;
  fields: { path?: string; host?: string; upstream?: string };
  outcome: { status: string | null; final: boolean } | null;
  place: PlaceJson | null;
  values: ValueJson[];
}

const readTimeout = (e: EntryJson) => e.values.find((v) => v.directive === 'proxy_read_timeout')!;

test('explain: a request handed on by try_files, error_page or rewrite is placed at the location that passed it to the backend, with its values, as a real nginx used them', async () => {
  const slow = await startHttpStandin({ behaviour: 'ok', delayMs: 2500, deadlineMs: 60_000 });
  const notFound = await startHttpStandin({ behaviour: 'ok', status: 404, deadlineMs: 60_000 });
  const dir = tempDir('proxylint-handoff-');
  const up = `http://${slow.address}`;
  // Several locations pass to the slow backend, so "the one location that passes there" cannot stand in for
  // following the hand-off. The server's error_page 504 is inherited by the named locations and /new/, and is not
  // applied a second time to a request an error_page already redirected (recursive_error_pages off).
  const setup = await prepareNginx(
    `http {
    proxy_read_timeout 1s;
    server {
        listen 127.0.0.1:8000;
        root ${join(dir, 'html')};
        error_page 504 =200 /ok.html;
        location / {
            proxy_read_timeout 30s;
            try_files $uri @app;
        }
        location @app {
            proxy_read_timeout 1s;
            proxy_pass ${up};
        }
        location /reports/ {
            proxy_read_timeout 30s;
            proxy_pass ${up};
        }
        location /tf/ {
            proxy_read_timeout 30s;
            try_files $uri @tf;
        }
        location @tf {
            proxy_pass ${up};
        }
        location /np/ {
            proxy_read_timeout 30s;
            proxy_intercept_errors on;
            error_page 404 = @named;
            proxy_pass http://${notFound.address};
        }
        location @named {
            proxy_pass ${up};
        }
        location /epu/ {
            proxy_read_timeout 30s;
            proxy_intercept_errors on;
            error_page 404 /new/from-error;
            proxy_pass http://${notFound.address};
        }
        location /old/ {
            proxy_read_timeout 30s;
            rewrite ^/old/(.*)$ /new/$1 last;
        }
        location /chain/ {
            proxy_read_timeout 30s;
            rewrite ^/chain/(.*)$ /mid/$1;
            rewrite ^/mid/(.*)$ /new/$1;
        }
        location /tfu/ {
            proxy_read_timeout 30s;
            try_files $uri /new$uri;
        }
        location /new/ {
            proxy_pass ${up};
        }
    }
}
`,
    { dir, files: { 'html/ok.html': 'ok\n' } },
  );
  const nginx = await startNginx(setup);
  try {
    const paths = ['/slow', '/reports/x', '/tf/x', '/np/x', '/epu/x', '/old/x', '/chain/x', '/tfu/x'];
    const got = new Map<string, { status: number | string; ms: number }>();
    for (const p of paths) {
      const r = await request({ port: setup.port, path: p, timeoutMs: 15_000 });
      got.set(p, { status: r.status, ms: r.ms });
    }
    await new Promise((r) => setTimeout(r, 300));
    const log = nginx.errorLog();
    const seen = JSON.stringify(Object.fromEntries(got)) + '\n' + log;
    // What nginx did: the backend answered /reports/ (30 s there); every handed-on request timed out after the 1 s of
    // the location it was handed to, not the 30 s of the one its path matched. The error_page 504 of the server
    // answered those handed on by try_files and rewrite, not those an error_page had already redirected.
    assert.equal(got.get('/reports/x')!.status, 200, seen);
    assert.ok(got.get('/reports/x')!.ms >= 2400, seen);
    const expected: Record<string, number> = { '/slow': 200, '/tf/x': 200, '/np/x': 504, '/epu/x': 504, '/old/x': 200, '/chain/x': 200, '/tfu/x': 200 };
    for (const [p, status] of Object.entries(expected)) {
      assert.equal(got.get(p)!.status, status, `${p}: ${seen}`);
      assert.ok(got.get(p)!.ms >= 900 && got.get(p)!.ms < 2000, `${p} took the 1 s timeout: ${seen}`);
      assert.match(log, new RegExp(`upstream timed out .*request: "GET ${p.replace(/\//g, '\\/')} HTTP`), `${p}: ${seen}`);
    }
    // The URI the backend got: the rewrites' and try_files' new one.
    assert.match(log, new RegExp(`request: "GET /chain/x HTTP/1\\.1", upstream: "${up}/new/x"`), seen);
    assert.match(log, new RegExp(`request: "GET /tfu/x HTTP/1\\.1", upstream: "${up}/new/tfu/x"`), seen);

    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as { explained: EntryJson[] };
    const lineOf = (text: string) => setup.text.split('\n').findIndex((l) => l.includes(text)) + 1;
    const entry = (path: string) => {
      const e = j.explained.filter((x) => x.id === 'nginx-header-timeout' && x.fields.path === path);
      assert.equal(e.length, 1, `one entry for ${path}:\n${JSON.stringify(j.explained, null, 1)}`);
      return e[0];
    };
    const cases: [string, string, string[]][] = [
      ['/slow', '@app', ['try_files $uri @app']],
      ['/tf/x', '@tf', ['try_files $uri @tf']],
      ['/np/x', '@named', ['error_page 404 = @named']],
      ['/epu/x', '/new/', ['error_page 404 /new/from-error']],
      ['/old/x', '/new/', ['rewrite ^/old/(.*)$ /new/$1 last']],
      // Without a flag, the rewrites of the location go on, then the new URI is searched again.
      ['/chain/x', '/new/', ['rewrite ^/mid/(.*)$ /new/$1']],
      ['/tfu/x', '/new/', ['try_files $uri /new$uri']],
    ];
    for (const [path, location, via] of cases) {
      const e = entry(path);
      assert.equal(e.place?.location?.match, location, `${path}: ${JSON.stringify(e.place)}`);
      assert.deepEqual(e.place!.handoff.map((h) => h.via.directive), via, path);
      assert.equal(e.place!.handoff[0].via.line, lineOf(via[0]), path);
      assert.equal(e.place!.others.length, 0, path);
      // The 1 s nginx used: set in @app, else inherited from http (the first line that sets it).
      const t = readTimeout(e);
      assert.equal(t.value, '1s', `${path}: ${JSON.stringify(t)}`);
      assert.equal(t.at?.line, location === '@app' ? lineOf('location @app') + 1 : lineOf('proxy_read_timeout 1s;'), path);
      // One server to go to: the status is sure, and it is the one the client got.
      assert.ok(e.outcome?.final, `${path}: ${JSON.stringify(e.outcome)}`);
      assert.equal(e.outcome!.status, String(expected[path]), `${path}: ${JSON.stringify(e.outcome)}`);
    }

    // The text says where the request was handed on, with the lines.
    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath], { cwd: setup.dir });
    assert.match(text.stdout, new RegExp(`location @app at nginx\\.conf:${lineOf('location @app')}, handed on from location / at nginx\\.conf:${lineOf('location / {')} by try_files \\$uri @app \\(nginx\\.conf:${lineOf('try_files $uri @app')}\\)`), text.stdout);
    assert.doesNotMatch(text.stdout, /proxy_read_timeout 30s/, 'no handed-on request is said to have had the 30 s of the location its path matched');
  } finally {
    await nginx.stop();
    await slow.stop();
    await notFound.stop();
    setup.cleanup();
  }
});

test('explain: two server blocks of one name on two ports are told apart by the Host\'s port or the backend; when the line cannot tell, both are listed with their values', async () => {
  const slow = await startHttpStandin({ behaviour: 'ok', delayMs: 5000, deadlineMs: 60_000 });
  const refusedA = await refusedPort();
  const refusedB = await refusedPort();
  const setup = await prepareNginx(`http {
    server {
        listen 127.0.0.1:18080;
        server_name shop.example.com;
        location /t/ {
            proxy_read_timeout 1s;
            proxy_pass http://${slow.address};
        }
        location /u/ {
            proxy_pass http://${refusedA.address};
        }
    }
    server {
        listen 127.0.0.1:18081;
        server_name shop.example.com;
        location /t/ {
            proxy_read_timeout 3s;
            proxy_pass http://${slow.address};
        }
        location /u/ {
            proxy_pass http://${refusedB.address};
        }
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    const [p1, p2] = [setup.ports.get('127.0.0.1:18080')!, setup.ports.get('127.0.0.1:18081')!];
    const get = async (port: number, host: string, path: string) => {
      const r = await request({ port, path, headers: { Host: host }, timeoutMs: 15_000 });
      return { status: r.status, ms: r.ms };
    };
    const withPort1 = await get(p1, `shop.example.com:${p1}`, '/t/a');
    const withPort2 = await get(p2, `shop.example.com:${p2}`, '/t/b');
    const bare1 = await get(p1, 'shop.example.com', '/t/c');
    const bare2 = await get(p2, 'shop.example.com', '/t/c');
    const u2 = await get(p2, 'shop.example.com', '/u/x');
    await new Promise((r) => setTimeout(r, 300));
    const log = nginx.errorLog();
    const seen = JSON.stringify({ withPort1, withPort2, bare1, bare2, u2 }) + '\n' + log;
    // Each block's own timeout: 1 s on the first port, 3 s on the second, whatever the Host says.
    for (const r of [withPort1, bare1]) assert.ok(r.status === 504 && r.ms >= 900 && r.ms < 2500, seen);
    for (const r of [withPort2, bare2]) assert.ok(r.status === 504 && r.ms >= 2900 && r.ms < 4500, seen);
    assert.equal(u2.status, 502, seen);
    // nginx logs the Host as sent, and the block's first name as server: for both blocks.
    assert.match(log, new RegExp(`server: shop\\.example\\.com, request: "GET /t/b HTTP/1\\.1".*host: "shop\\.example\\.com:${p2}"`), seen);

    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as { explained: EntryJson[] };
    const lineOf = (text: string) => setup.text.split('\n').findIndex((l) => l.includes(text)) + 1;
    const [server1, server2] = setup.text.split('\n').flatMap((l, i) => (/^\s*server \{/.test(l) ? [i + 1] : []));
    const timeouts = j.explained.filter((x) => x.id === 'nginx-header-timeout');
    const byPath = (p: string) => timeouts.filter((x) => x.fields.path === p);
    // The Host's port picks the block: its own timeout, alone, and lines of the two blocks are not one entry.
    assert.equal(byPath('/t/a').length, 1, JSON.stringify(timeouts, null, 1));
    assert.equal(byPath('/t/a')[0].place!.server.line, server1);
    assert.deepEqual([readTimeout(byPath('/t/a')[0]).value, readTimeout(byPath('/t/a')[0]).others], ['1s', undefined]);
    assert.equal(byPath('/t/b').length, 1, JSON.stringify(timeouts, null, 1));
    assert.equal(byPath('/t/b')[0].place!.server.line, server2);
    assert.match(byPath('/t/b')[0].place!.how, /only this one listens on the Host's port/);
    assert.deepEqual([readTimeout(byPath('/t/b')[0]).value, readTimeout(byPath('/t/b')[0]).others], ['3s', undefined]);
    assert.equal(byPath('/t/b')[0].count, 1);
    // No port in the Host: the two lines look the same, and neither block's value is given as the one in force.
    const bare = byPath('/t/c');
    assert.equal(bare.length, 1, JSON.stringify(timeouts, null, 1));
    assert.equal(bare[0].count, 2);
    assert.deepEqual([bare[0].place!.server.line, ...bare[0].place!.others.map((o) => o.server.line)], [server1, server2]);
    const t = readTimeout(bare[0]);
    assert.deepEqual([t.value, ...(t.others ?? []).map((o) => o.value)], ['1s', '3s'], JSON.stringify(t));
    assert.equal(t.others![0].at?.line, lineOf('proxy_read_timeout 3s'));
    // The backend names the block: the second one's /u/ passes to the port the line names.
    const u = j.explained.find((x) => x.id === 'nginx-refused' && x.fields.path === '/u/x')!;
    assert.equal(u.place!.server.line, server2, JSON.stringify(u.place));
    assert.equal(u.place!.others.length, 0);
    assert.equal(u.outcome?.status, '502');

    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath], { cwd: setup.dir });
    assert.match(text.stdout, new RegExp(`proxy_read_timeout 1s {2}\\(set here, nginx\\.conf:${lineOf('proxy_read_timeout 1s')}\\); 3s in the server at nginx\\.conf:${server2} \\(set here, nginx\\.conf:${lineOf('proxy_read_timeout 3s')}\\): the line does not tell which`), text.stdout);
  } finally {
    await nginx.stop();
    await slow.stop();
    await refusedA.stop();
    await refusedB.stop();
    setup.cleanup();
  }
});

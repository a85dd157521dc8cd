// `proxylint explain --in a.conf --in b.conf --log …` (and the editor's "Explain Error-Log Line", which passes every
// configuration of the workspace to the same core function) with two real nginx (Debian 1.22.1) configurations on
// different ports, both passing to a backend whose port refuses connections (502). nginx chooses the server block by
// the address:port a request came to, then by name among the blocks there; its error-log line names the chosen
// block's first server_name (`server: ` empty for a block without one, also when it is the default server: never its
// listen address, which only lines without a request carry) and the Host as the client sent it, with its port, or no
// `host:` at all for an HTTP/1.0 request without Host; the port nginx got the request on is not in the line. explain
// must place each line in the configuration and block that handled it when the line tells, and list the candidates
// when it does not, instead of taking the first configuration with a block of that name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary, runCli } from '../helpers';
import { prepareNginx, startNginx, tempDir } from './harness/nginx';
import { refusedPort } from './standins/http';

requireBinary('nginx');

interface Pos {
  path: string;
  line: number;
}
interface EntryJson {
  id: string;
  example: string;
  fields: { path?: string; host?: string };
  place: { server: Pos; how: string; others: { server: Pos }[] } | null;
}

/** One request as written (no Host added), read to the end; the status code, or 0 when none came. */
function raw(port: number, text: string): Promise<number> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    let out = '';
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      resolve(Number(/^HTTP\/1\.\d (\d{3})/.exec(out)?.[1] ?? 0));
    };
    const timer = setTimeout(done, 10_000);
    s.on('connect', () => s.write(text));
    s.on('data', (d) => (out += d.toString('latin1')));
    s.on('close', done);
    s.on('error', done);
  });
}

const get = (path: string, host?: string) => `GET ${path} HTTP/${host === undefined ? '1.0' : '1.1'}\r\n${host === undefined ? '' : `Host: ${host}\r\nConnection: close\r\n`}\r\n`;

test('explain --in a.conf --in b.conf: each line of two real nginx on different ports is placed in the configuration and server block that handled it, or the candidates are listed', async () => {
  const dead = await refusedPort();
  const dirA = tempDir('proxylint-configs-a-');
  const dirB = tempDir('proxylint-configs-b-');
  const pass = `location / {\n            proxy_pass http://${dead.address};\n        }`;
  // A: an unnamed block (the default server of 8080), app.example on 8080, an unnamed block on 8090. B: an unnamed block on 8081.
  const a = await prepareNginx(
    `http {
    server {
        listen 127.0.0.1:8080;
        ${pass}
    }
    server {
        listen 127.0.0.1:8080;
        server_name app.example;
        ${pass}
    }
    server {
        listen 127.0.0.1:8090;
        ${pass}
    }
}
`,
    { dir: dirA },
  );
  const b = await prepareNginx(
    `http {
    server {
        listen 127.0.0.1:8081;
        ${pass}
    }
}
`,
    { dir: dirB },
  );
  const [a1, a2] = [a.ports.get('127.0.0.1:8080')!, a.ports.get('127.0.0.1:8090')!];
  const b1 = b.ports.get('127.0.0.1:8081')!;
  // The 1-based line of the `server {` before a listen line on that port (the harness adds lines above the example).
  const serverLine = (setup: typeof a, port: number, nth = 0) => {
    const lines = setup.text.split('\n');
    const at = lines.flatMap((l, i) => (l.includes(`listen 127.0.0.1:${port};`) ? [i] : []))[nth];
    assert.match(lines[at - 1], /^\s*server \{$/);
    return { path: setup.confPath, line: at };
  };
  const A1 = serverLine(a, a1);
  const APP = serverLine(a, a1, 1);
  const A2 = serverLine(a, a2);
  const B1 = serverLine(b, b1);

  const ngA = await startNginx(a);
  let ngB: Awaited<ReturnType<typeof startNginx>> | undefined;
  try {
    ngB = await startNginx(b);
    const sent: [number, string, string | undefined][] = [
      [a1, '/a1-own-port', `127.0.0.1:${a1}`],
      [b1, '/b1-own-port', `127.0.0.1:${b1}`],
      [a1, '/a1-by-name', 'app.example'],
      // nginx drops the Host's trailing dot before it looks for the name; the line keeps the Host as sent.
      [a1, '/a1-dot', `app.example.:${a1}`],
      // app.example has a block on 8080 only: on 8090 the unnamed block gets it, and the line says `server: `.
      [a2, '/a2-app-name', `app.example:${a2}`],
      // A Host whose port nothing listens on (a port mapping in front): the line cannot say where it came.
      [a1, '/a1-mapped', '127.0.0.1:1'],
      // HTTP/1.0 without Host: no `host:` in the line.
      [b1, '/b1-no-host', undefined],
    ];
    for (const [port, path, host] of sent) assert.equal(await raw(port, get(path, host)), 502, `${path} gets 502 (backend refused)`);
    await new Promise((r) => setTimeout(r, 300));
    const lines = [...ngA.errorLog().split('\n'), ...ngB.errorLog().split('\n')].filter((l) => /\[error\].*connect\(\) failed \(111/.test(l));
    const lineOf = (path: string) => {
      const found = lines.filter((l) => l.includes(`"GET ${path} HTTP/1.`));
      assert.equal(found.length, 1, `one error line for ${path}:\n${lines.join('\n')}`);
      return found[0];
    };
    // What nginx wrote: the block's first server_name (empty for an unnamed default server too), the Host as sent.
    assert.match(lineOf('/a1-own-port'), new RegExp(`, server: , request: .*, host: "127\\.0\\.0\\.1:${a1}"$`));
    assert.match(lineOf('/a1-by-name'), /, server: app\.example, request: .*, host: "app\.example"$/);
    assert.match(lineOf('/a1-dot'), new RegExp(`, server: app\\.example, request: .*, host: "app\\.example\\.:${a1}"$`));
    assert.match(lineOf('/a2-app-name'), new RegExp(`, server: , request: .*, host: "app\\.example:${a2}"$`));
    assert.match(lineOf('/a1-mapped'), /, server: , request: .*, host: "127\.0\.0\.1:1"$/);
    assert.match(lineOf('/b1-no-host'), /, server: , request: "GET \/b1-no-host HTTP\/1\.0", upstream: "[^"]*"$/);

    const logPath = join(dirA, 'both.log');
    writeFileSync(logPath, lines.join('\n') + '\n');
    // Either order of --in: the first configuration given no longer wins by being first.
    for (const order of [[a.confPath, b.confPath], [b.confPath, a.confPath]]) {
      const out = runCli(['explain', ...order.flatMap((p) => ['--in', p]), '--log', logPath, '--format', 'json']);
      assert.equal(out.code, 0, out.stderr);
      const entries = (JSON.parse(out.stdout) as { explained: EntryJson[] }).explained;
      const placeOf = (path: string) => {
        const e = entries.find((x) => x.example === lineOf(path));
        assert.ok(e?.place, `${path} is placed: ${out.stdout}`);
        return { server: e.place.server, others: e.place.others.map((o) => o.server), how: e.place.how };
      };
      const sure = (path: string, where: Pos) => {
        const p = placeOf(path);
        assert.deepEqual({ server: p.server, others: p.others }, { server: where, others: [] }, `${path}: ${p.how}`);
      };
      sure('/a1-own-port', A1);
      sure('/b1-own-port', B1);
      sure('/a1-by-name', APP);
      sure('/a2-app-name', A2);
      // Lines with the same place are one entry of a log: these are explained alone.
      const alone = (path: string) => {
        const r = runCli(['explain', ...order.flatMap((p) => ['--in', p]), '--format', 'json', lineOf(path)]);
        assert.equal(r.code, 0, r.stderr);
        const e = (JSON.parse(r.stdout) as { explained: EntryJson[] }).explained[0];
        assert.ok(e.place, `${path} is placed: ${r.stdout}`);
        return { server: e.place.server, others: e.place.others.map((o) => o.server), how: e.place.how };
      };
      assert.deepEqual(alone('/a1-dot').server, APP);
      assert.deepEqual(alone('/a1-dot').others, []);
      // The line does not tell: every unnamed block nginx could have given it to is listed (A's on 8080 and 8090, B's).
      for (const path of ['/a1-mapped', '/b1-no-host']) {
        const p = alone(path);
        const all = [p.server, ...p.others].map((s) => `${s.path}:${s.line}`).sort();
        assert.deepEqual(all, [A1, A2, B1].map((s) => `${s.path}:${s.line}`).sort(), `${path}: ${p.how}`);
        assert.match(p.how, /could have handled it, and the line does not tell which/);
      }
    }
  } finally {
    await ngA.stop();
    await ngB?.stop();
    await dead.stop();
    a.cleanup();
    b.cleanup();
  }
});

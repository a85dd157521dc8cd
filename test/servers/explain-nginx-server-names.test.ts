// `proxylint explain --in nginx.conf <line>` with a real nginx (Debian 1.22.1) whose server blocks all listen
// on one address:port and differ only by server_name: nginx picks the block for a request's Host by its precedence
// (https://nginx.org/en/docs/http/server_names.html, ngx_http_find_virtual_server): the exact name; else the longest
// wildcard starting with `*` (or `.name`); else the longest wildcard ending with `*`; else the first matching regular
// expression in the order written; a name two blocks share goes to the first ("conflicting server name", ignored in
// the second); else the default server. Each block passes to a refused backend port of its own, so the 502 line
// names the block nginx used. Every block's first server_name is the same (names.test), so `server:` does not tell
// them apart, and the pass target has a variable, which explain does not match to the line's backend by address:
// only the server_name precedence (and which names nginx ignored) can place the line. Before, explain listed every block whose name matched with the
// same kind (both wildcards, both regular expressions, both blocks of the shared name) as equal candidates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary, runCli } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx } from './harness/nginx';
import { refusedPort } from './standins/http';

requireBinary('nginx');

interface Pos {
  path: string;
  line: number;
}
interface EntryJson {
  example: string;
  place: { server: Pos; how: string; others: { server: Pos }[] } | null;
}

// The blocks in the order written; the names after names.test are what nginx chooses by.
const BLOCKS: [id: string, names: string, listen?: string][] = [
  ['first', ''],
  ['exact', 'www.example.test'],
  // A regular expression written before the wildcards: it matches many of the Hosts below, and still comes last.
  ['regexA', '"~^(api|deep|mail)"'],
  ['headShort', '*.example.test'],
  ['headLong', '*.sub.example.test'],
  ['dot', '.dot.test'],
  ['tailShort', 'mail.*'],
  ['tailLong', 'mail.example.*'],
  ['regexB', '"~^api\\d+\\."'],
  ['dup1', 'dup.test'],
  ['dup2', 'dup.test'],
  // A name that takes a key an earlier one took is ignored, all of it: .pair.test is pair.test too, so the exact
  // pair.test after it is; .solo.test after solo.test, and .star.test after *.star.test, match nothing.
  ['pairDot', '.pair.test'],
  ['pairExact', 'pair.test'],
  ['soloExact', 'solo.test'],
  ['soloDot', '.solo.test'],
  ['star', '*.star.test'],
  ['starDot', '.star.test'],
  ['default', '', ' default_server'],
];

// Host → the block nginx uses, by the rule that decides it.
const CASES: [host: string, block: string][] = [
  ['www.example.test', 'exact'], // exact before the *.example.test and ~^… that match it too
  ['deep.sub.example.test', 'headLong'], // the longer of two leading wildcards, before an earlier regex
  ['other.example.test', 'headShort'],
  ['dot.test', 'dot'], // .dot.test is dot.test itself too
  ['a.dot.test', 'dot'],
  ['mail.example.test', 'headShort'], // a leading wildcard before the trailing ones
  ['mail.example.org', 'tailLong'], // the longer of two trailing wildcards
  ['mail.other.org', 'tailShort'],
  ['api7.test', 'regexA'], // the first regex written, though regexB matches too
  ['dup.test', 'dup1'], // the first block of a name two share
  ['pair.test', 'pairDot'], // the exact name written after .pair.test was ignored
  ['solo.test', 'soloExact'],
  ['x.solo.test', 'default'], // .solo.test was ignored
  ['x.star.test', 'star'],
  ['star.test', 'default'], // .star.test was ignored
  ['nobody.test', 'default'], // no name: default_server, not the first block
];

test('explain places each line of a real nginx at the block its server_name precedence chose on one address:port', async () => {
  const dead = await Promise.all(BLOCKS.map(() => refusedPort()));
  const text = `http {
${BLOCKS.map(([, names, listen], i) => `    server {
        listen 127.0.0.1:8080${listen ?? ''};
        server_name names.test${names ? ` ${names}` : ''};
        set $backend ${dead[i].port};
        location / {
            proxy_pass http://127.0.0.1:$backend;
        }
    }`).join('\n')}
}
`;
  const setup = await prepareNginx(text);
  const lines = setup.text.split('\n');
  // The 1-based line of each block's `server {`: the line before its listen line.
  const serverLine = new Map(BLOCKS.map(([id], i) => {
    const at = lines.findIndex((l) => l.includes(`set $backend ${dead[i].port};`)) - 2;
    assert.match(lines[at - 1], /^\s*server \{$/);
    return [id, { path: setup.confPath, line: at }];
  }));
  const byPort = new Map(BLOCKS.map(([id], i) => [dead[i].port, id]));
  const ng = await startNginx(setup);
  try {
    // nginx read the shared names as conflicts: the first block keeps each.
    for (const name of ['dup.test', 'pair.test', '.solo.test', '.star.test']) {
      assert.match(ng.errorLog(), new RegExp(`\\[warn\\].*conflicting server name "${name.replace(/\./g, '\\.')}" on 127\\.0\\.0\\.1:\\d+, ignored`));
    }
    for (const [host] of CASES) assert.equal((await request({ port: setup.port, path: `/${host}`, headers: { Host: host }, timeoutMs: 10_000 })).status, 502, `${host} gets 502 (backend refused)`);
    await new Promise((r) => setTimeout(r, 300));
    const errors = ng.errorLog().split('\n').filter((l) => /\[error\].*connect\(\) failed \(111/.test(l));
    const lineOf = new Map(CASES.map(([host]) => {
      const found = errors.filter((l) => l.includes(`"GET /${host} HTTP/1.1"`));
      assert.equal(found.length, 1, `one error line for ${host}:\n${errors.join('\n')}`);
      return [host, found[0]];
    }));
    // What nginx did: the block whose backend port the line names, with the shared first name as `server:`.
    for (const [host, block] of CASES) {
      const l = lineOf.get(host)!;
      assert.match(l, new RegExp(`, server: names\\.test, request: .*, host: "${host.replace(/\./g, '\\.')}"$`));
      const port = Number(/upstream: "http:\/\/127\.0\.0\.1:(\d+)\//.exec(l)?.[1]);
      assert.equal(byPort.get(port), block, `nginx gave ${host} to ${block}: ${l}`);
    }

    // Each line alone: a log's entries group lines by place, and show one example of each group.
    for (const [host, block] of CASES) {
      const r = runCli(['explain', '--in', setup.confPath, '--format', 'json', lineOf.get(host)!]);
      assert.equal(r.code, 0, r.stderr);
      const p = (JSON.parse(r.stdout) as { explained: EntryJson[] }).explained[0].place;
      assert.ok(p, `${host} is placed alone: ${r.stdout}`);
      assert.deepEqual({ server: p.server, others: p.others.map((o) => o.server) }, { server: serverLine.get(block), others: [] }, `${host} alone: ${p.how}`);
    }
  } finally {
    await ng.stop();
    await Promise.all(dead.map((d) => d.stop()));
    setup.cleanup();
  }
});

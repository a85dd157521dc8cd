/**
 * Language-server soak: one `proxylint lsp --stdio` process is driven through thousands of random incremental edits
 * across an include tree (nginx.conf including conf.d/*.conf and snippets), with documents opened and closed,
 * requests sent at random positions (some cancelled at once) and watched-file notifications, without waiting for
 * diagnostics in between. Then:
 * - it still answers (a request after the flood gets its reply within 5 s; it takes milliseconds);
 * - the diagnostics it publishes for the final version of every open document are those of a fresh lint of the
 *   final texts by the core;
 * - its memory stays bounded: VmRSS (from /proc) at the start and the end of the session are printed and compared.
 *
 * SOAK_EDITS (default 3000) and SOAK_SEED (a number, or "random"; printed) change the session.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { LineIndex } from '../../server/src/core/text';
import { toDiagnostic } from '../../server/src/lsp/convert';
import { createNodeHost } from '../../server/src/node/node-host';
import { seededRandom, tempTree } from '../helpers';
import { LspClient, uri } from './client';

const EDITS = Number(process.env.SOAK_EDITS ?? 3000);
// A fixed seed by default, so that CI is reproducible; SOAK_SEED=random explores a new session on every run.
const SEED = process.env.SOAK_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.SOAK_SEED ?? 20261122);

/** mulberry32: a small seeded PRNG, so a failing session can be replayed with SOAK_SEED. */
function rng(seed: number) {
  const next = seededRandom(seed);
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] };
}

const NGINX = `events {}
http {
    upstream app_backend {
        server 127.0.0.1:18601;
        server 127.0.0.1:18602;
        keepalive 16;
    }
    proxy_read_timeout 90s;
    include snippets/*.conf;
    include conf.d/*.conf;
}
`;
const site = (i: number) => `server {
    listen 127.0.0.1:${18700 + i};
    location / {
        proxy_pass http://app_backend;
        proxy_connect_timeout 5s;
    }
    location /ws/ {
        proxy_pass http://127.0.0.1:${18800 + i};
        proxy_http_version 1.1;
    }
    location /legacy/ {
        proxy_pass 127.0.0.1:18603;
    }
}
`;
const SNIPPET = 'proxy_set_header Host $host;\nproxy_next_upstream error timeout http_502;\n';

/** Text typed into the documents. No http/events/stream: a site file stays a fragment of nginx.conf. */
const TOKENS = [
  'proxy_pass http://app_backend;', 'proxy_pass http://app_backnd;', 'proxy_pass 10.0.0.1:80;', 'proxy_read_timeout 2s;', 'proxy_connect_timeout 90s;',
  'location /x/ {', 'location ~ ^/v{1,3}/ {', '}', '{', ';', '"', "'", '#', '# proxylint-disable-next-line read-timeout-too-low -- soak\n', '\n', '\n    ',
  'upstream u1 { server a.example.com:443; }', 'keepalive 8;', 'proxy_http_version 1.0;', 'proxy_set_header Connection close;', 'include snippets/*.conf;',
  'include missing.conf;', 'server_name x;', 'proxy_buffering off;', 'p', 'r', 'o', 'x', 'y', '_', ' ', '$host', '\\',
];

function applyLocal(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

const key = (d: Pick<Diagnostic, 'code' | 'range' | 'message'>) => `${d.code} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`;

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

test(`soak: ${EDITS} random edits, opens, closes and cancelled requests across an include tree`, { timeout: 300_000 }, async () => {
  const files: Record<string, string> = { 'nginx.conf': NGINX, 'snippets/headers.conf': SNIPPET };
  for (let i = 0; i < 6; i++) files[`conf.d/site${i}.conf`] = site(i);
  const tree = tempTree(files);
  const root = realpathSync(tree.dir);
  const r = rng(SEED);
  console.log(`soak: seed ${SEED} (SOAK_SEED=${SEED} replays it), ${EDITS} edits`);
  const c = new LspClient();
  const texts = new Map<string, string>();
  const open = new Set<string>();
  const paths = Object.keys(files).map((p) => join(root, p));
  let cancelled = 0, requests = 0, opens = 0, closes = 0;
  try {
    await c.initialize(root);
    for (const p of paths.slice(0, 4)) {
      texts.set(p, readFileSync(p, 'utf8'));
      await c.open(p, texts.get(p)!);
      open.add(p);
    }
    await c.diagnostics(paths[0], () => true, 20_000);
    const pid = c.pid!;
    const rssStart = rssKiB(pid);
    let rssMax = rssStart;
    const started = Date.now();

    for (let k = 0; k < EDITS; k++) {
      const roll = r.next();
      if (roll < 0.01 && open.size > 1) {
        // Close a document (its unsaved text is gone: the server reads the disk again).
        const p = r.pick([...open].filter((x) => x !== paths[0]));
        await c.close(p);
        open.delete(p);
        texts.delete(p);
        closes++;
        continue;
      }
      if (roll < 0.02) {
        const p = r.pick(paths.filter((x) => !open.has(x)));
        if (p) {
          texts.set(p, readFileSync(p, 'utf8'));
          await c.open(p, texts.get(p)!);
          open.add(p);
          opens++;
        }
        continue;
      }
      if (roll < 0.05) {
        // A request at a random place, maybe past the end of the document; some are cancelled at once.
        const p = r.pick([...open]);
        const source = new CancellationTokenSource();
        const method = r.pick(['textDocument/hover', 'textDocument/completion', 'textDocument/codeAction', 'textDocument/documentSymbol', 'textDocument/foldingRange', 'textDocument/definition', 'textDocument/documentLink']);
        const pos = { line: r.int(30), character: r.int(40) };
        const params = method === 'textDocument/codeAction' ? { textDocument: { uri: uri(p) }, range: { start: pos, end: pos }, context: { diagnostics: c.publishedFor(p).at(-1)?.diagnostics ?? [] } } : { textDocument: { uri: uri(p) }, position: pos };
        const reply = c.connection.sendRequest(method, params, source.token).then(
          () => {},
          () => {},
        );
        requests++;
        if (r.next() < 0.5) {
          source.cancel();
          cancelled++;
        }
        if (r.next() < 0.3) await reply;
        continue;
      }
      if (roll < 0.055) {
        await c.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(r.pick(paths)), type: 2 }] });
        continue;
      }
      // An incremental edit: delete, insert or replace at a random place.
      const p = r.pick([...open]);
      const text = texts.get(p)!;
      const lines = new LineIndex(text);
      const a = r.int(text.length + 1);
      const del = r.next() < 0.4 ? Math.min(text.length - a, r.int(12)) : 0;
      const ins = r.next() < 0.7 || del === 0 ? r.pick(TOKENS) : '';
      await c.edit(p, { start: lines.positionAt(a), end: lines.positionAt(a + del) }, ins);
      texts.set(p, applyLocal(text, a, a + del, ins));
      if (k % 250 === 0) {
        rssMax = Math.max(rssMax, rssKiB(pid));
        // Still answering while being flooded.
        const t0 = Date.now();
        await c.request('textDocument/documentSymbol', { textDocument: { uri: uri(p) } });
        assert.ok(Date.now() - t0 < 5000, `documentSymbol took ${Date.now() - t0} ms at edit ${k}`);
      }
      if (k % 500 === 499) await new Promise((res) => setTimeout(res, 200)); // let the debounced re-check run now and then
    }
    const floodMs = Date.now() - started;

    // It still answers, promptly.
    const t0 = Date.now();
    await c.request('textDocument/hover', { textDocument: { uri: uri(paths[0]) }, position: { line: 1, character: 2 } });
    const answerMs = Date.now() - t0;
    assert.ok(answerMs < 5000, `hover took ${answerMs} ms after the flood`);

    // The final diagnostics of every open document are those of a fresh lint of the final texts.
    const host = createNodeHost({}, (p) => (open.has(p) ? texts.get(p) : undefined));
    const entry = lintNginx(paths[0], texts.get(paths[0])!, host, { settings: defaultSettings() });
    const inEntry = new Set(entry.config.files.map((f) => f.path));
    for (const p of open) {
      const version = c.versions.get(uri(p));
      const published = await c.diagnostics(p, () => c.publishedFor(p).at(-1)?.version === version, 20_000).then(() => c.publishedFor(p).at(-1)!.diagnostics);
      // A site file the (edited) nginx.conf no longer includes is checked alone, its includes resolved against the
      // folder of that nginx.conf, as nginx would if it were included again.
      const fresh = inEntry.has(p) ? entry : lintNginx(p, texts.get(p)!, host, { settings: defaultSettings(), fragmentPrefix: dirname(paths[0]) });
      const lines = new Map(fresh.config.files.map((f) => [f.path, f.lines]));
      const expected = fresh.findings.filter((f) => f.path === p).map((f) => toDiagnostic(f, (x) => lines.get(x)));
      assert.deepEqual(published.map(key).sort(), expected.map(key).sort(), `diagnostics of ${p} (version ${version}) differ from a fresh lint`);
    }

    await new Promise((res) => setTimeout(res, 300));
    const rssEnd = rssKiB(pid);
    rssMax = Math.max(rssMax, rssEnd);
    console.log(
      `soak: ${EDITS} edits, ${requests} requests (${cancelled} cancelled), ${opens} opens, ${closes} closes in ${(floodMs / 1000).toFixed(1)} s; answer after the flood ${answerMs} ms; server VmRSS start ${(rssStart / 1024).toFixed(0)} MiB, end ${(rssEnd / 1024).toFixed(0)} MiB, max ${(rssMax / 1024).toFixed(0)} MiB`,
    );
    assert.ok(rssEnd < rssStart + 150 * 1024, `RSS grew from ${rssStart} to ${rssEnd} kB`);
    assert.ok(rssMax < 400 * 1024, `RSS reached ${rssMax} kB`);
  } finally {
    await c.stop();
    tree.cleanup();
  }
});

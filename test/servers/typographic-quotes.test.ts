// typographic-quotes on a real nginx (Debian 1.22.1) in front of a stand-in that records the headers it gets: a value
// between typographic quotes reaches the backend and the client with the quote marks in it, and the rule's safe fix
// (straight quotes) sends the value that was meant. A phrase between them is several arguments, which nginx -t
// refuses where the directive does not take that many.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { nginxTestText, requireBinary } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, rewriteNginx, startNginx } from './harness/nginx';
import { startHttpStandin } from './standins/http';

requireBinary('nginx');

/** A header value as the bytes were sent: Node reads header bytes as Latin-1. */
const utf8 = (v: string | undefined) => (v === undefined ? v : Buffer.from(v, 'latin1').toString('utf8'));

test('typographic-quotes: the quote marks reach the backend and the client; the fix sends the value meant (real nginx)', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', deadlineMs: 60_000 });
  const conf = `http {
    server {
        listen 127.0.0.1:8000;
        location / {
            proxy_set_header Host “$host”;
            add_header X-Frame-Options “SAMEORIGIN”;
            proxy_pass http://${backend.address};
        }
    }
}
`;
  const setup = await prepareNginx(conf);
  let nginx = await startNginx(setup);
  try {
    const found = lintNginx(setup.confPath, setup.text, createNodeHost(), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'typographic-quotes');
    assert.equal(found.length, 2);
    const r = await request({ port: setup.port, path: '/a', headers: { Host: 'api.example.com' } });
    assert.equal(r.status, 200);
    assert.equal(utf8(backend.requests[0].headers.host), '“api.example.com”');
    assert.equal(utf8(r.headers['x-frame-options']), '“SAMEORIGIN”');

    // The safe fixes, applied as --fix does: straight quotes.
    await nginx.stop();
    let text = setup.text;
    for (const f of [...found].sort((a, b) => b.start - a.start)) text = text.slice(0, f.fix!.edits[0].start) + f.fix!.edits[0].newText + text.slice(f.fix!.edits[0].end);
    rewriteNginx(setup, text);
    nginx = await startNginx(setup);
    backend.requests.length = 0;
    const after = await request({ port: setup.port, path: '/b', headers: { Host: 'api.example.com' } });
    assert.equal(backend.requests[0].headers.host, 'api.example.com');
    assert.equal(after.headers['x-frame-options'], 'SAMEORIGIN');
  } finally {
    await nginx.stop();
    await backend.stop();
    setup.cleanup();
  }
});

test('typographic-quotes: a phrase between them is two arguments, and nginx -t refuses add_header with them', () => {
  const t = nginxTestText('events {}\nhttp {\n    server {\n        listen 127.0.0.1:18846;\n        add_header Cache-Control “no store”;\n    }\n}\n');
  assert.ok(!t.ok);
  assert.match(t.output, /invalid parameter "store”"/);
});

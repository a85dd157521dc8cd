// A map file saved with a UTF-8 byte-order mark, included into a map block: nginx 1.22.1 starts (the marked first
// word is a key, and a key may be any word), but the key is "\uFEFFexample.com", which no Host header is. Requests
// for that host get the map's default, here the wrong backend group. utf8-bom-at-file-start reports it as a warning
// there (nginx starts), at the key; the other keys of the file match as written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText, requireBinary } from '../helpers';
import { prepareNginx, startNginx } from './harness/nginx';
import { request } from './harness/client';

requireBinary('nginx');

const BOM = '\ufeff';
const CONF = `events {}
http {
    map $host $site {
        include sites.map;
        default fallback;
    }
    server {
        listen 127.0.0.1:8000;
        location / { return 200 "$site\\n"; }
    }
}
`;
const MAP = 'example.com app;\nexample.org blog;\n';

async function answers(mapText: string): Promise<string[]> {
  const setup = await prepareNginx(CONF, { files: { 'sites.map': mapText } });
  const nginx = await startNginx(setup);
  try {
    const out: string[] = [];
    for (const host of ['example.com', 'example.org']) {
      const r = await request({ port: setup.port, path: '/', headers: { Host: host }, timeoutMs: 5000 });
      assert.equal(r.status, 200, nginx.errorLog());
      out.push(r.body.toString().trim());
    }
    return out;
  } finally {
    await nginx.stop();
    setup.cleanup();
  }
}

test('a marked map file: nginx starts, the first key never matches (real nginx), and the rule warns at that key', { timeout: 60_000 }, async () => {
  assert.deepEqual(await answers(MAP), ['app', 'blog']);
  assert.deepEqual(await answers(BOM + MAP), ['fallback', 'blog']);
  const r = lintText(CONF, { files: { 'sites.map': BOM + MAP } });
  const found = r.findings.filter((f) => f.ruleId === 'utf8-bom-at-file-start');
  assert.equal(found.length, 1, JSON.stringify(r.findings.map((f) => [f.ruleId, f.message])));
  assert.equal(found[0].severity, 'warning');
  assert.match(found[0].path, /sites\.map$/);
  assert.match(found[0].message, /"example\.com" never matches \$host, so it gets the map's default \$site/);
  // Removing the mark changes where those requests go: offered, not a --fix.
  assert.equal(found[0].fix, undefined);
  assert.deepEqual(found[0].suggestions?.map((s) => s.edits), [[{ path: '/cfg/sites.map', start: 0, end: 1, newText: '' }]]);
  assert.equal(lintText(CONF, { files: { 'sites.map': MAP } }).findings.filter((f) => f.ruleId === 'utf8-bom-at-file-start').length, 0);
});

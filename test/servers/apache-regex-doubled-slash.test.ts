// proxypass-trailing-slash-mismatch on regex lines (ProxyPassMatch, `ProxyPass ~`, a ProxyPass in a section whose path
// has a wildcard): with no $1 in the URL httpd appends the whole request path, which starts with "/", to the URL, so a
// URL ending in "/" gives the backend a doubled slash. This runs the real apache2 in front of three real backends and
// checks what each makes of it: nginx (merge_slashes) and httpd serve the single-slash page, while a Node server that
// reads the path with new URL(req.url, base) (the form Node's http docs showed up to v18) takes "//app/x" for the host
// "app" and the path "/x" and answers 404, and read as the current docs show (new URL("http://host" + req.url)) the
// path keeps its "//", which its routes do not match either (nor "/base//x.json"). Then: the rule reports exactly the lines whose
// backend got a doubled slash, and its suggestion (drop the URL's trailing slash) passes apache2 -t and gives the
// Node backend the single-slash path it answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { applyEdits } from '../../server/src/core/fix';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { apacheConfigTest, prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { prepareNginx, startNginx, tempDir } from './harness/nginx';

requireBinary('apache2');
requireBinary('nginx');

const RULE = 'proxypass-trailing-slash-mismatch';

/** The Node backend's routes: it answers 200 for these paths (as new URL reads them) and 404 for any other. */
const ROUTES = new Set(['/app/x', '/s/x', '/base/x.json', '/v2/x', '/y', '/ok2/x']);

interface Layout {
  name: string;
  lines: (n: string) => string[];
  path: string;
  /** The request line the Node backend got, and its answer. */
  got: string;
  status: number;
  reported: boolean;
  /** After the rule's suggestion: what the backend got, with 200. */
  fixed?: string;
}

const LAYOUTS: Layout[] = [
  { name: 'ProxyPassMatch "^/app/(.*)$" to …/', lines: (n) => [`ProxyPassMatch "^/app/(.*)$" "http://${n}/"`], path: '/app/x', got: '//app/x', status: 404, reported: true, fixed: '/app/x' },
  { name: 'ProxyPassMatch "\\.json$" to …/base/', lines: (n) => [`ProxyPassMatch "\\.json$" "http://${n}/base/"`], path: '/x.json', got: '/base//x.json', status: 404, reported: true, fixed: '/base/x.json' },
  { name: 'ProxyPass ~ "^/v2/" to …/', lines: (n) => [`ProxyPass ~ "^/v2/" "http://${n}/"`], path: '/v2/x', got: '//v2/x', status: 404, reported: true, fixed: '/v2/x' },
  { name: '<LocationMatch "^/s/(.*)$"> ProxyPass to …/', lines: (n) => ['<LocationMatch "^/s/(.*)$">', `    ProxyPass "http://${n}/"`, '</LocationMatch>'], path: '/s/x', got: '//s/x', status: 404, reported: true, fixed: '/s/x' },
  // Not reported: $1 builds the path; a URL without the trailing slash gets the path with one slash.
  { name: 'ProxyPassMatch "^/ok/(.*)$" to …/$1', lines: (n) => [`ProxyPassMatch "^/ok/(.*)$" "http://${n}/$1"`], path: '/ok/y', got: '/y', status: 200, reported: false },
  { name: 'ProxyPassMatch "^/ok2/" to … (no slash)', lines: (n) => [`ProxyPassMatch "^/ok2/" "http://${n}"`], path: '/ok2/x', got: '/ok2/x', status: 200, reported: false },
];

const front = (lines: string[]) => ['Listen 80', '<VirtualHost *:80>', '    ServerName localhost', ...lines.map((x) => `    ${x}`), '</VirtualHost>', ''].join('\n');
const lint = (text: string) => lintApache('/etc/apache2/apache2.conf', text, createNodeHost(), { settings: defaultSettings() });

/** Runs httpd on `text` (apache2 -t must pass) and sends one request. */
async function through(text: string, path: string): Promise<number | string> {
  const setup = await prepareApache(text);
  try {
    const t = apacheConfigTest(setup);
    assert.ok(t.ok, `apache2 -t rejected:\n${text}\n${t.output}`);
    const httpd = await startApache(setup);
    try {
      return (await request({ port: setup.port, path, timeoutMs: 5000 })).status;
    } finally {
      await httpd.stop();
    }
  } finally {
    setup.cleanup();
  }
}

test('a regex line without $1 whose URL ends in "/" sends a doubled slash; proxypass-trailing-slash-mismatch reports exactly those lines, and its suggestion gives one slash (real apache2, Node backend)', { timeout: 180_000 }, async () => {
  const seen: string[] = [];
  /** Per request: whether the current docs' form, new URL("http://host" + req.url), finds a route too. */
  const concatRouted: boolean[] = [];
  const node = createServer((req, res) => {
    seen.push(req.url!);
    concatRouted.push(ROUTES.has(new URL(`http://localhost${req.url!}`).pathname));
    res.writeHead(ROUTES.has(new URL(req.url!, 'http://localhost').pathname) ? 200 : 404).end();
  });
  await new Promise<void>((r) => node.listen(0, '127.0.0.1', () => r()));
  const n = `127.0.0.1:${(node.address() as AddressInfo).port}`;
  const wrong: string[] = [];
  try {
    for (const l of LAYOUTS) {
      const text = front(l.lines(n));
      const before = seen.length;
      const status = await through(text, l.path);
      if (concatRouted[before] !== (l.status === 200)) wrong.push(`${l.name}: new URL("http://host" + ${seen[before]}) ${concatRouted[before] ? 'finds' : 'does not find'} a route`);
      if (seen[before] !== l.got || status !== l.status) wrong.push(`${l.name}: the backend got ${seen[before]} and httpd answered ${status}, the table says ${l.got} and ${l.status}`);
      const found = lint(text).findings.filter((f) => f.ruleId === RULE);
      const doubled = (seen[before] ?? '').includes('//');
      if (found.length !== (l.reported ? 1 : 0) || l.reported !== doubled) wrong.push(`${l.name}: ${found.length} finding(s), backend path ${seen[before]}`);
      if (!found[0] || !l.fixed) continue;
      const edited = applyEdits(text, found[0].suggestions[0].edits).text;
      const at = seen.length;
      const after = await through(edited, l.path);
      if (seen[at] !== l.fixed || after !== 200) wrong.push(`${l.name}, after "${found[0].suggestions[0].title}": the backend got ${seen[at]}, httpd answered ${after}`);
      if (lint(edited).findings.some((f) => f.ruleId === RULE)) wrong.push(`${l.name}: still reported after the suggestion`);
    }
  } finally {
    node.close();
  }
  assert.deepEqual(wrong, []);
});

test('nginx and httpd backends answer the doubled slash of a regex line as the single-slash page (real apache2 in front)', { timeout: 120_000 }, async () => {
  const ng = await prepareNginx('http {\n    server {\n        listen 8000;\n        location /app/ { return 200 "app $uri\\n"; }\n        location / { return 404; }\n    }\n}\n');
  const nginx = await startNginx(ng);
  const docs = tempDir('proxylint-docroot-');
  mkdirSync(`${docs}/app`);
  writeFileSync(`${docs}/app/x`, 'file x\n');
  const be = await prepareApache(`Listen 80\nDocumentRoot "${docs}"\n<Directory "${docs}">\n    Require all granted\n</Directory>\n`);
  const httpd = await startApache(be);
  try {
    for (const [name, port] of [['nginx', ng.ports.get('8000')!], ['httpd', be.port]] as const) {
      const status = await through(front([`ProxyPassMatch "^/app/(.*)$" "http://127.0.0.1:${port}/"`]), '/app/x');
      assert.equal(status, 200, `${name} answered ${status} for //app/x`);
    }
  } finally {
    await nginx.stop();
    await httpd.stop();
    ng.cleanup();
    be.cleanup();
  }
});

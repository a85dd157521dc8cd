// Which ProxyPass workers take the requests of a SetHandler "proxy:unix:A|fcgi://localhost" (PHP-FPM's usual set-up):
// httpd looks the worker up by the handler's URL followed by the file's path (fcgi://localhost/srv/html/x.php), takes
// the longest worker name that starts it, and a worker's own socket wins over the handler's. Each layout runs on the
// real apache2 with both sockets missing, so the AH02454 line of each request names the socket it went to; the rule
// sethandler-socket-taken-by-worker must report the handler exactly when some request went to the other socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintApache } from '../../server/src/core/lint-apache';
import { memHost, requireBinary } from '../helpers';
import { fixtureSettings } from '../rules/rule-harness';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { tempDir } from './harness/nginx';
import { sleep } from './harness/proc';

requireBinary('apache2');

interface Case {
  what: string;
  /** Worker lines; A and B stand for the two sockets, D for DocumentRoot (no trailing "/"). */
  workers: string[];
  /** The <Directory> the handler sits in, else a <FilesMatch> at server level. */
  directory?: string;
  /** Alias lines (E stands for a folder outside DocumentRoot, holding x.php); `main` puts them in the main server. */
  aliases?: string[];
  main?: boolean;
  /** The socket /index.php and /sub/x.php reached, then /app/x.php when there are aliases. */
  reached: string[];
}

const CASES: Case[] = [
  { what: 'a worker path outside DocumentRoot', workers: ['ProxyPass "/legacy/" "unix:B|fcgi://localhost/legacy/"'], reached: ['A', 'A'] },
  { what: 'a worker path that is DocumentRoot', workers: ['ProxyPass "/legacy/" "unix:B|fcgi://localhost D/"'], reached: ['B', 'B'] },
  { what: 'a worker path below DocumentRoot', workers: ['ProxyPass "/legacy/" "unix:B|fcgi://localhost D/sub/"'], reached: ['A', 'B'] },
  { what: 'a worker name that starts DocumentRoot mid-word, host in capitals', workers: ['ProxyPass "/legacy/" "unix:B|fcgi://LocalHost D-cut"'], reached: ['B', 'B'] },
  { what: 'a ProxyPassMatch worker with $1 after DocumentRoot', workers: ['ProxyPassMatch "^/legacy/(.*)$" "unix:B|fcgi://localhost D/$1"'], reached: ['B', 'B'] },
  { what: 'a ProxyPassMatch worker with $1 after another path', workers: ['ProxyPassMatch "^/legacy/(.*)$" "unix:B|fcgi://localhost/legacy/$1"'], reached: ['A', 'A'] },
  { what: 'a longer worker to the handler\'s own socket, defined first', workers: ['ProxyPass "/a/" "unix:A|fcgi://localhost D/"', 'ProxyPass "/legacy/" "unix:B|fcgi://localhost/"'], reached: ['A', 'A'] },
  { what: 'a longer worker to the handler\'s socket defined after, which shares the first (AH01145)', workers: ['ProxyPass "/legacy/" "unix:B|fcgi://localhost D/"', 'ProxyPass "/a/" "unix:A|fcgi://localhost D/sub/"'], reached: ['B', 'B'] },
  { what: 'a handler in <Directory D/sub>, a worker for DocumentRoot', workers: ['ProxyPass "/legacy/" "unix:B|fcgi://localhost D/"'], directory: 'D/sub', reached: ['-', 'B'] },
  { what: 'a handler in <Directory D/sub>, a worker for another folder below DocumentRoot', workers: ['ProxyPass "/legacy/" "unix:B|fcgi://localhost D/other/"'], directory: 'D/sub', reached: ['-', 'A'] },
  // An Alias maps some URLs to files outside DocumentRoot: a handler outside any <Directory> sends those files too,
  // with their own path in the URL (fcgi://localhost/…/app/x.php).
  { what: 'an Alias to a folder outside DocumentRoot, a worker for that folder', aliases: ['Alias "/app" "E"'], workers: ['ProxyPass "/legacy/" "unix:B|fcgi://localhost E/"'], reached: ['A', 'A', 'B'] },
  { what: 'an Alias (with AliasMatch) in the main server, a worker for its folder', aliases: ['AliasMatch "^/app/(.*)$" "E/$1"'], main: true, workers: ['ProxyPass "/legacy/" "unix:B|fcgi://localhost E/"'], reached: ['A', 'A', 'B'] },
  { what: 'an Alias to a folder outside DocumentRoot, a worker for DocumentRoot', aliases: ['Alias "/app" "E"'], workers: ['ProxyPass "/legacy/" "unix:B|fcgi://localhost D/"'], reached: ['B', 'B', 'A'] },
  { what: 'an Alias to a folder outside DocumentRoot, a worker for a third folder', aliases: ['Alias "/app" "E"'], workers: ['ProxyPass "/legacy/" "unix:B|fcgi://localhost/legacy/"'], reached: ['A', 'A', 'A'] },
  { what: 'an Alias, the handler in <Directory D/sub>, a worker for the Alias folder', aliases: ['Alias "/app" "E"'], workers: ['ProxyPass "/legacy/" "unix:B|fcgi://localhost E/"'], directory: 'D/sub', reached: ['-', 'A', '-'] },
];

test('sethandler-socket-taken-by-worker: reported exactly when a ProxyPass worker to another socket takes some of the handler\'s requests, worker paths included (real apache2)', async () => {
  for (const c of CASES) {
    const dir = tempDir('proxylint-apache-shw-');
    const root = join(dir, 'html');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'index.php'), '<?php echo 1;');
    writeFileSync(join(root, 'sub', 'x.php'), '<?php echo 1;');
    const app = join(dir, 'app');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'x.php'), '<?php echo 1;');
    const A = join(dir, 'a.sock');
    const B = join(dir, 'b.sock');
    const fill = (s: string) => s.replace(/\bA\|/g, `${A}|`).replace(/\bB\|/g, `${B}|`).replace(/ D-cut/g, root.slice(0, -2)).replace(/ ?\bD\//g, `${root}/`).replace(/ ?\bE\//g, `${app}/`).replace(/"E"/g, `"${app}"`);
    const handler = `SetHandler "proxy:unix:${A}|fcgi://localhost"`;
    const text = [
      'Listen 80',
      ...(c.main ? (c.aliases ?? []).map(fill) : []),
      '<VirtualHost *:80>',
      '    ServerName localhost',
      `    DocumentRoot "${root}"`,
      ...(c.main ? [] : (c.aliases ?? []).map((l) => `    ${fill(l)}`)),
      ...c.workers.map((w) => `    ${fill(w)}`),
      ...(c.directory ? [`    <Directory "${fill(c.directory)}">`, `        ${handler}`, '    </Directory>'] : ['    <FilesMatch "\\.php$">', `        ${handler}`, '    </FilesMatch>']),
      '</VirtualHost>',
      '',
    ].join('\n');
    const ready = await prepareApache(text, { dir, modules: ['mpm_event', 'authz_core', 'proxy', 'proxy_fcgi', 'alias'] });
    const httpd = await startApache(ready);
    const reached: string[] = [];
    try {
      for (const path of ['/index.php', '/sub/x.php', ...(c.aliases ? ['/app/x.php'] : [])]) {
        const before = httpd.errorLog().length;
        await request({ port: ready.port, path, timeoutMs: 10_000 });
        await sleep(150);
        const m = /AH02454: FCGI: attempt to connect to Unix domain socket (\S+)/.exec(httpd.errorLog().slice(before));
        reached.push(m ? (m[1] === A ? 'A' : m[1] === B ? 'B' : m[1]) : '-');
      }
    } finally {
      await httpd.stop();
    }
    try {
      assert.deepEqual(reached, c.reached, `${c.what}:\n${ready.text}\n${httpd.errorLog()}`);
      const findings = lintApache(ready.confPath, ready.text, memHost({ [ready.confPath]: ready.text }), { settings: fixtureSettings(ready.text) }).findings.filter((f) => f.ruleId === 'sethandler-socket-taken-by-worker');
      assert.equal(findings.length, c.reached.includes('B') ? 1 : 0, `${c.what}: ${findings.map((f) => f.message).join('\n')}\n${ready.text}`);
    } finally {
      ready.cleanup();
    }
  }
});

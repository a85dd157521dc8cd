// PHP-FPM's <FilesMatch "\.php$"> SetHandler "proxy:…" next to a ProxyPass that covers the .php URLs: mod_proxy maps
// the URL in its translate hook, before the section applies, so the ProxyPass backend answers the PHP files. This
// runs the real apache2 with a FastCGI stand-in on the handler's socket and an HTTP stand-in behind the ProxyPass, and
// checks that proxypass-takes-php-from-sethandler reports exactly the layouts where the FastCGI stand-in got nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { tempDir } from './harness/nginx';
import { request } from './harness/client';
import { startFastcgiStandin } from './standins/fastcgi';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

const handler = (sock: string) => ['<FilesMatch "\\.php$">', `    SetHandler "proxy:unix:${sock}|fcgi://localhost"`, '</FilesMatch>'];

/** Each layout, and whether /index.php reaches PHP-FPM. */
const CASES: { name: string; lines: (sock: string, b: string) => string[]; phpFpm: boolean; main?: (sock: string) => string[] }[] = [
  // A main-server section is merged into every virtual host's: the virtual host's ProxyPass "/" takes the files too.
  { name: 'the section in the main server, ProxyPass "/" in the virtual host', main: handler, lines: (_s, b) => [`ProxyPass "/" "http://${b}/"`], phpFpm: false },
  { name: 'the section in the main server, only ProxyPass "/api/" in the virtual host', main: handler, lines: (_s, b) => [`ProxyPass "/api/" "http://${b}/"`], phpFpm: true },
  { name: 'ProxyPass "/" below the section', lines: (s, b) => [...handler(s), `ProxyPass "/" "http://${b}/"`], phpFpm: false },
  { name: 'ProxyPass "/" above the section', lines: (s, b) => [`ProxyPass "/" "http://${b}/"`, ...handler(s)], phpFpm: false },
  { name: 'ProxyPass in <Location "/">', lines: (s, b) => ['<Location "/">', `    ProxyPass "http://${b}/"`, '</Location>', ...handler(s)], phpFpm: false },
  { name: 'ProxyPassMatch "^/(.*)$"', lines: (s, b) => [`ProxyPassMatch "^/(.*)$" "http://${b}/$1"`, ...handler(s)], phpFpm: false },
  { name: 'ProxyPassMatch "\\.php$" "!" first (the suggestion)', lines: (s, b) => ['ProxyPassMatch "\\.php$" "!"', `ProxyPass "/" "http://${b}/"`, ...handler(s)], phpFpm: true },
  { name: 'ProxyPass "/index.php" "!" first', lines: (s, b) => ['ProxyPass "/index.php" "!"', `ProxyPass "/" "http://${b}/"`, ...handler(s)], phpFpm: true },
  { name: 'only ProxyPass "/api/"', lines: (s, b) => [`ProxyPass "/api/" "http://${b}/"`, ...handler(s)], phpFpm: true },
  // Exclusions in sections. proxy_trans tries the ProxyPass of the request's merged <Location> sections first (the
  // section merged last), and a "!" there that maps the URL declines, so the server's list is not read. add_pass reads
  // a section's path as a regex only when it has a wildcard: <LocationMatch "\.php$"> gives the prefix "\.php$", which
  // maps nothing, so the server's list still takes /index.php; "(?i)\.php$" has one ("?") and is a regex.
  { name: 'ProxyPass "/", then <LocationMatch "\\.php$"> ProxyPass "!"', lines: (s, b) => [`ProxyPass "/" "http://${b}/"`, '<LocationMatch "\\.php$">', '    ProxyPass "!"', '</LocationMatch>', ...handler(s)], phpFpm: false },
  { name: 'ProxyPassMatch "^/(.*)$", then <LocationMatch "\\.php$"> ProxyPass "!"', lines: (s, b) => [`ProxyPassMatch "^/(.*)$" "http://${b}/$1"`, '<LocationMatch "\\.php$">', '    ProxyPass "!"', '</LocationMatch>', ...handler(s)], phpFpm: false },
  { name: 'ProxyPass "/", then <LocationMatch "(?i)\\.php$"> ProxyPass "!"', lines: (s, b) => [`ProxyPass "/" "http://${b}/"`, '<LocationMatch "(?i)\\.php$">', '    ProxyPass "!"', '</LocationMatch>', ...handler(s)], phpFpm: true },
  { name: '<LocationMatch "(?i)\\.php$"> ProxyPass "!", then <Location "/"> ProxyPass', lines: (s, b) => ['<LocationMatch "(?i)\\.php$">', '    ProxyPass "!"', '</LocationMatch>', '<Location "/">', `    ProxyPass "http://${b}/"`, '</Location>', ...handler(s)], phpFpm: false },
  { name: '<Location "/"> ProxyPass, then <LocationMatch "\\.php$"> ProxyPass "!"', lines: (s, b) => ['<Location "/">', `    ProxyPass "http://${b}/"`, '</Location>', '<LocationMatch "\\.php$">', '    ProxyPass "!"', '</LocationMatch>', ...handler(s)], phpFpm: true },
  { name: '<LocationMatch "\\.php$"> ProxyPass "!", then <Location "/"> ProxyPass', lines: (s, b) => ['<LocationMatch "\\.php$">', '    ProxyPass "!"', '</LocationMatch>', '<Location "/">', `    ProxyPass "http://${b}/"`, '</Location>', ...handler(s)], phpFpm: false },
  { name: '<Location ~ "\\.php$"> ProxyPass "!", then <Location "/"> ProxyPass', lines: (s, b) => ['<Location ~ "\\.php$">', '    ProxyPass "!"', '</Location>', '<Location "/">', `    ProxyPass "http://${b}/"`, '</Location>', ...handler(s)], phpFpm: false },
  { name: '<Location "/index.php"> ProxyPass "!", ProxyPass "/" after it', lines: (s, b) => ['<Location "/index.php">', '    ProxyPass "!"', '</Location>', `ProxyPass "/" "http://${b}/"`, ...handler(s)], phpFpm: true },
  { name: 'ProxyPassMatch "\\.php$" "!", then <Location "/"> ProxyPass', lines: (s, b) => ['ProxyPassMatch "\\.php$" "!"', '<Location "/">', `    ProxyPass "http://${b}/"`, '</Location>', ...handler(s)], phpFpm: false },
];

test('a ProxyPass covering /index.php takes it from the PHP-FPM handler, and the rule says so exactly then (real apache2)', { timeout: 240_000 }, async () => {
  const http = await startHttpStandin({ behaviour: 'ok', deadlineMs: 60_000 });
  const wrong: string[] = [];
  try {
    for (const c of CASES) {
      const dir = tempDir('proxylint-php-taken-');
      const sock = join(dir, 'fpm.sock');
      const root = join(dir, 'www');
      mkdirSync(root, { recursive: true });
      writeFileSync(join(root, 'index.php'), '<?php\n');
      const fpm = await startFastcgiStandin({ deadlineMs: 30_000, unixPath: sock });
      const text = ['Listen 80', ...(c.main ? c.main(sock) : []), '<VirtualHost *:80>', '    ServerName localhost', `    DocumentRoot ${root}`, `    <Directory ${root}>`, '        Require all granted', '    </Directory>', ...c.lines(sock, http.address).map((l) => `    ${l}`), '</VirtualHost>', ''].join('\n');
      const setup = await prepareApache(text, { dir });
      const httpd = await startApache(setup);
      try {
        const before = http.requests.length;
        const r = await request({ port: setup.port, path: '/index.php', timeoutMs: 5000 });
        assert.equal(r.status, 200, `${c.name}: ${r.status}\n${httpd.errorLog()}`);
        const toFpm = fpm.requests.length === 1 && http.requests.length === before;
        const toHttp = fpm.requests.length === 0 && http.requests.length === before + 1;
        assert.ok(toFpm || toHttp, `${c.name}: PHP-FPM ${fpm.requests.length}, HTTP ${http.requests.length - before}`);
        if (toFpm !== c.phpFpm) wrong.push(`${c.name}: httpd sent /index.php to ${toFpm ? 'PHP-FPM' : 'the HTTP backend'}`);
        const found = lintApache(setup.confPath, setup.text, createNodeHost(), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'proxypass-takes-php-from-sethandler');
        if (found.length !== (toFpm ? 0 : 1)) wrong.push(`${c.name}: ${toFpm ? 'PHP-FPM answered' : 'the HTTP backend answered'}, and the rule gave ${found.length} finding(s)`);
      } finally {
        await httpd.stop();
        setup.cleanup();
        await fpm.stop();
      }
    }
  } finally {
    await http.stop();
  }
  assert.deepEqual(wrong, []);
});

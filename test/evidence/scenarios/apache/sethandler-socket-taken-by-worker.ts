import { defineScenario } from '../../scenario';

// The page's Incorrect example, with the php8.2 socket served by a FastCGI stand-in and the php7.4 one missing: the
// request for /index.php goes through the /legacy/ worker to the php7.4 socket (AH02454 names it) and gets 503,
// while the stand-in the handler names gets no connection.
export default [
  defineScenario({
    rule: 'sethandler-socket-taken-by-worker',
    server: 'apache',
    claim: {
      status: 503,
      log: /AH02454: FCGI: attempt to connect to Unix domain socket \S*php7\.4-fpm\.sock \(localhost:8000\) failed/,
      doc: ['503', 'AH02454: FCGI: attempt to connect to Unix domain socket /run/php/php7.4-fpm.sock (localhost:8000) failed', 'AH01079: failed to make connection to backend: localhost'],
      check: (o) => (o.standins.php.connections === 0 ? undefined : `the handler's own socket got ${o.standins.php.connections} connection(s)`),
      label: '503, the other socket tried',
      show: (o) => `${o.statuses.join(',')}, ${o.standins.php.connections} connection(s) to the handler's socket`,
    },
    config: {
      fromDoc: {
        replace: [
          ['/var/www/html', '{{dir}}/www'],
          ['/run/php/php8.2-fpm.sock', '{{dir}}/php.sock'],
          ['/run/php/php7.4-fpm.sock', '{{dir}}/php7.4-fpm.sock'],
        ],
      },
    },
    files: { 'www/index.php': '<?php echo 1;\n' },
    standins: { php: { kind: 'fastcgi', unix: 'php.sock' } },
    request: { path: '/index.php' },
    fix: false,
    noFixHere: 'no automatic fix: which of the two names to change is the operator\'s call',
  }),
  // A main-server ProxyPass is a worker of every virtual host too: a virtual host's handler is taken the same way
  // (2.4.68). Another virtual host's worker is not: there the handler's own socket answered 200 (checked by hand with
  // the same runner; proxylint says nothing there).
  defineScenario({
    rule: 'sethandler-socket-taken-by-worker',
    server: 'apache',
    variant: 'a main-server ProxyPass and a virtual host\'s SetHandler',
    claim: {
      status: 503,
      log: /AH02454: FCGI: attempt to connect to Unix domain socket \S*php7\.4-fpm\.sock/,
      doc: ['503'],
      check: (o) => (o.standins.php.connections === 0 ? undefined : `the handler's own socket got ${o.standins.php.connections} connection(s)`),
    },
    config: 'ProxyPass "/legacy/" "unix:{{dir}}/php7.4-fpm.sock|fcgi://localhost/"\n<VirtualHost *:80>\n    DocumentRoot "{{dir}}/www"\n    <FilesMatch "\\.php$">\n        SetHandler "proxy:unix:{{dir}}/php.sock|fcgi://localhost"\n    </FilesMatch>\n</VirtualHost>\n',
    files: { 'www/index.php': '<?php echo 1;\n' },
    standins: { php: { kind: 'fastcgi', unix: 'php.sock' } },
    request: { path: '/index.php' },
    fix: false,
    noFixHere: 'no automatic fix (see the first scenario)',
  }),
];

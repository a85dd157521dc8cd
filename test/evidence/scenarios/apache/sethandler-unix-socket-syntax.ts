import { defineScenario } from '../../scenario';
import type { Observation } from '../../scenario';

// The PHP-FPM handler without "|fcgi://localhost": httpd answers from the disk. The FastCGI stand-in listens on the
// socket the handler names, so "never connected" and "reached after the fix" are both observed.
const SOURCE = '<?php $db_password = "s3cret-from-the-source"; echo "hello from php\\n";\n';
/** Request lines (with a client address) that come from mod_proxy or mod_proxy_fcgi. */
const proxyLines = (o: Observation) => o.errorLog.split('\n').filter((l) => /\[proxy(_fcgi)?:/.test(l) && /\[client /.test(l));

export default [
  defineScenario({
    rule: 'sethandler-unix-socket-syntax',
    server: 'apache',
    claim: {
      status: 200,
      label: '200 with the PHP source',
      doc: ['**200**', 'source', 'LogLevel trace8', 'Syntax OK'],
      check: (o) => {
        if (!o.responses[0]?.body.includes('s3cret-from-the-source')) return `the body is not the PHP source: ${o.responses[0]?.body.slice(0, 80)}`;
        if (o.standins.php.connections !== 0) return `httpd connected to the socket ${o.standins.php.connections} time(s)`;
        const lines = proxyLines(o);
        return lines.length ? `mod_proxy logged about the request: ${lines[0]}` : undefined;
      },
    },
    config: {
      fromDoc: {
        replace: [
          ['/var/www/html', '{{dir}}/www'],
          ['/run/php/php8.2-fpm.sock', '{{dir}}/php.sock'],
        ],
      },
    },
    files: { 'www/index.php': SOURCE },
    standins: { php: { kind: 'fastcgi', unix: 'php.sock' } },
    request: { path: '/index.php' },
    // Everything mod_proxy and mod_proxy_fcgi can say about a request (on 2.4.71: nothing, before the fix).
    logLevel: 'warn proxy:trace8 proxy_fcgi:trace8',
    fix: { use: 'safe' },
    afterFix: {
      status: 200,
      check: (o) => {
        if (o.responses[0]?.body.includes('s3cret')) return 'still the PHP source after the fix';
        if (!o.responses[0]?.body.includes('fastcgi stand-in ok')) return `not the FastCGI answer: ${o.responses[0]?.body.slice(0, 80)}`;
        const script = (o.standins.php.requests[0] as unknown as { params?: Record<string, string> })?.params?.SCRIPT_FILENAME ?? '';
        return /\/www\/index\.php$/.test(script) ? undefined : `SCRIPT_FILENAME was "${script}"`;
      },
    },
  }),
];

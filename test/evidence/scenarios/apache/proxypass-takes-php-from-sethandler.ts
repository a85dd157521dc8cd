import { defineScenario } from '../../scenario';

// The page's Incorrect example with a FastCGI stand-in on the handler's socket and an HTTP stand-in on port 3000: the
// request for /index.php is answered by the HTTP stand-in and PHP-FPM gets nothing; with the suggested
// ProxyPassMatch "\.php$" "!" above the ProxyPass, the FastCGI stand-in answers it and the HTTP one gets nothing.
export default defineScenario({
  rule: 'proxypass-takes-php-from-sethandler',
  server: 'apache',
  claim: {
    status: 200,
    check: (o) =>
      o.standins.php.requests.length !== 0 ? `PHP-FPM got ${o.standins.php.requests.length} request(s)`
      : o.standins.app.requests.length !== 1 ? `the HTTP backend got ${o.standins.app.requests.length} request(s)`
      : undefined,
    label: '200 from the HTTP backend, PHP-FPM not asked',
    show: (o) => `${o.statuses.join(',')}; HTTP backend ${o.standins.app.requests.length}, PHP-FPM ${o.standins.php.requests.length} request(s)`,
  },
  config: {
    fromDoc: {
      prepend: 'DocumentRoot "{{dir}}/www"\n',
      replace: [
        ['/run/php/php8.2-fpm.sock', '{{dir}}/php.sock'],
        ['127.0.0.1:3000', '{{app}}'],
      ],
    },
  },
  files: { 'www/index.php': '<?php echo 1;\n' },
  standins: { php: { kind: 'fastcgi', unix: 'php.sock' }, app: { kind: 'http', behaviour: 'ok' } },
  request: { path: '/index.php' },
  fix: { use: 'suggestion' },
  afterFix: {
    status: 200,
    check: (o) => (o.standins.php.requests.length === 1 && o.standins.app.requests.length === 0 ? undefined : `PHP-FPM ${o.standins.php.requests.length}, HTTP backend ${o.standins.app.requests.length} request(s)`),
    show: (o) => `${o.statuses.join(',')}; PHP-FPM ${o.standins.php.requests.length} request(s)`,
  },
});

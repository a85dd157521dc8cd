import { defineScenario } from '../../scenario';

const wrap = { prepend: 'http {\n    server {\n        listen 8000;\n', append: '    }\n}\n' };
export default [
  defineScenario({
    rule: 'read-timeout-too-low',
    server: 'nginx',
    variant: 'slow header',
    claim: { status: 504, log: 'upstream timed out (110: Connection timed out) while reading response header from upstream' },
    config: { fromDoc: { ...wrap, replace: [['127.0.0.1:8080', '{{slow}}']] } },
    standins: { slow: { kind: 'http', behaviour: 'ok', delayMs: 3000 } },
    request: { path: '/api/report' },
    fix: { use: 'suggestion' },
    afterFix: { status: 200 },
  }),
  defineScenario({
    rule: 'read-timeout-too-low',
    server: 'nginx',
    variant: 'stall after the header',
    claim: { status: '200 truncated', log: 'upstream timed out (110: Connection timed out) while reading upstream', doc: ['truncated', 'while reading upstream'] },
    config: { fromDoc: { ...wrap, replace: [['127.0.0.1:8080', '{{stall}}']] } },
    standins: { stall: { kind: 'http', behaviour: 'stall-body' } },
    request: { path: '/api/export' },
    noFixHere: 'the slow-header variant',
  }),
  // fastcgi_send_timeout 1: a FastCGI server that stops reading the request body (16 MiB here).
  defineScenario({
    rule: 'read-timeout-too-low',
    server: 'nginx',
    variant: 'fastcgi_send_timeout, backend not reading',
    claim: { status: 504, log: 'upstream timed out (110: Connection timed out) while sending request to upstream' },
    config: { fromDoc: { index: 1, prepend: 'http {\n    client_max_body_size 32m;\n    server {\n        listen 8000;\n', append: wrap.append, replace: [['unix:/run/php/php-fpm.sock', '{{deaf}}']] } },
    standins: { deaf: { kind: 'http', behaviour: 'silent' } },
    request: { path: '/upload.php', bodyBytes: 16 * 1024 * 1024, timeoutMs: 15_000 },
    noFixHere: 'the slow-header variant',
  }),
];

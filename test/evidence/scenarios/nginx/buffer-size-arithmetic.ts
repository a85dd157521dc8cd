import { defineScenario } from '../../scenario';

const BUSY_TOO_BIG = '"proxy_busy_buffers_size" must be less than the size of all "proxy_buffers" minus one buffer';
export default [
  defineScenario({
    rule: 'buffer-size-arithmetic',
    server: 'nginx',
    variant: 'proxy_buffer_size 16k alone',
    claim: { status: 'startup-failure', log: BUSY_TOO_BIG, doc: [BUSY_TOO_BIG] },
    config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
    standins: { app: { kind: 'http', behaviour: 'big-header', headerKiB: 12 } },
    fix: { use: 'safe' },
    // The larger header buffer is what the user wanted: a 12 KiB header now passes.
    afterFix: { status: 200 },
  }),
  defineScenario({
    rule: 'buffer-size-arithmetic',
    server: 'nginx',
    variant: 'proxy_buffer_size 64k with proxy_buffers 4 32k',
    claim: { status: 'startup-failure', log: BUSY_TOO_BIG, doc: [BUSY_TOO_BIG, 'proxy_busy_buffers_size 96k;'] },
    config: { fromDoc: { index: 2, replace: [['127.0.0.1:8080', '{{app}}']] } },
    standins: { app: { kind: 'http', behaviour: 'big-header', headerKiB: 40 } },
    fix: { use: 'safe' },
    // Only the busy size is added: the 64k header buffer as written takes a 40 KiB header.
    afterFix: { status: 200 },
  }),
  defineScenario({
    rule: 'buffer-size-arithmetic',
    server: 'nginx',
    variant: 'fastcgi_buffers 1 64k',
    claim: { status: 'startup-failure', log: 'there must be at least 2 "fastcgi_buffers"', doc: ['at least 2'] },
    config: { fromDoc: { index: 1, replace: [['127.0.0.1:9000', '{{php}}']] } },
    standins: { php: { kind: 'fastcgi' } },
    request: { path: '/index.php' },
    fix: { use: 'safe' },
    afterFix: { status: 200 },
  }),
];

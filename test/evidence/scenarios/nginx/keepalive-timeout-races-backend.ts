import { defineScenario } from '../../scenario';

// The stand-in backend closes connections idle for 1 s (backendKeepaliveTimeout=1 describes it; the doc's example
// says 5 for Node.js). The race itself is forced: a request that arrives on a connection idle for 1 s or more is
// answered by a close, as when the backend's close crosses nginx's request on the wire. The unforced variant
// times requests around the 1 s boundary and reports what happened: a risk, not a certainty.
const env = ['backendKeepaliveTimeout=5', 'backendKeepaliveTimeout=1'] as [string, string];
export default [
  defineScenario({
    rule: 'keepalive-timeout-races-backend',
    server: 'nginx',
    variant: 'race forced, POST',
    note: 'the race is forced by the stand-in (a reused connection idle ≥ 1 s is closed unanswered)',
    claim: {
      statuses: ['200', '502'],
      log: 'upstream prematurely closed connection while reading response header from upstream',
      doc: ['502', 'upstream prematurely closed connection while reading response header from upstream'],
    },
    config: { fromDoc: { replace: [env, ['127.0.0.1:3000', '{{app}}']] } },
    standins: { app: { kind: 'http', behaviour: 'ok', idleCloseMs: 1000, closeOnReuseAfterIdle: true } },
    request: { method: 'POST', body: 'x=1', count: 2, pauseMs: 1200 },
    fix: { use: 'suggestion' },
    afterFix: { status: 200 },
  }),
  defineScenario({
    rule: 'keepalive-timeout-races-backend',
    server: 'nginx',
    variant: 'race forced, GET retried',
    claim: { status: 200, log: 'upstream prematurely closed connection', doc: ['idempotent'] },
    config: { fromDoc: { replace: [env, ['127.0.0.1:3000', '{{app}}']] } },
    standins: { app: { kind: 'http', behaviour: 'ok', idleCloseMs: 1000, closeOnReuseAfterIdle: true } },
    request: { count: 2, pauseMs: 1200 },
    noFixHere: 'the POST variant',
  }),
  defineScenario({
    rule: 'keepalive-timeout-races-backend',
    server: 'nginx',
    variant: 'unforced: POSTs around the backend close',
    note: 'unforced race: any 502 here is luck of timing; the doc calls it a risk',
    claim: { label: 'risk (any number of 502)', show: (o) => `${o.statuses.filter((x) => x === '502').length} of ${o.statuses.length} POSTs got 502`, doc: ['a risk, not a certainty'] },
    config: { fromDoc: { replace: [env, ['127.0.0.1:3000', '{{app}}']] } },
    standins: { app: { kind: 'http', behaviour: 'ok', idleCloseMs: 1000 } },
    request: { method: 'POST', body: 'x=1', count: 6, pauseMs: 1000 },
    fix: { use: 'suggestion' },
    afterFix: { status: 200 },
  }),
];

import { defineScenario } from '../../scenario';

// The stand-in backend closes connections idle for 2 s (backendKeepaliveTimeout=2 describes it; the doc's example
// says 5). The race is forced: a request on a pooled connection idle for 2 s or more is answered by a close.
export default defineScenario({
  rule: 'pooled-connection-outlives-backend-keepalive',
  server: 'apache',
  note: 'the race is forced by the stand-in (a reused connection idle ≥ 2 s is closed unanswered)',
  claim: {
    label: '502 on the reused connection',
    statuses: ['200', '502'],
    log: /\(20014\)Internal error \(specific information not available\): (\[client [^\]]+\] )?AH01102: error reading status line from remote server 127\.0\.0\.1:\d+/,
    doc: ['502', '(20014)Internal error (specific information not available): [client', 'AH01102: error reading status line from remote server'],
  },
  config: { fromDoc: { replace: [['backendKeepaliveTimeout=5', 'backendKeepaliveTimeout=2'], ['127.0.0.1:3000', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok', idleCloseMs: 2000, closeOnReuseAfterIdle: true } },
  request: { path: '/api/orders', method: 'POST', body: 'x=1', count: 2, pauseMs: 2300 },
  fix: { use: 'safe' },
  afterFix: { status: 200 },
});

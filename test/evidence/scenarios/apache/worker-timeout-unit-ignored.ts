import { defineScenario } from '../../scenario';

// timeout=2ms is read as 2 seconds: a backend that takes 3 s gets the request cut off after about 2 s, not after 2 ms.
// The suggestion (timeout=1, the shortest httpd allows) then cuts it after about 1 s.
export default [
  defineScenario({
    rule: 'worker-timeout-unit-ignored',
    server: 'apache',
    claim: {
      status: 502,
      log: /\(70007\)The timeout specified has expired: (\[client [^\]]+\] )?AH01102: error reading status line from remote server 127\.0\.0\.1:\d+/,
      doc: ['502', 'AH01102: error reading status line from remote server'],
      check: (o) => (o.times[0] >= 1500 ? undefined : `the 502 came after ${Math.round(o.times[0])} ms: timeout=2ms was not read as 2 s`),
      label: '502 after ~2 s',
      show: (o) => `${o.statuses.join(',')} after ${Math.round(o.times[0])} ms`,
    },
    config: { fromDoc: { replace: [['127.0.0.1:8080', '{{slow}}']] } },
    standins: { slow: { kind: 'http', behaviour: 'ok', delayMs: 3000 } },
    request: { path: '/api/x' },
    fix: { use: 'suggestion', title: /timeout=1/ },
    afterFix: {
      status: 502,
      check: (o) => (o.times[0] < 1500 ? undefined : `after the fix the 502 still came after ${Math.round(o.times[0])} ms`),
      label: '502 after ~1 s',
      show: (o) => `${o.statuses.join(',')} after ${Math.round(o.times[0])} ms`,
    },
  }),
];

import { defineScenario } from '../../scenario';

// The second ProxyPass's URL starts with the first one's: it shares that worker, and its timeout=4 is ignored, so a
// backend that answers after 2 s gets the first line's timeout=1 (502 after about 1 s). Removing the ignored
// parameter (the suggestion) changes nothing: still 502 after about 1 s.
export default [
  defineScenario({
    rule: 'worker-params-ignored-by-sharing',
    server: 'apache',
    claim: {
      status: 502,
      log: /\(70007\)The timeout specified has expired: (\[client [^\]]+\] )?AH01102: error reading status line from remote server 127\.0\.0\.1:\d+/,
      doc: ['502', 'AH01102: error reading status line from remote server', 'AH01146: Ignoring parameter'],
      check: (o) => (o.times[0] < 1800 ? undefined : `the 502 came after ${Math.round(o.times[0])} ms: timeout=4 was not ignored`),
      label: '502 after ~1 s (timeout=4 ignored)',
      show: (o) => `${o.statuses.join(',')} after ${Math.round(o.times[0])} ms`,
    },
    config: { fromDoc: { replace: [['127.0.0.1:8080', '{{slow}}']] } },
    standins: { slow: { kind: 'http', behaviour: 'ok', delayMs: 2000 } },
    request: { path: '/slow/x' },
    fix: { use: 'suggestion', title: /Remove timeout=4/ },
    afterFix: {
      status: 502,
      check: (o) => (o.times[0] < 1800 ? undefined : `after removing the ignored parameter the 502 came after ${Math.round(o.times[0])} ms`),
      label: 'unchanged: 502 after ~1 s',
      show: (o) => `${o.statuses.join(',')} after ${Math.round(o.times[0])} ms`,
    },
  }),
];

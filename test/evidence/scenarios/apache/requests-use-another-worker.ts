import { defineScenario } from '../../scenario';

// The doc's Incorrect example: "ProxyPass /api/ … timeout=30" and a ProxyPassMatch worker "http://…/$1" with timeout=2
// to the same backend. /api/report makes a URL the regex worker's name finds, and is longer than the /api/ worker's
// name: httpd sends it through the regex worker, so a backend that answers after 4 s gets 502 after about 2 s.
export default [
  defineScenario({
    rule: 'requests-use-another-worker',
    server: 'apache',
    claim: {
      status: 502,
      log: /\(70007\)The timeout specified has expired: (\[client [^\]]+\] )?AH01102: error reading status line from remote server 127\.0\.0\.1:\d+[\s\S]*AH00898: Error reading from remote server returned by \/api\/report/,
      doc: ['502', 'AH01102: error reading status line from remote server', 'AH00898: Error reading from remote server returned by /api/report'],
      check: (o) => (o.times[0] < 3300 ? undefined : `the 502 came after ${Math.round(o.times[0])} ms: the /api/ line's timeout=30 held`),
      label: '502 after ~2 s (the regex worker\'s timeout=2, not timeout=30)',
      show: (o) => `${o.statuses.join(',')} after ${Math.round(o.times[0])} ms`,
    },
    config: { fromDoc: { replace: [['127.0.0.1:8080', '{{slow}}']] } },
    standins: { slow: { kind: 'http', behaviour: 'ok', delayMs: 4000 } },
    request: { path: '/api/report' },
    fix: false,
  }),
];

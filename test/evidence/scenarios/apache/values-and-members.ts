import { defineScenario } from '../../scenario';

// Rules added with their own real-httpd test files (named in each doc page), run here too on the doc's Incorrect
// example so the evidence table covers them.
export default [
  // Timeout 2min is read as 2 seconds: a backend that takes 3 s is cut off after about 2 s with a 502.
  defineScenario({
    rule: 'timeout-value-misread',
    server: 'apache',
    claim: {
      status: 502,
      log: /\(70007\)The timeout specified has expired: (\[client [^\]]+\] )?AH01102: error reading status line from remote server 127\.0\.0\.1:\d+/,
      doc: ['502', 'AH01102: error reading status line from remote server'],
      check: (o) => (o.times[0] >= 1500 && o.times[0] < 2900 ? undefined : `the 502 came after ${Math.round(o.times[0])} ms: Timeout 2min was not read as 2 s`),
      label: '502 after ~2 s',
      show: (o) => `${o.statuses.join(',')} after ${Math.round(o.times[0])} ms`,
    },
    config: { fromDoc: { replace: [['127.0.0.1:8080', '{{slow}}']] } },
    standins: { slow: { kind: 'http', behaviour: 'ok', delayMs: 3000 } },
    request: { path: '/api/x' },
    // The rule offers no edit (2 minutes or 2 seconds: which was meant is the user's to say).
    fix: false,
  }),
  defineScenario({
    rule: 'proxypass-missing-argument',
    server: 'apache',
    claim: { status: 'startup-failure', log: 'ProxyPass|ProxyPassMatch needs a path when not defined in a location', doc: ['ProxyPass|ProxyPassMatch needs a path when not defined in a location'] },
    config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
    standins: { app: { kind: 'http', behaviour: 'ok' } },
    fix: false,
  }),
  defineScenario({
    rule: 'invalid-directive-arguments',
    server: 'apache',
    claim: { status: 'startup-failure', log: 'ProxyPreserveHost must be On or Off', doc: ['ProxyPreserveHost must be On or Off'] },
    config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
    standins: { app: { kind: 'http', behaviour: 'ok' } },
    fix: false,
  }),
  // Both members start drained (status=+D): httpd tries no backend and answers 503 with AH01170 at once.
  defineScenario({
    rule: 'balancer-no-usable-member',
    server: 'apache',
    claim: { status: 503, log: /AH01170: balancer:\/\/app: All workers are in error state/, doc: ['503', 'AH01170: balancer://app: All workers are in error state'] },
    config: { fromDoc: { replace: [['10.0.0.11:8080', '{{a}}'], ['10.0.0.12:8080', '{{b}}']] } },
    standins: { a: { kind: 'http', behaviour: 'ok' }, b: { kind: 'http', behaviour: 'ok' } },
    request: { path: '/x' },
    fix: false,
  }),
];

import { defineScenario } from '../../scenario';

// The page's Incorrect example with ProxyTimeout 2 (not 30, to keep the run short) and members that answer after 4 s:
// timeout=120 on the balancer's ProxyPass does not reach them, so the request gets 502 after about 2 s. The Correct
// example (timeout=120 on the members) lets the answer through.
export default [
  defineScenario({
    rule: 'balancer-timeout-not-backend-timeout',
    server: 'apache',
    claim: {
      status: 502,
      log: /\(70007\)The timeout specified has expired: (\[client [^\]]+\] )?AH01102: error reading status line from remote server 127\.0\.0\.1:\d+/,
      doc: ['502', 'AH01102: error reading status line from remote server'],
      check: (o) => (o.times[0] < 3500 ? undefined : `the 502 came after ${Math.round(o.times[0])} ms, not after ProxyTimeout's 2 s`),
      label: '502 after ~2 s',
      show: (o) => `${o.statuses.join(',')} after ${Math.round(o.times[0])} ms`,
    },
    config: { fromDoc: { replace: [['ProxyTimeout 30', 'ProxyTimeout 2'], ['127.0.0.1:9101', '{{a}}'], ['127.0.0.1:9102', '{{b}}']] } },
    standins: { a: { kind: 'http', behaviour: 'ok', delayMs: 4000 }, b: { kind: 'http', behaviour: 'ok', delayMs: 4000 } },
    request: { path: '/api/x' },
    fix: false,
    noFixHere: 'no automatic fix: which members should wait that long is the operator\'s call (the Correct example is checked by test/servers/apache-balancer-timeout.test.ts)',
  }),
];

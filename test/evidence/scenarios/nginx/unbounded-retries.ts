import { defineScenario } from '../../scenario';

// As in the doc's lab run: proxy_read_timeout 1s and three servers that never answer in time.
const timedOut = (log: string) => log.split('upstream timed out').length - 1;
export default defineScenario({
  rule: 'unbounded-retries',
  server: 'nginx',
  claim: {
    status: 504,
    log: 'upstream timed out (110: Connection timed out) while reading response header from upstream',
    check: (o) => (timedOut(o.errorLog) === 3 && o.times[0] >= 2900 ? undefined : `${timedOut(o.errorLog)} attempts, ${o.times[0]} ms`),
    show: (o) => `${o.statuses.join(',')} after ${(o.times[0] / 1000).toFixed(1)} s, ${timedOut(o.errorLog)} attempts`,
    doc: ['504', 'gave the client a 504 after 3.0 s, with one line per server'],
  },
  config: {
    fromDoc: {
      replace: [
        ['10.0.0.1:8080', '{{a}}'],
        ['10.0.0.2:8080', '{{b}}'],
        ['10.0.0.3:8080', '{{c}}'],
        ['proxy_pass http://app;', 'proxy_read_timeout 1s;\n            proxy_pass http://app;'],
      ],
    },
  },
  standins: { a: { kind: 'http', behaviour: 'ok', delayMs: 5000 }, b: { kind: 'http', behaviour: 'ok', delayMs: 5000 }, c: { kind: 'http', behaviour: 'ok', delayMs: 5000 } },
  fix: { use: 'suggestion' },
  afterFix: {
    status: 504,
    check: (o) => (timedOut(o.errorLog) === 2 ? undefined : `${timedOut(o.errorLog)} attempts`),
    show: (o) => `${o.statuses.join(',')} after ${(o.times[0] / 1000).toFixed(1)} s, ${timedOut(o.errorLog)} attempts`,
  },
});

import { defineScenario } from '../../scenario';

const wrap = { prepend: 'http {\n    server {\n        listen 8000;\n', append: '    }\n}\n' };
const took = (o: { statuses: string[]; times: number[] }) => `${o.statuses.join(',')} after ${(o.times[0] / 1000).toFixed(1)} s`;
const between = (lo: number, hi: number) => (o: { times: number[] }) => (o.times[0] >= lo && o.times[0] < hi ? undefined : `answered after ${o.times[0]} ms, expected ${lo}–${hi} ms`);

export default [
  // The doc's "1h30" (3630 s where 5400 s was meant) run as "0h1": the same misreading, 1 s where 60 s was meant, so
  // a backend that needs 1.5 s gets a 504 after 1 s. With the meant 0h1m it answers.
  defineScenario({
    rule: 'misread-time-value',
    server: 'nginx',
    variant: 'shorter than meant',
    note: 'the doc\'s 1h30 runs as 0h1 (1 s where 0h1m, 60 s, was meant)',
    claim: {
      status: 504,
      log: 'upstream timed out (110: Connection timed out) while reading response header from upstream',
      check: between(900, 1400),
      show: took,
    },
    config: { fromDoc: { ...wrap, replace: [['127.0.0.1:8080', '{{slow}}'], ['1h30', '0h1']] } },
    standins: { slow: { kind: 'http', behaviour: 'ok', delayMs: 1500 } },
    request: { path: '/reports/daily' },
    fix: { use: 'suggestion', title: /as probably meant/ },
    afterFix: { status: 200, check: between(1400, 3000), show: took },
  }),
  // "1s500" meant 1.5 s; nginx waits 501 s, so a backend that takes 2 s still answers. The meant 1s500ms gives up
  // after 1.5 s.
  defineScenario({
    rule: 'misread-time-value',
    server: 'nginx',
    variant: 'longer than meant',
    claim: { status: 200, label: '200 after 2 s (nginx waits 501 s, not 1.5 s)', check: between(1900, 3000), show: took, doc: ['501 s', '1500ms'] },
    config: { fromDoc: { ...wrap, index: 1, replace: [['127.0.0.1:8080', '{{slow}}']] } },
    standins: { slow: { kind: 'http', behaviour: 'ok', delayMs: 2000 } },
    request: { path: '/api/x' },
    fix: { use: 'suggestion', title: /as probably meant/ },
    afterFix: { status: 504, log: 'upstream timed out (110: Connection timed out) while reading response header from upstream', check: between(1400, 1900), show: took },
  }),
];

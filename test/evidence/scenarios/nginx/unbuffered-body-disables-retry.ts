import { defineScenario } from '../../scenario';

export default [
  // As in the doc's lab run: the first server answers after 3 s, proxy_read_timeout 1s, a 2 MB PUT.
  defineScenario({
    rule: 'unbuffered-body-disables-retry',
    server: 'nginx',
    variant: 'timeout',
    claim: {
      status: 504,
      log: 'upstream timed out (110: Connection timed out) while reading response header from upstream',
      check: (o) => (o.standins.fast.requests.length === 0 ? undefined : 'the idle server got the request'),
      doc: ['504', 'a 2 MB PUT to the same location was not'],
    },
    config: {
      fromDoc: {
        replace: [
          ['10.0.0.1:8080', '{{slow}}'],
          ['10.0.0.2:8080', '{{fast}}'],
          ['proxy_pass http://uploads;', 'proxy_read_timeout 1s;\n            proxy_pass http://uploads;'],
        ],
      },
    },
    standins: { slow: { kind: 'http', behaviour: 'ok', delayMs: 3000 }, fast: { kind: 'http', behaviour: 'ok' } },
    request: { path: '/upload/big', method: 'PUT', bodyBytes: 2 * 1024 * 1024 },
    fix: { use: 'suggestion' },
    afterFix: { status: 200, log: 'upstream timed out', check: (o) => (o.standins.fast.requests.length === 1 ? undefined : 'not retried on the other server') },
  }),
  // The first server answers 503 with http_503 and non_idempotent listed: an upload POST gets that 503, the other
  // server nothing, and the 503 does not take the server out (no "temporarily disabled").
  defineScenario({
    rule: 'unbuffered-body-disables-retry',
    server: 'nginx',
    variant: '503 with http_503 non_idempotent listed',
    claim: {
      status: 503,
      noLog: 'upstream server temporarily disabled',
      check: (o) => (o.standins.fast.requests.length === 0 ? undefined : 'the other server got the request'),
      doc: ['answering 502, 503 or 504 got that answer', '`non_idempotent` does not change'],
    },
    config: {
      fromDoc: {
        replace: [
          ['10.0.0.1:8080', '{{bad}}'],
          ['10.0.0.2:8080', '{{fast}}'],
          ['proxy_pass http://uploads;', 'proxy_next_upstream error timeout http_503 non_idempotent;\n            proxy_pass http://uploads;'],
        ],
      },
    },
    standins: { bad: { kind: 'http', behaviour: 'ok', status: 503 }, fast: { kind: 'http', behaviour: 'ok' } },
    request: { path: '/upload/big', method: 'POST', bodyBytes: 200 * 1024 },
    fix: { use: 'suggestion' },
    afterFix: {
      status: 200,
      log: 'upstream server temporarily disabled',
      check: (o) => (o.standins.fast.requests.length === 1 ? undefined : 'not passed on to the other server'),
    },
  }),
];

import { defineScenario } from '../../scenario';

// As in the doc's lab run: the first server answers after 3 s, proxy_read_timeout 1s, a 2 MB PUT.
export default defineScenario({
  rule: 'unbuffered-body-disables-retry',
  server: 'nginx',
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
});

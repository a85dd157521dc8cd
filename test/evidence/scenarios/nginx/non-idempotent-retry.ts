import { defineScenario } from '../../scenario';

// As in the doc's lab run: the first server answers (and does the work) after 3 s, proxy_read_timeout 1s. With
// non_idempotent nginx gives up on it and sends the same POST to the second server too.
const posts = (o: { standins: Record<string, { requests: { method?: string }[] }> }) => Object.values(o.standins).reduce((n, s) => n + s.requests.filter((r) => r.method === 'POST').length, 0);
export default defineScenario({
  rule: 'non-idempotent-retry',
  server: 'nginx',
  claim: {
    status: 200,
    label: '200, POST processed twice',
    log: 'upstream timed out (110: Connection timed out) while reading response header from upstream',
    check: (o) => (posts(o) === 2 ? undefined : `${posts(o)} POSTs reached the backends`),
    show: (o) => `${o.statuses.join(',')}, POST reached backends ${posts(o)}×`,
    doc: ['client got a 200 from the second server, while both servers received and processed the POST'],
  },
  config: {
    fromDoc: {
      replace: [
        ['10.0.0.1:8080', '{{slow}}'],
        ['10.0.0.2:8080', '{{ok}}'],
        ['proxy_pass http://app;', 'proxy_read_timeout 1s;\n            proxy_pass http://app;'],
      ],
    },
  },
  standins: { slow: { kind: 'http', behaviour: 'ok', delayMs: 3000 }, ok: { kind: 'http', behaviour: 'ok' } },
  request: { path: '/orders/', method: 'POST', body: '{"order":1}' },
  fix: { use: 'suggestion' },
  afterFix: { status: 504, check: (o) => (posts(o) === 1 ? undefined : `${posts(o)} POSTs`), show: (o) => `${o.statuses.join(',')}, POST reached backends ${posts(o)}×` },
});

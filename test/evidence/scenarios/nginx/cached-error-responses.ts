import { defineScenario } from '../../scenario';

// As in the doc's lab run: the backend is down for the first request (502, cached), then comes back.
export default defineScenario({
  rule: 'cached-error-responses',
  server: 'nginx',
  claim: {
    status: 502,
    label: '502 from the cache after recovery',
    check: (o) => (o.standins.app.requests.length === 0 ? undefined : `the recovered backend got ${o.standins.app.requests.length} requests`),
    show: (o) => `${o.statuses.join(',')} after recovery; backend asked ${o.standins.app.requests.length}×`,
    log: 'connect() failed (111: Connection refused) while connecting to upstream',
    doc: ['502', 'the same URL kept answering 502 and no new line was logged'],
  },
  config: { fromDoc: { replace: [['/var/cache/nginx', '{{dir}}/cache'], ['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'refused' } },
  request: { warmup: { count: 1 }, midway: async ({ standins }) => (standins.app as { revive(): Promise<void> }).revive(), count: 2 },
  fix: { use: 'suggestion' },
  afterFix: { status: 200, show: (o) => `${o.statuses.join(',')} after recovery` },
});

import { defineScenario } from '../../scenario';

const conn = (o: { standins: Record<string, { requests: { headers?: Record<string, string> }[] }> }) => o.standins.app.requests[0]?.headers?.connection ?? '(none)';
export default defineScenario({
  rule: 'connection-upgrade-on-every-request',
  server: 'nginx',
  claim: {
    status: 200,
    label: 'a plain GET arrives with Connection: upgrade',
    check: (o) => (/upgrade/i.test(conn(o)) ? undefined : `backend saw Connection: ${conn(o)}`),
    show: (o) => `200, backend saw Connection: ${conn(o)}`,
    doc: ['`Connection: upgrade`'],
  },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  fix: { use: 'suggestion' },
  afterFix: { status: 200, check: (o) => (conn(o) === '(none)' ? undefined : `backend saw Connection: ${conn(o)}`), show: (o) => `200, backend saw Connection: ${conn(o)}` },
});

import { defineScenario } from '../../scenario';

// Outcomes that are no error status: which path (and which backend) a request really reaches.
const seen = (o: { standins: Record<string, { requests: { path?: string }[] }> }, name: string) => o.standins[name]?.requests.map((r) => r.path).join(',') || '(nothing)';
export default [
  defineScenario({
    rule: 'proxypass-trailing-slash-mismatch',
    server: 'apache',
    claim: {
      label: 'backend gets /appx',
      check: (o) => (seen(o, 'app') === '/appx' ? undefined : `backend got ${seen(o, 'app')}`),
      show: (o) => `${o.statuses.join(',')}, backend got ${seen(o, 'app')}`,
      doc: ['`/app/x` to `http://b/appx`'],
    },
    config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
    standins: { app: { kind: 'http', behaviour: 'ok' } },
    request: { path: '/app/x' },
    afterFix: { status: 200, check: (o) => (seen(o, 'app') === '/app/x' ? undefined : `backend got ${seen(o, 'app')}`), show: (o) => `200, backend got ${seen(o, 'app')}` },
  }),
  defineScenario({
    rule: 'proxypass-shadowed',
    server: 'apache',
    claim: {
      label: '/api/v2/… goes to the /api backend',
      check: (o) => (seen(o, 'v1') === '/api/v2/x' && seen(o, 'v2') === '(nothing)' ? undefined : `v1 got ${seen(o, 'v1')}, v2 got ${seen(o, 'v2')}`),
      show: (o) => `${o.statuses.join(',')}, /api backend got ${seen(o, 'v1')}`,
      doc: ['first rule that matches wins'],
    },
    config: { fromDoc: { replace: [['127.0.0.1:8080', '{{v1}}'], ['127.0.0.1:8082', '{{v2}}']] } },
    standins: { v1: { kind: 'http', behaviour: 'ok' }, v2: { kind: 'http', behaviour: 'ok' } },
    request: { path: '/api/v2/x' },
    afterFix: { status: 200, check: (o) => (seen(o, 'v2') === '/v2/x' ? undefined : `v2 got ${seen(o, 'v2')}`), show: (o) => `200, /api/v2 backend got ${seen(o, 'v2')}` },
  }),
];

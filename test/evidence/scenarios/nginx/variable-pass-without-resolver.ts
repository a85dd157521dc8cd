import { defineScenario } from '../../scenario';

// The suggested resolver line carries a placeholder address (127.0.0.11); the scenario points it at a DNS stand-in
// that answers every name with 127.0.0.1, as the user's DNS server would.
const useStandinDns = (t: string, v: Record<string, string>) => t.replace('127.0.0.11', v.dns);

export default [
  defineScenario({
    rule: 'variable-pass-without-resolver',
    server: 'nginx',
    variant: 'set $backend name',
    claim: { status: 502, log: 'no resolver defined to resolve api.internal', doc: ['502', 'no resolver defined to resolve'] },
    config: { fromDoc: { replace: [['api.internal:8080', 'api.internal:{{app.port}}']] } },
    standins: { app: { kind: 'http', behaviour: 'ok' }, dns: { kind: 'dns' } },
    request: { count: 2 },
    fix: { use: 'suggestion', edit: useStandinDns },
    afterFix: { status: 200 },
  }),
  defineScenario({
    rule: 'variable-pass-without-resolver',
    server: 'nginx',
    variant: 'localhost + $request_uri',
    claim: { status: 502, log: 'no resolver defined to resolve localhost', doc: ['502', 'no resolver defined to resolve localhost'] },
    config: { fromDoc: { index: 1, replace: [['localhost:3000', 'localhost:{{app.port}}']] } },
    standins: { app: { kind: 'http', behaviour: 'ok' }, dns: { kind: 'dns' } },
    request: { path: '/files/a.txt' },
    fix: { use: 'suggestion', edit: useStandinDns },
    afterFix: { status: 200, check: (o) => (o.standins.app.requests[0]?.path === '/files/a.txt' ? undefined : `backend saw ${o.standins.app.requests[0]?.path}`) },
  }),
];

import { defineScenario } from '../../scenario';

// What can be shown here is the mechanism: every request opens a new backend connection (HTTP/1.0 with
// "Connection: close"). The 502 under load (local ports exhausted, errno 99) is not reproduced.
const conns = (o: { standins: Record<string, { connections: number }> }) => o.standins.app.connections;
const shape = (o: { standins: Record<string, { requests: { version?: string; headers?: Record<string, string> }[] }> }) => {
  const r = o.standins.app.requests[0];
  return r ? `${r.version}, Connection: ${r.headers?.connection ?? '(none)'}` : 'no request';
};
export default [
  defineScenario({
    rule: 'upstream-keepalive-ineffective',
    server: 'nginx',
    variant: 'nginx < 1.29.7 defaults',
    note: 'the 502 under heavy load (local ports exhausted) is not reproduced; the scenario shows the connection churn that leads to it',
    claim: {
      status: 200,
      label: 'a new connection per request',
      check: (o) => (conns(o) === 4 ? undefined : `${conns(o)} connections for 4 requests`),
      show: (o) => `200 ×4 over ${conns(o)} connections (${shape(o)})`,
      doc: ['every request opens a new connection'],
    },
    config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
    standins: { app: { kind: 'http', behaviour: 'ok' } },
    request: { count: 4 },
    fix: { use: 'safe' },
    afterFix: { status: 200, check: (o) => (conns(o) === 1 ? undefined : `${conns(o)} connections`), show: (o) => `200 ×4 over ${conns(o)} connection (${shape(o)})` },
  }),
  defineScenario({
    rule: 'upstream-keepalive-ineffective',
    server: 'nginx',
    variant: 'Connection close set explicitly',
    claim: {
      status: 200,
      label: 'a new connection per request',
      check: (o) => (conns(o) === 4 ? undefined : `${conns(o)} connections for 4 requests`),
      show: (o) => `200 ×4 over ${conns(o)} connections (${shape(o)})`,
    },
    // The example targets nginx 1.30; the added http_version line gives 1.22.1 what 1.30 has by default.
    config: { fromDoc: { index: 1, replace: [['127.0.0.1:8080', '{{app}}'], ['proxy_set_header Connection close;', 'proxy_http_version 1.1;\n            proxy_set_header Connection close;']] } },
    standins: { app: { kind: 'http', behaviour: 'ok' } },
    request: { count: 4 },
    fix: { use: 'suggestion' },
    afterFix: { status: 200, check: (o) => (conns(o) === 1 ? undefined : `${conns(o)} connections`), show: (o) => `200 ×4 over ${conns(o)} connection (${shape(o)})` },
  }),
];

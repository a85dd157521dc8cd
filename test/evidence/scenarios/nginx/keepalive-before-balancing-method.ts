import { defineScenario } from '../../scenario';

// proxy_http_version 1.1 and an empty Connection header are added, so that only the order of the lines decides.
const conns = (o: { standins: Record<string, { connections: number }> }) => o.standins.a.connections + o.standins.b.connections;
export default defineScenario({
  rule: 'keepalive-before-balancing-method',
  server: 'nginx',
  claim: {
    status: 200,
    label: 'no connection reused',
    check: (o) => (conns(o) === 4 ? undefined : `${conns(o)} connections for 4 requests`),
    show: (o) => `200 ×4 over ${conns(o)} connections`,
  },
  config: {
    fromDoc: {
      replace: [
        ['127.0.0.1:8081', '{{a}}'],
        ['127.0.0.1:8082', '{{b}}'],
        ['proxy_pass http://app;', 'proxy_http_version 1.1;\n            proxy_set_header Connection "";\n            proxy_pass http://app;'],
      ],
    },
  },
  standins: { a: { kind: 'http', behaviour: 'ok' }, b: { kind: 'http', behaviour: 'ok' } },
  request: { count: 4 },
  fix: { use: 'safe' },
  afterFix: { status: 200, check: (o) => (conns(o) <= 2 ? undefined : `${conns(o)} connections`), show: (o) => `200 ×4 over ${conns(o)} connections` },
});

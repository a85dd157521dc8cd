import { defineScenario } from '../../scenario';

const fc = (o: { standins: Record<string, { connections: number; requests: { keepConn?: boolean }[] }> }) => o.standins.php;
export default defineScenario({
  rule: 'fastcgi-keepalive-without-keep-conn',
  server: 'nginx',
  claim: {
    status: 200,
    label: 'a new FastCGI connection per request',
    check: (o) => (fc(o).connections === 3 && fc(o).requests.every((r) => !r.keepConn) ? undefined : `${fc(o).connections} connections`),
    show: (o) => `200 ×3 over ${fc(o).connections} connections, FCGI_KEEP_CONN ${fc(o).requests[0]?.keepConn ? 'set' : 'not set'}`,
  },
  config: { fromDoc: { replace: [['127.0.0.1:9000', '{{php}}']] } },
  standins: { php: { kind: 'fastcgi' } },
  request: { path: '/index.php', count: 3 },
  fix: { use: 'suggestion' },
  afterFix: {
    status: 200,
    check: (o) => (fc(o).connections === 1 && fc(o).requests.every((r) => r.keepConn) ? undefined : `${fc(o).connections} connections`),
    show: (o) => `200 ×3 over ${fc(o).connections} connection, FCGI_KEEP_CONN ${fc(o).requests[0]?.keepConn ? 'set' : 'not set'}`,
  },
});

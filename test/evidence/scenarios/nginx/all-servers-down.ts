import { defineScenario } from '../../scenario';

// Both servers of the doc's group are working stand-ins: the 502 comes from the `down` flags alone, and no
// stand-in may see a connection. The fix (first suggestion) takes `down` off the first server.
export default defineScenario({
  rule: 'all-servers-down',
  server: 'nginx',
  claim: {
    status: 502,
    log: 'no live upstreams while connecting to upstream',
    noLog: 'connect() failed',
    check: (o) => {
      const seen = o.standins.a.connections + o.standins.b.connections;
      return seen === 0 ? undefined : `the stand-ins saw ${seen} connections`;
    },
    doc: ['502', 'no live upstreams while connecting to upstream'],
  },
  config: { fromDoc: { replace: [['127.0.0.1:8081', '{{a}}'], ['127.0.0.1:8082', '{{b}}']] } },
  standins: { a: { kind: 'http', behaviour: 'ok' }, b: { kind: 'http', behaviour: 'ok' } },
  request: { count: 3 },
  fix: { use: 'suggestion' },
  afterFix: { status: 200, noLog: 'no live upstreams' },
});

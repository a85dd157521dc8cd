import { defineScenario } from '../../scenario';

// The rule looks at groups on one remote machine, so it is linted as the doc writes it (10.0.0.5); the servers then
// run as three refused ports. The suggested backup line's placeholder host is pointed at a working stand-in.
export default defineScenario({
  rule: 'no-backup-server',
  server: 'nginx',
  lintOriginal: true,
  claim: {
    status: 502,
    log: 'no live upstreams while connecting to upstream',
    doc: ['502', 'no live upstreams while connecting to upstream', 'upstream server temporarily disabled'],
  },
  config: { fromDoc: { replace: [['10.0.0.5:8081', '{{d1}}'], ['10.0.0.5:8082', '{{d2}}'], ['10.0.0.5:8083', '{{d3}}']] } },
  standins: { d1: { kind: 'refused' }, d2: { kind: 'refused' }, d3: { kind: 'refused' }, spare: { kind: 'http', behaviour: 'ok' } },
  request: { count: 3 },
  fix: { use: 'suggestion', edit: (t, v) => t.replace(/backup-host\.invalid:\d+/, v.spare) },
  afterFix: { status: 200 },
});

import { defineScenario } from '../../scenario';

// The gRPC module has no grpc_buffering: nginx stops at the line. The rule offers no quick fix (the name is not a
// misspelling of another directive).
export default defineScenario({
  rule: 'unknown-directive',
  server: 'nginx',
  claim: { status: 'startup-failure', log: 'unknown directive "grpc_buffering"', doc: ['nginx: [emerg] unknown directive "grpc_buffering"'] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  request: { path: '/' },
  fix: false,
});

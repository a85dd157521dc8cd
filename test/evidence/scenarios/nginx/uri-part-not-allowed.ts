import { defineScenario } from '../../scenario';

const MSG = '"proxy_pass" cannot have URI part in location given by regular expression, or inside named location, or inside "if" statement, or inside "limit_except" block';

// After the suggested rewrite … break, /api/users must reach the backend as /v1/users, as the doc says.
export default defineScenario({
  rule: 'uri-part-not-allowed',
  server: 'nginx',
  claim: { status: 'startup-failure', log: MSG, doc: [MSG] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  request: { path: '/api/users' },
  fix: { use: 'suggestion', title: /rewrite/i },
  afterFix: { status: 200, check: (o) => (o.standins.app.requests[0]?.path === '/v1/users' ? undefined : `backend saw ${o.standins.app.requests[0]?.path}, the doc says /v1/users`) },
});

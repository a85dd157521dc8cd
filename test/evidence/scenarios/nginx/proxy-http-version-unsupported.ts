import { defineScenario } from '../../scenario';

// nginx 1.22.1 is older than 1.29.4: "2" is refused. After the suggestion (1.1) the backend sees HTTP/1.1.
export default defineScenario({
  rule: 'proxy-http-version-unsupported',
  server: 'nginx',
  claim: { status: 'startup-failure', log: 'invalid value "2"', doc: ['nginx: [emerg] invalid value "2"'] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  fix: { use: 'suggestion', title: /1\.1/ },
  afterFix: { status: 200, check: (o) => (o.standins.app.requests[0]?.version === 'HTTP/1.1' ? undefined : `backend saw ${o.standins.app.requests[0]?.version}`) },
});

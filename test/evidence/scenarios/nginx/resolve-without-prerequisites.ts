import { defineScenario } from '../../scenario';

// nginx 1.22.1 has no `resolve` parameter: only the version check can be shown here (the zone and resolver
// messages need nginx >= 1.27.3). The host is localhost (the only name that resolves without DNS here).
export default defineScenario({
  rule: 'resolve-without-prerequisites',
  server: 'nginx',
  variant: 'version < 1.27.3',
  claim: { status: 'startup-failure', log: 'invalid parameter "resolve"', doc: ['nginx: [emerg] invalid parameter "resolve"'] },
  config: { fromDoc: { index: 1, replace: [['api.example.com:8080', 'localhost:{{app.port}}'], ['127.0.0.53', '{{dns}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' }, dns: { kind: 'dns' } },
  fix: { use: 'suggestion', title: /remove|drop/i },
  afterFix: { status: 200 },
});

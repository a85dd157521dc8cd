import { defineScenario } from '../../scenario';

// A misspelt zone: nginx stops once it has read the files. After the suggestion (the declared zone) the location
// answers from the stand-in.
export default defineScenario({
  rule: 'undefined-cache-zone',
  server: 'nginx',
  claim: { status: 'startup-failure', log: '"proxy_cache" zone "app_cahce" is unknown', doc: ['nginx: [emerg] "proxy_cache" zone "nozone" is unknown'] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  request: { path: '/' },
  fix: { use: 'suggestion', title: /app_cache/ },
  afterFix: { status: 200 },
});

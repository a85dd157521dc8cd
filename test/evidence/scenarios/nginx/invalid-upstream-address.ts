import { defineScenario } from '../../scenario';

// The doc's example is an upstream block: it goes into http {} with a server that uses it.
export default defineScenario({
  rule: 'invalid-upstream-address',
  server: 'nginx',
  claim: { status: 'startup-failure', log: /invalid host in upstream "http:\/\/127\.0\.0\.1:\d+"/, doc: ['invalid host in upstream "http://127.0.0.1:8080"'] },
  config: {
    fromDoc: {
      prepend: 'http {\n',
      append: '    server {\n        listen 8000;\n        location / { proxy_pass http://backend; }\n    }\n}\n',
      replace: [['127.0.0.1:8080', '{{app}}']],
    },
  },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  afterFix: { status: 200 },
});

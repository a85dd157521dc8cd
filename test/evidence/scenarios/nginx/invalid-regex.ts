import { defineScenario } from '../../scenario';

// The doc's example: a location regex with an unclosed group. nginx stops at that line. No quick fix is offered (what
// the pattern should match is the user's call).
export default defineScenario({
  rule: 'invalid-regex',
  server: 'nginx',
  claim: { status: 'startup-failure', log: 'pcre2_compile() failed: missing closing parenthesis', doc: ['pcre2_compile() failed: missing closing parenthesis'] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
  standins: { app: { kind: 'http', behaviour: 'ok' } },
  request: { path: '/' },
  fix: false,
});

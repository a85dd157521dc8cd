import { defineScenario } from '../../scenario';

export default defineScenario({
  rule: 'header-buffer-too-small',
  server: 'nginx',
  claim: { status: 502, log: 'upstream sent too big header while reading response header from upstream' },
  config: { fromDoc: { replace: [['127.0.0.1:4180', '{{idp}}']] } },
  standins: { idp: { kind: 'http', behaviour: 'big-header', headerKiB: 12 } },
  request: { path: '/oauth2/callback' },
  fix: { use: 'suggestion' },
  afterFix: { status: 200 },
});

import { defineScenario } from '../../scenario';

const UPGRADE = { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' };
export default defineScenario({
  rule: 'websocket-headers-missing',
  server: 'nginx',
  claim: { status: 426, label: '426 (the handshake never reaches the backend)', noLog: '[error]', doc: ['426'] },
  config: { fromDoc: { replace: [['127.0.0.1:8080', '{{ws}}']] } },
  standins: { ws: { kind: 'http', behaviour: 'websocket' } },
  request: { path: '/ws/chat', headers: UPGRADE, headOnly: true },
  afterFix: { status: 101 },
});

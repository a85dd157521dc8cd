import { defineScenario } from '../../scenario';

// Scaled 60:1: the default 60 s read timeout runs as 1s; the suggested value (1h) as 5s. A WebSocket that stays
// quiet is closed by nginx after the read timeout; after the fix it is still open 3 s later.
const UPGRADE = { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' };
const closed = (o: { closedAfter: (number | undefined)[] }) => (o.closedAfter[0] === undefined ? 'still open after 3 s' : `closed after ${(o.closedAfter[0] / 1000).toFixed(1)} s`);
export default defineScenario({
  rule: 'long-lived-location-default-timeout',
  server: 'nginx',
  lintOriginal: true,
  scaled: true,
  note: "times scaled 60:1 (the 60 s default → 1s, the fix's value → 5s)",
  claim: {
    status: 101,
    label: 'quiet WebSocket closed after the read timeout',
    log: 'upstream timed out (110: Connection timed out) while proxying upgraded connection',
    // nginx logs this close at [info] (the client connection's level), which the default error_log level hides:
    // the doc and the message say so.
    check: (o) =>
      o.closedAfter[0] === undefined || o.closedAfter[0] >= 2500
        ? closed(o)
        : /\[info\] [^\n]*while proxying upgraded connection/.test(o.errorLog)
          ? undefined
          : `the upgraded-connection timeout is not logged at [info]: ${o.errorLog}`,
    show: (o) => `101, ${closed(o)}`,
    doc: ['upstream timed out (110: Connection timed out) while proxying upgraded connection'],
  },
  config: {
    fromDoc: {
      prepend: 'http {\n    server {\n        listen 8000;\n',
      append: '    }\n}\n',
      replace: [
        ['127.0.0.1:3000', '{{ws}}'],
        [/proxy_read_timeout \d+[hms]?;/, 'proxy_read_timeout 5s;', 'optional'],
        [/proxy_send_timeout \d+[hms]?;/, 'proxy_send_timeout 5s;', 'optional'],
        [/(proxy_pass \{\{ws\}\}|proxy_pass http:\/\/\{\{ws\}\});(?![\s\S]*proxy_read_timeout)/, 'proxy_read_timeout 1s;\n    $1;', 'optional'],
      ],
    },
  },
  standins: { ws: { kind: 'http', behaviour: 'websocket' } },
  request: { path: '/ws/', headers: UPGRADE, holdOpenMs: 3000 },
  fix: { use: 'suggestion' },
  afterFix: { status: 101, check: (o) => (o.closedAfter[0] === undefined ? undefined : closed(o)), show: (o) => `101, ${closed(o)}` },
});

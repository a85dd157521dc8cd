import { defineScenario } from '../../scenario';

// Time is scaled: the doc's 300s runs as 2s and the fix's 60s (75s, capped at the default proxy_read_timeout) as 1s,
// against a backend whose listen queue is full (the handshake never completes). The kernel's own give-up (~130 s, then 502) is not waited for.
const wrap = { prepend: 'http {\n    server {\n        listen 8000;\n', append: '    }\n}\n' };
export default defineScenario({
  rule: 'connect-timeout-above-os-limit',
  server: 'nginx',
  lintOriginal: true,
  scaled: true,
  note: 'times scaled (300s → 2s, the fix\'s 60s → 1s); the ~130 s kernel give-up (502) is not waited for',
  claim: {
    status: 504,
    log: 'upstream timed out (110: Connection timed out) while connecting to upstream',
    check: (o) => (o.times[0] >= 1900 ? undefined : `answered after ${o.times[0]} ms, before the 2 s connect timeout`),
    show: (o) => `${o.statuses.join(',')} after ${(o.times[0] / 1000).toFixed(1)} s`,
  },
  config: { fromDoc: { ...wrap, replace: [['127.0.0.1:8080', '{{hole}}'], ['proxy_connect_timeout 300s;', 'proxy_connect_timeout 2s;', 'optional'], ['proxy_connect_timeout 75s;', 'proxy_connect_timeout 1s;', 'optional'], ['proxy_connect_timeout 60s;', 'proxy_connect_timeout 1s;', 'optional']] } },
  standins: { hole: { kind: 'blackhole' } },
  request: { path: '/api/x' },
  fix: { use: 'safe' },
  afterFix: {
    status: 504,
    log: 'while connecting to upstream',
    check: (o) => (o.times[0] < 1900 ? undefined : `still ${o.times[0]} ms`),
    show: (o) => `${o.statuses.join(',')} after ${(o.times[0] / 1000).toFixed(1)} s`,
  },
});

import { defineScenario } from '../../scenario';

// Scaled 30:1: the 60 s default wait runs as Timeout 2, the fix's connectiontimeout=5 as 500ms. The backend's
// listen queue is full, so the handshake never completes.
const CONNECT = /\(70007\)The timeout specified has expired: AH00957: http: attempt to connect to 127\.0\.0\.1:\d+ \(127\.0\.0\.1:\d+\) failed[\s\S]*AH01114: HTTP: failed to make connection to backend: 127\.0\.0\.1/;
export default defineScenario({
  rule: 'no-connectiontimeout',
  server: 'apache',
  scaled: true,
  // The stand-in is a full listen queue on 127.0.0.1, which the rule reports only as info; it is linted (and fixed)
  // as the doc writes it, 10.0.0.5.
  lintOriginal: true,
  note: "times scaled 30:1 (60 s → Timeout 2, the fix's connectiontimeout=5 → 500ms)",
  claim: {
    status: 503,
    log: CONNECT,
    check: (o) => (o.times[0] >= 1900 ? undefined : `answered after ${o.times[0]} ms`),
    show: (o) => `${o.statuses.join(',')} after ${(o.times[0] / 1000).toFixed(1)} s`,
    doc: ['503', 'AH00957: http: attempt to connect to', 'AH01114: HTTP: failed to make connection to backend'],
  },
  config: { fromDoc: { replace: [['ProxyPass "/app/"', 'Timeout 2\nProxyPass "/app/"'], ['10.0.0.5:8080', '{{hole}}'], ['connectiontimeout=5', 'connectiontimeout=500ms', 'optional']] } },
  standins: { hole: { kind: 'blackhole' } },
  request: { path: '/app/x' },
  fix: { use: 'suggestion' },
  afterFix: { status: 503, log: 'AH00957', check: (o) => (o.times[0] < 1500 ? undefined : `still ${o.times[0]} ms`), show: (o) => `${o.statuses.join(',')} after ${(o.times[0] / 1000).toFixed(1)} s` },
});

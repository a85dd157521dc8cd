import { defineScenario } from '../../scenario';

// Scaled 300:1: Timeout 600 runs as 2, the suggested ProxyTimeout 60 as 1 (httpd takes whole seconds).
const READ = /\(70007\)The timeout specified has expired: (\[client [^\]]+\] )?AH01102: error reading status line from remote server 127\.0\.0\.1:\d+[\s\S]*AH00898: Error reading from remote server returned by \/api\//;
export default defineScenario({
  rule: 'proxytimeout-inherits-timeout',
  server: 'apache',
  lintOriginal: true,
  scaled: true,
  note: "times scaled 300:1 (Timeout 600 → 2, the fix's ProxyTimeout 60 → 1)",
  claim: {
    status: 502,
    log: READ,
    check: (o) => (o.times[0] >= 1900 ? undefined : `answered after ${o.times[0]} ms`),
    show: (o) => `${o.statuses.join(',')} after ${(o.times[0] / 1000).toFixed(1)} s`,
    doc: ['502', '(70007)The timeout specified has expired: [client', 'AH01102: error reading status line from remote server', 'AH00898: Error reading from remote server returned by'],
  },
  config: { fromDoc: { replace: [['Timeout 600', 'Timeout 2'], ['127.0.0.1:8080', '{{slow}}'], ['ProxyTimeout 60', 'ProxyTimeout 1', 'optional']] } },
  standins: { slow: { kind: 'http', behaviour: 'ok', delayMs: 4000 } },
  request: { path: '/api/report' },
  fix: { use: 'suggestion' },
  afterFix: { status: 502, log: 'AH01102', check: (o) => (o.times[0] < 1800 ? undefined : `still ${o.times[0]} ms`), show: (o) => `${o.statuses.join(',')} after ${(o.times[0] / 1000).toFixed(1)} s` },
});

import { defineScenario } from '../../scenario';

// Scaled 10:1: the default resolver_timeout 30 s runs as 3s, the suggested 10s as 1s. The resolver address is a
// port where nothing listens (a DNS server that is down).
export default defineScenario({
  rule: 'resolver-timeout-too-long',
  server: 'nginx',
  lintOriginal: true,
  scaled: true,
  note: "times scaled 10:1 (resolver_timeout 30 s → 3s, the fix's 10s → 1s; nginx's resolver timer is coarse)",
  claim: {
    status: 502,
    log: /send\(\) failed \(111: Connection refused\) while resolving, resolver: 127\.0\.0\.1:\d+[\s\S]*app\.internal could not be resolved \(110: Operation timed out\)/,
    check: (o) => (o.times[0] >= 2900 ? undefined : `answered after ${o.times[0]} ms`),
    show: (o) => `${o.statuses.join(',')} after ${(o.times[0] / 1000).toFixed(1)} s`,
    doc: ['502', 'send() failed (111: Connection refused) while resolving', 'could not be resolved (110: Operation timed out)'],
  },
  config: {
    fromDoc: {
      prepend: 'http {\n    server {\n        listen 8000;\n',
      append: '    }\n}\n',
      replace: [
        ['127.0.0.11', '{{dnsdown}}'],
        [/valid=30s;(?!\s*\n\s*resolver_timeout)/, 'valid=30s;\n    resolver_timeout 3s;', 'optional'],
        ['resolver_timeout 10s;', 'resolver_timeout 1s;', 'optional'],
      ],
    },
  },
  standins: { dnsdown: { kind: 'refused' } },
  fix: { use: 'suggestion' },
  afterFix: {
    status: 502,
    log: 'could not be resolved (110: Operation timed out)',
    check: (o) => (o.times[0] < 2500 ? undefined : `still ${o.times[0]} ms`),
    show: (o) => `${o.statuses.join(',')} after ${(o.times[0] / 1000).toFixed(1)} s`,
  },
});

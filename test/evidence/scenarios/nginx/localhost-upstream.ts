import { defineScenario } from '../../scenario';

// nginx sees Debian's default /etc/hosts (localhost is 127.0.0.1 and ::1); the backend listens on 127.0.0.1 only.
const DEBIAN_HOSTS = '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n';

export default [
  defineScenario({
    rule: 'localhost-upstream',
    server: 'nginx',
    variant: 'refusals on ::1, requests retried',
    hosts: DEBIAN_HOSTS,
    claim: {
      status: 200,
      log: /connect\(\) failed \(111: Connection refused\) while connecting to upstream, .*upstream: "http:\/\/\[::1\]:\d+\/"/,
      doc: ['connect() failed (111: Connection refused) while connecting to upstream', 'upstream: "http://[::1]:3000/"'],
    },
    config: { fromDoc: { replace: [['localhost:3000', 'localhost:{{app.port}}']] } },
    standins: { app: { kind: 'http', behaviour: 'ok' } },
    request: { count: 4 },
    fix: { use: 'suggestion', title: /127\.0\.0\.1/ },
    afterFix: { status: 200, noLog: 'Connection refused' },
  }),
  defineScenario({
    rule: 'localhost-upstream',
    server: 'nginx',
    variant: 'with proxy_next_upstream off',
    hosts: DEBIAN_HOSTS,
    claim: {
      label: 'some 502',
      check: (o) => (o.statuses.includes('502') ? undefined : 'no request got 502'),
      log: /connect\(\) failed \(111: Connection refused\) while connecting to upstream, .*"http:\/\/\[::1\]/,
      doc: ['502', '`proxy_next_upstream off`'],
    },
    config: { fromDoc: { replace: [['localhost:3000;', 'localhost:{{app.port}};\n            proxy_next_upstream off;']] } },
    standins: { app: { kind: 'http', behaviour: 'ok' } },
    // Round robin starts with the first address; nginx 1.22.1 lists ::1 first for this hosts file.
    request: { count: 4 },
    fix: { use: 'suggestion', title: /127\.0\.0\.1/ },
    afterFix: { status: 200 },
  }),
];

import { defineScenario } from '../../scenario';

const count = (xs: string[], x: string) => xs.filter((y) => y === x).length;
const members: [string, string][] = [['10.0.0.11:8080', '{{sick}}'], ['10.0.0.12:8080', '{{good}}']];
const sickAndGood = { sick: { kind: 'http', behaviour: 'ok', status: 503 }, good: { kind: 'http', behaviour: 'ok' } } as const;

export default [
  // One member answers 503 (up, but sick): without a health check it keeps its share of requests.
  defineScenario({
    rule: 'balancer-member-without-health-check',
    server: 'apache',
    claim: {
      label: '503 for the sick member\'s share',
      check: (o) => (count(o.statuses, '503') === 2 && count(o.statuses, '200') === 2 ? undefined : `statuses ${o.statuses.join(',')}`),
      show: (o) => o.statuses.join(','),
      doc: ['503'],
    },
    config: { fromDoc: { replace: members } },
    standins: sickAndGood,
    // The first check runs one hcinterval after start-up: the suggested 10 runs as 1, and requests start 2.5 s in.
    request: { path: '/app/x', count: 4, before: () => new Promise((r) => setTimeout(r, 2500)) },
    note: 'hcinterval scaled (10 → 1)',
    fix: { use: 'suggestion', edit: (t) => t.replace(/hcinterval=10\b/g, 'hcinterval=1') },
    logLevel: 'info',
    afterFix: { status: 200, log: /AH03303: Threaded Health check DISABLING/ },
  }),
  defineScenario({
    rule: 'balancer-without-failonstatus',
    server: 'apache',
    claim: {
      label: '503 for the failing member\'s share',
      check: (o) => (count(o.statuses, '503') === 2 && count(o.statuses, '200') === 2 ? undefined : `statuses ${o.statuses.join(',')}`),
      show: (o) => o.statuses.join(','),
      doc: ['503'],
    },
    config: { fromDoc: { replace: members } },
    standins: sickAndGood,
    request: { path: '/app/x', count: 4 },
    fix: { use: 'suggestion' },
    afterFix: {
      statuses: ['503', '200', '200', '200'],
      log: /AH01174: balancer:\/\/app: Forcing worker \(http:\/\/127\.0\.0\.1:\d+\) into error state due to status code 503 matching 'failonstatus' balancer parameter/,
    },
  }),
  // failonstatus= alone takes out a member that answers a listed code, not one that hangs: each of its requests still
  // waits for the timeout (the message then speaks of the hang only).
  defineScenario({
    rule: 'balancer-member-without-health-check',
    server: 'apache',
    variant: 'failonstatus=503 alone, a member that hangs',
    claim: {
      label: '502 after the timeout for the hung member\'s share',
      check: (o) => (count(o.statuses, '502') === 2 && count(o.statuses, '200') === 2 ? undefined : `statuses ${o.statuses.join(',')}`),
      show: (o) => o.statuses.join(','),
      doc: ['502'],
    },
    config: '<Proxy "balancer://fs">\n    BalancerMember "http://{{hung}}" timeout=1\n    BalancerMember "http://{{good}}" timeout=1\n    ProxySet failonstatus=503\n</Proxy>\nProxyPass "/fs/" "balancer://fs/"\n',
    standins: { hung: { kind: 'http', behaviour: 'ok', delayMs: 3000 }, good: { kind: 'http', behaviour: 'ok' } },
    request: { path: '/fs/x', count: 4 },
    scaled: true,
    fix: false,
    noFixHere: 'the first variant applies the health check',
  }),
  // A health check on one member covers that member only: the unchecked one keeps answering 503 to its share.
  defineScenario({
    rule: 'balancer-without-failonstatus',
    server: 'apache',
    variant: 'one member of two with hcmethod=GET',
    claim: {
      label: '503 for the unchecked member\'s share',
      check: (o) => (count(o.statuses, '503') === 2 && count(o.statuses, '200') === 2 ? undefined : `statuses ${o.statuses.join(',')}`),
      show: (o) => o.statuses.join(','),
      doc: ['503'],
    },
    config: '<Proxy "balancer://half">\n    BalancerMember "http://{{sick}}"\n    BalancerMember "http://{{good}}" hcmethod=GET hcuri=/ hcinterval=1\n</Proxy>\nProxyPass "/half/" "balancer://half/"\n',
    standins: sickAndGood,
    request: { path: '/half/x', count: 4, before: () => new Promise((r) => setTimeout(r, 2500)) },
    fix: { use: 'suggestion' },
    afterFix: {
      statuses: ['503', '200', '200', '200'],
      log: /AH01174: balancer:\/\/half: Forcing worker \(http:\/\/127\.0\.0\.1:\d+\) into error state due to status code 503 matching 'failonstatus' balancer parameter/,
    },
  }),
  defineScenario({
    rule: 'balancer-single-member',
    server: 'apache',
    claim: {
      status: 503,
      log: /\(111\)Connection refused: AH00957: http: attempt to connect to 127\.0\.0\.1:\d+ \(127\.0\.0\.1:\d+\) failed[\s\S]*AH00959: ap_proxy_connect_backend disabling worker for \(127\.0\.0\.1:\d+\) for 60s[\s\S]*AH01114: HTTP: failed to make connection to backend: 127\.0\.0\.1/,
      doc: ['503', 'AH00959: ap_proxy_connect_backend disabling worker for', 'AH01114: HTTP: failed to make connection to backend'],
    },
    config: { fromDoc: { replace: [['10.0.0.11:8080', '{{down}}']] } },
    standins: { down: { kind: 'refused' } },
    request: { path: '/app/x', count: 3 },
    fix: false,
  }),
  // forcerecovery=Off: both members refuse one request, then listen again; the next request still gets 503 (AH01170)
  // without reaching them. With the quick fix (On) that request gets 200.
  defineScenario({
    rule: 'forcerecovery-off-prolongs-outage',
    server: 'apache',
    claim: {
      status: 503,
      log: /AH01170: balancer:\/\/app: All workers are in error state/,
      doc: ['503', 'AH01170: balancer://app: All workers are in error state'],
    },
    config: { fromDoc: { replace: [['10.0.0.11:8080', '{{a}}'], ['10.0.0.12:8080', '{{b}}']] } },
    standins: { a: { kind: 'refused' }, b: { kind: 'refused' } },
    request: {
      path: '/app/x',
      warmup: { count: 1 },
      midway: async ({ standins }) => {
        for (const k of ['a', 'b']) await (standins[k] as { revive(): Promise<void> }).revive();
      },
      count: 1,
    },
    fix: { use: 'suggestion' },
    afterFix: { status: 200 },
  }),
  // retry=0: the dead member is tried again on every request (each time a refused connect).
  defineScenario({
    rule: 'worker-retry-extremes',
    server: 'apache',
    claim: {
      label: 'dead member retried on every request',
      check: (o) => ((o.errorLog.match(/AH00957/g) ?? []).length >= 3 ? undefined : `${(o.errorLog.match(/AH00957/g) ?? []).length} refused attempts for 6 requests`),
      show: (o) => `${o.statuses.join(',')}; ${(o.errorLog.match(/AH00957/g) ?? []).length} refused attempts`,
      log: 'AH00957',
      doc: ['503'],
    },
    config: { fromDoc: { append: 'ProxyPass "/app/" "balancer://app/"\n', replace: [['10.0.0.11:8080', '{{down}}'], ['10.0.0.12:8080', '{{good}}']] } },
    standins: { down: { kind: 'refused' }, good: { kind: 'http', behaviour: 'ok' } },
    request: { path: '/app/x', count: 6 },
    fix: false,
  }),
  defineScenario({
    rule: 'undefined-balancer',
    server: 'apache',
    claim: { status: 503, log: 'AH01171: balancer://app: No workers in balancer', doc: ['503', 'AH01171: balancer://app: No workers in balancer'] },
    config: { fromDoc: {} },
    request: { path: '/app/x' },
    fix: false,
  }),
  defineScenario({
    rule: 'response-field-size-too-small',
    server: 'apache',
    claim: {
      status: 502,
      log: /AH10124: header size is over the limit allowed by ResponseFieldSize \(4096 bytes\)[\s\S]*AH01106: bad HTTP\/1\.1 header returned by \/app\/login \(GET\)/,
      doc: ['502', 'AH10124: header size is over the limit allowed by ResponseFieldSize (4096 bytes)', 'AH01106: bad HTTP/1.1 header returned by'],
    },
    config: { fromDoc: { replace: [['127.0.0.1:8080', '{{app}}']] } },
    standins: { app: { kind: 'http', behaviour: 'big-header', headerKiB: 6 } },
    request: { path: '/app/login' },
    fix: { use: 'suggestion' },
    afterFix: { status: 200 },
  }),
  defineScenario({
    rule: 'websocket-upgrade-not-enabled',
    server: 'apache',
    claim: { status: 426, label: '426 (no Upgrade reaches the backend)', doc: ['426'] },
    config: { fromDoc: { replace: [['127.0.0.1:3000', '{{ws}}']] } },
    standins: { ws: { kind: 'http', behaviour: 'websocket' } },
    request: { path: '/ws/chat', headers: { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' }, headOnly: true },
    afterFix: { status: 101 },
  }),
  // To a balancer the suggestion writes upgrade=websocket on the members: on the ProxyPass line httpd refuses to start
  // ("ProxyPass unknown Balancer parameter").
  defineScenario({
    rule: 'websocket-upgrade-not-enabled',
    server: 'apache',
    variant: 'balancer://',
    claim: { status: 426, label: '426 (no Upgrade reaches the backend)', doc: ['426'] },
    config: '<Proxy "balancer://socks">\n    BalancerMember "http://{{ws}}"\n    BalancerMember "http://localhost:{{ws.port}}"\n</Proxy>\nProxyPass "/ws/" "balancer://socks/ws/"\n',
    standins: { ws: { kind: 'http', behaviour: 'websocket' } },
    request: { path: '/ws/chat', count: 2, headers: { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' }, headOnly: true },
    fix: { use: 'suggestion', title: /upgrade=websocket/ },
    afterFix: { status: 101 },
  }),
];

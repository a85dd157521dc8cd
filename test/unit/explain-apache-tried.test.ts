// httpd's lines for one request to a balancer, and what explain makes of them: which members were tried, what each
// got, and what the client got. Each log below is what the real apache2 2.4.71 (Debian) wrote through
// test/servers/harness for the configuration beside it (test/servers/explain-apache-tried.test.ts runs the same cases
// live); only the lines about the request are kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLog } from '../../server/src/core/explain/explain';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const CONF_PATH = '/etc/apache2/httpd.conf';
const checked = (text: string) => lintApache(CONF_PATH, text, memHost({ [CONF_PATH]: text }), { settings: defaultSettings() });
/** balancer://app with these members (each with `params`), for /app/. */
const balancer = (members: string[], extra = '', params = '') =>
  `<Proxy "balancer://app">\n${members.map((m) => `    BalancerMember "http://${m}"${params ? ` ${params}` : ''}`).join('\n')}\n${extra ? `    ProxySet ${extra}\n` : ''}</Proxy>\nProxyPass "/app/" "balancer://app/"\n`;
const summary = (log: string[], conf?: string) =>
  explainLog(log, [], conf ? [checked(conf)] : []).requests.map((r) => ({ lines: r.lines.length, tried: r.tried?.map((t) => `${t.server} ${t.got}`), status: r.outcome?.status, final: r.outcome?.final }));

/** A refused member, then one that sent no status line within timeout=2: the client got 502 after 2 s. */
const REFUSED_THEN_SILENT = [
  '[Mon Nov 23 01:02:26.490400 2026] [proxy:error] [pid 24381:tid 24389] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:35977 (127.0.0.1:35977) failed',
  '[Mon Nov 23 01:02:26.490456 2026] [proxy:error] [pid 24381:tid 24389] AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:35977) for 60s',
  '[Mon Nov 23 01:02:26.490461 2026] [proxy_http:error] [pid 24381:tid 24389] [client 127.0.0.1:35388] AH01114: HTTP: failed to make connection to backend: 127.0.0.1',
  '[Mon Nov 23 01:02:28.491626 2026] [proxy_http:error] [pid 24381:tid 24389] (70007)The timeout specified has expired: [client 127.0.0.1:35388] AH01102: error reading status line from remote server 127.0.0.1:41749',
  '[Mon Nov 23 01:02:28.491669 2026] [proxy:error] [pid 24381:tid 24389] [client 127.0.0.1:35388] AH00898: Error reading from remote server returned by /app/x',
];
/** A refused member, then one whose connect timed out (connectiontimeout=2): the client got 503 after 2 s. */
const REFUSED_THEN_CONNECT_TIMEOUT = [
  '[Mon Nov 23 01:02:23.691989 2026] [proxy:error] [pid 24218:tid 24227] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:41221 (127.0.0.1:41221) failed',
  '[Mon Nov 23 01:02:23.692036 2026] [proxy:error] [pid 24218:tid 24227] AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:41221) for 60s',
  '[Mon Nov 23 01:02:23.692041 2026] [proxy_http:error] [pid 24218:tid 24227] [client 127.0.0.1:52488] AH01114: HTTP: failed to make connection to backend: 127.0.0.1',
  '[Mon Nov 23 01:02:25.694177 2026] [proxy:error] [pid 24218:tid 24227] (70007)The timeout specified has expired: AH00957: http: attempt to connect to 127.0.0.1:45193 (127.0.0.1:45193) failed',
  '[Mon Nov 23 01:02:25.694304 2026] [proxy:error] [pid 24218:tid 24227] AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:45193) for 60s',
  '[Mon Nov 23 01:02:25.694310 2026] [proxy_http:error] [pid 24218:tid 24227] [client 127.0.0.1:52488] AH01114: HTTP: failed to make connection to backend: 127.0.0.1',
];
/** Two refused members, maxattempts=4: five tries for one client, then 503. */
const FIVE_TRIES = [
  '[Mon Nov 23 01:02:21.916848 2026] [proxy:error] [pid 24055:tid 24060] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:33271 (127.0.0.1:33271) failed',
  '[Mon Nov 23 01:02:21.916899 2026] [proxy:error] [pid 24055:tid 24060] AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:33271) for 60s',
  '[Mon Nov 23 01:02:21.916904 2026] [proxy_http:error] [pid 24055:tid 24060] [client 127.0.0.1:40730] AH01114: HTTP: failed to make connection to backend: 127.0.0.1',
  '[Mon Nov 23 01:02:21.916961 2026] [proxy:error] [pid 24055:tid 24060] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:42763 (127.0.0.1:42763) failed',
  '[Mon Nov 23 01:02:21.916979 2026] [proxy:error] [pid 24055:tid 24060] AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:42763) for 60s',
  '[Mon Nov 23 01:02:21.916981 2026] [proxy_http:error] [pid 24055:tid 24060] [client 127.0.0.1:40730] AH01114: HTTP: failed to make connection to backend: 127.0.0.1',
  '[Mon Nov 23 01:02:21.917003 2026] [proxy:error] [pid 24055:tid 24060] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:42763 (127.0.0.1:42763) failed',
  '[Mon Nov 23 01:02:21.917018 2026] [proxy:error] [pid 24055:tid 24060] AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:42763) for 60s',
  '[Mon Nov 23 01:02:21.917019 2026] [proxy_http:error] [pid 24055:tid 24060] [client 127.0.0.1:40730] AH01114: HTTP: failed to make connection to backend: 127.0.0.1',
  '[Mon Nov 23 01:02:21.917038 2026] [proxy:error] [pid 24055:tid 24060] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:33271 (127.0.0.1:33271) failed',
  '[Mon Nov 23 01:02:21.917053 2026] [proxy:error] [pid 24055:tid 24060] AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:33271) for 60s',
  '[Mon Nov 23 01:02:21.917054 2026] [proxy_http:error] [pid 24055:tid 24060] [client 127.0.0.1:40730] AH01114: HTTP: failed to make connection to backend: 127.0.0.1',
  '[Mon Nov 23 01:02:21.917078 2026] [proxy:error] [pid 24055:tid 24060] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:33271 (127.0.0.1:33271) failed',
  '[Mon Nov 23 01:02:21.917093 2026] [proxy:error] [pid 24055:tid 24060] AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:33271) for 60s',
  '[Mon Nov 23 01:02:21.917094 2026] [proxy_http:error] [pid 24055:tid 24060] [client 127.0.0.1:40730] AH01114: HTTP: failed to make connection to backend: 127.0.0.1',
];
/** Three refused members, forcerecovery=Off maxattempts=5: each tried once, then AH01170 (503); the next request gets AH01170 alone. */
const NONE_LEFT = [
  '[Mon Nov 23 01:06:49.996330 2026] [proxy:error] [pid 31156:tid 31162] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:44341 (127.0.0.1:44341) failed',
  '[Mon Nov 23 01:06:49.996386 2026] [proxy:error] [pid 31156:tid 31162] AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:44341) for 60s',
  '[Mon Nov 23 01:06:49.996391 2026] [proxy_http:error] [pid 31156:tid 31162] [client 127.0.0.1:34578] AH01114: HTTP: failed to make connection to backend: 127.0.0.1',
  '[Mon Nov 23 01:06:49.996445 2026] [proxy:error] [pid 31156:tid 31162] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:38803 (127.0.0.1:38803) failed',
  '[Mon Nov 23 01:06:49.996462 2026] [proxy:error] [pid 31156:tid 31162] AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:38803) for 60s',
  '[Mon Nov 23 01:06:49.996464 2026] [proxy_http:error] [pid 31156:tid 31162] [client 127.0.0.1:34578] AH01114: HTTP: failed to make connection to backend: 127.0.0.1',
  '[Mon Nov 23 01:06:49.996508 2026] [proxy:error] [pid 31156:tid 31162] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:36547 (127.0.0.1:36547) failed',
  '[Mon Nov 23 01:06:49.996525 2026] [proxy:error] [pid 31156:tid 31162] AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:36547) for 60s',
  '[Mon Nov 23 01:06:49.996527 2026] [proxy_http:error] [pid 31156:tid 31162] [client 127.0.0.1:34578] AH01114: HTTP: failed to make connection to backend: 127.0.0.1',
  '[Mon Nov 23 01:06:49.996529 2026] [proxy_balancer:error] [pid 31156:tid 31162] [client 127.0.0.1:34578] AH01170: balancer://app: All workers are in error state',
  '[Mon Nov 23 01:06:49.997660 2026] [proxy_balancer:error] [pid 31156:tid 31171] [client 127.0.0.1:34592] AH01170: balancer://app: All workers are in error state',
];
/** A refused member, then a live one (not logged): the client got 200. */
const THEN_ANSWERED = [
  '[Mon Nov 23 01:02:21.169170 2026] [proxy:error] [pid 23967:tid 23986] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:40443 (127.0.0.1:40443) failed',
  '[Mon Nov 23 01:02:21.169223 2026] [proxy:error] [pid 23967:tid 23986] AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:40443) for 60s',
  '[Mon Nov 23 01:02:21.169228 2026] [proxy_http:error] [pid 23967:tid 23986] [client 127.0.0.1:39998] AH01114: HTTP: failed to make connection to backend: 127.0.0.1',
];

const A = '127.0.0.1:35977';
const B = '127.0.0.1:41749';

test('explain: a refused member and, 2 s later, the other member\'s read timeout are one request when the gap is that member\'s timeout (502 for sure)', () => {
  const conf = balancer([A, B], '', 'timeout=2');
  assert.deepEqual(summary(REFUSED_THEN_SILENT, conf), [{ lines: 5, tried: [`${A} refused`, `${B} no status line within the backend timeout`], status: '502', final: true }]);
  // The gap must fit: with timeout=5 on the member, 2 s is no wait of its, and the lines are two requests.
  assert.deepEqual(summary(REFUSED_THEN_SILENT, conf.replace(/timeout=2/g, 'timeout=5')).map((r) => r.lines), [3, 2]);
  // Without the configuration nothing says what the gap was: two requests, and the refused one's 503 is hedged.
  assert.deepEqual(summary(REFUSED_THEN_SILENT), [
    { lines: 3, tried: [`${A} refused`], status: '503', final: false },
    { lines: 2, tried: [`${B} no status line within the backend timeout`], status: '502', final: true },
  ]);
  // Another client after the gap is another request, whatever the timeout.
  const other = REFUSED_THEN_SILENT.map((l, i) => (i >= 3 ? l.replace(/35388/, '35390') : l));
  assert.deepEqual(summary(other, conf).map((r) => r.lines), [3, 2]);
});

test('explain: a refused member and, 2 s later, the other member\'s connect timeout are one request when connectiontimeout is 2 (every try used: 503)', () => {
  const conf = balancer(['127.0.0.1:41221', '127.0.0.1:45193'], '', 'connectiontimeout=2');
  assert.deepEqual(summary(REFUSED_THEN_CONNECT_TIMEOUT, conf), [{ lines: 6, tried: ['127.0.0.1:41221 refused', '127.0.0.1:45193 connect timed out'], status: '503', final: true }]);
  // Lines that begin with a timeout may be the end of a request whose first try is not in the log.
  const r = explainLog(REFUSED_THEN_CONNECT_TIMEOUT.slice(3), [], [checked(balancer(['127.0.0.1:41221', '127.0.0.1:45193'], 'maxattempts=2', 'connectiontimeout=2'))]).requests;
  assert.equal(r.length, 1);
  assert.match(r[0].outcome!.why, /^if these lines are the whole request \(they begin with a timeout/);
});

test('explain: a balancer that tries its members again within a request (maxattempts=4, two members) is one request of five tries; a second attempt for another client is not', () => {
  const conf = balancer(['127.0.0.1:33271', '127.0.0.1:42763'], 'maxattempts=4');
  const [five] = summary(FIVE_TRIES, conf);
  assert.equal(five.lines, 15);
  assert.deepEqual(five.tried, ['127.0.0.1:33271 refused', '127.0.0.1:42763 refused', '127.0.0.1:42763 refused', '127.0.0.1:33271 refused', '127.0.0.1:33271 refused']);
  assert.deepEqual([five.status, five.final], ['503', true]);
  // Grouped so without the configuration too (the lines say it: the same client, each member put in error state).
  assert.equal(summary(FIVE_TRIES)[0].lines, 15);
  // The same lines, but the third attempt names another client: that one is another request.
  const split = FIVE_TRIES.map((l, i) => (i >= 6 && i < 9 ? l.replace('40730', '40740') : l));
  assert.deepEqual(summary(split, conf).map((r) => r.lines), [6, 3, 6]);
});

test('explain: AH01170 after the tries says no member was left: 503 for sure, with or without the configuration', () => {
  const conf = balancer(['127.0.0.1:44341', '127.0.0.1:38803', '127.0.0.1:36547'], 'forcerecovery=Off maxattempts=5');
  for (const c of [conf, undefined]) assert.deepEqual(summary(NONE_LEFT, c), [{ lines: 10, tried: ['127.0.0.1:44341 refused', '127.0.0.1:38803 refused', '127.0.0.1:36547 refused'], status: '503', final: true }]);
  const r = explainLog(NONE_LEFT, [], [checked(conf)]);
  assert.match(r.requests[0].outcome!.why, /^after these tries no member of balancer:\/\/app was usable \(AH01170/);
  assert.deepEqual(r.requests[0].roles?.slice(-4), [
    'this try failed; httpd looked for another member after it and found none usable (the last line)',
    "part of the same try as the line above (the request's last)",
    "part of the same try as the line above (the request's last)",
    "the request's end, which decided what the client got (above)",
  ]);
});

test('explain: a refused member with tries left: the balancer went on, and its answer is not in the log (no status claimed)', () => {
  const conf = balancer(['127.0.0.1:40443', '127.0.0.1:37419'], 'lbmethod=byrequests');
  const [r] = explainLog(THEN_ANSWERED, [], [checked(conf)]).requests;
  assert.equal(r.outcome?.status, undefined);
  assert.equal(r.outcome?.final, false);
  assert.equal(r.outcome?.why, 'balancer://app had tries left after the last line (maxattempts (not set: one less than its 2 members, so 1): 2 tries, 1 in these lines), so httpd went on to another member (not tried in these lines: 127.0.0.1:37419); a try that gets an answer is not logged, and no later line says that one failed: what it answered (in the access log, not here) is what the client got');
  // A ProxyPass worker has no other member: its refused connect is the 503 the client got.
  const plain = THEN_ANSWERED.filter((l) => !l.includes('AH00959'));
  const [w] = explainLog(plain, [], [checked('ProxyPass "/app/" "http://127.0.0.1:40443/"\n')]).requests;
  assert.deepEqual({ status: w.outcome?.status, final: w.outcome?.final }, { status: '503', final: true });
});

test('explain: the line of a try a balancer went on from never says it decided what the client got (the real client got 200 from the next member)', () => {
  const conf = balancer(['127.0.0.1:40443', '127.0.0.1:37419'], 'lbmethod=byrequests');
  const [r] = explainLog(THEN_ANSWERED, [], [checked(conf)]).requests;
  assert.equal(r.roles?.[0], 'this try failed (503 had it been the last); httpd went on to another member after it, whose answer is not logged (above)');
  assert.ok(!r.roles?.some((x) => x?.includes('decided what the client got')), JSON.stringify(r.roles));
  // Without the configuration it is not known whether a balancer went on: the line does not claim the outcome either.
  const [u] = explainLog(THEN_ANSWERED, [], []).requests;
  assert.equal(u.roles?.[0], "the last try these lines show (503 if it was the request's last; see above)");
  // A ProxyPass worker has no other member: its last try did decide.
  const plain = THEN_ANSWERED.filter((l) => !l.includes('AH00959'));
  const [w] = explainLog(plain, [], [checked('ProxyPass "/app/" "http://127.0.0.1:40443/"\n')]).requests;
  assert.equal(w.roles?.[0], "the request's last try, which decided what the client got (above)");
});

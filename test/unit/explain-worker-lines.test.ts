// AH00940 ("disabled connection for (host:port)") and AH00941 ("failed to acquire connection for (host:port)") name
// the worker's backend in parentheses; explain reads it and places the line at the worker of that host and port. The
// lines below are what a real httpd 2.4.71 (Debian) wrote, through test/servers/harness: a ProxyPass with retry=5
// status=-I to a refused port (AH00957, AH00959, AH01114, then AH00940 for the next requests), and one with status=+D
// (AH00940 from the first request on), and max=1 acquire=500 (AH00941). test/servers/explain-apache-worker-lines.test.ts
// does the same on a live httpd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLog, type ExplainedEntry } from '../../server/src/core/explain/explain';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const CONF_PATH = '/etc/apache2/httpd.conf';
const checked = (text: string) => lintApache(CONF_PATH, text, memHost({ [CONF_PATH]: text }), { settings: defaultSettings() });
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
const at = (e: ExplainedEntry | undefined) => (e?.apache ? e.apache.node.file.lines.positionAt(e.apache.node.directive.start).line + 1 : 0);

const V4 = [
  '[Sun Nov 22 16:13:47.981366 2026] [proxy:error] [pid 12878:tid 12897] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:36269 (127.0.0.1:36269) failed',
  '[Sun Nov 22 16:13:47.981417 2026] [proxy:error] [pid 12878:tid 12897] AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:36269) for 5s',
  '[Sun Nov 22 16:13:47.981422 2026] [proxy_http:error] [pid 12878:tid 12897] [client 127.0.0.1:53862] AH01114: HTTP: failed to make connection to backend: 127.0.0.1',
  '[Sun Nov 22 16:13:47.982664 2026] [proxy:error] [pid 12878:tid 12900] AH00940: http: disabled connection for (127.0.0.1:36269)',
  '[Sun Nov 22 16:13:47.983317 2026] [proxy:error] [pid 12878:tid 12902] AH00940: http: disabled connection for (127.0.0.1:36269)',
];
// Three workers on 127.0.0.1: the host alone would not say which.
const V4_CONF = 'ProxyPass "/a/" "http://127.0.0.1:36269/" retry=5 status=-I\nProxyPass "/b/" "http://127.0.0.1:36270/" status=+D\nProxyPass "/c/" "http://127.0.0.1:36271/"\n';

const V6 = [
  '[Sun Nov 22 16:14:02.721198 2026] [proxy:error] [pid 13823:tid 13844] (111)Connection refused: AH00957: http: attempt to connect to [::1]:42521 (::1:42521) failed',
  '[Sun Nov 22 16:14:02.721245 2026] [proxy:error] [pid 13823:tid 13844] AH00959: ap_proxy_connect_backend disabling worker for (::1:42521) for 5s',
  '[Sun Nov 22 16:14:02.721250 2026] [proxy_http:error] [pid 13823:tid 13844] [client 127.0.0.1:48014] AH01114: HTTP: failed to make connection to backend: ::1',
  '[Sun Nov 22 16:14:02.723292 2026] [proxy:error] [pid 13823:tid 13857] AH00940: http: disabled connection for (::1:42521)',
  '[Sun Nov 22 16:14:02.724063 2026] [proxy:error] [pid 13823:tid 13847] AH00940: http: disabled connection for (localhost:42521)',
];
const V6_CONF = 'ProxyPass "/app/" "http://[::1]:42521/" retry=5 status=-I\nProxyPass "/b/" "http://localhost:42521/" status=+D\nProxyPass "/c/" "http://[::1]:42522/"\n';

// max=1 acquire=500, a second request while the first held the only connection (the same httpd).
const ACQUIRE = '[Sun Nov 22 16:20:38.894032 2026] [proxy:error] [pid 3183:tid 3210] (70007)The timeout specified has expired: AH00941: http: failed to acquire connection for (127.0.0.1:36089)';

test('explain reads the backend AH00940 and AH00941 name, and AH00959/AH00957 with an IPv6 host as httpd 2.4.71 writes it', () => {
  const upstream = (line: string) => explainLogLine(line)!.fields.upstream;
  assert.equal(explainLogLine(V4[3])!.pattern.id, 'apache-worker-in-error');
  assert.equal(upstream(V4[3]), '127.0.0.1:36269');
  assert.equal(explainLogLine(ACQUIRE)!.pattern.id, 'apache-acquire-failed');
  assert.equal(upstream(ACQUIRE), '127.0.0.1:36089');
  assert.equal(upstream(V6[3]), '[::1]:42521');
  assert.equal(upstream(V6[4]), 'localhost:42521');
  assert.equal(upstream(V6[1]), '[::1]:42521');
  assert.equal(upstream(V6[0]), '[::1]:42521', 'the IPv6 host in the parentheses, not "[::1:42521]"');
  assert.equal(upstream(V6[2]), '::1');
  // Releases before 2.4.71 wrote the host alone: "(app.internal)", "(::1)".
  assert.equal(upstream('[Tue Nov 01 21:56:32 2016] [proxy:error] [pid 1:tid 2] AH00940: HTTP: disabled connection for (app.internal)'), 'app.internal');
  assert.equal(upstream('[Tue Nov 01 21:56:32 2016] [proxy:error] [pid 1:tid 2] AH00940: HTTP: disabled connection for (::1)'), '::1');
  assert.equal(upstream('[Tue Nov 01 21:56:32 2016] [proxy:error] [pid 1] AH00959: ap_proxy_connect_backend disabling worker for (app.internal) for 60s'), 'app.internal');
});

test('explain places AH00940 at the worker of the host and port it names, each line on its own (a request of one line)', () => {
  const r = explainLog(V4, [], [checked(V4_CONF)]);
  const inError = r.entries.filter((e) => e.explanation.pattern.id === 'apache-worker-in-error');
  assert.deepEqual(inError.map((e) => `${e.count}×@${at(e)} alone ${e.alone}${e.apache!.ambiguous ? '?' : ''}`), [`2×@${lineOf(V4_CONF, '"/a/"')} alone 2`]);
  assert.equal(inError[0].apache!.how, 'its backend is 127.0.0.1:36269');
  // The request before them is placed at the same worker, with its three lines.
  assert.deepEqual(r.requests.map((q) => q.lines.map((l) => `${l.entry.explanation.pattern.id}@${at(l.entry)}`)), [['apache-connect-failed', 'apache-worker-disabled', 'apache-no-connection'].map((id) => `${id}@${lineOf(V4_CONF, '"/a/"')}`)]);

  const v6 = explainLog(V6, [], [checked(V6_CONF)]);
  const app = lineOf(V6_CONF, '"/app/"');
  assert.deepEqual(
    v6.entries.map((e) => `${e.explanation.pattern.id}@${at(e)}×${e.count}`),
    [`apache-connect-failed@${app}×1`, `apache-worker-disabled@${app}×1`, `apache-no-connection@${app}×1`, `apache-worker-in-error@${app}×1`, `apache-worker-in-error@${lineOf(V6_CONF, '"/b/"')}×1`],
  );
  assert.ok(v6.entries.every((e) => !e.apache!.ambiguous), 'each names its port');
});

test('explain places AH00941 at the worker of the host and port it names', () => {
  const conf = 'ProxyPass "/app/" "http://127.0.0.1:36089/" max=1 acquire=500\nProxyPass "/other/" "http://127.0.0.1:36090/"\n';
  const [e] = explainLog([ACQUIRE], [], [checked(conf)]).entries;
  assert.equal(e.explanation.pattern.id, 'apache-acquire-failed');
  assert.equal(at(e), 1);
  assert.equal(e.apache!.ambiguous, false);
  assert.equal(e.apache!.how, 'its backend is 127.0.0.1:36089');
});

test('explain: AH00940 starts a request of its own, also on the thread that just logged another one', () => {
  const sameThread = (line: string, ms: string) => line.replace(/\d\d:\d\d\.\d{6}/, `13:47.${ms}`).replace(/tid \d+/, 'tid 12897');
  const lines = [...V4.slice(0, 3), sameThread(V4[3], '982664'), sameThread(V4[4], '983317')];
  const r = explainLog(lines, [], [checked(V4_CONF)]);
  assert.deepEqual(r.requests.map((q) => q.lines.length), [3], 'the failed connect is one request; each AH00940 is another');
  assert.equal(r.entries.find((e) => e.explanation.pattern.id === 'apache-worker-in-error')!.alone, 2);
  // When retry= has run out, the next request on the thread tries the backend again: not part of the AH00940's request.
  const again = [sameThread(V4[3], '982664'), ...V4.slice(0, 3).map((l, i) => sameThread(l, `98${3 + i}000`))];
  assert.deepEqual(explainLog(again, [], [checked(V4_CONF)]).requests.map((q) => q.lines.map((l) => /AH\d{5}/.exec(l.text)![0])), [['AH00957', 'AH00959', 'AH01114']]);
});

test('explain places AH00898 "DNS lookup failure for: host" at a worker with that host, not at the first rule its path matches', () => {
  // Before, the line was placed by its path alone: "ProxyPass / http://127.0.0.1:9402/" of another virtual host, whose
  // IP address needs no lookup.
  const conf = [
    '<VirtualHost *:80>',
    '    ServerName a.example',
    '    ProxyPass "/" "http://127.0.0.1:9402/"',
    '</VirtualHost>',
    '<VirtualHost *:80>',
    '    ServerName b.example',
    '    ProxyPass "/" "http://app.internal:9600/" timeout=7',
    '</VirtualHost>',
    '',
  ].join('\n');
  const line = '[Tue Nov 24 05:00:00.100000 2026] [proxy:error] [pid 1:tid 2] (EAI 2)Name or service not known: [client 10.0.0.1:4242] AH00898: DNS lookup failure for: app.internal returned by /orders';
  const r = explainLog([line], [], [checked(conf)]);
  assert.equal(r.entries[0]?.explanation.pattern.id, 'apache-dns-failure');
  assert.equal(r.entries[0].explanation.fields.upstream, 'app.internal');
  assert.equal(at(r.entries[0]), lineOf(conf, 'app.internal'), r.entries[0].apache?.how);
  // A host no worker has (a RewriteRule [P], or a name the configuration does not hold) is not placed at a worker.
  const other = explainLog([line.replace('app.internal', 'gone.internal')], [], [checked(conf)]);
  assert.equal(other.entries[0]?.apache?.worker, undefined, other.entries[0]?.apache?.how);
});

test('explain: mod_proxy_wstunnel\'s AH02452 is the AH01114 of a ws:// worker, part of the request its AH00957 starts (as httpd 2.4.68 logs them)', () => {
  const conf = 'ProxyWebsocketFallbackToProxyHttp Off\nProxyPass "/ws/" "ws://127.0.0.1:18499/ws/"\nProxyPass "/other/" "http://127.0.0.1:18498/"\n';
  const log = [
    '[Tue Nov 24 05:35:59.580384 2026] [proxy:error] [pid 18952:tid 18973] (111)Connection refused: AH00957: WS: attempt to connect to 127.0.0.1:18499 (127.0.0.1:18499) failed',
    '[Tue Nov 24 05:35:59.580442 2026] [proxy_wstunnel:error] [pid 18952:tid 18973] [client 127.0.0.1:51002] AH02452: failed to make connection to backend: 127.0.0.1',
  ];
  const r = explainLog(log, [], [checked(conf)]);
  assert.deepEqual(r.entries.map((e) => `${e.explanation.pattern.id}@${at(e)}`), [`apache-connect-failed@2`, `apache-no-connection@2`]);
  assert.equal(r.entries[1].explanation.pattern.status, '503');
  assert.deepEqual(r.requests.map((q) => q.lines.length), [2]);
});

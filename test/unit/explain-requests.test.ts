// httpd's lines for one request, grouped by [pid:tid] and placed with each other's help. The log in
// fixtures/explain is what a real httpd 2.4.71 (Debian) wrote, through test/servers/harness, for: /a/ three times
// (a ProxyPass to a refused port that is also the first member of balancer://dead), /dead/ once (both members refused:
// one request, two attempts, six lines), /big/ (a 10 KiB header: AH10124, then AH01106 with the path) and /slow/
// twice in parallel (balancer://slow, silent members, timeout=1: AH01102, then AH00898 with the path).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainLog, type ExplainedEntry } from '../../server/src/core/explain/explain';
import { apacheLineHead, apacheRequests } from '../../server/src/core/explain/apache-requests';
import { explainLogLine } from '../../server/src/core/explain/log-patterns';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const FIXTURES = join(__dirname, 'fixtures', 'explain');
const LOG = readFileSync(join(FIXTURES, 'httpd-2.4.71-requests.log'), 'utf8').split('\n');
const CONF_PATH = '/etc/apache2/httpd.conf';
const CONF = readFileSync(join(FIXTURES, 'httpd-2.4.71-requests.conf'), 'utf8');

function checked(text = CONF) {
  return lintApache(CONF_PATH, text, memHost({ [CONF_PATH]: text }), { settings: defaultSettings() });
}
const lineOf = (needle: string, text = CONF) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
const at = (e: ExplainedEntry | undefined) => (e?.apache ? e.apache.node.file.lines.positionAt(e.apache.node.directive.start).line + 1 : 0);

/** Where each line of the log went: "AH01114 → line 8", in log order. */
function placements(lines: readonly string[], text = CONF): string[] {
  const r = explainLog(lines, [], [checked(text)]);
  const out: string[] = [];
  for (const req of r.requests) for (const l of req.lines) out.push(`${/AH\d{5}/.exec(l.text)![0]} ${/\[client ([^\]]+)\]/.exec(l.text)?.[1] ?? ''} → ${at(l.entry)}${l.entry.apache?.ambiguous ? '?' : ''}`);
  return out;
}

test('explain: a real httpd log is read as requests: each AH01114 at the worker of its AH00957, AH00898 at the member its AH01102 names, AH10124 at the rule of its AH01106 path', () => {
  const r = explainLog(LOG, [], [checked()]);
  assert.deepEqual(
    r.requests.map((q) => `${q.count}× ${q.lines.map((l) => `${l.entry.explanation.pattern.id}@${at(l.entry)}${l.entry.apache?.ambiguous ? '?' : ''}`).join(' ')}`),
    [
      // /a/: 127.0.0.1:33023 is also a member of balancer://dead, and nothing in these two lines says which it was.
      `3× apache-connect-failed@${lineOf('ProxyPass "/a/"')}? apache-no-connection@${lineOf('ProxyPass "/a/"')}?`,
      // /dead/: the second attempt names a port only balancer://dead has, so the first is that balancer's member too.
      `1× ${['33023', '43109'].map((p) => ['apache-connect-failed', 'apache-worker-disabled', 'apache-no-connection'].map((id) => `${id}@${lineOf(`BalancerMember "http://127.0.0.1:${p}"`)}`).join(' ')).join(' ')}`,
      `1× apache-big-header@${lineOf('ProxyPass "/big/"')} apache-bad-header@${lineOf('ProxyPass "/big/"')}`,
      `1× apache-read-timeout@${lineOf('127.0.0.1:34683')} apache-read-error@${lineOf('127.0.0.1:34683')}`,
      `1× apache-read-timeout@${lineOf('127.0.0.1:45167')} apache-read-error@${lineOf('127.0.0.1:45167')}`,
    ],
  );
  assert.ok(r.entries.every((e) => e.alone === 0), 'every explained line of this log is part of a request');
  const noConnection = r.requests[1].lines[2].entry.apache!;
  assert.match(noConnection.how, /^its backend is 127\.0\.0\.1:33023; another line of the same request is about a member of balancer:\/\/dead; the line names the host only, the AH00959 line before it in the same request \(same httpd thread\) names the port$/);
  assert.match(r.requests[0].lines[1].entry.apache!.how, /2 workers have this backend and the lines of the request do not say which \(also BalancerMember http:\/\/127\.0\.0\.1:33023\)/);
  assert.match(r.requests[2].lines[0].entry.apache!.how, /the path of this rule matches \/big\/h; the AH01106 line of the same request \(same httpd thread\) names the path/);
  assert.equal(r.requests[0].thread, 'pid 11964:tid 11984');
  assert.equal(r.requests[0].client, '127.0.0.1:42066');
});

test('explain: lines of several threads interleaved still pair by [pid:tid]; alone, an AH01114 does not say which port', () => {
  // Round robin over the threads: every AH00957 is followed by another thread's line before its AH01114 comes.
  const byThread = new Map<string, string[]>();
  for (const l of LOG.filter((x) => /\[pid \d+:tid \d+\]/.test(x))) {
    const t = /\[pid \d+:tid \d+\]/.exec(l)![0];
    byThread.set(t, [...(byThread.get(t) ?? []), l]);
  }
  const mixed: string[] = [];
  for (let i = 0; [...byThread.values()].some((ls) => ls.length > i); i++) for (const ls of byThread.values()) if (ls[i]) mixed.push(ls[i]);
  assert.deepEqual(placements(mixed), placements(LOG));
  const dead = mixed.filter((l) => /tid 11987\]/.test(l));
  assert.ok(mixed.indexOf(dead[1]) - mixed.indexOf(dead[0]) > 1, 'the lines of the /dead/ request are interleaved with others');

  // The AH01114 of the second attempt on its own: every worker of this configuration is on 127.0.0.1.
  const alone = explainLog([LOG.find((l) => /tid 11987.*AH01114/.test(l))!], [], [checked()]);
  assert.equal(alone.requests.length, 0);
  assert.equal(alone.entries[0].alone, 1);
  assert.match(alone.entries[0].apache!.how, /^its backend is 127\.0\.0\.1; 6 workers have this backend and the line does not say which/);
});

// Two requests served by one thread 6 ms apart (Debian httpd 2.4.71, ProxyPass /a/ to 127.0.0.1:41059 and /c/ to
// localhost:33899, both refused): the client tells them apart, and the AH00957 between them is the second one's.
const SAME_THREAD = [
  '[Sun Nov 22 14:39:46.222088 2026] [proxy:error] [pid 11347:tid 11367] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:41059 (127.0.0.1:41059) failed',
  '[Sun Nov 22 14:39:46.222158 2026] [proxy_http:error] [pid 11347:tid 11367] [client 127.0.0.1:50542] AH01114: HTTP: failed to make connection to backend: 127.0.0.1',
  '[Sun Nov 22 14:39:46.228179 2026] [proxy:error] [pid 11347:tid 11367] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:33899 (localhost:33899) failed',
  '[Sun Nov 22 14:39:46.228253 2026] [proxy_http:error] [pid 11347:tid 11367] [client 127.0.0.1:50558] AH01114: HTTP: failed to make connection to backend: localhost',
];
const TWO_ROUTES = 'ProxyPass "/a/" "http://127.0.0.1:41059/"\nProxyPass "/b/" "http://127.0.0.1:41060/"\nProxyPass "/c/" "http://localhost:33899/"\n';

test('explain: one thread\'s consecutive requests are told apart by their client, by a second attempt at the same backend, and by time', () => {
  const a = lineOf('"/a/"', TWO_ROUTES);
  const c = lineOf('"/c/"', TWO_ROUTES);
  assert.deepEqual(placements(SAME_THREAD, TWO_ROUTES), [`AH00957  → ${a}`, `AH01114 127.0.0.1:50542 → ${a}`, `AH00957  → ${c}`, `AH01114 127.0.0.1:50558 → ${c}`]);
  // A keep-alive connection: the same client twice; the second AH00957 at the same address is another request.
  const keepAlive = [SAME_THREAD[0], SAME_THREAD[1], SAME_THREAD[0].replace('46.222088', '46.230000'), SAME_THREAD[1].replace('46.222158', '46.230050')];
  assert.deepEqual(explainLog(keepAlive, [], [checked(TWO_ROUTES)]).requests.map((r) => `${r.count}×${r.lines.length}`), ['2×2']);
  // Two attempts at one address with no other line between: two requests of one line each, so no group.
  const twice = [SAME_THREAD[0], SAME_THREAD[0].replace('46.222088', '46.223000'), SAME_THREAD[1].replace('46.222158', '46.223050')];
  assert.deepEqual(explainLog(twice, [], [checked(TWO_ROUTES)]).requests.map((r) => r.lines.map((l) => l.text.slice(12, 27))), [['14:39:46.223000', '14:39:46.223050']]);
  // More than a second between two lines of the thread: not taken for one request, so AH01114 is on its own again.
  const later = [SAME_THREAD[0], SAME_THREAD[1].replace('14:39:46.222158', '14:39:47.522158')];
  const r = explainLog(later, [], [checked(TWO_ROUTES)]);
  assert.equal(r.requests.length, 0);
  assert.match(r.entries.find((e) => e.explanation.pattern.id === 'apache-no-connection')!.apache!.how, /2 workers have this backend and the line does not say which/);
  // Another thread, or the same thread numbers in another container: not the same request.
  assert.equal(explainLog([SAME_THREAD[0], SAME_THREAD[1].replace('tid 11367', 'tid 11368')], [], []).requests.length, 0);
  assert.equal(explainLog([`web-1  | ${SAME_THREAD[0]}`, `web-2  | ${SAME_THREAD[1]}`], [], []).requests.length, 0);
  assert.equal(explainLog([`web-1  | ${SAME_THREAD[0]}`, `web-1  | ${SAME_THREAD[1]}`], [], []).requests[0]?.thread, 'web-1 pid 11347:tid 11367');
});

test('explain: the thread and time are read from the default ErrorLogFormat, %{cu}t and the prefork MPM; without them no line is paired', () => {
  assert.deepEqual(apacheLineHead(SAME_THREAD[1]), { thread: 'pid 11347:tid 11367', time: Date.UTC(2026, 10, 22, 14, 39, 46) + 222.158, client: '127.0.0.1:50542' });
  const iso = apacheLineHead('[2026-11-22 14:39:46.222158] [proxy_http:error] [pid 11347] [client 10.0.0.1:5] AH01114: HTTP: failed to make connection to backend: 127.0.0.1');
  assert.deepEqual(iso, { thread: 'pid 11347', time: Date.UTC(2026, 10, 22, 14, 39, 46) + 222.158, client: '10.0.0.1:5' });
  const prefork = SAME_THREAD.slice(0, 2).map((l) => l.replace(':tid 11367', ''));
  assert.deepEqual(placements(prefork, TWO_ROUTES), [`AH00957  → 1`, `AH01114 127.0.0.1:50542 → 1`]);
  // An ErrorLogFormat without the thread (or without the time): each line is explained on its own.
  const bare = SAME_THREAD.slice(0, 2).map((l) => l.replace(/\[pid [^\]]+\] /, ''));
  assert.equal(apacheLineHead(bare[1]), undefined);
  assert.equal(explainLog(bare, [], [checked(TWO_ROUTES)]).requests.length, 0);
  const lines = SAME_THREAD.slice(0, 2).map((text) => ({ text, explanation: explainLogLine(text) }));
  assert.deepEqual(apacheRequests(lines), [{ lines: [0, 1], thread: 'pid 11347:tid 11367', client: '127.0.0.1:50542' }]);
  assert.deepEqual(apacheRequests(lines.map((l) => ({ ...l, text: l.text.replace(/^\[[^\]]+\] /, '') }))), []);
});

test('explain: AH00957 is about the backend as configured (the name in its parentheses), which is what AH01114 names', () => {
  assert.equal(explainLogLine(SAME_THREAD[2])!.fields.upstream, 'localhost:33899');
  // httpd before 2.4.71 put the host only in the parentheses.
  assert.equal(explainLogLine('[Sun Nov 22 14:39:46.228179 2026] [proxy:error] [pid 1:tid 2] (111)Connection refused: AH00957: HTTP: attempt to connect to 127.0.0.1:8080 (app.internal) failed')!.fields.upstream, 'app.internal:8080');
  assert.equal(explainLogLine('[Sun Nov 22 14:39:46.228179 2026] [proxy:error] [pid 1:tid 2] (111)Connection refused: AH00957: HTTP: attempt to connect to [::1]:8080 (::1) failed')!.fields.upstream, '[::1]:8080');
});

// Which configuration, and which server block in it, an nginx error-log line is placed in when several are given
// (`proxylint explain --in a.conf --in b.conf`, the editor's "Explain Error-Log Line" with the workspace's
// configurations). nginx chooses a server block by the address:port the request came to, then by name among the
// blocks there, and writes the chosen block's first server_name as `server:` (empty for a block without one) and the
// Host as the client sent it; the port nginx got the request on is not in the line (nginx 1.22.1, see
// test/servers/explain-nginx-configs.test.ts). Before, the first configuration with a block of that name won, so a
// line with `host: "127.0.0.1:8081"` was placed in the configuration listening on 8080.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLog, type CheckedNginx } from '../../server/src/core/explain/explain';
import { lintNginx } from '../../server/src/core/lint';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

function checked(path: string, text: string): CheckedNginx {
  const settings = defaultSettings();
  const r = lintNginx(path, text, memHost({ [path]: text }), { settings });
  return { config: r.config, findings: r.findings, target: settings.nginx, upstreams: r.upstreams };
}

/** A configuration of server blocks, each `listen …; [server_name …;] location / { proxy_pass …; proxy_read_timeout …; }`. */
function conf(path: string, servers: { listen: string; name?: string; pass?: string; read?: string }[]): CheckedNginx {
  const blocks = servers.map((s) => `    server {
        listen ${s.listen};
${s.name !== undefined ? `        server_name ${s.name};\n` : ''}        location / {
            proxy_pass ${s.pass ?? 'http://127.0.0.1:9000'};
            proxy_read_timeout ${s.read ?? '30s'};
        }
    }`);
  return checked(path, `events {}\nhttp {\n${blocks.join('\n')}\n}\n`);
}

const line = (o: { server?: string; host?: string; upstream?: string }) =>
  `2026/11/24 21:04:23 [error] 11978#11978: *4 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: ${o.server ?? ''}, request: "GET /x HTTP/1.1", upstream: "${o.upstream ?? 'http://127.0.0.1:9000/x'}"${o.host !== undefined ? `, host: "${o.host}"` : ''}`;

const at = (n: { file: { path: string; lines: { positionAt(o: number): { line: number } } }; directive: { start: number } }) => `${n.file.path}:${n.file.lines.positionAt(n.directive.start).line + 1}`;

function placeOf(configs: CheckedNginx[], l: string) {
  const e = explainLog([l], configs).entries[0];
  assert.ok(e.place, 'placed');
  return { entry: e, where: at(e.place.server), others: (e.place.others ?? []).map((o) => at(o.server)), how: e.place.how };
}

// The editor review's case: two configurations, each with one block without server_name, on 8080 and on 8081.
const A = conf('/a/nginx.conf', [{ listen: '127.0.0.1:8080', read: '1s' }]);
const B = conf('/b/nginx.conf', [{ listen: '127.0.0.1:8081', read: '2s' }]);

test('explain with several configurations: the Host\'s port picks the configuration listening there, in either order', () => {
  for (const configs of [[A, B], [B, A]]) {
    const p8081 = placeOf(configs, line({ host: '127.0.0.1:8081' }));
    assert.equal(p8081.where, '/b/nginx.conf:3');
    assert.deepEqual(p8081.others, []);
    assert.match(p8081.how, /only this one has such a block listening on the Host's port 8081/);
    assert.equal(p8081.entry.checked?.config, B.config);
    assert.equal(p8081.entry.values.find((v) => v.directive === 'proxy_read_timeout')?.value, '2s');
    assert.equal(placeOf(configs, line({ host: '127.0.0.1:8080' })).where, '/a/nginx.conf:3');
  }
});

test('explain with several configurations: when none listens on the Host\'s port, or there is no Host, both are listed and each one\'s value is given', () => {
  for (const host of ['127.0.0.1:9999', undefined]) {
    const p = placeOf([A, B], line({ host }));
    assert.deepEqual([p.where, ...p.others], ['/a/nginx.conf:3', '/b/nginx.conf:3']);
    assert.match(p.how, host ? /2 of the configurations given could have handled it, and the line does not tell which \(none listens on the Host's port 9999/ : /it has no Host/);
    const read = p.entry.values.find((v) => v.directive === 'proxy_read_timeout')!;
    assert.equal(read.value, '1s');
    assert.deepEqual(read.others?.map((o) => [at(o.server), o.value.value]), [['/b/nginx.conf:3', '2s']]);
    // What proxylint finds is read in each block's own configuration (read-timeout-too-low on 1s and 2s).
    assert.deepEqual(p.entry.findings.filter((f) => f.ruleId === 'read-timeout-too-low').map((f) => f.path).sort(), ['/a/nginx.conf', '/b/nginx.conf']);
  }
});

test('explain with several configurations: a block nginx could not have chosen for the Host loses to one it could, whatever the Host\'s port says', () => {
  // In X, a request for app.example to 8080 goes to the app.example block: X's unnamed block (server: "") never gets it.
  const X = conf('/x/nginx.conf', [{ listen: '8080' }, { listen: '8080', name: 'app.example' }]);
  const Y = conf('/y/nginx.conf', [{ listen: '9090' }]);
  for (const configs of [[X, Y], [Y, X]]) {
    assert.equal(placeOf(configs, line({ host: 'app.example:8080' })).where, '/y/nginx.conf:3');
    // Another name reaches X's unnamed block (the default server of 8080): the Host's port decides.
    assert.equal(placeOf(configs, line({ host: 'other.example:8080' })).where, '/x/nginx.conf:3');
  }
});

test('explain with several configurations: a location that passes to the line\'s backend wins over the Host\'s port', () => {
  const P = conf('/p/nginx.conf', [{ listen: '8080', pass: 'http://127.0.0.1:7001' }]);
  const Q = conf('/q/nginx.conf', [{ listen: '8081', pass: 'http://127.0.0.1:7002' }]);
  for (const configs of [[P, Q], [Q, P]]) {
    const p = placeOf(configs, line({ host: 'h:8080', upstream: 'http://127.0.0.1:7002/x' }));
    assert.equal(p.where, '/q/nginx.conf:3');
    assert.deepEqual(p.others, []);
  }
});

test('explain in one configuration: blocks of one name the backend cannot tell apart are chosen by the Host\'s port, else all listed', () => {
  // Both pass to a host name (nginx logs the address it resolved): the line's backend matches neither by address.
  const C = conf('/c/nginx.conf', [
    { listen: '127.0.0.1:8080', pass: 'http://app.internal:7000' },
    { listen: '127.0.0.1:8081', pass: 'http://app.internal:7000' },
  ]);
  const upstream = 'http://10.0.0.5:7000/x';
  const p = placeOf([C], line({ host: 'h:8081', upstream }));
  assert.equal(p.where, '/c/nginx.conf:10');
  assert.deepEqual(p.others, []);
  assert.match(p.how, /only this one listens on the Host's port 8081/);
  const q = placeOf([C], line({ host: 'h:9999', upstream }));
  assert.deepEqual([q.where, ...q.others], ['/c/nginx.conf:3', '/c/nginx.conf:10']);
  assert.match(q.how, /2 blocks could have handled it, and the line does not tell which/);
});

test('explain in one configuration: server: "" with a Host another block of that port names is the other port\'s default server', () => {
  // On 8080 app.example has its own block, so the unnamed block there never handles app.example: the request came to 8081.
  const C = conf('/c/nginx.conf', [{ listen: '8080' }, { listen: '8080', name: 'app.example' }, { listen: '8081' }]);
  const p = placeOf([C], line({ host: 'app.example' }));
  assert.equal(p.where, '/c/nginx.conf:18');
  assert.deepEqual(p.others, []);
  // The default server of a port is the one marked default_server, else the first: a block neither is never chosen
  // for a name no block there has.
  const D = conf('/d/nginx.conf', [{ listen: '8080' }, { listen: '8080 default_server' }, { listen: '8081' }]);
  const d = placeOf([D], line({ host: 'nobody.example' }));
  assert.deepEqual([d.where, ...d.others].sort(), ['/d/nginx.conf:10', '/d/nginx.conf:17']);
});

test('explain with several configurations: one block found through two configurations (a file both include, or given twice) is one candidate', () => {
  for (const host of ['127.0.0.1:8081', '127.0.0.1:9999', undefined]) {
    const p = placeOf([B, B], line({ host }));
    assert.equal(p.where, '/b/nginx.conf:3');
    assert.deepEqual(p.others, [], `${host}: ${p.how}`);
    assert.doesNotMatch(p.how, /does not tell which/);
  }
});

test('explain: a Host with a trailing dot is the same name to nginx', () => {
  const X = conf('/x/nginx.conf', [{ listen: '8080' }, { listen: '8080', name: 'app.example' }]);
  const Y = conf('/y/nginx.conf', [{ listen: '9090' }]);
  assert.equal(placeOf([X, Y], line({ host: 'app.example.:8080' })).where, '/y/nginx.conf:3');
});

test('explain in one configuration: blocks of one address:port that share the first name are told apart by nginx\'s server_name precedence', () => {
  // Every block is first named names.test (so `server:` does not tell) and passes to a host name (so the line's
  // backend does not either): only the Host decides, as nginx decides it (nginx 1.22.1,
  // test/servers/explain-nginx-server-names.test.ts). Before, blocks whose names matched by the same kind were all listed.
  const names = ['', 'www.example.test', '"~^(api|deep|mail)"', '*.example.test', '*.sub.example.test', '.dot.test', 'mail.*', 'mail.example.*', '"~^api\\d+\\."', 'dup.test', 'dup.test', '.pair.test', 'pair.test', 'solo.test', '.solo.test', '*.star.test', '.star.test', ''];
  const C = conf('/c/nginx.conf', names.map((n, i) => ({ listen: `8080${i === names.length - 1 ? ' default_server' : ''}`, name: `names.test${n ? ` ${n}` : ''}`, pass: 'http://app.internal:7000' })));
  // Block i's `server {` line: each block is 8 lines, after `events {}` and `http {`.
  const block = (i: number) => `/c/nginx.conf:${3 + 8 * i}`;
  const cases: [string, number][] = [
    ['www.example.test', 1], // exact before wildcards and regular expressions
    ['deep.sub.example.test', 4], // the longest leading wildcard, before an earlier regex
    ['other.example.test', 3],
    ['dot.test', 5],
    ['a.dot.test', 5],
    ['mail.example.test', 3], // a leading wildcard before trailing ones
    ['mail.example.org', 7], // the longest trailing wildcard
    ['mail.other.org', 6],
    ['api7.test', 2], // the first regex written
    ['dup.test', 9], // the first block of a shared name
    ['nobody.test', 17], // the default_server, not the first block
    // nginx ignores a name that takes a key an earlier one took ("conflicting server name"), all of it.
    ['pair.test', 11],
    ['solo.test', 13],
    ['x.solo.test', 17],
    ['x.star.test', 15],
    ['star.test', 17],
  ];
  for (const [host, i] of cases) {
    const p = placeOf([C], line({ server: 'names.test', host, upstream: 'http://10.0.0.5:7000/x' }));
    assert.deepEqual([p.where, p.others], [block(i), []], `${host}: ${p.how}`);
    // A line without `server:` (not nginx's format, or cut short) is placed by its Host alone, the same way.
    const q = placeOf([C], line({ server: 'names.test', host, upstream: 'http://10.0.0.5:7000/x' }).replace(', server: names.test', ''));
    assert.deepEqual([q.where, q.others], [block(i), []], `${host} without server: ${q.how}`);
  }
});

// plus-only-directive by edition and version, and with the rules that also read these lines: the one a user's team
// found (proxylint said "No problems found" on it, nginx 1.22.1 said unknown directive "sticky"), third-party
// spellings, and the version note for what open source nginx got later.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVersion } from '../../server/src/core/model/version';
import type { Settings } from '../../server/src/core/settings';
import { lintText } from '../helpers';
import { docLookup } from '../../server/src/lsp/docs';

const ID = 'plus-only-directive';

const TEAM = `events {}
http {
  upstream app { zone app 64k; server 127.0.0.1:8080; sticky cookie srv_id expires=1h; queue 100 timeout=70; }
  server {
    listen 127.0.0.1:8081;
    status_zone site;
    location /api { api write=on; }
    location /status { status; }
    location / { proxy_pass http://app; }
  }
}
`;

function target(edition: 'oss' | 'plus' | 'unknown', version?: string) {
  return (s: Settings) => {
    s.nginx.edition = edition;
    if (version) s.nginx.version = parseVersion(version);
  };
}

/** "line:word severity" for each finding of the rule: the word is the text at the finding's start. */
function found(text: string, settings: (s: Settings) => void, id = ID): string[] {
  const r = lintText(text, { settings });
  return r.findings.filter((f) => f.ruleId === id).map((f) => `${r.at(f).line}:${text.slice(f.start, f.end)} ${f.severity}`);
}

test('the team\'s configuration: errors on open source nginx 1.22.1, warnings with the edition unknown, nothing on NGINX Plus', () => {
  assert.deepEqual(found(TEAM, target('oss', '1.22.1')), ['3:sticky error', '3:queue error', '6:status_zone error', '7:api error', '8:status error']);
  // With the version unknown, sticky may be open source nginx's (1.29.6 and later): not reported, counted in the note.
  assert.deepEqual(found(TEAM, target('unknown')), ['3:queue warning', '6:status_zone warning', '7:api warning', '8:status warning']);
  assert.deepEqual(found(TEAM, target('unknown', '1.22.1')), ['3:sticky warning', '3:queue warning', '6:status_zone warning', '7:api warning', '8:status warning']);
  assert.deepEqual(found(TEAM, target('plus')), []);
  assert.deepEqual(found(TEAM, target('plus', '1.22.1')), []);
  const note = lintText(TEAM, { settings: target('unknown') }).versionUnknown ?? [];
  assert.ok(note.some((u) => u.what === 'sticky' && u.needs === 'nginx 1.29.6 or later'), JSON.stringify(note));
});

test('one finding per line: unknown-directive and the argument rules leave the Plus lines alone on open source nginx', () => {
  const r = lintText(TEAM, { settings: target('oss', '1.22.1') });
  const lines = r.findings.filter((f) => f.severity === 'error').map((f) => `${r.at(f).line}:${f.ruleId}`);
  assert.deepEqual(lines.filter((l) => !l.endsWith(ID)), []);
  const wrongValues = `events {}\nhttp {\n  server {\n    listen 127.0.0.1:8081;\n    location / { auth_jwt_leeway soon; mp4_limit_rate maybe; proxy_cache_purge; }\n  }\n}\n`;
  const oss = lintText(wrongValues, { settings: target('oss') });
  assert.deepEqual(oss.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId), [ID, ID, ID]);
  // With the edition unknown the line may be for NGINX Plus, where the value is wrong too: that finding stays.
  const unknown = lintText(wrongValues, { settings: target('unknown') });
  assert.ok(unknown.findings.some((f) => f.ruleId === 'invalid-argument-value'), unknown.findings.map((f) => f.ruleId).join());
});

test('what open source nginx got in a release is judged by nginx.version', () => {
  const text = `events {}
http {
  upstream app {
    zone app 64k;
    least_time header;
    sticky route $cookie_route;
    server 127.0.0.1:8080 route=a drain;
    server 127.0.0.1:8082 slow_start=30s;
  }
  resolver 127.0.0.1;
  upstream named {
    zone named 64k;
    server backend.example.com service=http resolve;
  }
}
`;
  assert.deepEqual(found(text, target('oss', '1.27.2')), ['5:least_time error', '6:sticky error', '7:route=a error', '7:drain error', '8:slow_start=30s error', '13:service=http error']);
  assert.deepEqual(found(text, target('oss', '1.29.6')), ['5:least_time error', '8:slow_start=30s error']);
  assert.deepEqual(found(text, target('oss', '1.31.0')), ['8:slow_start=30s error']);
  assert.deepEqual(found(text, target('oss')), ['8:slow_start=30s error']);
  // invalid-server-parameter leaves NGINX Plus's parameters to this rule, and takes the open source ones as valid.
  for (const v of ['1.22.1', '1.31.0']) assert.deepEqual(found(text, target('oss', v), 'invalid-server-parameter'), []);
  const message = lintText(text, { settings: target('unknown', '1.22.1') }).findings.find((f) => f.ruleId === ID && f.message.includes('"sticky"'))!.message;
  assert.match(message, /^"sticky" needs NGINX Plus or nginx 1\.29\.6: open source nginx 1\.22\.1 refuses to start with unknown directive "sticky"/);
});

test('not reported: third-party sticky, the health-check directives, words of the same spelling in other blocks', () => {
  const text = `load_module /usr/lib/nginx/modules/ngx_stream_module.so;
events {}
http {
  upstream app { sticky name=route expires=1h; server 127.0.0.1:8080; }
  upstream other { sticky; server 127.0.0.1:8081; }
  match ok { status 200; }
  server {
    listen 127.0.0.1:8081;
    location / { proxy_pass http://app; health_check; }
  }
}
`;
  assert.deepEqual(found(text, target('oss', '1.22.1')), []);
  assert.deepEqual(found(text, target('oss', '1.22.1'), 'health-check-requires-plus'), ['6:match error', '9:health_check error']);
});

test('a module loaded from outside nginx.org may bring the name: a warning that says so', () => {
  const text = `load_module modules/ngx_http_auth_jwt_module.so;
events {}
http {
  server {
    listen 127.0.0.1:8081;
    location / { auth_jwt "api"; auth_jwt_key_file /etc/nginx/jwks.json; }
  }
}
`;
  const r = lintText(text, { settings: target('oss') });
  const mine = r.findings.filter((f) => f.ruleId === ID);
  assert.deepEqual(mine.map((f) => f.severity), ['warning', 'warning']);
  assert.match(mine[0].message, /unless the module loaded from "modules\/ngx_http_auth_jwt_module\.so" provides it/);
});

test('the suggestions: comment out a line of its own, remove a parameter; never a safe fix', () => {
  const text = `events {}\nhttp {\n  upstream app {\n    server 127.0.0.1:8080 slow_start=30s;\n    queue 100 timeout=70;\n  }\n}\n`;
  const mine = lintText(text, { settings: target('oss') }).findings.filter((f) => f.ruleId === ID);
  assert.deepEqual(mine.map((f) => f.fix), [undefined, undefined]);
  assert.deepEqual(mine.map((f) => f.suggestions?.map((s) => s.title)), [['Remove "slow_start=30s" (NGINX Plus only)'], ['Comment out "queue" (NGINX Plus only)']]);
  assert.equal(mine[0].suggestions![0].edits[0].newText, '');
  assert.equal(text.slice(mine[0].suggestions![0].edits[0].start, mine[0].suggestions![0].edits[0].end), ' slow_start=30s');
  assert.equal(mine[1].suggestions![0].edits[0].newText, '# queue 100 timeout=70;  # NGINX Plus only');
});

test('the version note counts what NGINX Plus had first only while this rule runs, and not a third-party sticky', () => {
  const text = `events {}\nhttp {\n  upstream a { sticky cookie srv_id; server 127.0.0.1:8080; }\n  upstream b { sticky name=route; server 127.0.0.1:8081; }\n}\n`;
  const note = (off?: string) =>
    (lintText(text, { settings: (s) => { if (off) s.rules.set(off, { level: 'off', options: {} }); } }).versionUnknown ?? []).map((u) => `${u.what} ${u.needs}`);
  assert.deepEqual(note(), ['sticky nginx 1.29.6 or later']);
  assert.deepEqual(note(ID), []);
});

test('hover: the reference text of a Plus directive starts by saying so, and of one open source got later, since when', () => {
  assert.match(docLookup('api', 'location')!, /\*\*NGINX Plus only:\*\* open source nginx does not have `api`/);
  assert.match(docLookup('keyval_zone', 'stream')!, /\*\*NGINX Plus only:\*\*/);
  assert.match(docLookup('sticky', 'upstream')!, /\*\*NGINX Plus only before nginx 1\.29\.6:\*\*/);
  assert.match(docLookup('queue', 'upstream')!, /NGINX Plus/);
  assert.doesNotMatch(docLookup('stub_status', 'location')!, /NGINX Plus only/);
});

test('a Plus stream directive in an http block (zone_sync, mqtt), or an http one in a stream block, stops either edition', () => {
  const text = `load_module /usr/lib/nginx/modules/ngx_stream_module.so;
events {}
http {
  zone_sync;
  server { listen 127.0.0.1:8080; location / { mqtt on; proxy_pass http://127.0.0.1:8081; } }
}
stream {
  server { listen 127.0.0.1:9000; zone_sync; api; proxy_pass 127.0.0.1:9001; }
}
`;
  // In its own part, a Plus line is the edition's question (line 8's zone_sync: nothing on Plus); misplaced, it is an
  // error everywhere, in words that match what each edition prints.
  assert.deepEqual(found(text, target('plus')), ['4:zone_sync error', '5:mqtt error', '8:api error']);
  assert.deepEqual(found(text, target('oss')), ['4:zone_sync error', '5:mqtt error', '8:zone_sync error', '8:api error']);
  assert.deepEqual(found(text, target('unknown')), ['4:zone_sync error', '5:mqtt error', '8:zone_sync warning', '8:api error']);
  const r = lintText(text, { settings: target('unknown') });
  const f = r.findings.find((x) => x.ruleId === ID && text.slice(x.start, x.end) === 'mqtt')!;
  assert.equal(
    f.message,
    'nginx will not start: "mqtt" is an NGINX Plus stream directive, here in a "location" block; nginx stops with "mqtt" directive is not allowed here (NGINX Plus) or unknown directive "mqtt" (open source nginx). It belongs in a "stream" block or a stream "server"; see https://nginx.org/en/docs/stream/ngx_stream_mqtt_filter_module.html#mqtt',
  );
  // No other rule says it again.
  assert.deepEqual(r.findings.filter((x) => [4, 5].includes(r.at(x).line) && x.ruleId !== ID).map((x) => x.ruleId), []);
});

test('NGINX Plus parameters of open source directives: limit_req_zone sync, purger=, resolver status_zone=, error_log json, a server_tokens string', () => {
  const text = `error_log /var/log/nginx/error.log warn json;
events {}
http {
  limit_req_zone $binary_remote_addr zone=one:10m rate=1r/s sync;
  proxy_cache_path /var/cache/nginx keys_zone=c:10m purger=on purger_threshold=10ms;
  resolver 127.0.0.1 status_zone=dns;
  server_tokens "";
  server { listen 127.0.0.1:8080; server_tokens build; location / { server_tokens MyServer; error_log /var/log/nginx/json; } }
}
`;
  assert.deepEqual(found(text, target('oss')), ['1:json error', '4:sync error', '5:purger=on error', '5:purger_threshold=10ms error', '6:status_zone=dns error', '7:"" error', '8:MyServer error']);
  assert.deepEqual(found(text, target('plus')), []);
  const r = lintText(text, { settings: target('oss') });
  const titles = r.findings.filter((f) => f.ruleId === ID).map((f) => f.suggestions.map((s) => s.title).join('|'));
  // A parameter can go; a server_tokens value is the line's whole meaning, so nothing is offered for it.
  assert.deepEqual(titles, ['Remove "json" (NGINX Plus only)', 'Remove "sync" (NGINX Plus only)', 'Remove "purger=on" (NGINX Plus only)', 'Remove "purger_threshold=10ms" (NGINX Plus only)', 'Remove "status_zone=dns" (NGINX Plus only)', '', '']);
});

test('server_tokens On, OFF and Build are open source values: nginx reads the enum without regard to case', () => {
  // nginx 1.22.1 -t: "server_tokens On;", "OFF" and "BUILD" pass (ngx_conf_set_enum_slot compares with
  // ngx_strcasecmp); only another word is the Plus string.
  const text = `events {}
http {
  server_tokens On;
  server { listen 127.0.0.1:8080; server_tokens OFF; location / { server_tokens Build; } }
}
`;
  assert.deepEqual(found(text, target('oss')), []);
  assert.deepEqual(found(text, target('unknown')), []);
});

test('the rtmp module\'s hls in its server block is not NGINX Plus\'s http hls', () => {
  // nginx-rtmp-module takes hls and hls_fragment in rtmp, server and application blocks; its server block was read
  // as an http server, where the table's http hls stands.
  const text = `events {}
rtmp {
  server {
    listen 1935;
    hls on;
    hls_fragment 3;
    application live { live on; hls on; }
  }
}
http {
  server { listen 127.0.0.1:8080; hls on; }
}
`;
  assert.deepEqual(found(text, target('oss')), ['11:hls error']);
});

test('proxy_next_upstream denied: NGINX Plus from 1.29.3, refused by open source nginx at every version', () => {
  const text = `events {}
http {
  server { listen 127.0.0.1:8080; location / { proxy_pass http://127.0.0.1:8081; proxy_next_upstream error denied; } }
}
`;
  const id = 'invalid-argument-value';
  // Before, open source nginx 1.29.3 and later was taken to accept it, and an unknown version with edition "oss" too.
  assert.deepEqual(found(text, target('oss', '1.29.3'), id), ['3:denied error']);
  assert.deepEqual(found(text, target('oss'), id), ['3:denied error']);
  assert.deepEqual(found(text, target('oss', '1.22.1'), id), ['3:denied error']);
  assert.deepEqual(found(text, target('plus', '1.29.3'), id), []);
  assert.deepEqual(found(text, target('plus', '1.27.4'), id), ['3:denied error']);
  assert.deepEqual(found(text, target('plus'), id), []);
  assert.deepEqual(found(text, target('unknown', '1.22.1'), id), ['3:denied error']);
  assert.deepEqual(found(text, target('unknown'), id), []);
  const r = lintText(text, { settings: target('oss', '1.31.0') });
  assert.match(r.findings.find((f) => f.ruleId === id)!.message, /^nginx will not start: "denied" is an NGINX Plus keyword of proxy_next_upstream \(from 1\.29\.3 on\), and open source nginx stops at it/);
});

test('an NGINX Plus directive of the other part of nginx is sent to its own blocks from the reference, not to every block of that part', () => {
  const text = [
    'load_module /usr/lib/nginx/modules/ngx_stream_module.so;',
    'events {}',
    'http {',
    '  server { listen 127.0.0.1:1; zone_sync; location / { proxy_pass http://127.0.0.1:2; } }',
    '}',
    'stream {',
    '  upstream su { server 127.0.0.1:2; queue 100; }',
    '  server { listen 127.0.0.1:3; api; proxy_pass su; }',
    '}',
    '',
  ].join('\n');
  const home = (name: string) =>
    lintText(text, { settings: target('oss') })
      .findings.find((f) => f.ruleId === ID && f.message.includes(`"${name}" is an NGINX Plus`))
      ?.message.replace(/.*It belongs in (.*); see .*/, '$1');
  // It said 'an "http", "server" or "location" block' for every http one, also queue (an upstream block's only).
  assert.equal(home('zone_sync'), 'a stream "server"');
  assert.equal(home('queue'), 'an "upstream" block');
  assert.equal(home('api'), 'a "location" block');
});

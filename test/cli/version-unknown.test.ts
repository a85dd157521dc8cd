// With no nginx version configured, the checks that judge a line by it (directive-not-in-target-version,
// proxy-http-version-unsupported) say nothing, so a configuration the installed nginx refuses can pass with exit 0.
// The CLI then says on stderr how many such lines it did not check, in every format, and says nothing when no line
// depends on the version, when the version is given, or for NGINX Plus.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { nginxTestText, runCli, tempTree } from '../helpers';
import { show, tree } from './util';

// resolver's ipv4= (1.23.1), the server parameter resolve (1.27.3), keepalive_time (1.19.10), http2 (1.25.1) and
// proxy_http_version 2 (1.29.4): five lines an nginx older than each refuses.
const NEWER = `events {}
http {
    resolver 127.0.0.53 ipv6=off ipv4=on valid=30s;
    upstream app {
        zone app 64k;
        server app.internal.example:8080 resolve;
        server 127.0.0.1:9002;
        keepalive 8;
        keepalive_time 1h;
    }
    server {
        listen 127.0.0.1:18090;
        http2 on;
        location / {
            proxy_pass http://app;
            proxy_http_version 2;
        }
    }
}
`;

// Directives older than any nginx still shipped (proxy_http_version 1.1.4, proxy_ssl_server_name 1.7.0): no note.
const OLD_ONLY = `events {}
http {
    server {
        listen 127.0.0.1:8080;
        location / {
            proxy_pass https://127.0.0.1:8443;
            proxy_http_version 1.1;
            proxy_ssl_server_name on;
        }
    }
}
`;

const NOTE = /^proxylint: nginx version unknown: (\d+) version-dependent checks? (?:was|were) not made \((?:the first: )?(\S+) (.+?) needs nginx (.+?)\); set nginx\.version in \.proxylintrc\.json or --nginx-version$/m;

describe('a note when the nginx version is unknown and lines depend on it', () => {
  let t: { dir: string; cleanup(): void };
  before(() => {
    t = tree({ 'newer/nginx.conf': NEWER, 'old/nginx.conf': OLD_ONLY, 'one/nginx.conf': 'events {}\nhttp {\n    server {\n        listen 127.0.0.1:8080;\n        ssl on;\n    }\n}\n' });
  });
  after(() => t.cleanup());

  test('a config the real nginx refuses passes without a version, and the note says how many lines were not checked and the first', () => {
    // The reviewer's case: nginx 1.22.1 stops at the first of these lines.
    const t22 = nginxTestText(NEWER);
    assert.equal(t22.ok, false, t22.output);
    assert.match(t22.output, /\[emerg\] host not found in resolver "ipv4=on"/);
    const r = runCli(['newer/nginx.conf'], { cwd: t.dir });
    assert.equal(r.code, 0, show(r));
    const m = NOTE.exec(r.stderr);
    assert.ok(m, show(r));
    assert.deepEqual([m[1], m[2], m[3], m[4]], ['5', 'newer/nginx.conf:3', 'resolver "ipv4="', '1.23.1 or later']);
    assert.doesNotMatch(r.stdout, /version unknown/, 'the note is not part of the report');
  });

  test('JSON and SARIF stay valid and unchanged; the note goes to stderr', () => {
    const plain = runCli(['--format', 'json', 'newer/nginx.conf'], { cwd: t.dir });
    assert.equal(plain.code, 0, show(plain));
    JSON.parse(plain.stdout);
    assert.match(plain.stderr, NOTE);
    const sarif = runCli(['--format', 'sarif', 'newer/nginx.conf'], { cwd: t.dir });
    assert.equal(sarif.code, 0, show(sarif));
    assert.equal((JSON.parse(sarif.stdout) as { version: string }).version, '2.1.0');
    assert.match(sarif.stderr, NOTE);
  });

  test('with the version given (flag or .proxylintrc.json) the lines are checked and there is no note', () => {
    const flag = runCli(['--nginx-version', '1.22.1', 'newer/nginx.conf'], { cwd: t.dir });
    assert.equal(flag.code, 1, show(flag));
    assert.match(flag.stdout, /\[directive-not-in-target-version\]/);
    assert.doesNotMatch(flag.stderr, /version unknown/);
    const newest = runCli(['--nginx-version', '1.29.4', 'newer/nginx.conf'], { cwd: t.dir });
    assert.doesNotMatch(newest.stderr, /version unknown/, show(newest));
    writeFileSync(join(t.dir, 'newer', '.proxylintrc.json'), '{ "nginx": { "version": "1.22.1" } }\n');
    try {
      const rc = runCli(['newer/nginx.conf'], { cwd: t.dir });
      assert.equal(rc.code, 1, show(rc));
      assert.doesNotMatch(rc.stderr, /version unknown/);
    } finally {
      writeFileSync(join(t.dir, 'newer', '.proxylintrc.json'), '{}\n');
    }
  });

  test('no note for NGINX Plus, with both version-gated rules off, or for a config of long-standing directives only', () => {
    for (const rc of ['{ "nginx": { "edition": "plus" } }', '{ "rules": { "directive-not-in-target-version": "off", "proxy-http-version-unsupported": "off" } }']) {
      writeFileSync(join(t.dir, 'newer', '.proxylintrc.json'), rc);
      const r = runCli(['newer/nginx.conf'], { cwd: t.dir });
      assert.doesNotMatch(r.stderr, /version unknown/, `${rc}\n${show(r)}`);
    }
    writeFileSync(join(t.dir, 'newer', '.proxylintrc.json'), '{}\n');
    const old = runCli(['old/nginx.conf'], { cwd: t.dir });
    assert.equal(old.code, 0, show(old));
    assert.equal(old.stderr, '');
  });

  test('one line: a removed directive (ssl on, gone in 1.25.1) is counted too, in the singular', () => {
    const r = runCli(['one/nginx.conf'], { cwd: t.dir });
    assert.match(r.stderr, /^proxylint: nginx version unknown: 1 version-dependent check was not made \(one\/nginx\.conf:5 ssl needs nginx before 1\.25\.1\); set nginx\.version/m, show(r));
  });

  test('a folder with both counts each line once, from standard input too', () => {
    const both = runCli(['.'], { cwd: t.dir });
    assert.match(both.stderr, /nginx version unknown: 6 version-dependent checks were not made \(the first: newer\/nginx\.conf:3 /, show(both));
    const stdin = runCli(['--stdin', '--stdin-filename', 'x/nginx.conf'], { cwd: t.dir, input: NEWER });
    assert.match(stdin.stderr, /nginx version unknown: 5 version-dependent checks were not made \(the first: x\/nginx\.conf:3 /, show(stdin));
  });
});

// A finding that is info only because the version is unknown (a WebSocket location without proxy_http_version 1.1
// fails on every nginx before 1.29.7, Debian 12's 1.22.1 included): exit 0 under the default threshold, so the CLI
// says which finding would fail the run on those versions. Not for a finding a comment suppresses.
const WS = `events {}
http {
    server {
        listen 127.0.0.1:8080;
        location /ws/ {
            proxy_pass http://127.0.0.1:9000;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_read_timeout 1h;
        }
    }
}
`;

test('a finding made info for want of the version is named on stderr (exit 0 otherwise hides it); none with the version or when suppressed', () => {
  const t = tempTree({ 'nginx.conf': WS, 'quiet.conf': WS.replace('            proxy_pass', '            # proxylint-disable-next-line websocket-headers-missing -- HTTP/1.1 set by the includer\n            proxy_pass') });
  try {
    const r = runCli(['nginx.conf'], { cwd: t.dir });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stderr, /^proxylint: nginx version unknown: 1 finding is info only for that reason \(nginx\.conf:6 websocket-headers-missing, a warning on nginx before 1\.29\.7\); set nginx\.version in \.proxylintrc\.json or --nginx-version$/m, show(r));
    const known = runCli(['--nginx-version', '1.22.1', 'nginx.conf'], { cwd: t.dir });
    assert.equal(known.code, 1, show(known));
    assert.doesNotMatch(known.stderr, /version unknown/, show(known));
    const quiet = runCli(['quiet.conf'], { cwd: t.dir });
    assert.doesNotMatch(quiet.stderr, /version unknown/, show(quiet));
  } finally {
    t.cleanup();
  }
});

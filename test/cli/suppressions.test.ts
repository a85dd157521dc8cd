import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers';
import { allFindings, runJson, show, tree } from './util';

// Line numbers matter: each case's proxy_pass sits on a known line.
const CONF = `# proxylint: context http
server {
    listen 127.0.0.1:8080;
    location /a {
        # proxylint-disable-next-line pass-scheme-mismatch -- legacy box, fixed in OPS-42
        proxy_pass 127.0.0.1:8090;
    }
    location /b {
        proxy_pass 127.0.0.1:8091; # proxylint-disable-line pass-scheme-mismatch -- same-line reason
    }
    location /c {
        # proxylint-disable-next-line pass-scheme-mismatch
        proxy_pass 127.0.0.1:8092;
    }
    location /d {
        # proxylint-disable-next-line no-such-rule -- whatever
        proxy_pass 127.0.0.1:8093;
    }
    location /e {
        # proxylint-disable-next-line pass-scheme-mismatch -- nothing to silence here
        proxy_pass http://127.0.0.1:8094;
    }
    location /f {
        proxy_pass http://127.0.0.1:8095; # proxylint-disable-line pass-scheme-mismatch -- also nothing
    }
    location /g {
        # proxylint-disable-next-line pass-scheme-mismatch -- the comment must be right above
        proxy_set_header Host $host;
        proxy_pass 127.0.0.1:8096;
    }
}
`;

describe('suppression comments', () => {
  test('which findings are silenced, which stay, and what the comments themselves report', () => {
    const { dir, cleanup } = tree({ 'site.conf': CONF });
    try {
      const { code, report } = runJson(['site.conf'], { cwd: dir });
      assert.equal(code, 1);
      const got = allFindings(report).map((f) => `${f.line}:${f.column} ${f.ruleId}`);
      assert.deepEqual(got, [
        // /a and /b are silenced (next-line and same-line, with reasons).
        // /c: no reason → the comment is invalid and the finding stays.
        '12:9 invalid-suppression',
        '13:20 pass-scheme-mismatch',
        // /d: unknown rule id → invalid, finding stays.
        '16:9 invalid-suppression',
        '17:20 pass-scheme-mismatch',
        // /e, /f: nothing to silence.
        '20:9 unused-suppression',
        '24:43 unused-suppression',
        // /g: the comment applies to the next line only, which has no finding.
        '27:9 unused-suppression',
        '29:20 pass-scheme-mismatch',
      ]);
      const byLine = new Map(allFindings(report).map((f) => [f.line, f]));
      assert.match(byLine.get(12)!.message, /suppression needs a reason after "--"/);
      assert.equal(byLine.get(12)!.severity, 'warning');
      assert.match(byLine.get(16)!.message, /unknown rule "no-such-rule"/);
      assert.match(byLine.get(20)!.message, /unused suppression: "pass-scheme-mismatch" reports nothing on line 21/);
      assert.ok(byLine.get(20)!.fix, 'an unused suppression can be removed by --fix');
      assert.equal(byLine.get(12)!.fix, undefined);
      assert.deepEqual(report.summary, { errors: 3, warnings: 5, infos: 0, fixable: 6, files: 1, runErrors: 0 });
    } finally {
      cleanup();
    }
  });

  test('a file whose only finding is suppressed passes', () => {
    const text = '# proxylint: context location\n# proxylint-disable-next-line pass-scheme-mismatch -- kept on purpose\nproxy_pass 127.0.0.1:8090;\n';
    const { dir, cleanup } = tree({ 'frag.conf': text });
    try {
      const r = runCli(['frag.conf'], { cwd: dir });
      assert.equal(r.code, 0, show(r));
      assert.equal(r.stdout, 'No problems found in 1 file.\n');
      // Without the comment the same line fails: the suppression is what makes the difference.
      const bare = runCli(['--stdin', '--stdin-filename', 'frag.conf'], { cwd: dir, input: text.replace(/^# proxylint-disable.*\n/m, '') });
      assert.equal(bare.code, 1, show(bare));
    } finally {
      cleanup();
    }
  });

  test('one comment can name several rules', () => {
    const text = `events {}
http {
    upstream app { server 127.0.0.1:9000; }
    server {
        # proxylint-disable-next-line undefined-upstream, pass-scheme-mismatch -- both known
        location / { proxy_pass http://ap; }
    }
}
`;
    const { dir, cleanup } = tree({ 'nginx.conf': text });
    try {
      const { report } = runJson(['nginx.conf'], { cwd: dir });
      // undefined-upstream is used; pass-scheme-mismatch is not, and is reported without a fix (the comment is still needed).
      const f = allFindings(report);
      assert.deepEqual(f.map((x) => `${x.line}:${x.column} ${x.ruleId}`), ['5:9 unused-suppression']);
      assert.match(f[0].message, /^unused suppression: "pass-scheme-mismatch" reports nothing on line 6/);
      assert.equal(f[0].fix, undefined);
    } finally {
      cleanup();
    }
  });

  test('--fix removes unused suppressions (whole line, or just the trailing comment) and keeps the rest', () => {
    const { dir, cleanup } = tree({ 'site.conf': CONF });
    try {
      const r = runCli(['--fix', 'site.conf'], { cwd: dir });
      assert.equal(r.code, 1, show(r));
      const out = readFileSync(join(dir, 'site.conf'), 'utf8');
      const expected = CONF.replace('        # proxylint-disable-next-line pass-scheme-mismatch -- nothing to silence here\n', '')
        .replace('proxy_pass http://127.0.0.1:8095; # proxylint-disable-line pass-scheme-mismatch -- also nothing\n', 'proxy_pass http://127.0.0.1:8095;\n')
        .replace('        # proxylint-disable-next-line pass-scheme-mismatch -- the comment must be right above\n', '')
        // Safe fixes for the findings that were not silenced.
        .replace('proxy_pass 127.0.0.1:8092;', 'proxy_pass http://127.0.0.1:8092;')
        .replace('proxy_pass 127.0.0.1:8093;', 'proxy_pass http://127.0.0.1:8093;')
        .replace('proxy_pass 127.0.0.1:8096;', 'proxy_pass http://127.0.0.1:8096;');
      assert.equal(out, expected);
      // Silenced findings are not "fixed" behind the user's back.
      assert.ok(out.includes('        proxy_pass 127.0.0.1:8090;\n') && out.includes('        proxy_pass 127.0.0.1:8091; # proxylint-disable-line'));
      // What remains are the two malformed comments, which only a person can repair.
      const after = runJson(['site.conf'], { cwd: dir });
      assert.deepEqual(
        allFindings(after.report).map((f) => `${f.line}:${f.column} ${f.ruleId}`),
        ['12:9 invalid-suppression', '16:9 invalid-suppression'],
      );
      assert.equal(after.code, 1);
    } finally {
      cleanup();
    }
  });

  test('"off" for unused-suppression in the config silences those reports', () => {
    const { dir, cleanup } = tree({
      'site.conf': CONF,
      '.proxylintrc.json': JSON.stringify({ rules: { 'unused-suppression': 'off' } }),
    });
    try {
      const { report } = runJson(['site.conf'], { cwd: dir });
      assert.deepEqual(
        allFindings(report).map((f) => f.ruleId).filter((id) => id.endsWith('suppression')),
        ['invalid-suppression', 'invalid-suppression'],
      );
    } finally {
      cleanup();
    }
  });
  test('a rule of the other server is reported: in an nginx file an Apache rule never runs, and the reverse', () => {
    // Copied from a virtual host into an nginx location, the comment can match nothing; unused-suppression counts only
    // rules that ran, so it went unreported and the run passed.
    const nginx = '# proxylint: context location\n# proxylint-disable-next-line proxy-timeout-too-low -- batch API answers fast\nproxy_read_timeout 30s;\nproxy_pass http://127.0.0.1:8090;\n';
    const apache = '<VirtualHost 127.0.0.1:8080>\n    # proxylint-disable-next-line read-timeout-too-low, proxy-timeout-too-low -- batch API answers fast\n    ProxyTimeout 1\n    ProxyPass /a/ http://127.0.0.1:8091/ connectiontimeout=2\n</VirtualHost>\n';
    const { dir, cleanup } = tree({ 'location.conf': nginx, 'vhost.conf': apache });
    try {
      const { code, report } = runJson(['location.conf', 'vhost.conf'], { cwd: dir });
      assert.equal(code, 1);
      assert.deepEqual(
        allFindings(report).map((f) => `${f.path.slice(dir.length + 1)}:${f.line} ${f.ruleId}: ${f.message}`),
        [
          'location.conf:2 invalid-suppression: "proxy-timeout-too-low" is an Apache httpd rule, which never reports on an nginx file: this comment silences nothing there',
          // The comment's Apache rule still silences the ProxyTimeout finding; only the nginx one is reported.
          'vhost.conf:2 invalid-suppression: "read-timeout-too-low" is an nginx rule, which never reports on an Apache httpd file: this comment silences nothing there',
        ],
      );
    } finally {
      cleanup();
    }
  });
  test('--fix moves an httpd "# proxylint-disable-line" (an argument to httpd) above its line as disable-next-line, which keeps silencing the finding', () => {
    // Moved as it was, the comment silenced nothing on its own line, and the next pass of --fix deleted it as unused:
    // the finding the user had suppressed, with a reason, came back.
    const vhost = '<VirtualHost 127.0.0.1:8080>\n    ProxyPass /health/ http://127.0.0.1:8091/ timeout=1 connectiontimeout=1 # proxylint-disable-line proxy-timeout-too-low -- probes must fail fast\n</VirtualHost>\n';
    const { dir, cleanup } = tree({ 'vhost.conf': vhost });
    try {
      const r = runCli(['--fix', 'vhost.conf'], { cwd: dir });
      assert.equal(r.code, 0, show(r));
      assert.equal(
        readFileSync(join(dir, 'vhost.conf'), 'utf8'),
        '<VirtualHost 127.0.0.1:8080>\n    # proxylint-disable-next-line proxy-timeout-too-low -- probes must fail fast\n    ProxyPass /health/ http://127.0.0.1:8091/ timeout=1 connectiontimeout=1\n</VirtualHost>\n',
      );
    } finally {
      cleanup();
    }
  });
});

test('a disable-line comment after the ";" of an nginx directive written over several lines applies to the whole directive', () => {
  // The finding sits on the directive's first line; the comment can only go after its ";", on its last.
  const conf = `# proxylint: context http
server {
    listen 127.0.0.1:18794;
    location /h {
        proxy_connect_timeout
            300s; # proxylint-disable-line connect-timeout-above-os-limit -- the SYN retries are raised on this host
        proxy_pass http://127.0.0.1:18795;
    }
    location /i {
        proxy_connect_timeout
            300s;
        proxy_pass http://127.0.0.1:18795; # proxylint-disable-line connect-timeout-above-os-limit -- about another directive
    }
    location /j {
        proxy_pass http://127.0.0.1:18795; proxy_connect_timeout
            300s; # proxylint-disable-line connect-timeout-above-os-limit -- the directive ending here, not the first one
    }
}
`;
  const { dir, cleanup } = tree({ 'site.conf': conf });
  try {
    const { report } = runJson(['site.conf'], { cwd: dir });
    assert.deepEqual(
      allFindings(report).map((f) => `${f.line}:${f.column} ${f.ruleId}`),
      // /h and /j silenced; /i's comment is after another directive: the finding stays and the comment is unused.
      ['10:9 connect-timeout-above-os-limit', '12:44 unused-suppression'],
    );
  } finally {
    cleanup();
  }
});

test('an unused disable-line after a multi-line nginx directive names the lines it covers', () => {
  const conf = '# proxylint: context location\nproxy_read_timeout\n    30s; # proxylint-disable-line connect-timeout-above-os-limit -- nothing to silence\n';
  const { dir, cleanup } = tree({ 'loc.conf': conf });
  try {
    const { report } = runJson(['loc.conf'], { cwd: dir });
    const unused = report.files.flatMap((f) => f.findings).filter((f) => f.ruleId === 'unused-suppression');
    assert.equal(unused.length, 1);
    assert.match(unused[0].message, /reports nothing on lines 2–3;/);
  } finally {
    cleanup();
  }
});

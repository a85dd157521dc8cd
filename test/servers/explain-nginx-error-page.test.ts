// `proxylint explain` and error_page: a real nginx (Debian 1.22.1) in front of refused ports and a silent backend,
// with a different error_page in each location. nginx logs the failure with the status it made (502, 504); the
// client gets what the error_page makes of it. Each location's explained outcome is checked against the status the
// client really got: a status explain gives must be it, and where the page's own answer decides explain must say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { requireBinary, runCli } from '../helpers';
import { request } from './harness/client';
import { prepareNginx, startNginx, tempDir } from './harness/nginx';
import { refusedPort, startHttpStandin } from './standins/http';

requireBinary('nginx');

interface ErrorPageJson {
  path: string;
  line: number;
  directive: string;
  generated: string;
  status: string | null;
  answer: string;
}
interface OutcomeJson {
  status: string | null;
  final: boolean;
  why: string;
  errorPage?: ErrorPageJson;
}
interface EntryJson {
  id: string;
  alone: number;
  fields: { path?: string; method?: string };
  outcome: OutcomeJson | null;
  errorPage: ErrorPageJson | null;
}

test('explain: an error_page where nginx handled the request decides what the client got, as a real nginx answers', async () => {
  const refused = await refusedPort();
  const refused2 = await refusedPort();
  const silent = await startHttpStandin({ behaviour: 'silent', deadlineMs: 60_000 });
  const dir = tempDir('proxylint-errpage-');
  const dead = `http://${refused.address}`;
  const setup = await prepareNginx(
    `http {
    upstream pair { server ${refused.address}; server ${refused2.address}; }
    proxy_connect_timeout 1s;
    proxy_read_timeout 1s;
    server {
        listen 127.0.0.1:8000;
        root ${join(dir, 'html')};
        error_page 502 =200 /fallback.html;
        location /ep200/ { proxy_pass ${dead}; error_page 502 =200 /fallback.html; }
        location /page/ { proxy_pass ${dead}; error_page 502 /err.html; }
        location /eq/ { proxy_pass ${dead}; error_page 502 = /fallback.html; }
        location /named/ { proxy_pass ${dead}; error_page 502 = @named; }
        location /named-plain/ { proxy_pass ${dead}; error_page 502 @named; }
        location @named { return 503; }
        location /redirect/ { proxy_pass ${dead}; error_page 502 http://example.test/down; }
        location /redirect301/ { proxy_pass ${dead}; error_page 502 =301 http://example.test/down; }
        location /inherit/ { proxy_pass ${dead}; }
        location /override/ { proxy_pass ${dead}; error_page 404 /err.html; }
        location /missing/ { proxy_pass ${dead}; error_page 502 =200 /nope.html; }
        location /pair/ { proxy_pass http://pair; error_page 502 =200 /fallback.html; }
        location /slow/ { proxy_pass http://${silent.address}; error_page 504 =503 /fallback.html; }
    }
}
`,
    { dir, files: { 'html/fallback.html': 'fallback\n', 'html/err.html': 'err\n' } },
  );
  const nginx = await startNginx(setup);
  try {
    const paths = ['/ep200/', '/page/', '/eq/', '/named/', '/named-plain/', '/redirect/', '/redirect301/', '/inherit/', '/override/', '/missing/', '/pair/', '/slow/'];
    const got = new Map<string, number | string>();
    for (const p of paths) got.set(p, (await request({ port: setup.port, path: `${p}x`, timeoutMs: 10_000 })).status);
    got.set('POST /ep200/', (await request({ port: setup.port, path: '/ep200/y', method: 'POST', body: 'a=1', timeoutMs: 10_000 })).status);
    await new Promise((r) => setTimeout(r, 300));
    const log = nginx.errorLog();
    assert.deepEqual(Object.fromEntries(got), {
      '/ep200/': 200,
      '/page/': 502,
      '/eq/': 200,
      '/named/': 503,
      '/named-plain/': 503,
      '/redirect/': 302,
      '/redirect301/': 301,
      '/inherit/': 200,
      '/override/': 502,
      '/missing/': 404,
      '/pair/': 200,
      '/slow/': 503,
      'POST /ep200/': 200,
    }, log);

    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as { explained: EntryJson[]; requests: { request: string | null; outcome?: OutcomeJson }[] };
    const lone = (prefix: string, id = 'nginx-refused') => {
      // The GET of each location (/ep200/ has a POST too, another request: an entry of its own).
      const e = j.explained.filter((x) => x.id === id && x.alone > 0 && x.fields.path === `${prefix}x`);
      assert.equal(e.length, 1, `one ${id} entry for ${prefix}:\n${JSON.stringify(j.explained, null, 1)}`);
      return e[0];
    };
    // A status the client got, given as sure: the outcome's status, the one the error_page made.
    const sure = (prefix: string, status: number, id?: string) => {
      const e = lone(prefix, id);
      assert.ok(e.outcome?.final, `${prefix}: a sure outcome: ${JSON.stringify(e)}`);
      assert.equal(e.outcome!.status, String(status), `${prefix}: ${JSON.stringify(e.outcome)}`);
      return e;
    };
    for (const p of ['/ep200/', '/inherit/']) {
      const e = sure(p, 200);
      assert.equal(e.outcome!.errorPage?.generated, '502');
      assert.match(e.outcome!.errorPage!.directive, /^error_page 502 =200 \/fallback\.html$/);
    }
    const post = j.explained.filter((x) => x.fields.method === 'POST');
    assert.equal(post.length, 1, JSON.stringify(j.explained, null, 1));
    assert.equal(post[0].outcome?.status, '200', JSON.stringify(post[0].outcome));
    // The location's own error_page line, and the server's for /inherit/ (nginx.conf line numbers).
    const lineOf = (text: string) => setup.text.split('\n').findIndex((l) => l.includes(text)) + 1;
    assert.equal(lone('/ep200/').outcome!.errorPage!.line, lineOf('location /ep200/'));
    assert.equal(lone('/inherit/').outcome!.errorPage!.line, lineOf('        error_page 502 =200 /fallback.html;'));
    assert.equal(sure('/page/', 502).outcome!.errorPage?.answer, '502 with the page /err.html as its body');
    assert.equal(sure('/redirect/', 302).outcome!.errorPage?.answer, 'a 302 redirect to http://example.test/down');
    sure('/redirect301/', 301);
    // No error_page for 502 in the location, and the server's is not inherited: nginx's own 502.
    const override = sure('/override/', 502);
    assert.equal(override.outcome!.errorPage, undefined);
    assert.equal(override.errorPage, null);
    // The page's own answer decides: no status is claimed, and the outcome names what answers.
    for (const [p, answer] of [['/eq/', 'what /fallback.html answers'], ['/named/', 'what the named location @named answers'], ['/named-plain/', 'what the named location @named answers']]) {
      const e = lone(p);
      assert.equal(e.outcome?.status, null, `${p}: ${JSON.stringify(e.outcome)}`);
      assert.equal(e.outcome?.errorPage?.answer, answer);
    }
    // =200 with a page that is not there: the client got 404; explain's 200 carries that condition.
    assert.match(lone('/missing/').outcome!.errorPage!.answer, /status 200 \(when \/nope\.html is found\)/);
    // A timeout (504) turned into 503.
    sure('/slow/', 503, 'nginx-header-timeout');
    // A request tried on both servers of a group: two lines, one request; its outcome is the error_page's 200.
    const pair = j.requests.filter((r) => r.request === 'GET /pair/x HTTP/1.1');
    assert.equal(pair.length, 1, JSON.stringify(j.requests, null, 1));
    assert.equal(pair[0].outcome?.status, '200', JSON.stringify(pair[0]));
    assert.equal(pair[0].outcome?.final, true);
    assert.equal(pair[0].outcome?.errorPage?.generated, '502');

    // The text report says it in words, with the error_page's line.
    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`the client got the page /fallback\\.html with status 200 \\(when /fallback\\.html is found\\) \\(error_page at \\S*nginx\\.conf:${lineOf('location /ep200/')}, in place of nginx's 502;`));
  } finally {
    await nginx.stop();
    await Promise.all([refused.stop(), refused2.stop(), silent.stop()]);
    setup.cleanup();
  }
});

interface RequestJson {
  request: string | null;
  thread: string;
  tried: { server: string; got: string; handedOn?: true }[];
  outcome: OutcomeJson;
  lines: { line: string; explained: number }[];
}

test('explain: an error page that fails in its turn, and recursive error pages that loop, as a real nginx answers them', async () => {
  const dead = await refusedPort();
  const dead2 = await refusedPort();
  const setup = await prepareNginx(`http {
    server {
        listen 127.0.0.1:8000;
        error_page 502 /err502;
        location /err502 { proxy_pass http://${dead.address}; }
        location / { proxy_pass http://${dead.address}; }
    }
    server {
        listen 127.0.0.1:8002;
        location /ret/ { return 502; }
    }
    server {
        listen 127.0.0.1:8001;
        recursive_error_pages on;
        error_page 502 = @fallback;
        location / { proxy_pass http://${dead.address}; }
        location @fallback { proxy_pass http://${dead2.address}; }
    }
}
`);
  const nginx = await startNginx(setup);
  try {
    const plain = await request({ port: setup.ports.get('127.0.0.1:8000')!, path: '/x', timeoutMs: 10_000 });
    const loop = await request({ port: setup.ports.get('127.0.0.1:8001')!, path: '/x', timeoutMs: 10_000 });
    // The hover on error_page says a 502 from `return 502` leaves no error-log line.
    const ret = await request({ port: setup.ports.get('127.0.0.1:8002')!, path: '/ret/', timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    const log = nginx.errorLog();
    // nginx's own pages: the error page's body was never served, and the loop ends in 500.
    assert.equal(plain.status, 502, log);
    assert.match(plain.body.toString(), /<center>nginx\/[\d.]+<\/center>/);
    assert.equal(loop.status, 500, log);
    assert.equal(ret.status, 502, log);
    assert.ok(!log.includes('/ret/'), log);
    assert.match(loop.body.toString(), /500 Internal Server Error/);
    const refusedLines = log.split('\n').filter((l) => l.includes('(111: Connection refused)'));
    assert.equal(refusedLines.filter((l) => l.includes(`upstream: "http://${dead.address}/err502"`)).length, 1, log);
    // One try at the location, then ten through the error page (nginx's limit of internal redirects), then the cycle line.
    assert.equal(refusedLines.filter((l) => l.includes(dead2.address)).length, 10, log);
    assert.match(log, /rewrite or internal redirection cycle while redirect to named location "@fallback"/);

    const out = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath, '--format', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as { explained: (EntryJson & { count: number })[]; requests: RequestJson[]; unknownLines: number };
    // Each connection is one request, its lines all in it.
    assert.equal(j.requests.length, 2, JSON.stringify(j.requests, null, 1));
    const [first, second] = j.requests;
    assert.equal(first.lines.length, 2);
    assert.equal(first.outcome.status, '502', JSON.stringify(first.outcome));
    assert.equal(first.outcome.final, true);
    assert.equal(first.outcome.errorPage, undefined, 'the error page did not answer');
    assert.match(first.outcome.why, /recursive_error_pages off nginx sent its own 502 page/);
    assert.deepEqual(first.tried.map((t) => !!t.handedOn), [false, true]);
    assert.equal(second.lines.length, 12, JSON.stringify(second.lines, null, 1));
    assert.equal(second.outcome.status, '500');
    assert.equal(second.outcome.final, true);
    assert.equal(second.outcome.errorPage, undefined);
    const cycle = j.explained.find((e) => e.id === 'nginx-redirect-cycle');
    assert.ok(cycle, 'the cycle line is known');
    assert.equal(cycle!.errorPage, null);
    // The error page's own try is placed at the location it went to.
    const text = runCli(['explain', '--in', setup.confPath, '--log', setup.errorLogPath]).stdout;
    assert.match(text, /location \/err502 at \S+:\d+, handed on from location \/ at \S+:\d+ by error_page 502 \/err502/);
    assert.match(text, /then, as the error page, 127\.0\.0\.1:\d+ \(refused\) 10 times/);
    assert.doesNotMatch(text, /with the page \/err502 as its body/);
  } finally {
    await nginx.stop();
    await Promise.all([dead.stop(), dead2.stop()]);
    setup.cleanup();
  }
});

// A ProxyPass prefix takes a request path the way mod_proxy's alias_match() compares them: a run of "/" matches any
// run of "/", and the match must end at a "/" boundary, so "/api" takes /api and /api/x but not /apix or /api2/y. This
// runs the real apache2 and checks (1) which line took each request and the path its backend got, against the
// model's one matcher (passTakes, aliasMatch) given the path after MergeSlashes; (2) that the explain command (findApachePlace) places a log line for
// /apix on the line that really took it, as httpd's timeouts show; (3) that requests-use-another-worker does not take
// "/api/stat" for a line that takes /api/static/x (httpd sends that request past it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findApachePlace } from '../../server/src/core/explain/apache-place';
import { lintApache } from '../../server/src/core/lint-apache';
import { aliasMatch, passTakes } from '../../server/src/core/model/apache-proxypass-order';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

const config = (lines: string[]) => ['Listen 80', '<VirtualHost *:80>', '    ServerName localhost', ...lines.map((x) => `    ${x}`), '</VirtualHost>', ''].join('\n');
const lint = (text: string) => lintApache('/etc/apache2/apache2.conf', text, createNodeHost(), { settings: defaultSettings() });

/** Runs httpd on `text` and sends each request in turn; returns the statuses. */
async function send(text: string, paths: string[]): Promise<{ status: number | string; ms: number }[]> {
  const setup = await prepareApache(text);
  const httpd = await startApache(setup);
  try {
    const out: { status: number | string; ms: number }[] = [];
    for (const path of paths) {
      const t = Date.now();
      out.push({ status: (await request({ port: setup.port, path, timeoutMs: 10_000 })).status, ms: Date.now() - t });
    }
    return out;
  } finally {
    await httpd.stop();
    setup.cleanup();
  }
}

const TABLE: Record<string, string> = {
  '/api': 'a /',
  '/api/x': 'a //x',
  '/api//x': 'a //x',
  '//api/x': 'a //x',
  '/apix': 'b /apix',
  '/api2/y': 'b /api2/y',
};

test('"ProxyPass /api" takes /api and /api/x, not /apix, and proxylint\'s matcher agrees request by request (real apache2)', { timeout: 60_000 }, async () => {
  const a = await startHttpStandin({ behaviour: 'ok', deadlineMs: 50_000 });
  const b = await startHttpStandin({ behaviour: 'ok', deadlineMs: 50_000 });
  const wrong: string[] = [];
  try {
    const text = config([`ProxyPass "/api" "http://${a.address}/"`, `ProxyPass "/" "http://${b.address}/"`]);
    const setup = await prepareApache(text);
    const httpd = await startApache(setup);
    const seen = new Map<string, string>();
    try {
      for (const path of Object.keys(TABLE)) {
        const [a0, b0] = [a.requests.length, b.requests.length];
        await request({ port: setup.port, path, timeoutMs: 5000 });
        seen.set(path, a.requests.length > a0 ? `a ${a.requests[a0].path}` : b.requests.length > b0 ? `b ${b.requests[b0].path}` : 'none');
      }
    } finally {
      await httpd.stop();
      setup.cleanup();
    }
    const result = lint(text);
    const server = result.config.all.find((n) => n.lname === 'virtualhost')!;
    for (const [path, s] of seen) {
      if (s !== TABLE[path]) wrong.push(`httpd sent ${path} to ${s}, the table says ${TABLE[path]}`);
      // MergeSlashes (on by default) turns //api/x and /api//x into /api/x before mod_proxy sees the path.
      const merged = path.replace(/\/{2,}/g, '/');
      const r = result.proxy.rulesFor(server).find((x) => passTakes(x, merged));
      const said = r ? `${r.url}${merged.slice(aliasMatch(r.path, merged))}`.replace(`http://${a.address}/`, 'a /').replace(`http://${b.address}/`, 'b /') : 'none';
      if (said !== s) wrong.push(`httpd sent ${path} to ${s}, the model says ${said}`);
    }
  } finally {
    await a.stop();
    await b.stop();
  }
  assert.deepEqual(wrong, []);
});

// One backend that answers after 2 s. "/api" has timeout=1, "/" timeout=5: /apix answered 200 after 2 s shows the "/"
// line took it; /api/x answered 502 after 1 s, the "/api" line. Explain must place the lines the same way.
test('explain places a request for /apix on the line httpd used ("/", not "/api"), as its timeout shows (real apache2)', { timeout: 60_000 }, async () => {
  const s = await startHttpStandin({ behaviour: 'ok', delayMs: 2000, deadlineMs: 50_000 });
  try {
    const text = config([`ProxyPass "/api" "http://${s.address}/v1" timeout=1`, `ProxyPass "/" "http://${s.address}/" timeout=5`]);
    const [apix, apiX] = await send(text, ['/apix', '/api/x']);
    assert.equal(apix.status, 200, `/apix: ${apix.status}`);
    assert.equal(apiX.status, 502, `/api/x: ${apiX.status}`);
    const { proxy } = lint(text);
    for (const [path, line] of [['/apix', '/'], ['/api/x', '/api']] as const) {
      const place = findApachePlace(proxy, { path, upstream: s.address }, { patternId: 'apache-read-timeout' });
      assert.equal(place?.rule?.path, line, `${path}: explain placed it on ${place?.rule?.path} (${place?.how})`);
    }
  } finally {
    await s.stop();
  }
});

// "ProxyPass /api/stat" comes first but does not take /api/static/x (no "/" after "stat"), so the "/api/" line does:
// its URL http://s/static/x is found by the longer worker name of "/x/" (timeout=5), and the request is answered after
// 2 s instead of the line's own 1 s timeout. requests-use-another-worker must report the "/api/" line.
test('requests-use-another-worker: an earlier "/api/stat" does not take /api/static/x from a "/api/" line (real apache2)', { timeout: 60_000 }, async () => {
  const s = await startHttpStandin({ behaviour: 'ok', delayMs: 2000, deadlineMs: 50_000 });
  try {
    const text = config([
      `ProxyPass "/api/stat" "http://${s.address}/other/" timeout=1`,
      `ProxyPass "/x/" "http://${s.address}/static/" timeout=5`,
      `ProxyPass "/api/" "http://${s.address}/" timeout=1`,
    ]);
    const before = s.requests.length;
    const [r] = await send(text, ['/api/static/x']);
    assert.equal(r.status, 200, `/api/static/x: ${r.status}`);
    assert.equal(s.requests[before]?.path, '/static/x');
    const result = lint(text);
    const line = result.proxy.rules.find((x) => x.path === '/api/')!;
    const found = result.findings.filter((f) => f.ruleId === 'requests-use-another-worker' && f.start >= line.node.directive.start && f.start <= line.node.directive.end);
    assert.equal(found.length, 1, `requests-use-another-worker on the "/api/" line: ${found.map((f) => f.message).join('\n')}`);
  } finally {
    await s.stop();
  }
});

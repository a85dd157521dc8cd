// variable-proxy-pass-replaces-uri claims that a proxy_pass with variables and a URI part sends that URI for every
// request, and its suggestions claim to restore the prefix swap nginx does without variables. Both are checked here on
// the real nginx with a backend that records the paths it gets: the flagged configuration, the same one with a static
// proxy_pass (what the author meant), and the flagged one after each suggestion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/fix';
import { lintNginx } from '../../server/src/core/lint';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { fixtureSettings } from '../rules/rule-harness';
import { request } from './harness/client';
import { prepareNginx, rewriteNginx, startNginx, type NginxSetup } from './harness/nginx';
import { startHttpStandin, type Standin } from './standins/http';

requireBinary('nginx');

const RULE = 'variable-proxy-pass-replaces-uri';
const PATHS = ['/api/users?page=2', '/api/a%20b/c', '/app/x?y=1', '/app/', '/other/z?q=1', '/'];

function config(backend: string, pass: (uri: string) => string): string {
  return `events {}
http {
    server {
        listen 127.0.0.1:8000;
        set $backend ${backend};
        location /api/ {
            proxy_pass ${pass('/v1/')};
        }
        location ^~ /app/ {
            proxy_pass ${pass('/app/')};
        }
        location / {
            proxy_pass ${pass('/')};
        }
    }
}
`;
}

/** The path the backend saw for each of PATHS sent through `setup`. */
async function pathsThrough(setup: NginxSetup, backend: Standin): Promise<string[]> {
  const nginx = await startNginx(setup);
  try {
    const out: string[] = [];
    for (const p of PATHS) {
      const before = backend.requests.length;
      const r = await request({ port: setup.port, path: p });
      assert.equal(r.status, 200, `${p}: ${r.status} ${r.error ?? ''}\n${nginx.errorLog()}`);
      out.push(backend.requests[before]?.path ?? '(none)');
    }
    return out;
  } finally {
    await nginx.stop();
  }
}

test(`${RULE}: every request reaches the backend as the URI of proxy_pass, and the suggestions give the paths a static proxy_pass gives (real nginx)`, async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', deadlineMs: 60_000 });
  const setups: NginxSetup[] = [];
  try {
    const addr = `127.0.0.1:${backend.port}`;
    const meant = await prepareNginx(config(addr, (uri) => `http://${addr}${uri}`));
    const flagged = await prepareNginx(config(addr, (uri) => `http://$backend${uri}`));
    const fixed = await prepareNginx(config(addr, (uri) => `http://$backend${uri}`));
    setups.push(meant, flagged, fixed);

    const findings = lintNginx(fixed.confPath, fixed.text, createNodeHost(), { settings: fixtureSettings(fixed.text) }).findings.filter((f) => f.ruleId === RULE);
    assert.equal(findings.length, 3, findings.map((f) => f.message).join('\n'));
    assert.ok(findings.every((f) => f.suggestions.length === 1), 'each of the three gets one suggestion');
    const edits = findings.flatMap((f) => f.suggestions[0].edits);
    rewriteNginx(fixed, applyEdits(fixed.text, edits).text);
    assert.match(fixed.text, /rewrite \^\/api\/\(\.\*\)\$ \/v1\/\$1 break;/);
    assert.equal(lintNginx(fixed.confPath, fixed.text, createNodeHost(), { settings: fixtureSettings(fixed.text) }).findings.filter((f) => f.ruleId === RULE).length, 0, 'nothing left to report after the suggestions');

    const want = await pathsThrough(meant, backend);
    const got = await pathsThrough(flagged, backend);
    const after = await pathsThrough(fixed, backend);
    // What the doc and the message say: the URI of proxy_pass, whatever was asked (query string dropped).
    assert.deepEqual(got, ['/v1/', '/v1/', '/app/', '/app/', '/', '/']);
    assert.deepEqual(want, ['/v1/users?page=2', '/v1/a%20b/c', '/app/x?y=1', '/app/', '/other/z?q=1', '/']);
    assert.deepEqual(after, want);
  } finally {
    for (const s of setups) s.cleanup();
    await backend.stop();
  }
});

// The Docker habit: the variable holds the scheme and host (`set $api http://api:8000;`) and the line adds a path
// after it. nginx evaluates the whole target and sends its path as it is, the same as with `http://$backend/v1/`.
test(`${RULE}: a variable holding scheme and host, followed by a path, sends that path for every request (real nginx)`, async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', deadlineMs: 60_000 });
  const conf = (pass: string) => `events {}
http {
    server {
        listen 127.0.0.1:8000;
        set $api http://127.0.0.1:${backend.port};
        location /auth/ {
            proxy_pass ${pass};
        }
    }
}
`;
  const flagged = await prepareNginx(conf('$api/auth/'));
  const fixed = await prepareNginx(conf('$api/auth/'));
  try {
    const findings = lintNginx(fixed.confPath, fixed.text, createNodeHost(), { settings: fixtureSettings(fixed.text) }).findings.filter((f) => f.ruleId === RULE);
    assert.equal(findings.length, 1, findings.map((f) => f.message).join('\n'));
    assert.match(findings[0].message, /with the path "\/auth\/" and no query string/);
    assert.equal(findings[0].suggestions.length, 1);
    rewriteNginx(fixed, applyEdits(fixed.text, findings[0].suggestions[0].edits).text);
    assert.match(fixed.text, /proxy_pass \$api;/);

    const paths = async (setup: NginxSetup) => {
      const nginx = await startNginx(setup);
      try {
        const out: string[] = [];
        for (const p of ['/auth/login?x=1', '/auth/']) {
          const before = backend.requests.length;
          const r = await request({ port: setup.port, path: p });
          assert.equal(r.status, 200, `${p}: ${r.status} ${r.error ?? ''}\n${nginx.errorLog()}`);
          out.push(backend.requests[before]?.path ?? '(none)');
        }
        return out;
      } finally {
        await nginx.stop();
      }
    };
    assert.deepEqual(await paths(flagged), ['/auth/', '/auth/']);
    assert.deepEqual(await paths(fixed), ['/auth/login?x=1', '/auth/']);
  } finally {
    flagged.cleanup();
    fixed.cleanup();
    await backend.stop();
  }
});

// Configurations shaped like the ones teams run (Node with WebSockets and SSE, PHP-FPM, Compose, a CDN origin, an
// ingress-style generated server, Apache balancers, mod_proxy_fcgi, WebSocket and RewriteRule [P]), written for a
// review as an on-call engineer would meet them. Each file says what it is; `# expect:` (nginx) and
// `# expect-next-line:` (Apache) mark every finding it must get, and no other may appear: the well-configured ones
// carry none, so a new false positive on an ordinary setup fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lintNginx } from '../../server/src/core/lint';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { expectations, lineOf } from '../rules/rule-harness';

const DIR = import.meta.dirname;

for (const server of ['nginx', 'apache'] as const) {
  for (const name of readdirSync(join(DIR, server)).filter((n) => n.endsWith('.conf')).sort()) {
    test(`${server}/${name}: findings exactly on the marked lines`, () => {
      const path = join(DIR, server, name);
      const text = readFileSync(path, 'utf8');
      const findings =
        server === 'nginx' ? lintNginx(path, text, createNodeHost(), { settings: defaultSettings() }).findings : lintApache(path, text, createNodeHost(), { settings: defaultSettings() }).findings;
      const got = findings.filter((f) => f.path === path).map((f) => `${lineOf(text, f.start)} ${f.ruleId}`).sort();
      const want = expectations(text).map((e) => `${e.line} ${e.ruleId}`).sort();
      assert.deepEqual(got, want);
      // Nothing reported in another file (the included fastcgi_params is Debian's own and must stay quiet).
      assert.deepEqual(findings.filter((f) => f.path !== path).map((f) => f.ruleId), []);
    });
  }
}

// A <Location> ProxyPass that a later <Location> overrides (ProxyModel.overriddenBy) still defines its worker, and
// mod_proxy looks a request's worker up by its backend URL, not by the line that mapped it: so the dead line's
// timeout= (here timeout=1, against a backend that takes 2 s) cuts a request short exactly when some live line's URL
// lands on that worker. This runs the real apache2 for each layout, request by request, and checks that the model's
// `unreachable` holds the worker, and proxy-timeout-too-low stays quiet about timeout=1, exactly when no request got
// the 502 after 1 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { buildProxyModel } from '../../server/src/core/model/apache-proxy';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

/** The dead line (its <Location "/x/"> is followed by another for the same path) and the live one that overrides it. */
const DEAD = (s: string) => [`<Location "/x/">`, `    ProxyPass "http://${s}/x/" timeout=1`, '</Location>', '<Location "/x/">', `    ProxyPass "http://${s}/app/x/"`, '</Location>'];

interface Layout {
  what: string;
  /** Lines after the dead pair; S stands for the backend's address. */
  more: string[];
  paths: string[];
  /** Whether some request went through the dead line's worker (502 after its timeout=1). */
  reached: boolean;
}

const LAYOUTS: Layout[] = [
  { what: 'the dead line alone', more: [], paths: ['/x/a', '/x/'], reached: false },
  // ProxySet configures the worker but sends no request; a balancer's members are workers of their own (AH01149
  // compares a member only with the balancer's other members).
  { what: 'a <Proxy> ProxySet for its URL and a BalancerMember with it', more: ['<Proxy "http://S/x/">', '    ProxySet connectiontimeout=2', '</Proxy>', '<Proxy "balancer://b">', '    BalancerMember "http://S/x/"', '</Proxy>', 'ProxyPass "/bal/" "balancer://b/"'], paths: ['/x/a', '/bal/a'], reached: false },
  { what: 'another ProxyPass with the same URL (it shares the worker)', more: ['ProxyPass "/legacy/" "http://S/x/"'], paths: ['/legacy/a'], reached: true },
  { what: 'a live line whose URLs go on into its name', more: ['<Location "/">', '    ProxyPass "http://S/"', '</Location>'], paths: ['/x/a'], reached: true },
  { what: 'a RewriteRule [P]', more: ['RewriteEngine On', 'RewriteRule "^/old/(.*)" "http://S/x/$1" [P]'], paths: ['/old/a'], reached: true },
  { what: 'a ProxyPassMatch', more: ['ProxyPassMatch "^/m/(.*)$" "http://S/x/$1"'], paths: ['/m/a'], reached: true },
  { what: 'a SetHandler "proxy:…"', more: ['<Location "/h/">', '    SetHandler "proxy:http://S/x/"', '</Location>'], paths: ['/h/a'], reached: true },
];

test('a worker only an overridden <Location> ProxyPass defines is skipped by the worker rules exactly when no request reaches it (real apache2)', async () => {
  const backend = await startHttpStandin({ behaviour: 'ok', delayMs: 2000, deadlineMs: 180_000 });
  try {
    for (const l of LAYOUTS) {
      const text = `<VirtualHost *:80>\n${[...DEAD(backend.address), ...l.more.map((x) => x.replaceAll('S/', `${backend.address}/`))].map((x) => `    ${x}`).join('\n')}\n</VirtualHost>\n`;
      const setup = await prepareApache(text);
      const httpd = await startApache(setup);
      const got: (number | string)[] = [];
      try {
        for (const path of l.paths) got.push((await request({ port: setup.port, path, timeoutMs: 8000 })).status);
      } finally {
        await httpd.stop();
        setup.cleanup();
      }
      // timeout=1 is the only way to a 502 here: every other worker waits the default 60 s for the 2 s backend.
      assert.equal(got.includes(502), l.reached, `${l.what}: ${got.join(', ')}`);
      assert.ok(got.every((s) => s === 200 || s === 502), `${l.what}: ${got.join(', ')}`);
      const result = lintApache('/c/httpd.conf', text, memHost({ '/c/httpd.conf': text }), { settings: defaultSettings() });
      const timeout1 = result.findings.filter((f) => f.ruleId === 'proxy-timeout-too-low' && text.slice(f.start, f.end).includes('timeout=1'));
      assert.equal(timeout1.length, l.reached ? 1 : 0, `${l.what}: proxy-timeout-too-low on timeout=1`);
      const lineOf = (at: number) => text.slice(0, at).split('\n').length;
      assert.ok(result.findings.some((f) => f.ruleId === 'proxypass-shadowed' && lineOf(f.start) === 3), `${l.what}: the dead line is reported as such`);
      const model = buildProxyModel(result.config);
      const dead = model.workers.find((w) => w.url.endsWith('/x/') && w.node.parent?.lname === 'location');
      assert.equal(model.unreachable.has(dead!), !l.reached, `${l.what}: ProxyModel.unreachable`);
    }
  } finally {
    await backend.stop();
  }
});

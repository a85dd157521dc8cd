// websocket-tunnel-idle-timeout says httpd closes an upgraded WebSocket when nothing passes through it, in either
// direction, for the longer of the worker's backend timeout (timeout=, else ProxyTimeout, else Timeout) and the
// client side's Timeout, for ws:// backends and for http:// ones with upgrade=websocket, and that its suggestion
// (timeout=3600 on the line) keeps a quiet one open.
// Checked here on the real apache2 (2.4.71) with a backend that answers 101 and then never sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/fix';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost, requireBinary } from '../helpers';
import { prepareApache, rewriteApache, startApache, type ApacheSetup } from './harness/apache';
import { silentUpgrader, tunnel } from './standins/websocket';

requireBinary('apache2');

const RULE = 'websocket-tunnel-idle-timeout';

const lint = (setup: ApacheSetup) => lintApache(setup.confPath, setup.text, memHost({ [setup.confPath]: setup.text }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === RULE);

test(`${RULE}: a quiet tunnel is closed after the backend timeout, a used one stays open, and timeout=3600 keeps a quiet one (real apache2)`, async () => {
  const backend = await silentUpgrader();
  // The second virtual host: the client side's Timeout 4 is longer than ProxyTimeout 2 and timeout=1, and wins.
  const setup = await prepareApache(`Timeout 2
<VirtualHost *:80>
    ProxyPass "/ws/" "ws://127.0.0.1:${backend.port}/ws/"
    ProxyPass "/up/" "http://127.0.0.1:${backend.port}/up/" upgrade=websocket
</VirtualHost>
<VirtualHost *:81>
    Timeout 4
    ProxyTimeout 2
    ProxyPass "/ws/" "ws://127.0.0.1:${backend.port}/ws/" timeout=1
</VirtualHost>
<VirtualHost *:82>
    RewriteEngine On
    RewriteCond %{HTTP:Upgrade} =websocket [NC]
    RewriteRule ^/ws/(.*) ws://127.0.0.1:${backend.port}/ws/$1 [P,L]
</VirtualHost>
`);
  const second = setup.ports.get('81')!;
  const third = setup.ports.get('82')!;
  try {
    const findings = lint(setup);
    assert.equal(findings.length, 4, findings.map((f) => f.message).join('\n'));
    assert.match(findings[3].message, /^WebSocket rewrite to ws:.*for 2 s \(Timeout 2 on line \d+, which ProxyTimeout inherits\), without/);
    assert.equal(findings[3].suggestions.length, 0);
    assert.match(findings[0].message, /in either direction, for 2 s \(Timeout 2 on line \d+, which ProxyTimeout inherits\), without/);
    assert.match(findings[2].message, /in either direction, for 4 s \(the client side's Timeout 4 on line \d+, longer than this backend's 1 s\), without/);
    let httpd = await startApache(setup);
    try {
      const runs = await Promise.all([
        tunnel(setup.port, '/ws/', 0, 6000),
        tunnel(setup.port, '/ws/', 500, 6000),
        tunnel(setup.port, '/up/', 0, 6000),
        tunnel(setup.port, '/up/', 500, 6000),
        tunnel(second, '/ws/', 0, 6000),
        tunnel(third, '/ws/', 0, 6000),
      ]);
      for (const r of runs) assert.equal(r.status, 'HTTP/1.1 101 Switching Protocols');
      for (const quiet of [runs[0], runs[2]]) assert.ok(quiet.closedAfterMs !== undefined && quiet.closedAfterMs >= 1800 && quiet.closedAfterMs < 3500, `quiet: ${quiet.closedAfterMs}`);
      for (const used of [runs[1], runs[3]]) assert.equal(used.closedAfterMs, undefined, 'a tunnel the client sends on every 0.5 s stays open');
      assert.ok(runs[5].closedAfterMs !== undefined && runs[5].closedAfterMs >= 1800 && runs[5].closedAfterMs < 3500, `rewrite: ${runs[5].closedAfterMs}`);
      assert.ok(runs[4].closedAfterMs !== undefined && runs[4].closedAfterMs >= 3800 && runs[4].closedAfterMs < 5500, `Timeout 4 with timeout=1: ${runs[4].closedAfterMs}`);
    } finally {
      await httpd.stop();
    }

    rewriteApache(setup, applyEdits(setup.text, findings.flatMap((f) => f.suggestions[0]?.edits ?? [])).text);
    assert.match(setup.text, /ws\/" timeout=3600/);
    assert.deepEqual(lint(setup).map((f) => f.message.slice(0, 22)), ['WebSocket rewrite to w'], 'only the rewrite, which has no edit, is left');
    httpd = await startApache(setup);
    try {
      const [ws, up, other] = await Promise.all([tunnel(setup.port, '/ws/', 0, 5000), tunnel(setup.port, '/up/', 0, 5000), tunnel(second, '/ws/', 0, 5000)]);
      assert.equal(ws.closedAfterMs, undefined, 'quiet ws:// tunnel open after 5 s with timeout=3600');
      assert.equal(up.closedAfterMs, undefined, 'quiet upgrade= tunnel open after 5 s with timeout=3600');
      assert.equal(other.closedAfterMs, undefined, 'quiet tunnel of the second virtual host open after 5 s with timeout=3600');
    } finally {
      await httpd.stop();
    }
  } finally {
    await backend.stop();
    setup.cleanup();
  }
});

test(`${RULE}: with ProxyWebsocketFallbackToProxyHttp Off mod_proxy_wstunnel relays ws:// itself and does not close a quiet tunnel, and the rule is silent there only (real apache2)`, { timeout: 60_000 }, async () => {
  const backend = await silentUpgrader();
  // Timeout 2 everywhere: the first virtual host hands ws:// to mod_proxy_http (closed after 2 s), the second and
  // third relay it through mod_proxy_wstunnel itself.
  const setup = await prepareApache(`Timeout 2
<VirtualHost *:80>
    ProxyPass "/ws/" "ws://127.0.0.1:${backend.port}/ws/"
</VirtualHost>
<VirtualHost *:81>
    ProxyWebsocketFallbackToProxyHttp Off
    ProxyPass "/ws/" "ws://127.0.0.1:${backend.port}/ws/" timeout=1
</VirtualHost>
<VirtualHost *:82>
    ProxyWebsocketFallbackToProxyHttp Off
    RewriteEngine On
    RewriteCond %{HTTP:Upgrade} =websocket [NC]
    RewriteRule ^/ws/(.*) ws://127.0.0.1:${backend.port}/ws/$1 [P,L]
</VirtualHost>
`);
  try {
    const lines = lint(setup).map((f) => setup.text.slice(0, f.start).split('\n').length);
    assert.deepEqual(lines, [setup.text.split('\n').findIndex((l) => l.includes('ProxyPass "/ws/"')) + 1], 'only the line mod_proxy_http relays');
    const httpd = await startApache(setup);
    try {
      const [viaHttp, own, rewrite] = await Promise.all([tunnel(setup.port, '/ws/', 0, 9000), tunnel(setup.ports.get('81')!, '/ws/', 0, 9000), tunnel(setup.ports.get('82')!, '/ws/', 0, 9000)]);
      for (const r of [viaHttp, own, rewrite]) assert.equal(r.status, 'HTTP/1.1 101 Switching Protocols');
      assert.ok(viaHttp.closedAfterMs !== undefined && viaHttp.closedAfterMs < 3500, `through mod_proxy_http: ${viaHttp.closedAfterMs}`);
      assert.equal(own.closedAfterMs, undefined, 'mod_proxy_wstunnel relay: quiet tunnel open after 9 s with Timeout 2 and timeout=1');
      assert.equal(rewrite.closedAfterMs, undefined, 'mod_proxy_wstunnel relay (rewrite): quiet tunnel open after 9 s with Timeout 2');
    } finally {
      await httpd.stop();
    }
  } finally {
    await backend.stop();
    setup.cleanup();
  }
});

// A dead <Location> ws:// line (a later <Location> for the same path overrides it) whose worker a rewrite recipe lands
// on: mod_proxy looks the worker up by the rewrite's URL, so the quiet tunnel waits that worker's timeout=2, not the
// Timeout 1 around it, and a ProxyTimeout 4 changes nothing. The rule reports it once, at the worker's line, whose
// suggestion (timeout=3600 there) keeps the tunnel open; not a second time at the rewrite, whose advice (a longer
// ProxyTimeout) would not.
test(`${RULE}: a rewrite tunnel through a dead <Location>'s ws:// worker waits that worker's timeout=, and is reported once, at that line (real apache2)`, { timeout: 60_000 }, async () => {
  const backend = await silentUpgrader();
  const text = (proxyTimeout: string) => `Timeout 1
${proxyTimeout}<VirtualHost *:80>
    RewriteEngine On
    RewriteCond %{HTTP:Upgrade} =websocket [NC]
    RewriteRule ^/ws/(.*) ws://127.0.0.1:${backend.port}/ws/$1 [P,L]
    <Location "/ws/">
        ProxyPass "ws://127.0.0.1:${backend.port}/ws/" timeout=2
    </Location>
    <Location "/ws/">
        ProxyPass "http://127.0.0.1:${backend.port}/plain/"
    </Location>
</VirtualHost>
`;
  const closedAfter = async (setup: ApacheSetup) => {
    const httpd = await startApache(setup);
    try {
      const r = await tunnel(setup.port, '/ws/', 0, 5000);
      assert.equal(r.status, 'HTTP/1.1 101 Switching Protocols');
      return r.closedAfterMs;
    } finally {
      await httpd.stop();
    }
  };
  const plain = await prepareApache(text(''));
  const longer = await prepareApache(text('ProxyTimeout 4\n'));
  try {
    for (const setup of [plain, longer]) {
      const ms = await closedAfter(setup);
      assert.ok(ms !== undefined && ms >= 1800 && ms < 3500, `the dead line's timeout=2 (${setup === plain ? 'no ProxyTimeout' : 'ProxyTimeout 4'}): ${ms}`);
    }
    const findings = lint(plain);
    const lineOf = (at: number) => plain.text.slice(0, at).split('\n')[plain.text.slice(0, at).split('\n').length - 1];
    assert.deepEqual(findings.map((f) => lineOf(f.start).trim().split(' ')[0]), ['ProxyPass'], findings.map((f) => f.message).join('\n'));
    assert.match(plain.text.split('\n')[plain.text.slice(0, findings[0].start).split('\n').length - 1], /timeout=2/);
    rewriteApache(plain, applyEdits(plain.text, findings[0].suggestions[0].edits).text);
    assert.match(plain.text, /ws\/" timeout=3600/);
    assert.equal(await closedAfter(plain), undefined, 'quiet rewrite tunnel open after 5 s with the suggested timeout=3600');
  } finally {
    await backend.stop();
    plain.cleanup();
    longer.cleanup();
  }
});

// Two lines, one worker: the /live/ line's URL starts with the /ws/ line's worker name, so httpd uses that worker for it
// (AH01145) and ignores its own timeout=5 (AH01146). Both tunnels wait the first line's timeout=2, and its suggested
// timeout=3600 keeps both open: one finding, at that line, with the other as related information.
test(`${RULE}: lines that share a ws:// worker wait its timeout= and are reported once, at the line that defines it (real apache2)`, { timeout: 60_000 }, async () => {
  const backend = await silentUpgrader();
  const setup = await prepareApache(`Timeout 1
<VirtualHost *:80>
    ProxyPass "/ws/" "ws://127.0.0.1:${backend.port}/ws/" timeout=2
    ProxyPass "/live/" "ws://127.0.0.1:${backend.port}/ws/live/" timeout=5
</VirtualHost>
`);
  const closedAfter = async () => {
    const httpd = await startApache(setup);
    try {
      const runs = await Promise.all([tunnel(setup.port, '/ws/', 0, 5000), tunnel(setup.port, '/live/', 0, 5000)]);
      for (const r of runs) assert.equal(r.status, 'HTTP/1.1 101 Switching Protocols');
      return runs.map((r) => r.closedAfterMs);
    } finally {
      await httpd.stop();
    }
  };
  try {
    for (const ms of await closedAfter()) assert.ok(ms !== undefined && ms >= 1800 && ms < 3500, `the shared worker's timeout=2: ${ms}`);
    const findings = lint(setup);
    const lineText = (at: number) => setup.text.split('\n')[setup.text.slice(0, at).split('\n').length - 1];
    assert.equal(findings.length, 1, findings.map((f) => f.message).join('\n'));
    assert.match(lineText(findings[0].start), /"\/ws\/".*timeout=2/);
    assert.deepEqual(findings[0].related.map((r) => lineText(r.start).trim().split(' ')[1]), ['"/live/"']);
    rewriteApache(setup, applyEdits(setup.text, findings[0].suggestions[0].edits).text);
    assert.match(setup.text, /ws\/" timeout=3600/);
    assert.deepEqual(await closedAfter(), [undefined, undefined], 'both quiet tunnels open after 5 s with the suggested timeout=3600');
    assert.deepEqual(lint(setup), []);
  } finally {
    await backend.stop();
    setup.cleanup();
  }
});

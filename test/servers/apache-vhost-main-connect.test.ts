// A virtual host's ProxyPass whose worker name is also a main-server ProxyPass's: its requests go through the main
// server's worker (the first of equal names in the virtual host's list, see apache-vhost-main-worker.test.ts), so their
// connect wait is that worker's connectiontimeout=, or else its timeout=, or else the virtual host's ProxyTimeout. This
// sends a request to a backend whose handshake never completes and checks what no-connectiontimeout says of the line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startBlackhole } from './standins/blackhole';

requireBinary('apache2');

interface Case {
  name: string;
  main: (b: string) => string;
  vhostTimeout: number;
  /** How long httpd waited for the handshake before its 503, in seconds (measured: within 0.9 s of it). */
  waits: number;
  /** Whether no-connectiontimeout (maxSeconds 2) reports the virtual host's line, and what its message must say. */
  reported: RegExp | null;
}

const CASES: Case[] = [
  {
    // The virtual host's own reading (its ProxyTimeout 4) would report it; the main server's worker gives up after 1 s.
    name: 'the main server\'s worker has connectiontimeout=1',
    main: (b) => `ProxyPass "/m/" "http://${b}/" connectiontimeout=1`,
    vhostTimeout: 4,
    waits: 1,
    reported: null,
  },
  {
    // The virtual host's own reading (ProxyTimeout 1) is short; its requests wait the main worker's timeout=3.
    name: 'the main server\'s worker has timeout=3 and no connectiontimeout',
    main: (b) => `ProxyPass "/m/" "http://${b}/" timeout=3`,
    vhostTimeout: 1,
    waits: 3,
    reported: /the main server's worker of line \d+\b.*up to 3 s \(timeout=3\)/,
  },
];

test('a virtual host\'s line whose requests use the main server\'s worker of the same name: the connect wait is that worker\'s (real apache2)', { timeout: 120_000 }, async () => {
  const hole = await startBlackhole(60_000);
  try {
    for (const c of CASES) {
      const b = hole.address;
      const text = ['Timeout 10', c.main(b), 'Listen 8001', '<VirtualHost *:8001>', '    ServerName v.test', `    ProxyTimeout ${c.vhostTimeout}`, `    ProxyPass "/v/" "http://${b}/"`, '</VirtualHost>', ''].join('\n');
      const setup = await prepareApache(text);
      const httpd = await startApache(setup);
      try {
        const r = await request({ port: setup.ports.get('8001')!, path: '/v/x', timeoutMs: 15_000 });
        assert.equal(r.status, 503, `${c.name}: ${r.status} after ${r.ms} ms\n${httpd.errorLog()}`);
        assert.ok(Math.abs(r.ms - c.waits * 1000) < 900, `${c.name}: 503 after ${r.ms} ms, expected about ${c.waits} s`);
        const settings = defaultSettings();
        settings.rules.set('no-connectiontimeout', { level: 'warning', options: { maxSeconds: 2 } });
        const result = lintApache(setup.confPath, setup.text, createNodeHost(), { settings });
        const at = setup.text.indexOf('ProxyPass "/v/"');
        const found = result.findings.filter((f) => f.ruleId === 'no-connectiontimeout' && f.start >= at && f.start < setup.text.indexOf('\n', at));
        if (c.reported === null) assert.deepEqual(found.map((f) => f.message), [], c.name);
        else {
          assert.equal(found.length, 1, `${c.name}: ${found.map((f) => f.message).join('\n')}`);
          assert.match(found[0].message, c.reported, c.name);
        }
      } finally {
        await httpd.stop();
        setup.cleanup();
      }
    }
  } finally {
    await hole.stop();
  }
});

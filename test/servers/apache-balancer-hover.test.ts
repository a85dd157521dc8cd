// What the hover on a balancer:// name says happens when no member is usable, checked against the real apache2
// (2.4.71): members all disabled or stopped answer 503 at once with AH01170; members that refuse connections are tried
// again by the next request while forcerecovery is On (503 after AH00957, no AH01170) and not with forcerecovery=Off
// (503 and AH01170 alone); a hot standby takes over from a disabled member; a balancer without members answers 503
// with AH01171.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheHover } from '../../server/src/core/features/apache';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { assertPlaceLink, memHost, readable, requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { refusedPort, startHttpStandin } from './standins/http';

requireBinary('apache2');

const settle = () => new Promise((res) => setTimeout(res, 150)); // the error log lines follow the response

test('hover on a balancer says what httpd answers when no member is usable, as httpd does (real httpd)', async () => {
  const ok = await startHttpStandin({ behaviour: 'ok', deadlineMs: 60_000 });
  const [r1, r2] = [await refusedPort(), await refusedPort()];
  const text = `<Proxy balancer://dead>
    BalancerMember http://${ok.address} status=+D
    BalancerMember http://${ok.address}/x status=S
</Proxy>
<Proxy balancer://down>
    BalancerMember http://${r1.address}
    BalancerMember http://${r2.address}
</Proxy>
<Proxy balancer://downoff>
    BalancerMember http://${r1.address}
    BalancerMember http://${r2.address}
    ProxySet forcerecovery=Off
</Proxy>
<Proxy balancer://standby>
    BalancerMember http://${r1.address} status=+D
    BalancerMember http://${ok.address} status=+H
</Proxy>
ProxyPass /dead balancer://dead
ProxyPass /down balancer://down
ProxyPass /off balancer://downoff
ProxyPass /standby balancer://standby
ProxyPass /empty balancer://empty
`;
  const path = '/c/httpd.conf';
  const lint = lintApache(path, text, memHost({ [path]: text }), { settings: defaultSettings() });
  const card = (url: string) => readable(apacheHover(lint, path, text.indexOf(`${url}\n`, text.indexOf('ProxyPass /')) + 3)?.markdown ?? '');
  const setup = await prepareApache(text);
  const httpd = await startApache(setup);
  let seen = 0;
  /** A request, and the error-log lines written for it. */
  const get = async (p: string) => {
    const r = await request({ port: setup.port, path: p, timeoutMs: 8000 });
    await settle();
    const log = httpd.errorLog();
    const lines = log.slice(seen);
    seen = log.length;
    return { status: r.status, lines };
  };
  try {
    const dead = await get('/dead');
    assert.equal(dead.status, 503);
    assert.match(dead.lines, /AH01170: balancer:\/\/dead: All workers are in error state/);
    assert.match(card('balancer://dead'), /No member is usable as written.*\*\*503\*\* at once, logged as `AH01170/);

    await get('/down');
    const again = await get('/down');
    assert.equal(again.status, 503);
    assert.match(again.lines, /AH00957/);
    assert.doesNotMatch(again.lines, /AH01170/);
    assert.match(card('balancer://down'), /forcerecovery \(On by default\) makes the next request try them all again: .*\*\*503\*\* after its own failed attempts \(`AH00957`, `AH01114`\), not `AH01170`/);

    await get('/off');
    const off = await get('/off');
    assert.equal(off.status, 503);
    assert.match(off.lines, /AH01170: balancer:\/\/downoff: All workers are in error state/);
    assert.doesNotMatch(off.lines, /AH00957/);
    assert.match(card('balancer://downoff'), /`forcerecovery=Off` \(line 12\) keeps them out .* \*\*503\*\* at once with `AH01170/);

    const standby = await get('/standby');
    assert.equal(standby.status, 200);
    assert.doesNotMatch(card('balancer://standby'), /No member is usable as written/);
    assert.match(card('balancer://standby'), /hot standby, used only when no other member is usable/);

    const empty = await get('/empty');
    assert.equal(empty.status, 503);
    assert.match(empty.lines, /AH01171: balancer:\/\/empty: No workers in balancer/);
    assert.match(card('balancer://empty'), /\*\*No members\*\* in the configuration: every request here gets \*\*503\*\* \(`AH01171/);
  } finally {
    await httpd.stop();
    setup.cleanup();
    await Promise.all([ok.stop(), r1.stop(), r2.stop()]);
  }
});

test('hover on a BalancerMember line names its balancer and gives retry, loadfactor and status as httpd uses them (real httpd)', async () => {
  const [r1, r2] = [await refusedPort(), await refusedPort()];
  const text = `<Proxy balancer://pool>
    BalancerMember http://${r1.address} retry=5 loadfactor=3
    BalancerMember http://${r2.address}
</Proxy>
ProxyPass /app balancer://pool
`;
  const path = '/c/httpd.conf';
  const lint = lintApache(path, text, memHost({ [path]: text }), { settings: defaultSettings() });
  const hoverOn = (needle: string) => apacheHover(lint, path, text.indexOf(needle) + 2)?.markdown ?? '';
  const first = readable(hoverOn(`BalancerMember http://${r1.address}`));
  const second = readable(hoverOn(`BalancerMember http://${r2.address}`));
  assert.match(first, /^\*\*Member 1 of 2 of `balancer:\/\/pool`\*\*, `<Proxy>` at `httpd\.conf:1`\. Used by `ProxyPass \/app` \(line 5\)\./, first);
  assertPlaceLink(hoverOn(`BalancerMember http://${r1.address}`), 'line 5', path, 5);
  assert.match(first, /- \*\*retry:\*\* 5 s \(`retry=5`\)/, first);
  assert.match(first, /- \*\*loadfactor:\*\* 3 \(`loadfactor=3`\) of 4 across the 2 members/, first);
  assert.match(second, /- \*\*retry:\*\* 60 s \(default\)/, second);
  assert.match(second, /- \*\*loadfactor:\*\* 1 \(default\)/, second);
  assert.match(second, /- \*\*status:\*\* usable \(default\)/, second);
  // httpd agrees: each member that refuses the connect is left out for its retry= time, the default 60 s, and the
  // client gets 503 (the balancer-manager shows their load factors as 3.00 and 1.00, the default 1).
  const setup = await prepareApache(text);
  const httpd = await startApache(setup);
  try {
    for (let i = 0; i < 2; i++) assert.equal((await request({ port: setup.port, path: '/app', timeoutMs: 8000 })).status, 503);
    await settle();
    const log = httpd.errorLog();
    assert.match(log, new RegExp(`AH00959: ap_proxy_connect_backend disabling worker for \\(${r1.address.replace(/\./g, '\\.')}\\) for 5s`), log);
    assert.match(log, new RegExp(`AH00959: ap_proxy_connect_backend disabling worker for \\(${r2.address.replace(/\./g, '\\.')}\\) for 60s`), log);
  } finally {
    await httpd.stop();
    await Promise.all([r1.stop(), r2.stop()]);
  }
});

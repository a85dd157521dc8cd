import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheHover } from '../../server/src/core/features/apache';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { memHost } from '../helpers';

const PATH = '/c/app.conf';

/** Hover markdown on the `nth` occurrence (0-based) of `needle` in `text`, one character in. */
function hoverAt(text: string, needle: string, nth = 0): string {
  const r = lintApache(PATH, text, memHost({ [PATH]: text }), { settings: defaultSettings() });
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} #${nth}`);
  return apacheHover(r, PATH, at + 1)?.markdown ?? '';
}

const BALANCER_TIMEOUT = /wait for a free member/;
const WORKER_TIMEOUT = /This backend's I\/O timeout/;

test('timeout= on a balancer is the wait for a free member, on a worker the backend I/O timeout', () => {
  const text = `<Proxy balancer://pool>
    BalancerMember http://127.0.0.1:19101 timeout=7
    ProxySet timeout=5 lbmethod=byrequests
</Proxy>
<Proxy http://127.0.0.1:19102>
    ProxySet timeout=9
</Proxy>
ProxySet balancer://pool timeout=4
ProxyPass /x balancer://pool/ timeout=3
ProxyPassMatch ^/y(.*)$ balancer://pool/$1 timeout=2
ProxyPass /z http://127.0.0.1:19102/ timeout=8
<Location /w>
    ProxyPass balancer://pool/ timeout=6
</Location>
`;
  const balancer = ['timeout=5', 'timeout=4', 'timeout=3', 'timeout=2', 'timeout=6'];
  for (const needle of balancer) {
    const md = hoverAt(text, needle);
    assert.match(md, BALANCER_TIMEOUT, `${needle}: balancer doc expected\n${md}`);
    assert.doesNotMatch(md, WORKER_TIMEOUT, `${needle}: worker doc shown`);
  }
  for (const needle of ['timeout=7', 'timeout=9', 'timeout=8']) {
    const md = hoverAt(text, needle);
    assert.match(md, WORKER_TIMEOUT, `${needle}: worker doc expected\n${md}`);
    assert.doesNotMatch(md, BALANCER_TIMEOUT, `${needle}: balancer doc shown`);
  }
  // Keys only a balancer has still resolve wherever they are written.
  assert.match(hoverAt(text, 'lbmethod='), /Scheduling method of the balancer/);
});

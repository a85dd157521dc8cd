// Hover on a balancer:// name in Apache files: the members the line's server uses, where each is defined, the values
// that decide 502/503/504 for it, and what httpd does when none is usable (as nginx's hover on an upstream name).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheHover } from '../../server/src/core/features/apache';
import { lintApache } from '../../server/src/core/lint-apache';
import { defaultSettings } from '../../server/src/core/settings';
import { assertPlaceLink, memHost, readable } from '../helpers';

const PATH = '/c/httpd.conf';

/** Hover on the `nth` occurrence of `needle`, `into` characters in. */
/** `markdown` as a reader sees it (links to config lines shown as their labels), `raw` with the links' targets. */
function hover(files: Record<string, string>, needle: string, nth = 0, into = 1): { markdown: string; raw: string; hovered: string } {
  const text = files[PATH];
  const r = lintApache(PATH, text, memHost(files), { settings: defaultSettings() });
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, needle);
  const h = apacheHover(r, PATH, at + into);
  return { markdown: readable(h?.markdown ?? ''), raw: h?.markdown ?? '', hovered: h ? text.slice(h.start, h.end) : '' };
}

const MAIN = `Timeout 90
ProxyTimeout 30
<Proxy balancer://pool>
    BalancerMember http://10.0.0.1:8080 connectiontimeout=2
    BalancerMember http://10.0.0.2:8080 timeout=5 retry=10 status=+H
    ProxySet lbmethod=bybusyness
</Proxy>
Include conf/more-members.conf
ProxyPass /app/ balancer://pool/
`;
const MORE = 'BalancerMember balancer://pool http://10.0.0.3:8080 status=D\n';

test('hover on the balancer:// URL of a ProxyPass lists the members with where each is defined and its timeout, connectiontimeout, retry and status', () => {
  const { markdown, raw, hovered } = hover({ [PATH]: MAIN, '/c/conf/more-members.conf': MORE }, 'balancer://pool/', 0, 3);
  assert.equal(hovered, 'balancer://pool/');
  // Each place is a link to its file and line.
  assertPlaceLink(raw, '`httpd.conf:3`', PATH, 3);
  assertPlaceLink(raw, '`httpd.conf:4`', PATH, 4);
  assertPlaceLink(raw, 'line 2', PATH, 2);
  assertPlaceLink(raw, '`conf/more-members.conf:1`', '/c/conf/more-members.conf', 1);
  assertPlaceLink(raw, 'line 6', PATH, 6);
  assert.match(markdown, /\*\*balancer:\/\/pool\*\*, `<Proxy>` at `httpd\.conf:3`/);
  assert.match(markdown, /\| `http:\/\/10\.0\.0\.1:8080` \| `httpd\.conf:4` \| 30 s \(ProxyTimeout 30, line 2\) \| 2 s \(connectiontimeout=2\) \| 60 s \(default\) \| usable \(default\) \|/);
  assert.match(markdown, /\| `http:\/\/10\.0\.0\.2:8080` \| `httpd\.conf:5` \| 5 s \(timeout=5\) \| 5 s \(timeout=5\) \| 10 s \(retry=10\) \| `status=\+H`: hot standby, used only when no other member is usable \|/);
  // A member defined in an included file, with its file:line relative to the hovered file.
  assert.match(markdown, /\| `http:\/\/10\.0\.0\.3:8080` \| `conf\/more-members\.conf:1` \| .* \| `status=D`: disabled, gets no requests \|/);
  assert.match(markdown, /3 members/);
  assert.match(markdown, /\*\*When no member is usable:\*\* the client gets \*\*503\*\*/);
  assert.match(markdown, /forcerecovery \(On by default\) makes the next request try them all again/);
  assert.match(markdown, /`AH01170: balancer:\/\/pool: All workers are in error state`/);
  assert.match(markdown, /Hot standby members/);
  assert.match(markdown, /\*\*Balancer settings:\*\* `lbmethod=bybusyness` \(line 6\)/);
  assert.match(markdown, /\(https:\/\/httpd\.apache\.org\/docs\/2\.4\/mod\/mod_proxy_balancer\.html\)/);
  // The card alone, as on an nginx upstream name: not the ProxyPass documentation.
  assert.doesNotMatch(markdown, /Maps a local URL path/);
});

test('hover on the ProxyPass name of a line to a balancer shows the card above the directive documentation', () => {
  const { markdown, hovered } = hover({ [PATH]: MAIN, '/c/conf/more-members.conf': MORE }, 'ProxyPass /app/');
  assert.equal(hovered, 'ProxyPass');
  assert.ok(markdown.indexOf('**balancer://pool**') >= 0 && markdown.indexOf('**balancer://pool**') < markdown.indexOf('Maps a local URL path'), markdown);
});

test('BalancerMember and ProxySet lines that name the balancer get the card too; ProxyPassMatch as well', () => {
  const files = { [PATH]: MAIN + 'ProxySet balancer://pool forcerecovery=Off timeout=4\nProxyPassMatch ^/m/(.*)$ balancer://pool/$1\n', '/c/conf/more-members.conf': MORE };
  for (const [needle, into] of [['ProxySet balancer', 2], ['balancer://pool forcerecovery', 3], ['ProxyPassMatch', 2], ['balancer://pool/$1', 3]] as const) {
    const { markdown, raw } = hover(files, needle, 0, into);
    assert.match(markdown, /\*\*balancer:\/\/pool\*\*/, needle);
    assertPlaceLink(raw, 'line 10', PATH, 10);
    assert.match(markdown, /`forcerecovery=Off` \(line 10\) keeps them out until their `retry=` has passed, so requests get \*\*503\*\* at once with `AH01170/, needle);
    assert.match(markdown, /With `timeout=4` on the balancer \(line 10\) such a request first waits up to 4 s/, needle);
  }
  // A BalancerMember that names its balancer, hovered in its own file.
  const r = lintApache(PATH, files[PATH], memHost(files), { settings: defaultSettings() });
  const member = apacheHover(r, '/c/conf/more-members.conf', MORE.indexOf('balancer://') + 3)!;
  assertPlaceLink(member.markdown, '`../httpd.conf:3`', PATH, 3);
  assertPlaceLink(member.markdown, '`more-members.conf:1`', '/c/conf/more-members.conf', 1);
  assert.match(readable(member.markdown), /\*\*balancer:\/\/pool\*\*, `<Proxy>` at `\.\.\/httpd\.conf:3`/);
  assert.match(readable(member.markdown), /\| `http:\/\/10\.0\.0\.3:8080` \| `more-members\.conf:1` \|/);
});

test('a virtual host\'s line uses the main server\'s balancer of the name before its own, unless it turns both inheritances off', () => {
  const text = `<Proxy balancer://pool>
    BalancerMember http://10.0.0.1:8080
</Proxy>
<VirtualHost *:80>
    ProxyTimeout 12
    <Proxy balancer://pool>
        BalancerMember http://10.0.0.9:8080
    </Proxy>
    ProxyPass /v/ balancer://pool/
</VirtualHost>
`;
  const { markdown, raw } = hover({ [PATH]: text }, 'balancer://pool/', 0, 3);
  assertPlaceLink(raw, '`httpd.conf:1`', PATH, 1);
  assertPlaceLink(raw, 'line 5', PATH, 5);
  assert.match(markdown, /\*\*balancer:\/\/pool\*\*, `<Proxy>` at `httpd\.conf:1` — the main server's, not this virtual host's own of the same name/);
  assert.match(markdown, /\| `http:\/\/10\.0\.0\.1:8080` \| `httpd\.conf:2` \| 12 s \(ProxyTimeout 12, line 5\) \|/);
  assert.doesNotMatch(markdown, /10\.0\.0\.9/);
  const off = text.replace('    ProxyTimeout 12\n', '    ProxyTimeout 12\n    BalancerInherit Off\n    ProxyPassInherit Off\n');
  const own = hover({ [PATH]: off }, 'balancer://pool/', 0, 3).markdown;
  assert.match(own, /\*\*balancer:\/\/pool\*\*, `<Proxy>` at `httpd\.conf:8`\n/);
  assert.match(own, /10\.0\.0\.9/);
  assert.doesNotMatch(own, /10\.0\.0\.1:/);
});

test('no member usable as written, and no member at all, say what httpd answers', () => {
  const dead = `<Proxy balancer://dead>
    BalancerMember http://10.0.0.1:8080 status=+D
    BalancerMember http://10.0.0.2:8080 status=S
</Proxy>
ProxyPass /d/ balancer://dead/
ProxyPass /e/ balancer://empty/
`;
  assert.match(hover({ [PATH]: dead }, 'balancer://dead/', 0, 3).markdown, /\*\*No member is usable as written\*\* \(each is disabled or stopped\): every request here gets \*\*503\*\* at once, logged as `AH01170: balancer:\/\/dead: All workers are in error state`/);
  assert.match(hover({ [PATH]: dead }, 'balancer://empty/', 0, 3).markdown, /\*\*No members\*\* in the configuration: every request here gets \*\*503\*\* \(`AH01171: balancer:\/\/empty: No workers in balancer`\)/);
  // Room for members added at run time (growth=): said, as the balancer-manager may add them.
  const growing = dead + '<Proxy balancer://empty>\n    ProxySet growth=4\n</Proxy>\n';
  assertPlaceLink(hover({ [PATH]: growing }, 'balancer://empty/', 0, 3).raw, 'line 8', PATH, 8);
  assert.match(hover({ [PATH]: growing }, 'balancer://empty/', 0, 3).markdown, /\*\*No members\*\* in the configuration \(`growth=4` on line 8 leaves room for members the balancer-manager adds at run time; until then\): every request here gets \*\*503\*\*/);
  // A hot standby is still usable: no "as written" verdict.
  assert.doesNotMatch(hover({ [PATH]: dead.replace('status=S', 'status=+H') }, 'balancer://dead/', 0, 3).markdown, /No member is usable as written/);
});

test('hover on a BalancerMember line: its balancer (section, or named on the line), the lines using it, retry, loadfactor and status with values or defaults', () => {
  const files = { [PATH]: MAIN, '/c/conf/more-members.conf': MORE };
  const second = hover(files, 'BalancerMember http://10.0.0.2', 0, 2);
  assert.equal(second.hovered, 'BalancerMember');
  assert.match(second.markdown, /^\*\*Member 2 of 3 of `balancer:\/\/pool`\*\*, `<Proxy>` at `httpd\.conf:3`\. Used by `ProxyPass \/app\/` \(line 9\)\./);
  assertPlaceLink(second.raw, '`httpd.conf:3`', PATH, 3);
  assertPlaceLink(second.raw, 'line 9', PATH, 9);
  assert.match(second.markdown, /- \*\*retry:\*\* 10 s \(`retry=10`\)/);
  assert.match(second.markdown, /- \*\*loadfactor:\*\* 1 \(default\) of 3 across the 3 members/);
  assert.match(second.markdown, /- \*\*status:\*\* `status=\+H`: hot standby, used only when no other member is usable/);
  // Its timeouts follow, as before.
  assert.match(second.markdown, /\*\*Backend timeout here:\*\* 5 s \(timeout=5\)/);
  const first = hover(files, 'BalancerMember http://10.0.0.1', 0, 2).markdown;
  assert.match(first, /- \*\*retry:\*\* 60 s \(default\)/);
  assert.match(first, /- \*\*status:\*\* usable \(default\)/);
  // A member that names its balancer on its own line, in another file.
  const r = lintApache(PATH, MAIN, memHost(files), { settings: defaultSettings() });
  const member = readable(apacheHover(r, '/c/conf/more-members.conf', 2)!.markdown);
  assert.match(member, /^\*\*Member 3 of 3 of `balancer:\/\/pool`\*\*, `<Proxy>` at `\.\.\/httpd\.conf:3`\. Used by `ProxyPass \/app\/` \(line 9 of httpd\.conf\)\./, member);
  assert.match(member, /- \*\*status:\*\* `status=D`: disabled, gets no requests/);
  // Written as a decimal, as httpd takes it (its balancer-manager shows 2.50).
  const decimal = hover({ [PATH]: '<Proxy balancer://p>\n    BalancerMember http://10.0.0.1:8080 loadfactor=2.5\n    BalancerMember http://10.0.0.2:8080\n</Proxy>\n' }, 'BalancerMember', 0, 2).markdown;
  assert.match(decimal, /- \*\*loadfactor:\*\* 2\.5 \(`loadfactor=2\.5`\) of 3\.5 across the 2 members/);
  // Without a <Proxy> section: the line that names the balancer.
  const named = hover({ [PATH]: 'BalancerMember balancer://solo http://10.0.0.1:8080 loadfactor=7\nProxyPass /s/ balancer://solo/\n' }, 'BalancerMember', 0, 2).markdown;
  assert.match(named, /^\*\*Member 1 of 1 of `balancer:\/\/solo`\*\*, named on this line\. Used by `ProxyPass \/s\/` \(line 2\)\./, named);
  assert.match(named, /- \*\*loadfactor:\*\* 7 \(`loadfactor=7`\) — its share/, named);
});

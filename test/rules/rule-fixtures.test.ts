import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { allRules, nginxRules } from '../../server/src/core/rules/index';
import { apacheTest, nginxTest, tempTree } from '../helpers';
import { applyRuleFixes, expectations, fixtureDir, lineOf, lintFixture } from './rule-harness';

/**
 * Findings a rule's safe fix may bring with it, because the fix makes the location what the other rule is about
 * (nginx and Apache alike).
 * websocket-headers-missing: once the Upgrade headers go through, the location is a WebSocket proxy, and its default
 * 60 s read timeout drops idle sockets (long-lived-location-default-timeout); how long to allow is the user's call.
 * Any other new finding after --fix is a fix that trades one finding for another (connect-timeout-above-os-limit's
 * 75s used to leave connect-timeout-above-read-timeout behind wherever the read timeout was nginx's default 60s).
 */
const FIX_REVEALS: Record<string, string[]> = {
  'websocket-headers-missing': ['long-lived-location-default-timeout'],
  // Apache: each fix makes httpd read a line it refused or ignored, and the line is then judged like any other.
  // With SSLProxyEngine On, httpd checks the backend certificate's name against the IP address in the URL.
  'https-backend-without-sslproxyengine': ['tls-backend-ip-name-check'],
  // A URL httpd can parse defines a worker, whose connect timeout is then the whole backend timeout.
  'invalid-backend-url': ['no-connectiontimeout'],
  // Inside its <Proxy balancer://…> section the member belongs to a balancer, which the balancer rules judge.
  'balancer-member-outside-balancer': ['balancer-member-without-health-check', 'balancer-without-failonstatus', 'no-connectiontimeout'],
  // "Timeout 120 # slow" stops httpd ("takes one argument"); moved off the line, the Timeout is in force, ProxyTimeout too.
  'inline-comment-is-argument': ['proxytimeout-inherits-timeout'],
};

// nginx rules (and the shared ones, with nginx fixtures under common/), then the Apache rules (fixtures under apache/).
for (const rule of [...nginxRules, ...allRules.filter((r) => r.server === 'apache')]) {
  const dir = fixtureDir(rule);
  test(`${rule.id}: bad.conf is flagged exactly on the lines marked "# expect:" (in it and the files it includes)`, () => {
    const path = join(dir, 'bad.conf');
    assert.ok(existsSync(path), `missing fixture ${path}`);
    const { findings, files } = lintFixture(path);
    const expected: string[] = [];
    const got: string[] = [];
    for (const f of files) {
      expected.push(...expectations(f.text).filter((e) => e.ruleId === rule.id).map((e) => `${relative(dir, f.path)}:${e.line}`));
      got.push(...findings.filter((x) => x.ruleId === rule.id && x.path === f.path).map((x) => `${relative(dir, f.path)}:${lineOf(f.text, x.start)}`));
    }
    assert.ok(expected.length > 0, 'bad.conf marks at least one line');
    assert.deepEqual(got.sort(), expected.sort(), findings.filter((f) => f.ruleId === rule.id).map((f) => `${relative(dir, f.path)}:${lineOf(files.find((x) => x.path === f.path)!.text, f.start)}: ${f.message}`).join('\n'));
  });

  test(`${rule.id}: ok.conf (false-positive guard) is not flagged`, () => {
    const path = join(dir, 'ok.conf');
    assert.ok(existsSync(path), `missing fixture ${path}`);
    const { findings } = lintFixture(path);
    assert.deepEqual(findings.filter((f) => f.ruleId === rule.id).map((f) => f.message), []);
  });

  const fixIn = join(dir, 'fix.conf');
  const hasFixes = existsSync(join(dir, 'bad.conf')) && lintFixture(join(dir, 'bad.conf')).findings.some((f) => f.ruleId === rule.id && f.fix);
  if (!hasFixes && !existsSync(fixIn)) continue;
  const server = rule.server === 'apache' ? 'apache2' : 'nginx';
  test(`${rule.id}: safe fixes turn fix.conf into fix.fixed.conf, which the real ${server} -t accepts`, () => {
    assert.ok(existsSync(fixIn), `the rule offers safe fixes in bad.conf, so ${fixIn} must exist`);
    const expected = readFileSync(join(dir, 'fix.fixed.conf'), 'utf8');
    const fixed = applyRuleFixes(fixIn, rule.id);
    assert.equal(fixed, expected);
    const before = lintFixture(fixIn).findings.filter((f) => f.ruleId === rule.id);
    assert.ok(before.some((f) => f.fix), 'fix.conf has at least one fixable finding');
    if (rule.server === 'apache') {
      const a = apacheTest(join(dir, 'fix.fixed.conf'));
      assert.ok(a.ok, `apache2 -t rejected the fixed config:\n${a.output}`);
      return;
    }
    const prefix = tempTree({});
    const t = nginxTest(prefix.dir, join(dir, 'fix.fixed.conf'));
    prefix.cleanup();
    assert.ok(t.ok, `nginx -t rejected the fixed config:\n${t.output}`);
  });

  test(`${rule.id}: its safe fixes leave no finding of another rule that fix.conf did not have`, () => {
    const count = (path: string) => {
      const by = new Map<string, number>();
      for (const f of lintFixture(path).findings) if (f.ruleId !== rule.id) by.set(f.ruleId, (by.get(f.ruleId) ?? 0) + 1);
      return by;
    };
    const before = count(fixIn);
    const gained = [...count(join(dir, 'fix.fixed.conf'))].filter(([id, n]) => n > (before.get(id) ?? 0) && !FIX_REVEALS[rule.id]?.includes(id));
    assert.deepEqual(gained.map(([id]) => id), []);
  });
}

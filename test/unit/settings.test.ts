import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readProjectConfig } from '../../server/src/core/settings';
import { allRuleIds, allRules, ruleOptionsOf } from '../../server/src/core/rules/index';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

test('project config: valid keys are read, paths resolved against the config folder', () => {
  const { settings, problems } = readProjectConfig(
    {
      nginx: { version: '1.22.1', edition: 'oss', pageSize: '8k', prefix: 'nginx', pathMap: { '/etc/nginx/': './nginx/' } },
      environment: { outerIdleTimeout: '60s' },
      rules: { 'syntax-error': 'warning', 'undefined-upstream': ['off', {}] },
      ignore: ['vendor/**'],
    },
    '/repo',
    allRuleIds(),
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(settings.nginx.version, [1, 22, 1]);
  assert.equal(settings.nginx.pageSize, 8192);
  assert.equal(settings.nginx.prefix, '/repo/nginx');
  assert.equal(settings.nginx.pathMap['/etc/nginx/'], '/repo/nginx');
  assert.equal(settings.environment.outerIdleTimeoutMs, 60_000);
  assert.equal(settings.rules.get('syntax-error')!.level, 'warning');
  assert.equal(settings.rules.get('undefined-upstream')!.level, 'off');
});

test('project config: every mistake is named, nothing throws', () => {
  const { problems } = readProjectConfig({ nginx: { version: 'new', edition: 'pro', extra: 1 }, rules: { 'no-such-rule': 'off', 'syntax-error': 'loud' }, bogus: true, ignore: 'x' }, '/', allRuleIds());
  assert.ok(problems.some((p) => p.includes('"bogus"')));
  assert.ok(problems.some((p) => p.includes('nginx.version')));
  assert.ok(problems.some((p) => p.includes('nginx.edition')));
  assert.ok(problems.some((p) => p.includes('nginx.extra')));
  assert.ok(problems.some((p) => p.includes('no-such-rule')));
  assert.ok(problems.some((p) => p.includes('rules.syntax-error')));
  assert.ok(problems.some((p) => p.includes('ignore')));
  assert.deepEqual(readProjectConfig([], '/', allRuleIds()).problems, ['the configuration must be a JSON object']);
});

test('project config: a rule level as a one-item array is accepted, as the schema allows; empty or longer arrays are named', () => {
  const ok = readProjectConfig({ rules: { 'read-timeout-too-low': ['error'] } }, '/', allRuleIds());
  assert.deepEqual(ok.problems, []);
  assert.equal(ok.settings.rules.get('read-timeout-too-low')!.level, 'error');
  assert.deepEqual(ok.settings.rules.get('read-timeout-too-low')!.options, {});
  for (const bad of [[], ['error', {}, {}]]) {
    const { problems } = readProjectConfig({ rules: { 'read-timeout-too-low': bad } }, '/', allRuleIds());
    assert.deepEqual(problems, ['rules.read-timeout-too-low: use "off", "info", "warning" or "error" (optionally as [level, {options}])'], JSON.stringify(bad));
  }
});

test('rule options are checked against the ones the rule declares: a wrong name or value is named, a good one read', () => {
  const read = (rules: Record<string, unknown>) => readProjectConfig({ rules }, '/', allRuleIds(), ruleOptionsOf);
  const good = read({
    'read-timeout-too-low': ['warning', { minimum: '1m 30s' }],
    'resolver-timeout-too-long': ['info', { maximum: 20 }],
    'unbounded-retries': ['warning', { minServers: 2, maxWaitSeconds: 0 }],
    'proxy-timeout-too-low': ['warning', {}],
  });
  assert.deepEqual(good.problems, []);
  assert.deepEqual(good.settings.rules.get('read-timeout-too-low')!.options, { minimum: '1m 30s' });
  assert.deepEqual(good.settings.rules.get('unbounded-retries')!.options, { minServers: 2, maxWaitSeconds: 0 });
  const problems = (rules: Record<string, unknown>) => read(rules).problems;
  assert.deepEqual(problems({ 'read-timeout-too-low': ['warning', { minimun: '10s' }] }), ['rules.read-timeout-too-low: unknown option "minimun" (expected "minimum")']);
  assert.deepEqual(problems({ 'unbounded-retries': ['warning', { maxWait: 30 }] }), ['rules.unbounded-retries: unknown option "maxWait" (expected "minServers" or "maxWaitSeconds")']);
  assert.deepEqual(problems({ 'single-server-upstream': ['warning', { minServers: 2 }] }), ['rules.single-server-upstream: this rule takes no options (got "minServers")']);
  assert.deepEqual(problems({ 'read-timeout-too-low': ['warning', { minimum: 'banana' }] }), ['rules.read-timeout-too-low: option "minimum" must be a number of seconds or an nginx time such as "10s" (got "banana")']);
  assert.deepEqual(problems({ 'read-timeout-too-low': ['warning', { minimum: -1 }] }), ['rules.read-timeout-too-low: option "minimum" must be a number of seconds of 0 or more']);
  assert.deepEqual(problems({ 'proxy-timeout-too-low': ['warning', { minSeconds: '5s' }] }), ['rules.proxy-timeout-too-low: option "minSeconds" must be a number of seconds']);
  assert.deepEqual(problems({ 'cached-error-responses': ['warning', { minTtl: '30' }] }), ['rules.cached-error-responses: option "minTtl" must be a number of seconds']);
  assert.deepEqual(problems({ 'unbounded-retries': ['warning', { minServers: 2.5 }] }), ['rules.unbounded-retries: option "minServers" must be a whole number of 1 or more']);
  assert.deepEqual(problems({ 'unbounded-retries': ['warning', { minServers: 0 }] }), ['rules.unbounded-retries: option "minServers" must be a whole number of 1 or more']);
  // A rule whose options are wrong is not configured at all (its level neither): the run stops on the problem.
  assert.equal(read({ 'read-timeout-too-low': ['off', { minimun: '10s' }] }).settings.rules.has('read-timeout-too-low'), false);
});

test('every option a rule reads is one it declares, and every one it declares it reads', () => {
  const RULES = join(__dirname, '../../server/src/core/rules');
  const sources = new Map<string, string>();
  for (const dir of ['nginx', 'apache', 'common']) for (const f of readdirSync(join(RULES, dir))) if (f.endsWith('.ts')) sources.set(`${dir}/${f}`, readFileSync(join(RULES, dir, f), 'utf8'));
  // The ways a rule reads an option: ctx.options.name, timeOption(ctx, 'name', …), minimumOption (read-timeout-too-low's "minimum").
  const readBy = (text: string) => new Set([
    ...[...text.matchAll(/ctx\.options\.(\w+)/g)].map((m) => m[1]),
    ...[...text.matchAll(/timeOption\(ctx, '(\w+)'/g)].map((m) => m[1]),
    ...(/minimumOption\(ctx\.options\)/.test(text) ? ['minimum'] : []),
  ]);
  let checked = 0;
  for (const rule of allRules) {
    const file = [...sources.keys()].find((k) => k.endsWith(`/${rule.id}.ts`));
    if (!file) continue;
    checked++;
    assert.deepEqual([...readBy(sources.get(file)!)].sort(), Object.keys(rule.options ?? {}).sort(), `${rule.id}: options read vs declared`);
  }
  assert.ok(checked > 100, `${checked} rules checked`);
});

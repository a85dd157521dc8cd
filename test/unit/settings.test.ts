import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readProjectConfig } from '../../server/src/core/settings';
import { allRuleIds } from '../../server/src/core/rules/index';

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

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rulesSetting, SCHEMA_PATH, schemaText, TIME_PATTERN } from '../../scripts/gen-schema';
import { parseNginxTime } from '../../server/src/core/model/units';
import { allRuleIds } from '../../server/src/core/rules/index';
import { readProjectConfig } from '../../server/src/core/settings';
import { ROOT } from '../helpers';

type Schema = Record<string, any>;

/** The draft-07 subset the generated schema uses; returns the paths that fail. */
function validate(s: Schema, v: unknown, at = '$'): string[] {
  const errs: string[] = [];
  const typeOf = (x: unknown) => (Array.isArray(x) ? 'array' : x === null ? 'null' : Number.isInteger(x) ? 'integer' : typeof x);
  if (s.type && ![s.type].flat().some((t: string) => t === typeOf(v) || (t === 'number' && typeof v === 'number'))) return [`${at}: expected ${s.type}`];
  if (s.enum && !s.enum.includes(v)) errs.push(`${at}: not one of ${s.enum.join(', ')}`);
  if (s.pattern && typeof v === 'string' && !new RegExp(s.pattern).test(v)) errs.push(`${at}: does not match ${s.pattern}`);
  if (s.oneOf && s.oneOf.filter((o: Schema) => validate(o, v, at).length === 0).length !== 1) errs.push(`${at}: matches no (or several) alternatives`);
  if (typeOf(v) === 'object' && (s.properties || s.additionalProperties !== undefined)) {
    for (const [k, x] of Object.entries(v as object)) {
      const sub = s.properties?.[k] ?? s.additionalProperties;
      if (sub === false) errs.push(`${at}.${k}: unknown key`);
      else if (sub && sub !== true) errs.push(...validate(sub, x, `${at}.${k}`));
    }
  }
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems) errs.push(`${at}: too few items`);
    v.forEach((x, i) => {
      const sub = Array.isArray(s.items) ? (s.items[i] ?? s.additionalItems) : s.items;
      if (sub === false) errs.push(`${at}[${i}]: too many items`);
      else if (sub && sub !== true) errs.push(...validate(sub, x, `${at}[${i}]`));
    });
  }
  return errs;
}

const committed = (): Schema => JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));

test('schemas/proxylintrc.schema.json is up to date (run "npm run docs:schema")', () => {
  assert.equal(readFileSync(SCHEMA_PATH, 'utf8'), schemaText());
});

test('the proxylint.rules setting in package.json lists the current rules (run "npm run docs:schema")', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.contributes.configuration.properties['proxylint.rules'], rulesSetting());
});

test('the schema names exactly the rule ids the config reader accepts', () => {
  assert.deepEqual(Object.keys(committed().properties.rules.properties).sort(), [...allRuleIds()].sort());
});

test("README's example .proxylintrc.json is valid against the schema and for the config reader", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'));
  const example = JSON.parse(/```json\n([\s\S]*?)```/.exec(section)![1]);
  assert.deepEqual(validate(committed(), example), []);
  const { problems } = readProjectConfig(example, '/repo', allRuleIds());
  assert.deepEqual(problems, []);
});

test('every key the schema offers is accepted by the config reader', () => {
  const sample = (s: Schema): unknown =>
    s.examples?.[0] ?? s.default ?? (s.enum ? s.enum[0] : [s.type].flat()[0] === 'object' ? {} : [s.type].flat()[0] === 'array' ? [] : '.');
  const config: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(committed().properties as Record<string, Schema>)) {
    if (key === 'rules') config.rules = Object.fromEntries(Object.keys(s.properties).map((id) => [id, ['warning', {}]]));
    else if (s.type === 'object' && s.properties) config[key] = Object.fromEntries(Object.entries(s.properties as Record<string, Schema>).map(([k, p]) => [k, sample(p)]));
    else config[key] = sample(s);
  }
  assert.deepEqual(validate(committed(), config), []);
  assert.deepEqual(readProjectConfig(config, '/repo', allRuleIds()).problems, []);
});

test('the schema rejects what the config reader rejects', () => {
  const bad = { nginx: { version: 'new', extra: 1 }, environment: { outerIdleTimeout: '1 minute' }, rules: { 'syntax-error': 'loud', 'no-such-rule': 'off' }, bogus: true };
  const errs = validate(committed(), bad);
  for (const at of ['$.nginx.version', '$.nginx.extra', '$.environment.outerIdleTimeout', '$.rules.syntax-error', '$.rules.no-such-rule', '$.bogus']) {
    assert.ok(errs.some((e) => e.startsWith(at + ':')), `${at} in ${JSON.stringify(errs)}`);
  }
  assert.equal(readProjectConfig(bad, '/repo', allRuleIds()).problems.length >= 5, true);
});

test('the schema takes a time exactly when the config reader does (parseNginxTime, milliseconds), short of the 64-bit limit', () => {
  const pattern = new RegExp(TIME_PATTERN);
  const parts = ['', '0', '1', '30', '500', 'y', 'M', 'w', 'd', 'h', 'm', 's', 'ms', ' ', '  ', '.', 'x'];
  const wrong: string[] = [];
  const check = (t: string) => {
    if (pattern.test(t) !== (parseNginxTime(t, 'msec') !== null)) wrong.push(JSON.stringify(t));
  };
  // Every string of up to four parts: 83,521 of them.
  for (const a of parts) for (const b of parts) for (const c of parts) for (const d of parts) check(a + b + c + d);
  for (const t of ['60s', '1m30s', '1h30', '500ms', '1m 30s', '5ms500', '1w2d3h4m5s6ms7', ' 7', '7 1', '1h5 ', '1mms']) check(t);
  assert.deepEqual(wrong.slice(0, 20), []);
});

test('the proxylint.rules setting takes what .proxylintrc.json takes: a level, or [level, {options}] for a rule with options', () => {
  const setting = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).contributes.configuration.properties['proxylint.rules'] as Schema;
  const value = { 'read-timeout-too-low': ['warning', { minimum: '1s' }], 'syntax-error': 'off' };
  assert.deepEqual(validate(setting, value), []);
  assert.deepEqual(readProjectConfig({ rules: value }, '/repo', allRuleIds()).problems, []);
  // An option the rule does not have is refused, as in .proxylintrc.json.
  assert.notDeepEqual(validate(setting, { 'read-timeout-too-low': ['warning', { minimun: '1s' }] }), []);
});

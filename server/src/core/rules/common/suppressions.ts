import type { RuleMeta } from '../rule';

/** Reported by the lint driver itself (see ../../suppress.ts), which owns the suppression comments. */
export const invalidSuppression: RuleMeta = {
  id: 'invalid-suppression',
  server: 'any',
  severity: 'warning',
  outcome: 'lint',
  summary: 'A suppression comment is malformed, names an unknown rule or one of the other server (an Apache rule in an nginx file), or gives no reason; it silences nothing.',
};

export const unusedSuppression: RuleMeta = {
  id: 'unused-suppression',
  server: 'any',
  severity: 'warning',
  outcome: 'lint',
  summary: 'A suppression comment silences nothing: the rule reports nothing on that line.',
};

import type { RuleMeta } from '../rule';

/** Reported by the lint driver when a rule throws, so one bug costs one rule's findings, not the whole run. */
export const internalError: RuleMeta = {
  id: 'internal-error',
  server: 'any',
  severity: 'error',
  outcome: 'lint',
  summary: 'A proxylint rule failed on this file; the other rules still ran. This is a proxylint bug.',
};

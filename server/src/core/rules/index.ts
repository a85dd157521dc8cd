import type { NginxRule, RuleMeta } from './rule';
import syntaxError from './common/syntax-error';
import includeNotFound from './common/include-not-found';
import includeUnreadable from './common/include-unreadable';
import includeCycle from './common/include-cycle';
import { invalidSuppression, unusedSuppression } from './common/suppressions';
import { internalError } from './common/internal-error';
import undefinedUpstream from './nginx/undefined-upstream';
import invalidUpstreamAddress from './nginx/invalid-upstream-address';
import passSchemeMismatch from './nginx/pass-scheme-mismatch';

export const nginxRules: NginxRule[] = [syntaxError, includeNotFound, includeUnreadable, includeCycle, undefinedUpstream, invalidUpstreamAddress, passSchemeMismatch];

/** Every rule id a user can configure or suppress, including the ones the driver reports itself. */
export const allRules: RuleMeta[] = [...nginxRules, invalidSuppression, unusedSuppression, internalError];

let ids: ReadonlySet<string> | undefined;
export function allRuleIds(): ReadonlySet<string> {
  return (ids ??= new Set(allRules.map((r) => r.id)));
}

export function ruleMeta(id: string): RuleMeta | undefined {
  return allRules.find((r) => r.id === id);
}

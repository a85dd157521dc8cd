import type { NginxRule, RuleMeta } from './rule';
import syntaxError from './common/syntax-error';
import includeNotFound from './common/include-not-found';
import includeUnreadable from './common/include-unreadable';
import includeCycle from './common/include-cycle';
import probableMissingSemicolon from './common/probable-missing-semicolon';
import { invalidSuppression, unusedSuppression } from './common/suppressions';
import { internalError } from './common/internal-error';
import { addressRules } from './families/addresses';
import { failoverRules } from './families/failover';
import { neighbourRules } from './families/neighbours';
import { timeoutRules } from './families/timeouts';

const commonRules: NginxRule[] = [syntaxError, probableMissingSemicolon, includeNotFound, includeUnreadable, includeCycle];

export const nginxRules: NginxRule[] = [...commonRules, ...timeoutRules, ...addressRules, ...failoverRules, ...neighbourRules];

/** Every rule id a user can configure or suppress, including the ones the driver reports itself. */
export const allRules: RuleMeta[] = [...nginxRules, invalidSuppression, unusedSuppression, internalError];

let ids: ReadonlySet<string> | undefined;
export function allRuleIds(): ReadonlySet<string> {
  return (ids ??= new Set(allRules.map((r) => r.id)));
}

export function ruleMeta(id: string): RuleMeta | undefined {
  return allRules.find((r) => r.id === id);
}

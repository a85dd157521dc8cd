import type { NginxRule, RuleMeta } from './rule';
import type { ApacheRule } from './apache-rule';
import { apacheOnlyRules, apacheRules } from './families/apache';
import syntaxError from './common/syntax-error';
import includeNotFound from './common/include-not-found';
import includeUnreadable from './common/include-unreadable';
import includeCycle from './common/include-cycle';
import probableMissingSemicolon from './common/probable-missing-semicolon';
import analysisLimit from './common/analysis-limit';
import utf8BomAtFileStart from './common/utf8-bom-at-file-start';
import utf16EncodedFile from './common/utf16-encoded-file';
import { invalidSuppression, unusedSuppression } from './common/suppressions';
import { internalError } from './common/internal-error';
import { addressRules } from './families/addresses';
import { failoverRules } from './families/failover';
import { neighbourRules } from './families/neighbours';
import { timeoutRules } from './families/timeouts';

const commonRules: NginxRule[] = [syntaxError, probableMissingSemicolon, includeNotFound, includeUnreadable, includeCycle, analysisLimit, utf8BomAtFileStart, utf16EncodedFile];

export const nginxRules: NginxRule[] = [...commonRules, ...timeoutRules, ...addressRules, ...failoverRules, ...neighbourRules];

/** Every rule id a user can configure or suppress, including the ones the driver reports itself. */
export const allRules: RuleMeta[] = [...nginxRules, ...apacheOnlyRules, invalidSuppression, unusedSuppression, internalError];

/** The rules the Apache driver runs (the shared syntax/include rules in their Apache form, then the Apache ones). */
export function getApacheRules(): ApacheRule[] {
  return apacheRules;
}

let ids: ReadonlySet<string> | undefined;
export function allRuleIds(): ReadonlySet<string> {
  return (ids ??= new Set(allRules.map((r) => r.id)));
}

/** The options rule `id` declares (RuleMeta.options), for readProjectConfig to check a configuration's against. */
export function ruleOptionsOf(id: string): RuleMeta['options'] {
  return ruleMeta(id)?.options;
}

export function ruleMeta(id: string): RuleMeta | undefined {
  return allRules.find((r) => r.id === id);
}

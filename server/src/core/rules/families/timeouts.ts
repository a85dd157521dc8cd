import type { NginxRule } from '../rule';
import connectTimeoutAboveOsLimit from '../nginx/connect-timeout-above-os-limit';
import readTimeoutTooLow from '../nginx/read-timeout-too-low';
import timeoutExceedsOuterIdleTimeout from '../nginx/timeout-exceeds-outer-idle-timeout';
import retryBudgetExceedsOuterTimeout from '../nginx/retry-budget-exceeds-outer-timeout';
import connectTimeoutAboveReadTimeout from '../nginx/connect-timeout-above-read-timeout';
import longLivedLocationDefaultTimeout from '../nginx/long-lived-location-default-timeout';
import resolverTimeoutTooLong from '../nginx/resolver-timeout-too-long';
import misreadTimeValue from '../nginx/misread-time-value';

/** Risky timeouts (connect, read, send, long-lived connections, resolver, the retry × timeout budget, times nginx reads otherwise than they look). */
export const timeoutRules: NginxRule[] = [
  connectTimeoutAboveOsLimit,
  readTimeoutTooLow,
  timeoutExceedsOuterIdleTimeout,
  retryBudgetExceedsOuterTimeout,
  connectTimeoutAboveReadTimeout,
  longLivedLocationDefaultTimeout,
  resolverTimeoutTooLong,
  misreadTimeValue,
];

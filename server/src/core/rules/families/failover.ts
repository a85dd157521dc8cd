import type { NginxRule } from '../rule';
import singleServerUpstream from '../nginx/single-server-upstream';
import maxFailsZero from '../nginx/max-fails-zero';
import noBackupServer from '../nginx/no-backup-server';
import allServersDown from '../nginx/all-servers-down';
import noPrimaryServer from '../nginx/no-primary-server';
import backupWithHashBalancing from '../nginx/backup-with-hash-balancing';
import healthCheckRequiresPlus from '../nginx/health-check-requires-plus';
import plusOnlyDirective from '../nginx/plus-only-directive';
import healthCheckWithoutZone from '../nginx/health-check-without-zone';
import failoverIgnores5xx from '../nginx/failover-ignores-5xx';
import unboundedRetries from '../nginx/unbounded-retries';
import nonIdempotentRetry from '../nginx/non-idempotent-retry';
import nextUpstreamOffWithSpareServers from '../nginx/next-upstream-off-with-spare-servers';
import unbufferedBodyDisablesRetry from '../nginx/unbuffered-body-disables-retry';

/** Missing health checks and failover: server groups, max_fails, backups, health_check, retries. */
export const failoverRules: NginxRule[] = [
  singleServerUpstream,
  maxFailsZero,
  noBackupServer,
  allServersDown,
  noPrimaryServer,
  backupWithHashBalancing,
  healthCheckRequiresPlus,
  plusOnlyDirective,
  healthCheckWithoutZone,
  failoverIgnores5xx,
  unboundedRetries,
  nonIdempotentRetry,
  nextUpstreamOffWithSpareServers,
  unbufferedBodyDisablesRetry,
];

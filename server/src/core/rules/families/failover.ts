import type { NginxRule } from '../rule';

/** Missing health checks and failover: server groups, max_fails, backups, health_check, retries. */
export const failoverRules: NginxRule[] = [];

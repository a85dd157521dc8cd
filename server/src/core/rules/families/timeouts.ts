import type { NginxRule } from '../rule';

/** Risky timeouts (connect, read, send, long-lived connections, resolver, the retry × timeout budget). */
export const timeoutRules: NginxRule[] = [];

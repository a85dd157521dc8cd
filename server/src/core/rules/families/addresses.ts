import type { NginxRule } from '../rule';
import undefinedUpstream from '../nginx/undefined-upstream';
import invalidUpstreamAddress from '../nginx/invalid-upstream-address';
import passSchemeMismatch from '../nginx/pass-scheme-mismatch';

/** Bad upstream addresses, schemes, DNS/resolver and TLS-to-upstream settings. */
export const addressRules: NginxRule[] = [undefinedUpstream, invalidUpstreamAddress, passSchemeMismatch];

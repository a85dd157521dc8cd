/** Host names that always mean this machine. */
const LOOPBACK_NAMES = new Set(['localhost', 'ip6-localhost', '::1']);

/**
 * Whether a connection to `host` reaches this machine itself (127.0.0.0/8, ::1, localhost). Accepts an IPv6
 * address in brackets as URLs write it ("[::1]").
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return LOOPBACK_NAMES.has(h) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

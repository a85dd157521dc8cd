import type { ApacheNode } from '../model/apache-tree';

/** Schemes whose backend connection goes through mod_ssl's proxy handshake (seen failing on 2.4.71 for both). */
export const TLS_SCHEMES = new Set(['https', 'wss']);

export const isOn = (n: ApacheNode | undefined): boolean => n !== undefined && /^on$/i.test(n.args[0] ?? '');
export const isOff = (n: ApacheNode | undefined): boolean => n !== undefined && /^off$/i.test(n.args[0] ?? '');

/**
 * Which check httpd (2.4.21 and later) makes of the backend certificate's name, from SSLProxyCheckPeerName and
 * SSLProxyCheckPeerCN: turning either off turns both off, except `SSLProxyCheckPeerName off` with
 * `SSLProxyCheckPeerCN on`, which keeps the old comparison with the certificate's common name. Seen on 2.4.71 with a
 * backend certificate for a host name, addressed by IP: 500 with neither set, with Name on (whatever CN), and with
 * Name off + CN on (AH02005 "Peer certificate CN mismatch"); 200 with Name off, or CN off, alone.
 */
export function nameCheck(name: ApacheNode | undefined, cn: ApacheNode | undefined): 'name' | 'cn' | undefined {
  if (isOn(name)) return 'name';
  if (isOff(name)) return isOn(cn) ? 'cn' : undefined;
  return isOff(cn) ? undefined : 'name';
}

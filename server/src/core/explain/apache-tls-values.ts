/**
 * For an httpd line about the TLS handshake with a backend, placed at a worker that speaks TLS: the settings that
 * decide the handshake's checks and the name sent, as they are in force for the worker's requests. mod_ssl checks the
 * backend certificate's name when SSLProxyCheckPeerName is on (the default, even with SSLProxyVerify none), verifies its
 * chain when SSLProxyVerify is require or optional, and the name checked and sent as SNI is the client's Host with
 * ProxyPreserveHost On, else the URL's host (see tls-backend-ip-name-check and tls-backend-checked-against-client-host,
 * whose real-server tests show each on 2.4.71).
 *
 * A value is given only when it is the same for every server whose requests use the worker and no section proxylint
 * cannot place decides it; otherwise it is left out rather than guessed.
 */
import type { ProxyModel, ProxyPassRule, Worker } from '../model/apache-proxy';
import { virtualHostOf, type ApacheNode } from '../model/apache-tree';
import { isPreserveHostOn, preserveHostFor, rulesOfWorker } from '../model/apache-preserve-host';
import { nameCheck } from '../rules/apache-tls-check';
import { serverName, type ApacheValue } from './apache-place';

const TLS_WORKER_SCHEMES = new Set(['https', 'wss', 'h2']);

/**
 * `lines`: every directive of the configuration (ProxyPreserveHost and the SSLProxy* lines in <Proxy> sections are
 * looked up among them); `rule`: the ProxyPass the line's path matched, when the lines named one.
 */
export function apacheTlsValues(proxy: ProxyModel, w: Worker, rule: ProxyPassRule | undefined, all: readonly ApacheNode[]): ApacheValue[] {
  if (!TLS_WORKER_SCHEMES.has(w.target.scheme) || w.target.socket !== undefined) return [];
  const servers = proxy.serversOf(w);
  const scopes = servers.length ? servers : [w.vhost];
  const sections = all.filter((n) => /^sslproxy(checkpeername|checkpeercn|verify)$/.test(n.lname) && n.parent && /^proxy(match)?$/.test(n.parent.lname));
  // A <Proxy> section (2.4.30+) that covers the worker's URL, or its balancer's section; a <ProxyMatch> is not matched
  // here, so one that sets the directive leaves the value unknown.
  const sectionFor = (lname: string): ApacheNode | undefined | null => {
    let found: ApacheNode | undefined;
    for (const n of sections) {
      if (n.lname !== lname) continue;
      const s = n.parent!;
      if (s.lname === 'proxymatch') return null;
      const prefix = (s.args[0] ?? '').replace(/\*+$/, '').toLowerCase();
      if (w.balancer?.section === s || (prefix !== '' && w.url.toLowerCase().startsWith(prefix))) found = n;
    }
    return found;
  };
  const same = <T>(xs: T[]): T | undefined => (xs.every((x) => x === xs[0]) ? xs[0] : undefined);
  const out: ApacheValue[] = [];
  // A section's line (<Proxy>, <Location>) is named by its section; a server-level one by its server.
  const where = (n: ApacheNode) => (n.parent && n.parent.lname !== 'virtualhost' ? `set in <${n.parent.name} ${n.parent.args.join(' ')}>` : `set in ${serverName(proxy, virtualHostOf(n))}`);

  // SSLProxyCheckPeerName (with the older SSLProxyCheckPeerCN, which can turn it off).
  const nameSection = sectionFor('sslproxycheckpeername');
  const cnSection = sectionFor('sslproxycheckpeercn');
  if (nameSection !== null && cnSection !== null) {
    const name = same(scopes.map((s) => nameSection ?? proxy.serverValue(s, 'sslproxycheckpeername')));
    const cn = same(scopes.map((s) => cnSection ?? proxy.serverValue(s, 'sslproxycheckpeercn')));
    if (name !== undefined || cn !== undefined || scopes.every((s) => !proxy.serverValue(s, 'sslproxycheckpeername') && !proxy.serverValue(s, 'sslproxycheckpeercn'))) {
      const check = nameCheck(name, cn);
      const value = check === 'name' ? 'on' : check === 'cn' ? 'off, with SSLProxyCheckPeerCN on (the common name is compared)' : 'off';
      const node = name ?? cn;
      out.push({ name: 'SSLProxyCheckPeerName', value, origin: node ? where(node) : 'the default (on, even with SSLProxyVerify none)', ...(node ? { node } : {}) });
    }
  }
  // SSLProxyVerify.
  const verifySection = sectionFor('sslproxyverify');
  if (verifySection !== null) {
    const node = verifySection ?? same(scopes.map((s) => proxy.serverValue(s, 'sslproxyverify')));
    if (node || scopes.every((s) => !proxy.serverValue(s, 'sslproxyverify'))) {
      out.push({ name: 'SSLProxyVerify', value: node ? node.args[0] ?? '' : 'none', origin: node ? where(node) : 'the default (the certificate chain is not verified)', ...(node ? { node } : {}) });
    }
  }
  // ProxyPreserveHost, for the ProxyPass the request went through (else every one that uses the worker).
  const rules = rule ? [rule] : rulesOfWorker(proxy, w);
  const preserve = rules.length ? scopes.flatMap((s) => rules.filter((r) => r.vhost === s || r.vhost === null).map((r) => preserveHostFor(proxy, all.filter((n) => n.lname === 'proxypreservehost'), r, s))) : [];
  const node = same(preserve.map((p) => p.node));
  if (preserve.length && preserve.every((p) => p.known) && (node !== undefined || preserve.every((p) => p.node === undefined))) {
    const on = isPreserveHostOn(node);
    const what = on ? 'the client\'s Host is the name sent as SNI and checked against the certificate' : `the URL's host, ${w.target.host}, is the name sent as SNI (none for an IP address) and checked against the certificate`;
    out.push({ name: 'ProxyPreserveHost', value: on ? 'On' : 'Off', origin: `${node ? where(node) : 'the default'}: ${what}`, ...(node ? { node } : {}) });
  }
  return out;
}


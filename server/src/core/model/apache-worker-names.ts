/**
 * Worker and balancer names as mod_proxy keeps them, and the lookup ProxySet does with them (httpd 2.4.71,
 * proxy_util.c: ap_proxy_define_worker_ex, ap_proxy_get_worker_ex, ap_proxy_de_socketfy, ap_proxy_get_balancer).
 * ProxySet outside a <Proxy> section changes an existing worker, so its URL must lead httpd to one; these functions
 * say which names a URL finds. Checked with `apache2 -t` in test/servers/apache-proxyset-lookup.test.ts.
 */

/**
 * Ports httpd leaves out of a worker's name: ap_proxy_port_of_scheme knows fcgi, ajp, scgi, h2c, h2, ws and wss,
 * then asks apr_uri_port_of_scheme (http, https, ftp, …). uwsgi is in neither: "uwsgi://h:3031" keeps its port.
 */
const DEFAULT_PORTS: Record<string, number> = {
  fcgi: 8000, ajp: 8009, scgi: 4000, h2c: 80, h2: 443, ws: 80, wss: 443,
  http: 80, https: 443, ftp: 21, ssh: 22, telnet: 23, gopher: 70, pop: 110, nntp: 119, imap: 143, prospero: 191,
  wais: 210, ldap: 389, rtsp: 554, snews: 563, acap: 674, nfs: 2049, tip: 3372, sip: 5060,
};

/** ap_str_tolower: ASCII letters only. */
const lower = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

/**
 * ap_proxy_de_socketfy: the URL after "unix:/path|" ("unix:/s|fcgi:" stands for "fcgi://localhost"); the URL itself
 * when it names no socket; undefined when the part after "|" has no ":" (httpd: 'uses an invalid "unix:" URL').
 */
export function deSocketfy(url: string): string | undefined {
  if (!/^unix:/i.test(url)) return url;
  const bar = url.indexOf('|', 5);
  if (bar < 0) return url;
  const rest = url.slice(bar + 1);
  const colon = rest.indexOf(':');
  if (colon < 0) return undefined;
  return colon === rest.length - 1 ? rest + '//localhost' : rest;
}

/**
 * The name ap_proxy_define_worker_ex gives the worker a ProxyPass URL defines: scheme and host in lower case, the
 * scheme's default port left out, user, path, query and fragment as written; over a UNIX socket, the URL after "|".
 * Undefined when httpd would not define it (the URL does not parse) or the name cannot be told here (a regex
 * worker with $1 in its port, which httpd moves into the path).
 */
export function workerName(url: string, match: boolean): string | undefined {
  let rest = url;
  let socket = false;
  if (/^unix:/i.test(url) && url.includes('|', 5)) {
    rest = url.slice(url.indexOf('|', 5) + 1);
    socket = true;
  }
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/?#]*))?(.*)$/s.exec(rest);
  if (!m) return undefined;
  const scheme = lower(m[1]);
  if (m[2] === undefined) return socket && m[3] === '' ? `${scheme}://localhost` : undefined;
  const at = m[2].lastIndexOf('@');
  const user = at < 0 ? '' : m[2].slice(0, at + 1);
  const hostport = m[2].slice(at + 1);
  const close = hostport.startsWith('[') ? hostport.indexOf(']') : -1;
  if (hostport.startsWith('[') && close < 0) return undefined;
  const colon = hostport.indexOf(':', close < 0 ? 0 : close);
  const host = colon < 0 ? hostport : hostport.slice(0, colon);
  const port = colon < 0 ? '' : hostport.slice(colon + 1);
  if (!host && !socket) return undefined;
  if (match && port.includes('$')) return undefined;
  if (port !== '' && !/^\d+$/.test(port)) return undefined;
  const n = port === '' ? 0 : parseInt(port, 10);
  const keepPort = n !== 0 && n !== DEFAULT_PORTS[scheme];
  return `${scheme}://${user}${lower(host || 'localhost')}${keepPort ? ':' + port : ''}${m[3]}`;
}

/** ap_proxy_strcmp_ematch: "$1"… in the name stands for any text; 0 = match. */
function ematch(str: string, expected: string, x = 0, y = 0): number {
  for (; y < expected.length; ++y, ++x) {
    if (expected[y] === '$' && /\d/.test(expected[y + 1] ?? '')) {
      do y += 2;
      while (expected[y] === '$' && /\d/.test(expected[y + 1] ?? ''));
      if (y >= expected.length) return 0;
      while (x < str.length) {
        const ret = ematch(str, expected, x++, y);
        if (ret !== 1) return ret;
      }
      return -1;
    } else if (x >= str.length) return -1;
    else if (expected[y] === '\\' && ++y >= expected.length) return -2;
    if (str[x] !== expected[y]) return 1;
  }
  return 0;
}

/**
 * Whether ap_proxy_get_worker_ex finds the worker `name` for `url` (a ProxySet URL): the URL is lower-cased up to
 * its path, and the name must be no longer than the URL, cover at least its scheme://host:port, and be a prefix of
 * it; a regex worker's name must match it with $1… as wildcards, and need not cover the host ("http://$1" finds
 * "http://backend.example/" on 2.4.71, though not "http://b"). So "http://h:8080" does not find "http://h:8080/",
 * and "http://h:80/" does not find "http://h/". A regex name with many wildcards, or a very long URL, is taken as
 * found.
 */
export function findsWorker(url: string, name: string, matchable: boolean): boolean {
  const head = lookupHost(url);
  if (head === undefined) return false;
  const copy = head + url.slice(head.length);
  if (name.length > url.length) return false;
  if (!matchable) return name.length >= head.length && copy.startsWith(name);
  // Each $n tries every rest of the URL: with more than two, or a long URL, the match could take very long.
  if ((name.match(/\$\d/g) ?? []).length > 2 || url.length > 2048) return true;
  return ematch(copy, name) === 0;
}

/**
 * The part of a lookup URL every name it finds starts with: scheme://host:port up to the path, lower-cased (a name
 * that covers it and is a prefix of the URL has exactly this before its own path). Undefined for no scheme://x URL.
 */
export function lookupHost(url: string): string | undefined {
  const c = url.indexOf(':');
  if (c < 0 || url[c + 1] !== '/' || url[c + 2] !== '/' || c + 3 >= url.length) return undefined;
  const slash = url.indexOf('/', c + 3);
  return lower(slash < 0 ? url : url.slice(0, slash));
}

/**
 * The key ap_proxy_get_balancer compares: "balancer://name" in lower case, without anything after the name; undefined
 * when there is no name ("balancer://"), which finds nothing.
 */
export function balancerKey(url: string): string | undefined {
  const c = url.indexOf(':');
  if (c < 0 || url[c + 1] !== '/' || url[c + 2] !== '/' || c + 3 >= url.length) return undefined;
  const slash = url.indexOf('/', c + 3);
  return lower(slash < 0 ? url : url.slice(0, slash));
}

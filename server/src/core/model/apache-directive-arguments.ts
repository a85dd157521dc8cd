/**
 * How httpd 2.4 reads the arguments of the proxy directives and their neighbours, from the "Syntax:" lines of
 * https://httpd.apache.org/docs/2.4/mod/ (mod_proxy, mod_proxy_*, mod_rewrite, mod_ssl, core). The help texts are
 * what apache2 -t prints after "takes one argument, " and the like; test/servers/apache-directive-arguments.test.ts
 * runs every entry, in a bad and a good form, through the real apache2 -t and compares.
 *
 * What httpd does with the words, by form (checked with apache2 -t here, which reports 2.4.68):
 * - flag (`On|Off`): the first word must be On or Off, in any case and with or without quotes; a missing or empty
 *   one, or any other word, stops httpd with "<Name> must be On or Off". Words after it are ignored.
 * - take (a fixed number of words, some optional): more words than the most, or an empty word ("") where one is
 *   required, stops httpd with "<Name> takes …, <help>". An empty word in an optional place counts as left out.
 * - list (one word or more): none, or an empty first one, stops httpd with "<Name> requires at least one argument, <help>".
 */
export type ArgumentForm =
  | { form: 'flag' }
  | { form: 'take'; min: number; max: number; help: string; keywords?: { values: string[]; says: string } }
  | { form: 'list'; help: string }
  /** ProxyErrorOverride since 2.4.47: On or Off, then status codes (a flag before). */
  | { form: 'switch'; help: string; says: string };

export interface DirectiveArguments {
  /** The name httpd prints in its messages (its own spelling: LimitRequestFieldsize). */
  name: string;
  /** The module that defines the directive ("core" for the ones always there). */
  module: string;
  args: ArgumentForm;
  /**
   * What the directive itself then checks in the words (a number's range, an option's name), once their count and
   * form are right: httpd's words and the reason, or undefined when it takes them. Only checks that stop apache2 -t
   * whatever the machine holds (no file, DNS or module lookups).
   */
  value?: (words: readonly string[]) => { says: string; why: string } | undefined;
}

/** httpd's words for each fixed count (config.c, by the command's kind): TAKE1, TAKE12, TAKE2, TAKE23, TAKE123. */
export function takesWords(min: number, max: number): string {
  if (min === 1 && max === 1) return 'takes one argument';
  if (min === 1 && max === 2) return 'takes 1-2 arguments';
  if (min === 2 && max === 2) return 'takes two arguments';
  if (min === 2 && max === 3) return 'takes two or three arguments';
  if (min === 1 && max === 3) return 'takes one, two or three arguments';
  return `takes ${min} to ${max} arguments`;
}

const TABLE = new Map<string, DirectiveArguments>();
const flag = (module: string, names: string) => names.split(/\s+/).filter(Boolean).forEach((name) => TABLE.set(name.toLowerCase(), { name, module, args: { form: 'flag' } }));
const take = (module: string, name: string, min: number, max: number, help: string, keywords?: { values: string[]; says: string }) =>
  TABLE.set(name.toLowerCase(), { name, module, args: { form: 'take', min, max, help, keywords } });
const list = (module: string, name: string, help: string) => TABLE.set(name.toLowerCase(), { name, module, args: { form: 'list', help } });

flag('proxy', 'ProxyPreserveHost ProxyRequests ProxyAddHeaders ProxyPassInherit ProxyPassInterpolateEnv BalancerPersist BalancerInherit Proxy100Continue');
take('proxy', 'ProxyVia', 1, 1, 'Configure Via: proxy header header to one of: on | off | block | full', { values: ['on', 'off', 'full', 'block'], says: 'ProxyVia must be one of: off | on | full | block' });
take('proxy', 'ProxyBadHeader', 1, 1, 'How to handle bad header line in response: IsError | Ignore | StartBody', { values: ['iserror', 'ignore', 'startbody'], says: 'ProxyBadHeader must be one of: IsError | Ignore | StartBody' });
take('proxy', 'ProxyStatus', 1, 1, 'Configure Status: proxy status to one of: on | off | full', { values: ['on', 'off', 'full'], says: 'ProxyStatus must be one of: off | on | full' });
TABLE.set('proxyerroroverride', {
  name: 'ProxyErrorOverride',
  module: 'proxy',
  args: { form: 'switch', help: "use our error handling pages instead of the servers' we are proxying", says: 'ProxyErrorOverride first parameter must be one of: off | on' },
});
take('proxy', 'ProxyIOBufferSize', 1, 1, 'IO buffer size for outgoing HTTP and FTP connections in bytes');
take('proxy', 'ProxyReceiveBufferSize', 1, 1, 'Receive buffer size for outgoing HTTP and FTP connections in bytes');
take('proxy', 'ProxyMaxForwards', 1, 1, 'The maximum number of proxies a request may be forwarded through.');
take('proxy', 'ProxySourceAddress', 1, 1, 'Configure local source IP used for request forward');
take('proxy', 'ProxyDomain', 1, 1, 'The default intranet domain name (in absence of a domain in the URL)');
take('proxy', 'BalancerGrowth', 1, 1, 'Number of additional Balancers that can be added post-config');
take('proxy', 'ProxyRemote', 2, 3, "a scheme, partial URL or '*' and a proxy server");
take('proxy', 'ProxyRemoteMatch', 2, 3, 'a regex pattern and a proxy server');
take('proxy', 'ProxyPassReverseCookieDomain', 2, 3, 'Domain rewrite rule for proxying cookies');
take('proxy', 'ProxyPassReverseCookiePath', 2, 3, 'Path rewrite rule for proxying cookies');
// Too few words on ProxyPassReverse are proxypass-missing-argument's; this table is used only for too many.
take('proxy', 'ProxyPassReverse', 1, 3, 'a virtual path and a URL for reverse proxy behaviour');
list('proxy', 'NoProxy', 'A list of domains, hosts, or subnets to which the proxy will connect directly');
list('proxy', 'ProxyBlock', 'A list of names, hosts or domains to which the proxy will not connect');
take('proxy_hcheck', 'ProxyHCTPsize', 1, 1, 'Set size of health check thread pool');
take('proxy_fcgi', 'ProxyFCGIBackendType', 1, 1, "Specify the type of FastCGI server: 'Generic', 'FPM'", { values: ['generic', 'fpm'], says: "ProxyFCGIBackendType requires one of the following arguments: 'GENERIC', 'FPM'" });
take('proxy_fcgi', 'ProxyFCGISetEnvIf', 2, 3, 'expr-condition env-name expr-value');
flag('proxy_wstunnel', 'ProxyWebsocketFallbackToProxyHttp');
take('proxy_ftp', 'ProxyFtpDirCharset', 1, 1, 'Define the character set for proxied FTP listings');
flag('proxy_ftp', 'ProxyFtpEscapeWildcards ProxyFtpListOnWildcard');
list('proxy_connect', 'AllowCONNECT', 'A list of ports or port ranges which CONNECT may connect to');
flag('proxy_express', 'ProxyExpressEnable');
take('proxy_express', 'ProxyExpressDBMFile', 1, 1, 'Location of ProxyExpressDBMFile file');
take('proxy_express', 'ProxyExpressDBMType', 1, 1, 'Type of ProxyExpressDBMFile file');
flag('proxy_html', 'ProxyHTMLEnable');
flag('rewrite', 'RewriteEngine');
list('rewrite', 'RewriteOptions', 'List of option strings to set');
take('rewrite', 'RewriteBase', 1, 1, 'the base URL of the per-directory context');
take('rewrite', 'RewriteMap', 2, 3, 'a mapname and a filename and options');
flag('core', 'KeepAlive');
take('core', 'MaxKeepAliveRequests', 1, 1, 'Maximum number of Keep-Alive requests per connection, or 0 for infinite');
take('core', 'LimitRequestBody', 1, 1, 'Limit (in bytes) on maximum size of request message body');
take('core', 'LimitRequestFields', 1, 1, 'Limit (0 = unlimited) on max number of header fields in a request message');
take('core', 'LimitRequestFieldsize', 1, 1, 'Limit on maximum size of an HTTP request header field');
take('core', 'LimitRequestLine', 1, 1, 'Limit on maximum size of an HTTP request line');
take('core', 'LimitXMLRequestBody', 1, 1, 'Limit (in bytes) on maximum size of an XML-based request body');
flag('ssl', 'SSLProxyEngine SSLProxyCheckPeerCN SSLProxyCheckPeerName SSLProxyCheckPeerExpire');
// "on" and "off" are accepted too (as require and none), though the docs list only the four names.
take('ssl', 'SSLProxyVerify', 1, 1, "SSL Proxy: whether to verify the remote certificate ('on' or 'off')");
take('ssl', 'SSLProxyVerifyDepth', 1, 1, "SSL Proxy: maximum certificate verification depth ('N' - number of intermediate certificates)");
take('ssl', 'SSLProxyCACertificateFile', 1, 1, "SSL Proxy: file containing server certificates ('/path/to/file' - PEM encoded certificates)");
take('ssl', 'SSLProxyCACertificatePath', 1, 1, "SSL Proxy: directory containing server certificates ('/path/to/dir' - contains PEM encoded certificates)");
take('ssl', 'SSLProxyCARevocationFile', 1, 1, "SSL Proxy: CA Certificate Revocation List (CRL) file ('/path/to/file' - PEM encoded)");
take('ssl', 'SSLProxyCARevocationPath', 1, 1, "SSL Proxy: CA Certificate Revocation List (CRL) path ('/path/to/dir' - contains PEM encoded files)");
take('ssl', 'SSLProxyMachineCertificateFile', 1, 1, "SSL Proxy: file containing client certificates ('/path/to/file' - PEM encoded certificates)");
take('ssl', 'SSLProxyMachineCertificatePath', 1, 1, "SSL Proxy: directory containing client certificates ('/path/to/dir' - contains PEM encoded certificates)");
take('ssl', 'SSLProxyMachineCertificateChainFile', 1, 1, "SSL Proxy: file containing issuing certificates of the client certificate (`/path/to/file' - PEM encoded certificates)");
take('ssl', 'SSLProxyCipherSuite', 1, 2, "SSL Proxy: colon-delimited list of permitted SSL ciphers , optionally preceded by protocol specifier ('XXX:...:XXX' - see manual)");

/**
 * C's strtol on a 64-bit Linux, which atoi and atol call: leading white space, a sign, then decimal digits, as far as
 * they go; a value out of range saturates (and sets ERANGE). `rest` is what follows the digits, or the whole text when
 * there are none.
 */
export function strtol(text: string): { value: bigint; rest: string; overflow: boolean } {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(text);
  if (!m) return { value: 0n, rest: text, overflow: false };
  const max = (1n << 63n) - 1n;
  // Past 20 digits it is out of range whatever they are (and a huge word stays cheap to read).
  const digits = m[2].replace(/^0+(?=\d)/, '');
  let value = digits.length > 20 ? 1n << 64n : BigInt(digits);
  if (m[1] === '-') value = -value;
  const overflow = value > max || value < -max - 1n;
  if (overflow) value = value > 0n ? max : -max - 1n;
  return { value, rest: text.slice(m[0].length), overflow };
}
/** atoi: strtol's value cut to an int (the low 32 bits, as the cast does), so 2147483648 is negative. */
const atoi = (w: string) => BigInt.asIntN(32, strtol(w).value);
const atol = (w: string) => strtol(w).value;
const shownWord = (w: string) => `"${w.length > 40 ? w.slice(0, 40) + '…' : w}"`;
/** The value as the reason names it, with what httpd made of it when that differs: "abc" reads as 0, 2147483648 wraps. */
function readsAs(w: string, n: bigint): string {
  if (!/^[ \t]*[+-]?\d+$/.test(w)) return `${shownWord(w)} (not a whole number: httpd reads the digits it starts with, here ${n})`;
  return BigInt(w.trim()) === n ? `${n}` : `${w.trim()} (too large for the number httpd keeps: it reads as ${n})`;
}
const valueOf = (name: string, check: DirectiveArguments['value']) => {
  const e = TABLE.get(name.toLowerCase());
  if (e) e.value = check;
};

// Numbers, as each directive reads them (mod_proxy.c, mod_proxy_hcheck.c, core.c, ssl_engine_config.c); every bad and
// good value here was tried on apache2 -t 2.4.68 (test/servers/apache-directive-arguments.test.ts).
const bufferSize = (name: string, read: (w: string) => bigint) => (w: readonly string[]) => {
  const n = read(w[0]);
  return n < 512n && n !== 0n ? { says: `${name} must be >= 512 bytes, or 0 for system default.`, why: `${readsAs(w[0], n)} is neither 0 nor at least 512` } : undefined;
};
valueOf('ProxyIOBufferSize', bufferSize('ProxyIOBufferSize', atol));
valueOf('ProxyReceiveBufferSize', bufferSize('ProxyReceiveBufferSize', atoi));
valueOf('BalancerGrowth', (w) => {
  const n = atoi(w[0]);
  return n < 0n || n > 1000n ? { says: 'BalancerGrowth must be between 0 and 1000', why: `${readsAs(w[0], n)} is outside 0 to 1000` } : undefined;
});
valueOf('ProxyHCTPsize', (w) => {
  const n = atoi(w[0]);
  return n < 0n ? { says: 'Invalid ProxyHCTPsize parameter. Parameter must be >= 0', why: `${readsAs(w[0], n)} is below 0` } : undefined;
});
valueOf('LimitRequestBody', (w) => {
  // apr_strtoff: out of range is "not parsable"; anything after the digits, or a sign of minus, is refused.
  const r = strtol(w[0]);
  if (r.overflow) return { says: 'LimitRequestBody argument is not parsable.', why: `${shownWord(w[0])} is beyond the largest size httpd keeps (9223372036854775807 bytes)` };
  if (r.rest !== '' || r.value < 0n) return { says: 'LimitRequestBody requires a non-negative integer.', why: `${shownWord(w[0])} is not a whole number of bytes of 0 or more (no units, no hexadecimal)` };
  return undefined;
});
for (const name of ['LimitRequestFields', 'LimitRequestFieldsize', 'LimitRequestLine']) {
  valueOf(name, (w) => {
    const n = atoi(w[0]);
    return n < 0n ? { says: `${name} "${w[0]}" must be a non-negative integer${name === 'LimitRequestFields' ? ' (0 = no limit)' : ''}`, why: `${readsAs(w[0], n)} is below 0` } : undefined;
  });
}
valueOf('LimitXMLRequestBody', (w) => {
  const n = atol(w[0]);
  if (n < 0n) return { says: 'LimitXMLRequestBody requires a non-negative integer.', why: `${readsAs(w[0], n)} is below 0` };
  const most = 3074457345618258601n;
  return n > most ? { says: `LimitXMLRequestBody must not exceed ${most}`, why: `${w[0].trim()} is more than httpd can count` } : undefined;
});
valueOf('SSLProxyVerifyDepth', (w) => {
  const n = atoi(w[0]);
  return n < 0n ? { says: `SSLProxyVerifyDepth: Invalid argument '${w[0]}'`, why: `${readsAs(w[0], n)} is below 0` } : undefined;
});

// Keywords and shapes that httpd checks itself (mod_rewrite.c, ssl_engine_config.c, mod_proxy.c, mod_proxy_connect.c,
// mod_proxy_fcgi.c).
const REWRITE_OPTIONS = ['inherit', 'inheritbefore', 'inheritdown', 'inheritdownbefore', 'ignoreinherit', 'allownoslash', 'allowanyuri', 'mergebase', 'ignorecontextinfo', 'legacyprefixdocroot', 'unsafeprefixstat'];
valueOf('RewriteOptions', (w) => {
  // Empty words are skipped; MaxRedirects=… is still taken (with a warning that it no longer does anything).
  const bad = w.find((o) => o !== '' && !REWRITE_OPTIONS.includes(o.toLowerCase()) && !/^maxredirects=/i.test(o));
  return bad === undefined ? undefined : { says: `RewriteOptions: unknown option '${bad}'`, why: `${shownWord(bad)} is none of the options RewriteOptions knows (${REWRITE_OPTIONS.join(', ')}; any case)` };
});
valueOf('SSLProxyVerify', (w) =>
  ['none', 'off', 'optional', 'require', 'on', 'optional_no_ca'].includes(w[0].toLowerCase()) ? undefined : { says: `SSLProxyVerify: Invalid argument '${w[0]}'`, why: `${shownWord(w[0])} is none of none, optional, require, optional_no_ca (or on, off; any case)` },
);
valueOf('ProxyDomain', (w) => (w[0].startsWith('.') ? undefined : { says: 'ProxyDomain: domain name must start with a dot.', why: `${shownWord(w[0])} does not start with a dot (.${w[0]} does)` }));
valueOf('AllowCONNECT', (w) => {
  for (const port of w) {
    if (port === '') continue;
    if (!/^\d/.test(port)) return { says: 'AllowCONNECT: port numbers must be numeric', why: `${shownWord(port)} does not start with a digit` };
    // "443-8443" is a range: httpd reads the digits, then wants the end of the word or a "-" and a second number with
    // nothing after it; it names the whole word when the first number is followed by anything else.
    const rest = port.replace(/^\d+/, '');
    const bad = rest === '' ? undefined : !rest.startsWith('-') ? port : /^[ \t\n\v\f\r]*[+-]?\d+$/.test(rest.slice(1)) ? undefined : rest.slice(1);
    if (bad !== undefined) return { says: `Cannot parse '${bad}' as port number`, why: `${shownWord(port)} is not a port number or a range of two (443, 8000-8999)` };
  }
  return undefined;
});
valueOf('SSLProxyCipherSuite', (w) =>
  // With two words the first names the protocol the list is for: SSL (up to TLS 1.2) or TLSv1.3, in this case only.
  w.length === 2 && w[1] !== '' && w[0] !== 'SSL' && w[0] !== 'TLSv1.3' ? { says: `protocol '${w[0]}' not supported`, why: `the first of two words must be SSL or TLSv1.3 (written so), not ${shownWord(w[0])}` } : undefined,
);
valueOf('ProxyFCGISetEnvIf', (w) =>
  w.length === 3 && w[1].startsWith('!') ? { says: `Third argument ("${w[2]}") is not allowed when using ProxyFCGISetEnvIf's unset mode (${w[1]})`, why: `${w[1]} unsets the variable, which takes no value, not even ""` } : undefined,
);

/** The argument form of a directive (lower-case name), or undefined for one the table does not hold. */
export function directiveArguments(lname: string): DirectiveArguments | undefined {
  return TABLE.get(lname);
}

/** Every directive in the table, for tests. */
export function allDirectiveArguments(): DirectiveArguments[] {
  return [...TABLE.values()];
}

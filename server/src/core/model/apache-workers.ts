import type { ApacheArg } from '../syntax/apache/ast';
import type { ApacheNode } from './apache-tree';

/**
 * Worker and balancer parameters (`key=value` after the URL of ProxyPass, ProxyPassMatch, BalancerMember
 * and ProxySet), typed as mod_proxy reads them (set_worker_param / set_balancer_param in mod_proxy.c).
 * https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypass
 */
export interface WorkerParam {
  /** Lower-case key. */
  key: string;
  value: string;
  /** The whole `key=value` word in the file. */
  arg: ApacheArg;
  node: ApacheNode;
}

/** `seconds`: read with atoi (leading digits as whole seconds, the rest ignored); `duration`: ap_timeout_parameter_parse (units). */
export type ParamKind = 'seconds' | 'duration' | 'int' | 'onoff' | 'status' | 'string' | 'statuslist' | 'hcmethod' | 'mapping';

export interface ParamSpec {
  kind: ParamKind;
  /**
   * Worker (`w`), balancer (`b`) or both; `p`: read by ProxyPass and ProxyPassMatch themselves (add_pass in
   * mod_proxy.c) whatever their URL, and refused by BalancerMember and ProxySet.
   */
  scope: 'w' | 'b' | 'wb' | 'p';
  /** First httpd 2.4 release that knows it. */
  since?: string;
  /** Module that must be loaded for httpd to accept it. */
  module?: string;
  min?: number;
}

export const PARAMS: Record<string, ParamSpec> = {
  min: { kind: 'int', scope: 'w', min: 0 },
  max: { kind: 'int', scope: 'w', min: 0 },
  smax: { kind: 'int', scope: 'w', min: 0 },
  acquire: { kind: 'duration', scope: 'w' },
  connectiontimeout: { kind: 'duration', scope: 'w' },
  disablereuse: { kind: 'onoff', scope: 'w' },
  enablereuse: { kind: 'onoff', scope: 'w' },
  flushpackets: { kind: 'string', scope: 'w' },
  flushwait: { kind: 'int', scope: 'w' },
  iobuffersize: { kind: 'int', scope: 'w', min: 512 },
  responsefieldsize: { kind: 'int', scope: 'w', since: '2.4.34', min: 0 },
  keepalive: { kind: 'onoff', scope: 'w' },
  lbset: { kind: 'int', scope: 'w', min: 0 },
  loadfactor: { kind: 'string', scope: 'w' },
  ping: { kind: 'duration', scope: 'w' },
  receivebuffersize: { kind: 'int', scope: 'w', min: 0 },
  redirect: { kind: 'string', scope: 'w' },
  retry: { kind: 'seconds', scope: 'w', min: 0 },
  route: { kind: 'string', scope: 'w' },
  status: { kind: 'status', scope: 'w' },
  timeout: { kind: 'seconds', scope: 'wb', min: 1 },
  ttl: { kind: 'seconds', scope: 'w', min: 1 },
  addressttl: { kind: 'int', scope: 'w', since: '2.4.59', min: -1 },
  upgrade: { kind: 'string', scope: 'w', since: '2.4.47' },
  mapping: { kind: 'mapping', scope: 'p', since: '2.4.47' },
  secret: { kind: 'string', scope: 'w', since: '2.4.42' },
  hcmethod: { kind: 'hcmethod', scope: 'w', since: '2.4.21', module: 'proxy_hcheck' },
  hcexpr: { kind: 'string', scope: 'w', since: '2.4.21', module: 'proxy_hcheck' },
  hcinterval: { kind: 'duration', scope: 'w', since: '2.4.21', module: 'proxy_hcheck' },
  hcpasses: { kind: 'int', scope: 'w', since: '2.4.21', module: 'proxy_hcheck', min: 0 },
  hcfails: { kind: 'int', scope: 'w', since: '2.4.21', module: 'proxy_hcheck', min: 0 },
  hcuri: { kind: 'string', scope: 'w', since: '2.4.21', module: 'proxy_hcheck' },
  hctemplate: { kind: 'string', scope: 'w', since: '2.4.21', module: 'proxy_hcheck' },
  lbmethod: { kind: 'string', scope: 'b' },
  maxattempts: { kind: 'int', scope: 'b', min: 0 },
  nofailover: { kind: 'onoff', scope: 'b' },
  stickysession: { kind: 'string', scope: 'b' },
  stickysessionsep: { kind: 'string', scope: 'b', since: '2.4.55' },
  scolonpathdelim: { kind: 'onoff', scope: 'b' },
  failonstatus: { kind: 'statuslist', scope: 'b' },
  failontimeout: { kind: 'onoff', scope: 'b', since: '2.4.5' },
  nonce: { kind: 'string', scope: 'b' },
  growth: { kind: 'int', scope: 'b', min: 0 },
  forcerecovery: { kind: 'onoff', scope: 'b' },
};

/** Bare words ProxyPass accepts after the URL. */
export const PROXYPASS_FLAGS = new Set(['nocanon', 'interpolate', 'noquery']);

/** The hcmethod= values mod_proxy_hcheck 2.4.71 takes (any case). */
export const HC_METHODS = ['none', 'tcp', 'options', 'head', 'get', 'options11', 'head11', 'get11'];
/** Names it knows but refuses: "Health check method cping not (yet) implemented". */
const HC_UNIMPLEMENTED = ['cping', 'provider'];


/**
 * The status flags a `status=` value leaves on, upper-case, as httpd reads the word (ap_proxy_set_wstatus in
 * proxy_util.c): "+" or "-" switches between setting and clearing, each letter after it is one flag, so "D", "+D" and
 * "+D+H" all set D and "-D" clears it.
 */
export function statusFlags(value: string): Set<string> {
  const flags = new Set<string>();
  let on = true;
  for (const c of value.toUpperCase()) {
    if (c === '+') on = true;
    else if (c === '-') on = false;
    else if (c >= 'A' && c <= 'Z') {
      if (on) flags.add(c);
      else flags.delete(c);
    }
  }
  return flags;
}
/**
 * C's atoi (and atol) as httpd calls them on most numeric directive and parameter values: blanks, an optional sign
 * and the digits after them; whatever follows the digits is ignored, and a value without leading digits is 0. So
 * `Timeout 2min` is 2 s, `Timeout 500ms` is 500 s and `retry=abc` is 0 (checked with apache2 -t and real requests on
 * 2.4.71, test/servers/apache-value-parsing.test.ts).
 */
export function atoi(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

/** C's atof, for loadfactor=: the longest leading decimal number (with exponent), else 0. */
function atof(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/.exec(text);
  return m ? Number(m[1]) : 0;
}

/**
 * Milliseconds for httpd's ap_timeout_parameter_parse (server/util.c), or null where httpd refuses the value: a
 * whole number (no sign on 2.4.71: "-1" is "wrong format") and a unit told by its first letters, case-sensitive:
 * "s…" seconds ("5sec"), "h…" hours ("2hours"), "ms…" milliseconds, "mi…" minutes ("5min"); no unit is
 * `defaultUnit`. "5m", "5S" and "abc" are refused; an empty value or a unit alone counts 0. Used for
 * connectiontimeout=, ping=, acquire= (default ms), hcinterval=, addressttl= and KeepAliveTimeout.
 */
export function parseApacheDuration(text: string, defaultUnit: 's' | 'ms' = 's'): number | null {
  const m = /^[ \t\n\v\f\r]*(\+?)(\d*)(.*)$/s.exec(text);
  if (!m || (m[1] && !m[2])) return null;
  const n = m[2] ? Number(m[2]) : 0;
  const unit = m[3] === '' ? defaultUnit : m[3];
  if (unit.startsWith('s')) return n * 1000;
  if (unit.startsWith('h')) return n * 3_600_000;
  if (unit.startsWith('ms')) return n;
  if (unit.startsWith('mi')) return n * 60_000;
  return null;
}

/** ap_is_HTTP_VALID_RESPONSE: a status httpd knows how to send. */
const HTTP_STATUS = (n: number) => n >= 100 && n <= 599;

const onOff = (v: string, says: string) => (/^(on|off)$/i.test(v) ? undefined : says);

/** Lengths of the fixed-size fields in httpd 2.4.71's shared worker record: a longer value stops it. */
const ROUTE_MAX = 64;

/**
 * What httpd says when it refuses a parameter's value, word for word (set_worker_param and set_balancer_param in
 * mod_proxy.c, set_worker_hc_param in mod_proxy_hcheck.c, as 2.4.71 reads them); undefined when httpd takes it.
 * `balancer`: the parameter is set on a balancer:// (whose timeout= says "timeout" in lower case). Each message was
 * compared with apache2 -t in test/servers/apache-value-parsing.test.ts.
 */
export function checkParamValue(p: WorkerParam, opts: { balancer?: boolean } = {}): string | undefined {
  const spec = PARAMS[p.key];
  if (!spec) return undefined;
  const v = p.value;
  const n = atoi(v);
  switch (p.key) {
    case 'loadfactor': {
      // (int)(atof(val) * 100) must be 100..10000: "1.5" passes, "0.999", "100.9" and "abc" do not.
      const f = Math.trunc(atof(v) * 100);
      return f < 100 || f > 10000 ? 'LoadFactor must be a number between 1..100' : undefined;
    }
    case 'retry':
      return n < 0 ? 'Retry must be a positive value' : undefined;
    case 'ttl':
      return n < 1 ? 'TTL must be at least one second' : undefined;
    case 'min':
    case 'max':
    case 'smax':
      return n < 0 ? `${p.key[0].toUpperCase()}${p.key.slice(1)} must be a positive number` : undefined;
    case 'acquire': {
      const ms = parseApacheDuration(v, 'ms');
      if (ms === null) return 'Acquire timeout has wrong format';
      return ms < 1 ? 'Acquire must be at least one millisecond' : undefined;
    }
    case 'timeout':
      if (n >= 1) return undefined;
      return opts.balancer ? 'timeout must be at least one second' : 'Timeout must be at least one second';
    case 'iobuffersize':
      return n < 512 && n !== 0 ? 'IOBufferSize must be >= 512 bytes, or 0 for system default.' : undefined;
    case 'receivebuffersize':
      return n < 512 && n !== 0 ? 'ReceiveBufferSize must be >= 512 bytes, or 0 for system default.' : undefined;
    case 'keepalive':
      return onOff(v, 'KeepAlive must be On|Off');
    case 'disablereuse':
      return onOff(v, 'DisableReuse must be On|Off');
    case 'enablereuse':
      return onOff(v, 'EnableReuse must be On|Off');
    case 'route':
      return v.length >= ROUTE_MAX ? `Route length must be < ${ROUTE_MAX} characters` : undefined;
    case 'status':
      return /^([+-]?[DSIHENCR])+$/i.test(v.replace(/\s/g, '')) ? undefined : 'Unknown status parameter option';
    case 'flushpackets':
      return /^(on|off|auto)$/i.test(v) ? undefined : 'flushpackets must be on|off|auto';
    case 'flushwait':
      return n > 1000 || n < 0 ? 'flushwait must be <= 1000, or 0 for system default of 10 millseconds.' : undefined;
    case 'ping': {
      const ms = parseApacheDuration(v);
      if (ms === null) return 'Ping/Pong timeout has wrong format';
      return ms < 1 ? 'Ping/Pong timeout must be at least one millisecond' : undefined;
    }
    case 'lbset':
      return n < 0 || n > 99 ? 'lbset must be between 0 and 99' : undefined;
    case 'connectiontimeout': {
      const ms = parseApacheDuration(v);
      if (ms === null) return 'Connectiontimeout has wrong format';
      return ms < 1 ? 'Connectiontimeout must be at least one millisecond.' : undefined;
    }
    case 'responsefieldsize':
      return n < 0 ? 'ResponseFieldSize must be greater than 0 bytes, or 0 for system default.' : undefined;
    case 'addressttl': {
      // "-1" itself, or a time in whole seconds up to INT_MAX ("5min" passes, "1500ms" and "-2" do not).
      if (v === '-1') return undefined;
      const ms = parseApacheDuration(v);
      return ms === null || ms % 1000 !== 0 || ms / 1000 > 2147483647 ? 'AddressTTL must be -1 or a number of seconds not exceeding (2147483647)' : undefined;
    }
    case 'mapping':
      // apache2 2.4.71 -t: "encoded" and "servlet" (any case) pass, "decoded" and others stop it.
      return /^(encoded|servlet)$/i.test(v) ? undefined : 'unknown mapping';
    // Balancer parameters.
    case 'stickysessionsep':
      return v.length !== 1 && !/^off$/i.test(v) ? 'stickysessionsep must be a single character or Off' : undefined;
    case 'nofailover':
      return onOff(v, 'failover must be On|Off');
    case 'maxattempts':
      return n < 0 ? 'maximum number of attempts must be a positive number' : undefined;
    case 'scolonpathdelim':
      return onOff(v, 'scolonpathdelim must be On|Off');
    case 'failonstatus':
      // Split at "," and " ", each word read with atoi, which must give 100-599: on 2.4.71 apache2 -t refused "5xx",
      // "600", "99" and "500,abc", and passed "", ",", "500," and "500x".
      return v.split(/[, ]+/).filter(Boolean).every((w) => HTTP_STATUS(atoi(w))) ? undefined : 'failonstatus must be one or more HTTP response codes';
    case 'failontimeout':
      return onOff(v, 'failontimeout must be On|Off');
    case 'growth':
      return n < 1 || n > 100 ? 'growth must be between 1 and 100' : undefined;
    case 'forcerecovery':
      return onOff(v, 'forcerecovery must be On|Off');
    // mod_proxy_hcheck's, read only when it is loaded.
    case 'hcmethod': {
      const m = v.toLowerCase();
      if (HC_UNIMPLEMENTED.includes(m)) return `Health check method ${v} not (yet) implemented`;
      return HC_METHODS.includes(m) ? undefined : 'Unknown method';
    }
    case 'hcinterval': {
      const ms = parseApacheDuration(v);
      if (ms === null) return 'Unparse-able hcinterval setting';
      return ms < 100 ? 'Interval must be a positive value greater than 100ms' : undefined;
    }
    case 'hcpasses':
      return n < 0 ? 'Passes must be a positive value' : undefined;
    case 'hcfails':
      return n < 0 ? 'Fails must be a positive value' : undefined;
    default:
      return undefined;
  }
}

/** Splits the words after a URL into parameters, flags and words httpd rejects. */
export function parseParams(node: ApacheNode, from: number): { params: WorkerParam[]; flags: ApacheArg[]; invalid: ApacheArg[] } {
  const params: WorkerParam[] = [];
  const flags: ApacheArg[] = [];
  const invalid: ApacheArg[] = [];
  const args = node.directive.args;
  for (let k = from; k < args.length; k++) {
    const a = args[k];
    const v = node.args[k] ?? a.value;
    const eq = v.indexOf('=');
    if (eq > 0) params.push({ key: v.slice(0, eq).toLowerCase(), value: v.slice(eq + 1), arg: a, node });
    else if (PROXYPASS_FLAGS.has(v.toLowerCase())) flags.push(a);
    else invalid.push(a);
  }
  return { params, flags, invalid };
}

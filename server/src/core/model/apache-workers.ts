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
  retry: { kind: 'duration', scope: 'w', min: 0 },
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

export const HC_METHODS = ['none', 'tcp', 'options', 'head', 'get', 'cping', 'provider', 'options11', 'head11', 'get11'];

/** Milliseconds for httpd's ap_timeout_parameter_parse: a number with an optional ms, s, mi or h suffix (default `s`). */
export function parseApacheDuration(text: string, defaultUnit: 's' | 'ms' = 's'): number | null {
  const m = /^(\d+)(ms|s|mi|h)?$/i.exec(text.trim());
  if (!m) return null;
  const unit = (m[2] ?? defaultUnit).toLowerCase();
  const mult = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'mi' ? 60_000 : 3_600_000;
  return Number(m[1]) * mult;
}

/** What is wrong with a parameter's value, in httpd's words where it has some; undefined when it is fine. */
/** ap_is_HTTP_VALID_RESPONSE: a status httpd knows how to send. */
const HTTP_STATUS = (n: number) => n >= 100 && n <= 599;

export function checkParamValue(p: WorkerParam): string | undefined {
  const spec = PARAMS[p.key];
  if (!spec) return undefined;
  const v = p.value;
  switch (spec.kind) {
    case 'seconds': {
      // mod_proxy reads these with atoi(): "5s" is 5, "abc" is 0.
      const n = parseInt(v, 10);
      if (Number.isNaN(n) || n < (spec.min ?? 0)) return p.key === 'ttl' ? 'TTL must be at least one second' : 'Timeout must be at least one second';
      return undefined;
    }
    case 'duration': {
      const ms = parseApacheDuration(v);
      if (ms === null) return `${p.key} must be a number of seconds (or a number with the "ms" suffix)`;
      if (p.key === 'connectiontimeout' && ms < 1) return 'Connectiontimeout must be at least one millisecond.';
      return undefined;
    }
    case 'int': {
      if (!/^-?\d+$/.test(v)) return `${p.key} must be a whole number`;
      if (spec.min !== undefined && Number(v) < spec.min) return p.key === 'retry' ? 'Retry must be a positive value' : `${p.key} must be at least ${spec.min}`;
      return undefined;
    }
    case 'onoff':
      return /^(on|off)$/i.test(v) ? undefined : `${p.key} must be On or Off`;
    case 'status':
      return /^([+-]?[DSIHENCR])+$/i.test(v.replace(/\s/g, '')) ? undefined : 'Unknown status parameter option';
    case 'statuslist':
      // set_balancer_param (mod_proxy.c) splits the value at "," and " " and reads each word with atoi, which must give
      // 100-599: on 2.4.71 apache2 -t refused "5xx", "600", "99" and "500,abc", and passed "", ",", "500,", "500x".
      return v.split(/[, ]+/).filter(Boolean).every((w) => HTTP_STATUS(parseInt(w, 10))) ? undefined : 'failonstatus must be one or more HTTP response codes';
    case 'hcmethod':
      return HC_METHODS.includes(v.toLowerCase()) ? undefined : 'Unknown method';
    case 'mapping':
      // apache2 2.4.71 -t: "encoded" and "servlet" (any case) pass, "decoded" and others stop it.
      return /^(encoded|servlet)$/i.test(v) ? undefined : 'unknown mapping';
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

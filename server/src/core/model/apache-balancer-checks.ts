import { virtualHostOf, type ApacheConfig, type ApacheNode } from './apache-tree';
import type { Balancer, ProxyModel, Worker } from './apache-proxy';
import { onOff } from './apache-proxy';
import { parseParams, type WorkerParam } from './apache-workers';

/**
 * What takes a sick balancer member out of rotation besides a failed connect, as httpd 2.4 does it:
 * - failonstatus= (balancer): the member answered one of the listed codes (AH01174); the request that saw it still
 *   gets the error. Says nothing about a member that hangs.
 * - failontimeout=On (balancer): a request to the member timed out reading the answer (AH02460). Says nothing about
 *   a member that answers errors quickly.
 * - an active health check (mod_proxy_hcheck) with an HTTP method: OPTIONS, HEAD or GET (and the *11 forms) fail on
 *   any status outside 2xx/3xx (or a failed hcexpr) and on no answer within the timeout, so they take out a member
 *   that answers errors or hangs, before a client is sent to it. hcmethod=TCP only opens a connection, which a hung
 *   or erroring backend still accepts; None checks nothing.
 * On 2.4.71 (by hand, and test/evidence/scenarios/apache/balancers.ts): failonstatus=503 gave one 503, then 200s; failontimeout=On one
 * 502 after the timeout, then 200s; hcmethod=GET only 200s once the first check had run.
 */
export interface BalancerChecks {
  /** failonstatus= as written, when it lists at least one code. */
  failOnStatus?: string;
  /** failontimeout=On. */
  failOnTimeout: boolean;
  /** Members whose health check sends HTTP requests (own hcmethod=, or through hctemplate=). */
  httpChecked: Worker[];
  /** Members with a health check that cannot see errors or hangs (hcmethod=TCP, None, or a method proxylint does not know). */
  otherChecked: Worker[];
}

export const HTTP_HC_METHODS = new Set(['options', 'head', 'get', 'options11', 'head11', 'get11']);

/**
 * Where a line's hcexpr= or hctemplate= finds its ProxyHCExpr or ProxyHCTemplate (`defs`, in file order): mod_proxy_hcheck
 * keeps each server's own, merges none into virtual hosts, and looks the name up in any case while it reads the line,
 * among those its server has defined so far. On httpd 2.4.68 apache2 -t refused ("… Unknown ProxyHCTemplate name: t1",
 * "… Unknown health check condition expr: ok2") a template or expression of the main server used in a virtual host,
 * one of a virtual host used in the main server, and one written below the line; it took "T1" for "t1"
 * (test/servers/apache-param-where.test.ts). `other`: a definition of the name that httpd does not see from the line.
 */
export function hcDefinition(defs: readonly ApacheNode[], order: ReadonlyMap<ApacheNode, number>, name: string, at: ApacheNode): { found?: ApacheNode; other?: ApacheNode } {
  const named = defs.filter((e) => (e.args[0] ?? '').toLowerCase() === name.toLowerCase());
  const server = virtualHostOf(at);
  const found = named.find((e) => virtualHostOf(e) === server && order.get(e)! < order.get(at)!);
  return found ? { found } : { other: named[0] };
}

/** A member's ProxyHCTemplate, by its server and name: the hcmethod the template sets (lower-case), if any. */
export interface HcTemplates {
  /** undefined: no template of that name in the member's server (httpd would not start); else its hcmethod, if set. */
  method(w: Worker, name: string): { hcmethod?: string } | undefined;
}

/** The ProxyHCTemplate lines of each server, for members that take their checks from a template (see hcDefinition). */
export function hcTemplateMethods(config: Pick<ApacheConfig, 'all'>): HcTemplates {
  const defs = config.all.filter((n) => n.lname === 'proxyhctemplate' && n.args.length >= 1);
  const order = new Map(config.all.map((n, k) => [n, k]));
  return {
    method(w, name) {
      const { found } = hcDefinition(defs, order, name, w.node);
      if (!found) return undefined;
      const hcmethod = parseParams(found, 1).params.find((p) => p.key === 'hcmethod')?.value.toLowerCase();
      return hcmethod ? { hcmethod } : {};
    },
  };
}

/**
 * The hcmethod a member's checks use (lower-case): its own, else its template's; 'none' for a template that sets
 * none (mod_proxy_hcheck's default method is None: no check), 'template' when its template is not found (httpd then
 * does not start, which invalid-worker-parameter reports); undefined when it has neither.
 */
export function healthCheckMethod(w: Worker, templates: HcTemplates): string | undefined {
  const own = w.params.get('hcmethod');
  if (own) return own.value.toLowerCase();
  const t = w.params.get('hctemplate');
  if (!t) return undefined;
  const found = templates.method(w, t.value);
  return found ? found.hcmethod ?? 'none' : 'template';
}

/** `params`: the balancer settings in force for the requests in question (see balancerSettings), by default its own server's. */
export function balancerChecks(b: Balancer, templates: HcTemplates, params: Map<string, WorkerParam> = b.params): BalancerChecks {
  const status = params.get('failonstatus');
  const httpChecked: Worker[] = [];
  const otherChecked: Worker[] = [];
  for (const m of b.members) {
    const method = healthCheckMethod(m, templates);
    if (method === undefined) continue;
    (HTTP_HC_METHODS.has(method) ? httpChecked : otherChecked).push(m);
  }
  return {
    failOnStatus: status && /\d{3}/.test(status.value) ? status.value : undefined,
    failOnTimeout: onOff(params.get('failontimeout')) === true,
    httpChecked,
    otherChecked,
  };
}

/**
 * The balancer settings in force for each server whose requests go through `b` (see ProxyModel.balancerParams), each
 * distinct set once with the first server that has it: a virtual host that uses the main server's balancer may set its
 * own on top. The servers are those of the ProxyPass lines that use it, or its own server when none does (a file that
 * only defines it).
 */
export function balancerSettings(proxy: ProxyModel, b: Balancer): { server: ApacheNode | null; params: Map<string, WorkerParam> }[] {
  const servers = b.users.length ? [...new Set(b.users.map((u) => u.vhost))] : [b.vhost];
  const out = new Map<Map<string, WorkerParam>, ApacheNode | null>();
  for (const s of servers) {
    const params = proxy.balancerParams(b, s);
    if (!out.has(params)) out.set(params, s);
  }
  return [...out].map(([params, server]) => ({ server, params }));
}

/** " for requests to the main server" when servers differ in the settings that decide a finding, else "". */
export function forRequestsTo(server: ApacheNode | null, differ: boolean, lineOf: (n: ApacheNode) => number): string {
  if (!differ) return '';
  return ` for requests to ${server ? `<VirtualHost ${server.args.join(' ')}> (line ${lineOf(server)})` : 'the main server'}`;
}

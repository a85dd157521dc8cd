import type { ApacheLintResult } from '../lint-apache';
import { serverOf } from '../model/apache-balancer-scope';
import { balancerName, describeTimeout, formatSeconds, proxySetTarget, type Balancer, type Worker } from '../model/apache-proxy';
import { skippedBy, type ApacheNode } from '../model/apache-tree';
import { atoi, statusFlags, type WorkerParam } from '../model/apache-workers';
import { codePlaceLink, lineLink } from './place-link';

const BALANCER_DOC = 'https://httpd.apache.org/docs/2.4/mod/mod_proxy_balancer.html';
const MEMBER_DOC = 'https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#balancermember';

/** At most this many members get a row; the rest are counted. */
const MAX_MEMBERS = 12;

/**
 * The initial state letters of `status=` (set_worker_param in mod_proxy.c: "+" sets the letters after it, the default,
 * "-" clears them; case does not matter). https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypass
 */
const STATUS: Record<string, string> = {
  D: 'disabled, gets no requests',
  S: 'stopped, gets no requests',
  H: 'hot standby, used only when no other member is usable',
  R: 'hot spare, takes the place of a member that becomes unusable',
  I: 'ignore errors, always taken as available, so its failures reach clients',
  N: 'drain, only requests that stick to it',
  E: 'starts in error state',
  C: 'starts as failing its health check',
};

/** Never gets a request as written: disabled or stopped (on 2.4.71 a balancer of such members answered 503, AH01170). */
const outOfService = (m: Worker) => {
  const s = m.params.get('status');
  if (!s) return false;
  const f = statusFlags(s.value);
  return f.has('D') || f.has('S');
};

/**
 * The servers whose requests a hovered line sends through its balancer, for the values that depend on them
 * (timeout and connectiontimeout without a member's own): a ProxyPass line's own server; for the balancer's other lines,
 * the servers of the ProxyPass lines that use it (the first stands for all, the others are compared with it).
 */
function requestServers(result: ApacheLintResult, node: ApacheNode, b: Balancer | undefined): (ApacheNode | null)[] {
  const { proxy } = result;
  const home = b?.vhost ?? serverOf(node);
  const main = (s: ApacheNode | null) => (s === null ? [null, ...proxy.servers.filter((x) => x.vhost && b && proxy.balancerFor(x.vhost, b.name) === b).map((x) => x.vhost)] : [s]);
  const rule = proxy.rules.find((r) => r.node === node);
  if (rule) return main(rule.vhost);
  const users = [...new Set((b?.users ?? []).map((r) => r.vhost))];
  if (users.includes(null)) return main(null);
  return users.length ? users : [home];
}

/** The balancer a line of `node`'s server uses by this name (the main server's or its own, see takesMainBalancers). */
export function balancerOf(result: ApacheLintResult, node: ApacheNode, written: string): Balancer | undefined {
  return result.proxy.balancerFor(serverOf(node), balancerName(written));
}

/** The members of the balancer a line of `node`'s server uses by this name, in the order httpd reads them. */
export function balancerMembers(result: ApacheLintResult, node: ApacheNode, written: string): Worker[] {
  return (balancerOf(result, node, written)?.members ?? []).filter((m) => !skippedBy(m.node));
}

/**
 * What a hover says about `balancer://name` on a line: the members the line's server uses (its balancer is the main
 * server's or its own, see balancerHome), each with where it is defined and the values that decide 502/503/504 for it,
 * and what httpd does when none of them is usable. `from`: the hovered file, which places are written relative to.
 */
export function balancerCard(result: ApacheLintResult, node: ApacheNode, written: string, from: string): string {
  const { proxy } = result;
  const name = balancerName(written);
  const b = balancerOf(result, node, written);
  const own = serverOf(node);
  const home = b ? b.vhost : own;
  const lineOf = (n: ApacheNode) => n.file.lines.positionAt(n.directive.start).line + 1;
  const place = (n: ApacheNode) => codePlaceLink(n, from);
  const at = (n: ApacheNode) => lineLink(n, node);
  const members = balancerMembers(result, node, written);
  const section = b?.section;
  // A virtual host's own balancer of the name that the main server's hides: its section, members or ProxySet lines.
  const hidden = proxy.ownBalancer(own, name)?.hiddenBy ? proxy.ownBalancer(own, name) : undefined;
  const shadowed = !!hidden && (!!hidden.section || hidden.members.length > 0 || result.config.all.some((n) => n.lname === 'proxyset' && serverOf(n) === own && balancerName(proxySetTarget(n)?.url ?? '') === name));
  const whose = home === own ? '' : shadowed ? ' — the main server\'s, not this virtual host\'s own of the same name: a virtual host takes the main server\'s balancer of a name first' : ' — the main server\'s';
  const head = `**${name}**${section ? `, \`<Proxy>\` at ${place(section)}` : ''}${whose}`;
  const out = [head];
  const params = b ? proxy.balancerParams(b, own) : new Map<string, WorkerParam>();
  const serverName = (s: ApacheNode | null) => (s === null ? 'the main server' : proxy.servers.find((x) => x.vhost === s)?.names[0] ?? `\`<VirtualHost ${s.args.join(' ')}>\` (${at(s)})`);

  if (members.length === 0) {
    // growth= (or BalancerGrowth) leaves room for members added at run time through the balancer-manager.
    const param = params.get('growth');
    const directive = result.config.all.find((n) => n.lname === 'balancergrowth');
    const room = param ? `\`growth=${param.value}\` on ${at(param.node)}` : directive ? `\`BalancerGrowth ${directive.args.join(' ')}\` on ${at(directive)}` : '';
    const added = room ? ` (${room} leaves room for members the balancer-manager adds at run time; until then)` : '';
    out.push(`**No members** in the configuration${added}: every request here gets **503** (\`AH01171: ${name}: No workers in balancer\`).`);
  } else {
    const servers = requestServers(result, node, b);
    const describe = (m: Worker, s: ApacheNode | null) => ({
      timeout: describeTimeout(proxy.backendTimeout(m, s), lineOf, node, (n) => lineLink(n, node)),
      connect: describeTimeout(proxy.connectTimeout(m, s), lineOf, node, (n) => lineLink(n, node)),
    });
    const rows = members.slice(0, MAX_MEMBERS).map((m) => {
      const t = describe(m, servers[0]);
      const retry = m.params.get('retry');
      const retryMs = retry && atoi(retry.value) >= 0 ? atoi(retry.value) * 1000 : null;
      const status = m.params.get('status');
      const flags = status ? [...statusFlags(status.value)].filter((f) => STATUS[f]) : [];
      const state = flags.length ? `\`status=${status!.value}\`: ${flags.map((f) => STATUS[f]).join('; ')}` : 'usable (default)';
      return `| \`${m.url}\` | ${place(m.node)} | ${t.timeout} | ${t.connect} | ${retryMs !== null ? `${formatSeconds(retryMs)} (retry=${retry!.value})` : '60 s (default)'} | ${state} |`;
    });
    out.push(
      [
        `${members.length} member${members.length === 1 ? '' : 's'}${servers.length > 1 || servers[0] !== serverOf(node) ? `, values for requests to ${serverName(servers[0])}` : ''}:`,
        '',
        '| Member | Defined at | timeout | connectiontimeout | retry | status |',
        '|---|---|---|---|---|---|',
        ...rows,
        ...(members.length > MAX_MEMBERS ? [`| …and ${members.length - MAX_MEMBERS} more | | | | | |`] : []),
      ].join('\n'),
    );
    // Without timeout= (connectiontimeout=) a member waits the ProxyTimeout, else the Timeout, of the request's server.
    const differ = servers.slice(1).filter((s) => members.some((m) => JSON.stringify(describe(m, s)) !== JSON.stringify(describe(m, servers[0]))));
    if (differ.length) {
      const names = differ.slice(0, 3).map(serverName);
      out.push(`Members without their own \`timeout=\` wait the ProxyTimeout (else the Timeout) of the server the request came to, so requests through ${names.join(', ')}${differ.length > 3 ? ` and ${differ.length - 3} more` : ''} wait other times.`);
    }
    out.push(noneUsable(name, members, params, at));
  }
  const set = ['lbmethod', 'maxattempts', 'failonstatus', 'failontimeout'].flatMap((k) => (params.has(k) ? [`\`${k}=${params.get(k)!.value}\` (${at(params.get(k)!.node)})`] : []));
  if (set.length) out.push(`**Balancer settings:** ${set.join(', ')}.`);
  out.push(`[mod_proxy_balancer ↗](${BALANCER_DOC}) · [BalancerMember ↗](${MEMBER_DOC})`);
  return out.join('\n\n');
}

/** What httpd does for a request that finds no member it can use. */
function noneUsable(name: string, members: Worker[], params: Map<string, WorkerParam>, at: (n: ApacheNode) => string): string {
  const allInError = `\`AH01170: ${name}: All workers are in error state\``;
  if (members.every(outOfService)) return `**No member is usable as written** (each is disabled or stopped): every request here gets **503** at once, logged as ${allInError}.`;
  const recovery = params.get('forcerecovery');
  const off = !!recovery && /^off$/i.test(recovery.value);
  const wait = params.get('timeout');
  const waitNote = off && wait ? ` With \`timeout=${wait.value}\` on the balancer (${at(wait.node)}) such a request first waits up to ${wait.value} s for a member to become usable.` : '';
  const standby = members.some((m) => statusFlags(m.params.get('status')?.value ?? '').has('H')) ? ' Hot standby members (`+H`) take over only once the others are unusable.' : '';
  const forced = off
    ? `\`forcerecovery=Off\` (${at(recovery!.node)}) keeps them out until their \`retry=\` has passed, so requests get **503** at once with ${allInError}.`
    : 'forcerecovery (On by default) makes the next request try them all again: while they stay down, each request gets **503** after its own failed attempts (`AH00957`, `AH01114`), not `AH01170`.';
  return (
    `**When no member is usable:** the client gets **503**. A member that fails to connect is put in error state for its \`retry=\` time (\`AH00959 … disabling worker\`), and the request moves on to another member. Once every member is in error state, ${forced} ` +
    `Members that are disabled, stopped or failing their health check are never tried: when that is all of them, requests get **503** at once with ${allInError}.${waitNote}${standby}`
  );
}

/**
 * What a hover on a BalancerMember line says first, as nginx's on an upstream `server` line: the balancer it belongs
 * to (its `<Proxy>` section, or the line that names it), the lines that send requests to it, and the member's
 * parameters that decide where requests go and how long a failed member is left out, each with its value in force or
 * httpd's default (https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypass, worker parameters).
 */
export function memberCard(member: Worker, node: ApacheNode, from: string): string {
  const b = member.balancer;
  const at = (n: ApacheNode) => lineLink(n, node);
  const name = b?.name ?? 'a balancer';
  const where = b?.section ? `, \`<Proxy>\` at ${codePlaceLink(b.section, from)}` : member.node.args.length > 1 && /^balancer:/i.test(member.node.args[0]) ? ', named on this line' : '';
  const users = b?.users ?? [];
  const used = users.length
    ? `Used by ${users.slice(0, 3).map((r) => `\`${r.node.name} ${r.node.args[0] ?? ''}\` (${at(r.node)})`).join(', ')}${users.length > 3 ? ` and ${users.length - 3} more` : ''}.`
    : 'No ProxyPass line sends requests to it.';
  const members = (b?.members ?? [member]).filter((m) => !skippedBy(m.node));
  const index = members.indexOf(member) + 1;
  const head = `**Member${index > 0 ? ` ${index} of ${members.length}` : ''} of \`${name}\`**${where}. ${used}`;

  const own = (k: string) => member.params.get(k);
  const shown = (p: WorkerParam) => `\`${p.key}=${p.value}\`${p.node === node ? '' : ` on ${at(p.node)}`}`;
  const retry = own('retry');
  const retryText = retry && atoi(retry.value) >= 0 ? `${formatSeconds(atoi(retry.value) * 1000)} (${shown(retry)})` : '60 s (default)';
  // loadfactor: the member's share of the requests with lbmethod=byrequests (1 to 100, decimals allowed; default 1).
  const factor = (m: Worker) => {
    const v = Number.parseFloat(m.params.get('loadfactor')?.value ?? '1');
    return Number.isFinite(v) && v > 0 ? v : 1;
  };
  const lf = own('loadfactor');
  const total = members.reduce((s, m) => s + factor(m), 0);
  const share = members.length > 1 ? ` of ${formatNumber(total)} across the ${members.length} members` : '';
  const lfText = `${lf ? `${formatNumber(factor(member))} (${shown(lf)})` : '1 (default)'}${share}`;
  const status = own('status');
  const flags = status ? [...statusFlags(status.value)].filter((f) => STATUS[f]) : [];
  const statusText = status ? `${shown(status)}: ${flags.length ? flags.map((f) => STATUS[f]).join('; ') : 'usable'}` : 'usable (default)';
  return [
    head,
    [
      `- **retry:** ${retryText} — how long it is left out after a failed connect (\`AH00959 … disabling worker\`); when every member is left out, clients get **503**`,
      `- **loadfactor:** ${lfText} — its share of the requests`,
      `- **status:** ${statusText}`,
    ].join('\n'),
  ].join('\n\n');
}

const formatNumber = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, ''));

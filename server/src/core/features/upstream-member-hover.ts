import type { ConfigNode } from '../model/nginx-tree';
import type { PassTarget, UpstreamGraph, UpstreamMembers, UpstreamServer } from '../model/nginx-upstreams';
import { dirname, relative } from '../paths';
import { lineOfNode, placeLink } from './place-link';

/**
 * The hover of one `server` line of an upstream group: about that server (its address, its parameters with the values
 * nginx uses, what becomes of a request it cannot take), the group in one line. The group's card is the hover of the
 * name in a proxy_pass.
 * https://nginx.org/en/docs/http/ngx_http_upstream_module.html#server
 */
export function upstreamMemberCard(
  upstreams: UpstreamGraph,
  node: ConfigNode,
  from: string,
  /** The *_next_upstream flags in force at a pass to the group (default: nginx's default there). */
  retries?: (t: PassTarget) => readonly string[],
): string | undefined {
  // A file included in several places has a node per inclusion: the line is the same directive in each.
  let group: UpstreamMembers | undefined;
  let server: UpstreamServer | undefined;
  for (const m of upstreams.members) {
    server = m.servers.find((s) => s.node.directive === node.directive);
    if (server) {
      group = m;
      break;
    }
  }
  if (!group || !server) return undefined;
  const stream = group.module === 'stream';
  const p = server.params;
  const given = (key: string) => p.get(key);
  const count = group.servers.length;
  const only = count === 1;

  const written = node.directive.args[0]?.value ?? '';
  const addr = server.address;
  // No port: nginx uses 80 (stream: a port is required, nginx refuses the line without one).
  const port = addr && !addr.unix && addr.port === undefined && !addr.hasVariables && !stream ? ' (no port written: nginx uses 80)' : '';
  const title = `**upstream server \`${written || '(no address)'}\`**${port}`;
  const index = group.servers.indexOf(server) + 1;
  const at = group.upstream ? ` (${placeLink(`${relative(dirname(from), group.upstream.node.file.path)}:${lineOfNode(group.upstream.node)}`, group.upstream.node.file.path, lineOfNode(group.upstream.node))})` : '';
  const groupLine = `Server ${index} of ${count} in ${group.upstream ? `\`upstream ${group.upstream.name}\`${at}` : group.label}.`;

  const maxFails = typeof given('max_fails') === 'string' ? (given('max_fails') as string) : undefined;
  const failTimeout = typeof given('fail_timeout') === 'string' ? (given('fail_timeout') as string) : undefined;
  const fails = maxFails ?? '1';
  const window = failTimeout ?? '10s';
  const ignored = only ? ' — ignored: the only server of its group' : '';
  const val = (key: string, dflt: string, what: string) => valueOf(p, key, dflt, what);
  const flag = (key: string, yes: string, no: string) => (given(key) === true ? `yes: ${yes}` : given(key) !== undefined ? `\`${key}=${given(key)}\`: nginx takes no value here` : `no (default): ${no}`);
  const rows: [string, string][] = [
    ['weight', val('weight', '1', 'share of requests relative to the other servers')],
    ['max_fails', val('max_fails', '1', maxFails === '0' ? 'failures are not counted: the server is never skipped' : 'failed attempts within fail_timeout before it is skipped') + ignored],
    ['fail_timeout', val('fail_timeout', '10s', 'the window for max_fails, and how long the server is then skipped') + ignored],
    ['max_conns', val('max_conns', '0', 'most connections at once; 0: no limit')],
    ['backup', flag('backup', 'gets requests only while every primary server is unavailable', 'a primary server')],
    ['down', flag('down', 'never gets a request', 'in rotation')],
    ['resolve', flag('resolve', 'the name is looked up again while nginx runs (needs a zone and a resolver)', addr?.isIp || addr?.unix ? 'nothing to look up (an IP address or a socket)' : 'the name is resolved once, when the configuration loads; a later change of address is not seen until a reload')],
  ];
  const known = new Set(rows.map(([k]) => k));
  const others = [...p.keys()].filter((k) => !known.has(k));
  const table = ['| Parameter | Value |', '|---|---|', ...rows.map(([k, v]) => `| \`${k}\` | ${v} |`)];
  if (others.length) table.push(`| other | ${others.map((k) => `\`${p.get(k) === true ? k : `${k}=${p.get(k)}`}\``).join(' ')} |`);

  // A refused connect is an "error" try: passed on to the next server only where *_next_upstream has "error" (stream:
  // "on"). Where every pass to the group turned that off, nginx stops at this server, whatever the default says.
  const users = group.upstream && retries ? upstreams.usersOf(group.upstream) : [];
  const stops = users.filter((t) => !retries!(t).includes(t.module === 'stream' ? 'on' : 'error'));
  const noRetry = !only && stops.length ? { all: stops.length === users.length, first: stops[0], from } : undefined;
  // Every pass passes failures on, but not all with nginx's default: "the default" would misname what is in force.
  const dflt = stream ? 'on' : 'error timeout';
  const allDefault = users.every((t) => retries!(t).join(' ') === dflt);
  return [title, '', groupLine, '', ...table, '', unreachable(stream, only, given('down') === true, maxFails === '0', fails, window, noRetry, allDefault)].join('\n');
}

/** A parameter's value as written, or nginx's default for it, with what it does. */
function valueOf(params: UpstreamServer['params'], key: string, dflt: string, what: string): string {
  const v = params.get(key);
  if (v === true) return `\`${key}\` without a value: nginx refuses the line (invalid parameter) — ${what}`;
  return v !== undefined ? `\`${v}\` — ${what}` : `\`${dflt}\` (default) — ${what}`;
}

/**
 * What a request meets when this server does not answer: checked with nginx 1.22.1, an upstream of two servers with
 * nothing listening: each refused connection is logged and the next server is tried; when none is left the client gets
 * 502; after max_fails failures "upstream server temporarily disabled" and then "no live upstreams" (502 at once).
 * With one server every request tries it (no skipping) and gets the 502 itself. See the failure catalogue's table.
 */
function unreachable(
  stream: boolean,
  only: boolean,
  down: boolean,
  noCount: boolean,
  fails: string,
  window: string,
  noRetry?: { all: boolean; first: PassTarget; from: string },
  allDefault = true,
): string {
  const refused = '`connect() failed (111: Connection refused) while connecting to upstream`';
  const timedOut = '`upstream timed out (110: Connection timed out) while connecting to upstream`';
  const status = stream ? 'the client connection is closed' : 'the client gets **502** (**504** when the last attempt timed out)';
  const noLive = stream ? 'nginx closes new connections at once' : 'nginx answers **502** at once';
  if (down) return `**When it is unreachable:** it is marked \`down\`, so nginx sends it nothing; if no other server is available, ${noLive}: \`no live upstreams while connecting to upstream\`.`;
  if (only) return `**When it is unreachable:** every request still tries it (the only server is never skipped) and ${status}: ${refused} in the error log, or ${timedOut}.`;
  const skip = noCount
    ? 'With `max_fails=0` its failures are not counted: it is never skipped, and every request sent to it while it is down costs a failed attempt first.'
    : `After ${fails} failed attempt${fails === '1' ? '' : 's'} within ${window} it is skipped for ${window} (\`upstream server temporarily disabled while connecting to upstream\`, a warning); when every server is skipped, ${noLive}: \`no live upstreams while connecting to upstream\`.`;
  if (noRetry) {
    const t = noRetry.first;
    const line = lineOfNode(t.node);
    const name = stream ? 'proxy_next_upstream' : t.directive.replace(/_pass$/, '_next_upstream');
    const where = `\`${t.directive} ${t.arg.raw}\` (${placeLink(`${relative(dirname(noRetry.from), t.node.file.path)}:${line}`, t.node.file.path, line)})`;
    const now = stream ? 'the client connection is closed at once' : 'the client gets **502** at once (**504** when it timed out)';
    const cause = stream ? `\`${name} off\`` : `\`${name}\` without \`error\``;
    if (noRetry.all) return `**When it is unreachable:** a request sent here logs ${refused} (or ${timedOut}) and ${now}: nginx does not try another server, because every pass to this group has ${cause} (${where}). ${skip}`;
    return `**When it is unreachable:** a request sent here logs ${refused} (or ${timedOut}); where the pass keeps nginx's default it goes on to the next server, but at ${where} ${now}: ${cause} there. ${skip}`;
  }
  const why = allDefault ? `\`${stream ? 'proxy_next_upstream on' : 'proxy_next_upstream error timeout'}\`, the default` : `every pass to this group has ${stream ? '`proxy_next_upstream on`' : '`error` in its `*_next_upstream`'}`;
  return `**When it is unreachable:** a request sent here logs ${refused} (or ${timedOut}) and goes on to the next server (${why}); when no server is left, ${status}. ${skip}`;
}

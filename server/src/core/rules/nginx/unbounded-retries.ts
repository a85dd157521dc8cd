import type { TextEdit } from '../../finding';
import { insertLinesAfter, replaceSpan } from '../../fix';
import { unlessIncluderSets, type ConfigNode } from '../../model/nginx-tree';
import type { PassTarget, Upstream } from '../../model/nginx-upstreams';
import { parseNginxTime } from '../../model/units';
import { atLeast } from '../../model/version';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { reachesOnlyUnixSockets } from './timeouts-support';
import { describeGroup, effectiveAtPasses, familyOf, humanDuration, inForceFirst, inForceIncludes, insertionAnchor, lastNode, NEXT_UPSTREAM_OF, nextUpstreamDefault, PASSES, passUsesItHere, PerLine, rawTimeOf, type RetryFamily, timeText, usableServers } from './failover-support';

/**
 * The directive names, fix lines and texts of one family, made once: the rule looks at thousands of passes and
 * reports most of them on a large configuration, and these are the same for every one.
 */
interface FamilyTexts {
  tries: string;
  timeout: string;
  connect: string;
  read: string;
  triesLine: string;
  timeoutLine: string;
  /** Both lines, when the level has neither directive (the usual case). Shared: do not modify. */
  bothLines: string[];
  title: string;
  /** The part of the message between the number of servers and the timeouts. */
  noLimit: string;
}
const TEXTS = new Map<RetryFamily, FamilyTexts>();

function textsOf(family: RetryFamily): FamilyTexts {
  let x = TEXTS.get(family);
  if (!x) {
    const tries = `${family}_next_upstream_tries`;
    const timeout = `${family}_next_upstream_timeout`;
    const triesLine = `${tries} 2;`;
    const timeoutLine = `${timeout} 10s;  # TODO: retries start only within this time; it plus one try must stay below what clients wait`;
    x = {
      tries,
      timeout,
      connect: `${family}_connect_timeout`,
      read: `${family}_read_timeout`,
      triesLine,
      timeoutLine,
      bothLines: [triesLine, timeoutLine],
      title: `Limit retries: ${tries} 2, ${timeout} 10s (edit the time)`,
      noLimit: ` servers in turn (${tries} and ${timeout} are 0: no limit): with `,
    };
    TEXTS.set(family, x);
  }
  return x;
}

interface Worst {
  family: RetryFamily;
  tries: number;
  worst: number;
  /** The connect timeout as written; undefined when the group is all UNIX sockets, where connecting never waits. */
  connect: string | undefined;
  /** The read timeout as written; undefined for stream, where only the connect timeout counts. */
  read: string | undefined;
}

/**
 * With `*_next_upstream_tries 0` and `*_next_upstream_timeout 0` (both defaults, "turn off this
 * limitation": https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_next_upstream_tries)
 * a request that keeps timing out is tried on every server of the group in turn, and the client gets
 * the result of the last one. A group of two has a natural bound, so the rule waits for three servers
 * (option `minServers`) and a worst case above a minute (option `maxWaitSeconds`). When the idle
 * timeout of a load balancer in front is known, retry-budget-exceeds-outer-timeout (timeouts family)
 * measures the same http chain against it, so this rule then checks stream servers only.
 */
export default defineNginxRule({
  id: 'unbounded-retries',
  server: 'nginx',
  severity: 'warning',
  outcome: '504',
  summary: 'Retries over a group of several servers have no limit (*_next_upstream_tries and _timeout are 0): a request can take servers × timeouts before its 502/504.',
  directives: [...PASSES, 'proxy_next_upstream_tries', 'proxy_next_upstream_timeout', 'fastcgi_next_upstream_tries', 'uwsgi_next_upstream_tries', 'scgi_next_upstream_tries', 'grpc_next_upstream_tries'],
  versions: '>= 1.7.5',
  options: {
    minServers: { kind: 'count', description: 'The fewest usable servers a group needs to be reported (default 3).' },
    maxWaitSeconds: { kind: 'seconds', description: 'The longest wait, in seconds, over all tries before it is reported (default 60).' },
  },
  check(ctx) {
    // The two limits arrived in 1.7.5; before that there is nothing to set.
    if (atLeast(ctx.target.version, '1.7.5') === false) return;
    const minServers = typeof ctx.options.minServers === 'number' ? ctx.options.minServers : 3;
    const outerKnown = ctx.settings.environment.outerIdleTimeoutMs !== undefined;
    const budget = typeof ctx.options.maxWaitSeconds === 'number' ? ctx.options.maxWaitSeconds * 1000 : 60_000;
    const perLine = new PerLine<Worst>();
    const effectiveAt = effectiveAtPasses(ctx);
    const passes = ctx.upstreams.passes;
    // The cheap tests come first; a pass is dropped at the first one that fails, before any lookup up the levels.
    for (let k = 0; k < passes.length; k++) {
      const t = passes[k];
      const family = familyOf(t);
      if (!family || !t.upstream) continue;
      const stream = t.module === 'stream';
      if (stream ? family !== 'proxy' : outerKnown) continue;
      // UDP has no connection handshake to time out: the per-try arithmetic below is TCP's.
      if (stream && (t.node.parent?.children ?? []).some((c) => c.name === 'listen' && c.directive.args.some((a) => a.value === 'udp'))) continue;
      const tries = usableServers(t.upstream);
      if (tries < minServers) continue;
      const next = effectiveAt(t, NEXT_UPSTREAM_OF[family]);
      // Only timeouts make a try slow; without "timeout" (http) or with "off" failed tries are quick.
      if (stream ? inForceFirst(next, nextUpstreamDefault(t)) === 'off' : !inForceIncludes(next, nextUpstreamDefault(t), 'timeout')) continue;
      const x = textsOf(family);
      const limitTries = effectiveAt(t, x.tries);
      if (Number(inForceFirst(limitTries, '0')) !== 0) continue;
      const limitTime = effectiveAt(t, x.timeout);
      if (parseNginxTime(inForceFirst(limitTime, '0') ?? '', 'msec') !== 0) continue;
      // Milliseconds one failing attempt can take before nginx moves on: the connect timeout, plus (http) waiting for the header.
      // A UNIX socket has no handshake: connect() succeeds or fails at once, so only the read timeout adds up.
      const socket = reachesOnlyUnixSockets(t);
      if (socket && stream) continue;
      const connect = socket ? undefined : rawTimeOf(effectiveAt(t, x.connect), '60s');
      if (!connect && !socket) continue;
      let one = connect?.ms ?? 0;
      let read: string | undefined;
      if (!stream) {
        const r = rawTimeOf(effectiveAt(t, x.read), '60s');
        if (!r) continue;
        one += r.ms;
        read = r.raw;
      }
      if (one * tries <= budget) continue;
      perLine.add(lastNode(limitTries) ?? lastNode(limitTime) ?? t.node, t, { family, tries, worst: one * tries, connect: connect?.raw, read });
    }
    // Findings share their group and their worst case with many others: those parts of the messages are made once.
    const heads = new Map<Upstream, { family: RetryFamily; text: string }>();
    const durations = new Map<number, string>();
    perLine.forEach((at, passes, data) => {
      const t = passes[0];
      const up = t.upstream!;
      const { family } = data;
      const x = textsOf(family);
      const stream = t.module === 'stream';
      let head = heads.get(up);
      if (head?.family !== family) {
        head = { family, text: `${stream ? 'a connection' : 'a request'} to ${describeGroup(up)} may be tried on ${data.tries}${x.noLimit}` };
        heads.set(up, head);
      }
      // Neither limit is written in this file (the finding is on the pass): in a fragment, the level that includes
      // it may set them, and its timeouts too.
      const unless = at === t.node ? unlessIncluderSets(ctx.config, true) : '';
      let duration = durations.get(data.worst);
      if (duration === undefined) durations.set(data.worst, (duration = humanDuration(data.worst)));
      const parts =
        data.connect === undefined
          ? `${x.read} ${timeText(data.read!)} (connecting to a UNIX socket never waits)`
          : data.read === undefined
            ? `proxy_connect_timeout ${timeText(data.connect)}`
            : `${x.connect} ${timeText(data.connect)} and ${x.read} ${timeText(data.read)}`;
      ctx.report({
        node: at,
        message: `${head.text}${parts} a client can wait up to ${duration} before it ${stream ? 'is closed' : 'gets 502/504'}${unless}`,
        related: at === t.node ? [] : passes.map(passUsesItHere),
        suggestions: [limitFix(ctx, t, x)],
      });
    });
  },
});

/**
 * Adds (or rewrites) both limits next to the pass. `*_next_upstream_timeout` bounds the time in which a
 * new try may start, and that try then runs its own timeouts (nginx 1.22.1, tested); the right value
 * depends on who waits in front of nginx, hence the placeholder.
 */
function limitFix(ctx: NginxRuleContext, t: PassTarget, x: FamilyTexts) {
  const anchor = insertionAnchor(t);
  // The first of each limit already written at the anchor's level, found in one walk over it; no walk when neither
  // is written anywhere (the usual case).
  let ownTries: ConfigNode | undefined;
  let ownTimeout: ConfigNode | undefined;
  if (ctx.nodes(x.tries).length || ctx.nodes(x.timeout).length) {
    const siblings = anchor.parent?.children ?? ctx.config.roots;
    for (let k = 0; k < siblings.length && !(ownTries && ownTimeout); k++) {
      const c = siblings[k];
      if (!ownTries && c.name === x.tries) ownTries = c;
      else if (!ownTimeout && c.name === x.timeout) ownTimeout = c;
    }
  }
  const triesArg = ownTries?.directive.args[0];
  const timeoutArg = ownTimeout?.directive.args[0];
  if (!triesArg && !timeoutArg) return { title: x.title, edits: [insertLinesAfter(anchor, x.bothLines)] };
  const edits: TextEdit[] = [];
  const lines: string[] = [];
  if (triesArg) edits.push(replaceSpan(ownTries!.file, triesArg, '2'));
  else lines.push(x.triesLine);
  if (timeoutArg) edits.push(replaceSpan(ownTimeout!.file, timeoutArg, '10s'));
  else lines.push(x.timeoutLine);
  if (lines.length) edits.push(insertLinesAfter(anchor, lines));
  return { title: x.title, edits };
}

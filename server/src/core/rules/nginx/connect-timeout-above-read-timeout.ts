import { unlessIncluderSets, type ConfigNode } from '../../model/nginx-tree';
import { formatDuration } from '../../model/units';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { effectiveMs, effectiveTime, passSites, reachesOnlyUnixSockets, seconds, setValue, type TimeValue } from './timeouts-support';
import { insertLinesAfter } from '../../fix';
import { minimumOption, reportsTooLow } from './read-timeout-too-low';
import { reportsAboveOsLimit } from './connect-timeout-above-os-limit';

const MODULES = ['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc'];
const SHORT_CONNECT_MS = 5_000;
/** Directive names per module, made once rather than per pass. */
const CONNECT_NAME: Record<string, string> = Object.fromEntries(MODULES.map((m) => [m, `${m}_connect_timeout`]));
const READ_NAME: Record<string, string> = Object.fromEntries(MODULES.map((m) => [m, `${m}_read_timeout`]));

/** How deep a node sits: the more specific of two settings is the one that made them disagree. */
function depth(node: ConfigNode | undefined): number {
  let d = 0;
  for (let p = node?.parent; p; p = p.parent) d++;
  return node ? d : -1;
}

/** A stream server that listens on UDP connects without a handshake: its connect timeout never runs. */
function listensUdp(server: ConfigNode): boolean {
  return server.children.some((c) => c.name === 'listen' && c.directive.args.some((a) => a.value === 'udp'));
}

export default defineNginxRule({
  id: 'connect-timeout-above-read-timeout',
  server: 'nginx',
  severity: 'info',
  outcome: '504',
  summary: 'The connect timeout is longer than the read timeout: a dead backend is noticed later than a slow one, so failures and failover take the longer of the two.',
  directives: [...MODULES.flatMap((m) => [`${m}_connect_timeout`, `${m}_read_timeout`]), 'proxy_timeout'],
  versions: 'all',
  check(ctx) {
    const seen = new Set<string>();
    const enabled = (id: string) => ctx.settings.rules.get(id)?.level !== 'off';
    const sites = passSites(ctx, { stream: true });
    for (let k = 0; k < sites.length; k++) {
      const site = sites[k];
      const connectName = CONNECT_NAME[site.module];
      // The stream module has one idle timeout for both directions instead of a read timeout.
      const readName = site.stream ? 'proxy_timeout' : READ_NAME[site.module];
      // Compared as plain numbers first: at nearly every pass the connect timeout is the shorter one.
      const connectMs = effectiveMs(ctx, site.scope, connectName);
      if (connectMs === undefined) continue;
      const readMs = effectiveMs(ctx, site.scope, readName);
      if (readMs === undefined || connectMs <= readMs) continue;
      if (site.stream && listensUdp(site.scope)) continue;
      // A UNIX socket has no handshake: the connect timeout never runs there (see reachesOnlyUnixSockets).
      if (reachesOnlyUnixSockets(site.pass)) continue;
      const connect = effectiveTime(ctx, site.scope, connectName)!;
      const read = effectiveTime(ctx, site.scope, readName)!;
      // A setting without its ";" is syntax-error's (nginx stops there): in an editor it is a line being typed, whose
      // value ("6" on the way to "60s") is not the one to compare. The driver drops findings placed on such a line;
      // this one would sit on the other setting's line.
      if ((read.node && !read.node.directive.terminated) || (connect.node && !connect.node.directive.terminated)) continue;
      // Same root cause, already reported on that line: a read timeout read-timeout-too-low calls too low, or a
      // connect timeout above the OS limit. The other rule's finding says it; a second one on the line is noise.
      if (read.node && enabled('read-timeout-too-low') && reportsTooLow(read.node, minimumOption(ctx.settings.rules.get('read-timeout-too-low')?.options ?? {}))) continue;
      if (connect.node && enabled('connect-timeout-above-os-limit') && reportsAboveOsLimit(connect.node)) continue;
      // Report at the more specific of the two settings: that is where they were made to disagree.
      const atConnect = !!connect.node && depth(connect.node) >= depth(read.node);
      const at = (atConnect ? connect.node : read.node ?? connect.node) ?? site.pass.node;
      const key = `${at.file.path}\0${at.directive.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const value = formatDuration(Math.min(SHORT_CONNECT_MS, read.ms));
      const edit = atConnect ? setValue(connect.node!, value) : read.node ? insertLinesAfter(read.node, [`${connectName} ${value};`]) : undefined;
      const failure = site.stream ? 'the client connection is closed' : 'the client gets 504';
      const slow = site.stream ? `an idle connection is closed after ${seconds(read.ms)}` : `a slow response is cut off after ${seconds(read.ms)}`;
      ctx.report({
        node: at,
        message: `${connectName} ${describe(connect, ctx)} is longer than ${readName} ${describe(read, ctx)}: a backend host that does not answer the TCP handshake (down, SYNs dropped) is given up on only after ${seconds(connect.ms)}, while ${slow}, so ${site.stream ? 'connections' : 'requests'} to such a server hang ${seconds(connect.ms)} before nginx tries the next server or, with none left, ${failure}`,
        suggestions: edit ? [{ title: `Set ${connectName} to ${value}`, edits: [edit] }] : [],
      });
    }
  },
});

function describe(t: TimeValue, ctx: NginxRuleContext): string {
  return t.node ? t.text : `(default ${t.text}${unlessIncluderSets(ctx.config)})`;
}

import { insertLinesInBlock } from '../../fix';
import type { Fix, TextEdit } from '../../finding';
import { unlessIncluderSets, type ConfigNode } from '../../model/nginx-tree';
import { formatDuration } from '../../model/units';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { belowOuter, effectiveTime, insertAtPass, locationOf, locationPath, longLivedKind, passSites, seconds, setValue, type PassSite, type TimeValue } from './timeouts-support';

interface Group {
  /** The directive that sets the value, or (built-in default) the server block whose locations use it, or the lone pass. */
  at: ConfigNode;
  explicit: boolean;
  /** Each directive at this value, with the passes it is in force for (not every pass has every directive at the default). */
  items: { name: string; kind: 'read' | 'send'; t: TimeValue; sites: PassSite[] }[];
  sites: PassSite[];
}

function enclosingServer(node: ConfigNode): ConfigNode | null {
  for (let p = node.parent; p; p = p.parent) if (p.name === 'server' && p.context === 'http') return p;
  return null;
}

export default defineNginxRule({
  id: 'timeout-exceeds-outer-idle-timeout',
  server: 'nginx',
  severity: 'warning',
  outcome: '504',
  summary: 'nginx waits for the backend at least as long as the load balancer in front of it allows an idle connection: the load balancer answers 504 first.',
  directives: ['proxy_read_timeout', 'proxy_send_timeout', 'fastcgi_read_timeout', 'fastcgi_send_timeout', 'uwsgi_read_timeout', 'uwsgi_send_timeout', 'scgi_read_timeout', 'scgi_send_timeout', 'grpc_read_timeout', 'grpc_send_timeout'],
  versions: 'all',
  check(ctx) {
    const outer = ctx.settings.environment.outerIdleTimeoutMs;
    if (!outer) return;
    // One finding per directive that sets a value (it is wrong for every location that inherits it);
    // where the built-in default is in force, one per server block, since lines added to the server
    // fix all its locations.
    const groups = new Map<string, Group>();
    for (const site of passSites(ctx)) {
      for (const kind of ['read', 'send'] as const) {
        const name = `${site.module}_${kind}_timeout`;
        const t = effectiveTime(ctx, site.scope, name);
        if (!t || t.ms < outer) continue;
        const at = t.node ?? enclosingServer(site.pass.node) ?? site.pass.node;
        const key = `${at.file.path}\0${at.directive.start}`;
        const g = groups.get(key) ?? { at, explicit: !!t.node, items: [], sites: [] };
        groups.set(key, g);
        let item = g.items.find((i) => i.name === name);
        if (!item) g.items.push((item = { name, kind, t, sites: [] }));
        if (!item.sites.includes(site)) item.sites.push(site);
        if (!g.sites.includes(site)) g.sites.push(site);
      }
    }
    for (const g of groups.values()) report(ctx, outer, g);
  },
});

function report(ctx: NginxRuleContext, outer: number, g: Group): void {
  const { at, explicit, items, sites } = g;
  const t = items[0].t;
  const names = items.map((i) => i.name).join(' and ');
  const inServer = !explicit && at.name === 'server';
  // Says exactly which directive is at the default in which locations: /report may set its own read timeout
  // while it still has the default send timeout.
  const locations = (list: PassSite[]) => {
    const paths = [...new Set(list.map((s) => locationPath(locationOf(s.pass.node))).filter(Boolean))];
    const shown = paths.length > 4 ? [...paths.slice(0, 4), `and ${paths.length - 4} more`] : paths;
    return paths.length ? `location${paths.length > 1 ? 's' : ''} ${shown.join(', ')}` : 'this server';
  };
  const sameSites = items.every((i) => i.sites.length === items[0].sites.length && i.sites.every((x) => items[0].sites.includes(x)));
  const unless = unlessIncluderSets(ctx.config, items.length > 1);
  const inForce = !inServer
    ? `${names} ${items.length > 1 ? 'are' : 'is'} nginx's default ${t.text} here${unless}`
    : sameSites
      ? `${names} ${items.length > 1 ? 'are' : 'is'} nginx's default ${t.text} in ${locations(items[0].sites)} of this server${unless}`
      : `nginx's default ${t.text} is in force in this server for ${items.map((i) => `${i.name} in ${locations(i.sites)}`).join(' and for ')}${unlessIncluderSets(ctx.config, true)}`;
  const what = explicit ? `${names} ${t.text} is` : `${inForce}, which is`;
  // A finding on a server block underlines its name only, not the whole block.
  const place = inServer ? { at: { file: at.file, start: at.directive.nameSpan.start, end: at.directive.nameSpan.end } } : { node: at };

  const kinds = sites.map((s) => longLivedKind(ctx, s));
  if (kinds.every((k) => k)) {
    // Lowering nginx's timeout cannot keep an idle WebSocket or event stream open behind the balancer.
    ctx.report({
      ...place,
      message: `${what} not below the ${seconds(outer)} idle timeout of the load balancer in front of nginx: the load balancer closes a ${kinds[0] === 'websocket' ? 'WebSocket' : 'stream'} that is idle for ${seconds(outer)} whatever nginx allows; raise the load balancer's idle timeout or have the application send something more often than that`,
    });
    return;
  }
  const value = formatDuration(belowOuter(outer));
  const lines = items.map((i) => `${i.name} ${value};`);
  let edit: TextEdit | undefined;
  if (explicit) edit = setValue(at, value);
  else if (inServer && at.directive.block) edit = insertLinesInBlock(at, lines);
  else edit = insertAtPass(sites[0], lines);
  // The value also reaches the WebSocket or event-stream locations among them. That costs them little (the balancer
  // already closes a connection quiet for its idle timeout; nginx now does so a few seconds sooner, and logs it),
  // but it is said, with what keeps those connections open: never a longer nginx timeout, which only brings this
  // finding back (long-lived-location-default-timeout gives the same advice there).
  // Only the read timeout closes a quiet connection (the send timeout runs only while a write to the backend waits).
  // Sets, not includes/indexOf: a group can serve thousands of locations, and this runs on every keystroke.
  const readSites = new Set(items.filter((i) => i.kind === 'read').flatMap((i) => i.sites));
  const longLived: typeof sites = [];
  const kindsThere = new Set<NonNullable<(typeof kinds)[number]>>();
  sites.forEach((s, k) => {
    const kind = kinds[k];
    if (!kind || !readSites.has(s)) return;
    longLived.push(s);
    kindsThere.add(kind);
  });
  const longName = kindsThere.size > 1 ? 'WebSocket and event-stream' : kindsThere.has('websocket') ? 'WebSocket' : 'event-stream';
  const fix: Fix | undefined = edit && {
    title:
      (explicit ? `Set ${names} to ${value}, under the load balancer's ${seconds(outer)}` : `Add ${lines.map((l) => `"${l}"`).join(' and ')} (under the load balancer's ${seconds(outer)})`) +
      (longLived.length ? `, also for the ${longName} ${locations(longLived)}` : ''),
    edits: [edit],
  };
  const idle = [...new Set(items.map((i) => (i.kind === 'read' ? 'sends nothing' : 'stops reading the request')))].join(' or ');
  const longNote =
    fix && longLived.length
      ? `; the ${longName} ${locations(longLived)} would then get ${value} too: a connection quiet for that long is closed by nginx instead of by the load balancer at ${seconds(outer)}, so keep those open with an application ping more often than every ${seconds(belowOuter(outer))}, or raise the load balancer's idle timeout (a longer nginx timeout there cannot help)`
      : '';
  ctx.report({
    ...place,
    message: `${what} not below the ${seconds(outer)} idle timeout of the load balancer in front of nginx: when the backend ${idle} for ${seconds(outer)}, the load balancer answers 504 itself while nginx keeps waiting, and nginx's error log shows nothing${longNote}`,
    suggestions: fix ? [fix] : [],
  });
}

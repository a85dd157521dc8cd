import type { TextEdit } from '../../finding';
import { unlessIncluderSets } from '../../model/nginx-tree';
import { formatDuration } from '../../model/units';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { locationMatch } from './addresses-support';
import { belowOuter, effectiveTime, insertAtPass, locationOf, locationPath, longLivedKind, passSites, seconds, setAtPassLevel, setValue, slowResponseKind, type PassSite, type SlowResponseKind, type TimeValue } from './timeouts-support';

/** nginx's default; a long-lived connection quiet for this long is closed (https://nginx.org/en/docs/http/websocket.html). */
const DEFAULT_MS = 60_000;
/** What to propose when nothing in front of nginx closes idle connections sooner: 1h. */
const LONG_MS = 3_600_000;
/**
 * What to propose for an endpoint that answers late (long poll, a completion that is not streamed): 10 min, long
 * enough for either, while a backend that hangs still gets its 504 within minutes.
 */
const SLOW_MS = 600_000;

/** Whether `try_files … @name` ends the list in a `location /` or at server level: every non-file request goes there. */
function fallbackOfAll(ctx: NginxRuleContext, name: string | undefined): boolean {
  if (!name) return false;
  return ctx.nodes('try_files').some((n) => {
    if (n.directive.args.at(-1)?.value !== name) return false;
    const p = n.parent;
    if (p?.name === 'server') return true;
    return p?.name === 'location' && locationMatch(p).kind === 'prefix' && locationPath(p) === '/';
  });
}

export default defineNginxRule({
  id: 'long-lived-location-default-timeout',
  server: 'nginx',
  severity: 'info',
  outcome: 'silent',
  summary: 'A WebSocket, event-stream, long-poll or LLM-completion location keeps a read timeout of 60 s or less: nginx closes connections that stay quiet that long (clients must reconnect), and answers 504 to a request whose answer takes longer.',
  directives: ['proxy_read_timeout', 'proxy_send_timeout', 'proxy_set_header', 'proxy_buffering'],
  versions: 'all',
  check(ctx) {
    // A load balancer in front of nginx closes a client connection on which nothing moved for its idle timeout,
    // whatever nginx allows (AWS ALB: connection idle timeout, WebSockets included). Behind one of 1h or less,
    // 1h would keep no connection open past the balancer's timeout and would trip timeout-exceeds-outer-idle-timeout; the most nginx's timeout
    // can usefully be is just below the balancer's, the value that rule proposes.
    const outer = ctx.settings.environment.outerIdleTimeoutMs;
    const capped = outer !== undefined && outer <= LONG_MS;
    const targetMs = capped ? belowOuter(outer) : LONG_MS;
    const target = formatDuration(targetMs);
    const seen = new Set<string>();
    for (const site of passSites(ctx)) {
      const kind = longLivedKind(ctx, site) ?? slowResponseKind(site);
      if (!kind) continue;
      const read = effectiveTime(ctx, site.scope, 'proxy_read_timeout');
      if (!read || read.ms > DEFAULT_MS) continue;
      if (kind === 'long-poll' || kind === 'llm') {
        reportSlow(ctx, site, kind, read, capped ? Math.min(SLOW_MS, targetMs) : SLOW_MS, capped ? outer : undefined, seen);
        continue;
      }
      // Reported where the longer timeout belongs: the location's own setting, else its pass directive.
      const here = setAtPassLevel(site, read);
      const at = here ?? site.pass.node;
      const key = `${at.file.path}\0${at.directive.start}`;
      if (seen.has(key)) continue;
      seen.add(key);

      // Behind a balancer of 60 s, nginx's 60 s is already as long as a quiet connection can last: no edit then.
      const improves = targetMs > read.ms;
      const edits: TextEdit[] = [];
      const added: string[] = [];
      if (improves) {
        if (here) edits.push(setValue(here, target));
        else added.push(`proxy_read_timeout ${target};`);
        const send = effectiveTime(ctx, site.scope, 'proxy_send_timeout');
        if (send && send.ms <= DEFAULT_MS && send.ms < targetMs) {
          const sendHere = setAtPassLevel(site, send);
          if (sendHere) edits.push(setValue(sendHere, target));
          else added.push(`proxy_send_timeout ${target};`);
        }
      }
      if (added.length) {
        const edit = insertAtPass(site, added);
        if (edit) edits.push(edit);
      }

      const location = locationOf(site.pass.node);
      const path = locationPath(location);
      // A catch-all (`location /`, or a pass at server level) also carries every ordinary request: there a longer
      // timeout also lets a hung backend hold those requests that long before 504. On an upgraded connection nginx
      // restarts the read timer whenever data passes either way, so a client's ping keeps it open as well as the
      // backend's (test/servers/nginx-websocket-idle.test.ts). proxy_read_timeout takes no
      // variables, so it cannot differ for upgraded connections; the usual way out is a ping from the backend more
      // often than the timeout, or a location of its own for the WebSocket path.
      // A named location that `location /` (or the server) falls back to with try_files, as in Mastodon's
      // `try_files $uri @proxy;`, takes every request that is not a file: the same.
      const match = location && locationMatch(location);
      const catchAll = !location || (match!.kind === 'prefix' && path === '/') || (match!.kind === 'named' && fallbackOfAll(ctx, path));
      // In a fragment checked on its own, the configuration that includes it may set the timeout: the default is only likely.
      const value = read.node ? `proxy_read_timeout ${read.text}` : `the default proxy_read_timeout (${read.text}${unlessIncluderSets(ctx.config)})`;
      const message =
        kind === 'websocket'
          ? `WebSocket location "${path}" keeps ${value}: nginx closes the connection when nothing passes through it, in either direction, for ${seconds(read.ms)} ("upstream timed out … while proxying upgraded connection", logged only at error_log level info), so quiet clients are dropped and must reconnect`
          : `event-stream location "${path}" keeps ${value}: a stream with no event for ${seconds(read.ms)} is cut off ("upstream timed out … while reading upstream"), so clients must reconnect`;
      const under = capped ? `, just under the load balancer's ${seconds(outer)}` : '';
      const title = catchAll
        ? `Allow ${target} of silence here${under}, for every request of this catch-all location (a hung backend then answers 504 only after ${target})`
        : `Allow ${target} of silence in this location (proxy_read_timeout/proxy_send_timeout ${target}${under})`;
      const behind = !capped
        ? ''
        : improves
          ? `; the load balancer in front of nginx closes a connection idle for ${seconds(outer)} whatever nginx allows, so nginx's timeout helps only up to just below that (${target}): for connections quiet any longer, have the application send a ping more often than that, or raise the load balancer's idle timeout`
          : `; a longer timeout would not help: the load balancer in front of nginx closes a connection idle for ${seconds(outer)} whatever nginx allows, so have the application send a ping more often than every ${seconds(Math.min(read.ms, outer))}, or raise the load balancer's idle timeout (and then this one)`;
      const note =
        catchAll && edits.length
          ? `; this location also serves ordinary requests, so rather than a longer timeout for all of them, let the backend send a ping (or an event) more often than every ${seconds(read.ms)}${kind === 'websocket' ? ' (on a WebSocket, a ping from the client does as well)' : ''}, or give the ${kind === 'websocket' ? 'WebSocket' : 'stream'} path a location of its own`
          : '';
      ctx.report({
        node: at,
        message: message + behind + note,
        suggestions: edits.length ? [{ title, edits }] : [],
        related: read.node && !here ? [{ path: read.node.file.path, start: read.node.directive.start, end: read.node.directive.end, message: `proxy_read_timeout ${read.text} is inherited from here` }] : [],
      });
    }
  },
});

/**
 * An endpoint that answers late: while nothing has come back, nginx waits proxy_read_timeout for the response header,
 * then answers 504 (real nginx 1.22.1: 504 after the 1 s timeout from a backend that answers after 2 s, and "upstream
 * timed out (110: Connection timed out) while reading response header from upstream" at [error]; 200 with 10m,
 * test/servers/nginx-slow-endpoints.test.ts). Only the read timeout matters: the request is sent at once.
 */
function reportSlow(ctx: NginxRuleContext, site: PassSite, kind: SlowResponseKind, read: TimeValue, targetMs: number, outer: number | undefined, seen: Set<string>): void {
  const here = setAtPassLevel(site, read);
  const at = here ?? site.pass.node;
  const key = `${at.file.path}\0${at.directive.start}`;
  if (seen.has(key)) return;
  seen.add(key);
  const target = formatDuration(targetMs);
  const edits: TextEdit[] = [];
  if (targetMs > read.ms) {
    if (here) edits.push(setValue(here, target));
    else {
      const edit = insertAtPass(site, [`proxy_read_timeout ${target};`]);
      if (edit) edits.push(edit);
    }
  }
  const location = locationOf(site.pass.node);
  const path = location ? locationPath(location) : '';
  const value = read.node ? `proxy_read_timeout ${read.text}` : `the default proxy_read_timeout (${read.text}${unlessIncluderSets(ctx.config)})`;
  const said = '"upstream timed out (110: Connection timed out) while reading response header from upstream"';
  const what =
    kind === 'long-poll'
      ? `long-poll location "${path}" keeps ${value}: a poll the backend holds for longer than ${seconds(read.ms)} before it answers gets 504 from nginx (${said} in the error log) instead of the backend's answer, and the client retries`
      : `${path ? `location "${path}"` : 'this proxy_pass'} serves an LLM API (${path && LLM_PATH_WORDS.test(path) ? 'its path is a text-generation endpoint' : 'its backend is on Ollama\'s port 11434'}) and keeps ${value}: a completion that is not streamed comes back only when it is finished, and one that takes longer than ${seconds(read.ms)} gets 504 from nginx (${said} in the error log); streamed answers are not cut as long as the gap between two chunks stays under ${seconds(read.ms)}`;
  const behind = outer !== undefined ? `; the load balancer in front of nginx also answers 504 once nothing has come back for its idle timeout of ${seconds(outer)}, so raise that too for answers slower than that` : '';
  ctx.report({
    node: at,
    message: what + behind,
    suggestions: edits.length ? [{ title: `Allow ${target} for the answer in this location (proxy_read_timeout ${target})`, edits }] : [],
    related: read.node && !here ? [{ path: read.node.file.path, start: read.node.directive.start, end: read.node.directive.end, message: `proxy_read_timeout ${read.text} is inherited from here` }] : [],
  });
}

const LLM_PATH_WORDS = /completions|generate/i;

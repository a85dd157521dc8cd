import type { TextEdit } from '../../finding';
import { defineNginxRule } from '../rule';
import { effectiveTime, insertAtPass, locationOf, locationPath, longLivedKind, passSites, seconds, setAtPassLevel, setValue } from './timeouts-support';

/** nginx's default; a long-lived connection quiet for this long is closed (https://nginx.org/en/docs/http/websocket.html). */
const DEFAULT_MS = 60_000;
const LONG = '1h';

export default defineNginxRule({
  id: 'long-lived-location-default-timeout',
  server: 'nginx',
  severity: 'info',
  outcome: 'silent',
  summary: 'A WebSocket or event-stream location keeps a read timeout of 60 s or less: nginx closes connections that stay quiet that long, and clients must reconnect.',
  directives: ['proxy_read_timeout', 'proxy_send_timeout', 'proxy_set_header', 'proxy_buffering'],
  versions: 'all',
  check(ctx) {
    const seen = new Set<string>();
    for (const site of passSites(ctx)) {
      const kind = longLivedKind(ctx, site);
      if (!kind) continue;
      const read = effectiveTime(ctx, site.scope, 'proxy_read_timeout');
      if (!read || read.ms > DEFAULT_MS) continue;
      // Reported where the longer timeout belongs: the location's own setting, else its pass directive.
      const here = setAtPassLevel(site, read);
      const at = here ?? site.pass.node;
      const key = `${at.file.path}\0${at.directive.start}`;
      if (seen.has(key)) continue;
      seen.add(key);

      const edits: TextEdit[] = [];
      const added: string[] = [];
      if (here) edits.push(setValue(here, LONG));
      else added.push(`proxy_read_timeout ${LONG};`);
      const send = effectiveTime(ctx, site.scope, 'proxy_send_timeout');
      if (send && send.ms <= DEFAULT_MS) {
        const sendHere = setAtPassLevel(site, send);
        if (sendHere) edits.push(setValue(sendHere, LONG));
        else added.push(`proxy_send_timeout ${LONG};`);
      }
      if (added.length) {
        const edit = insertAtPass(site, added);
        if (edit) edits.push(edit);
      }

      const path = locationPath(locationOf(site.pass.node));
      const value = read.node ? `proxy_read_timeout ${read.text}` : `the default proxy_read_timeout (${read.text})`;
      const message =
        kind === 'websocket'
          ? `WebSocket location "${path}" keeps ${value}: nginx closes the connection when the backend sends nothing for ${seconds(read.ms)} ("upstream timed out … while proxying upgraded connection"), so quiet clients are dropped and must reconnect`
          : `event-stream location "${path}" keeps ${value}: a stream with no event for ${seconds(read.ms)} is cut off ("upstream timed out … while reading upstream"), so clients must reconnect`;
      ctx.report({
        node: at,
        message,
        suggestions: edits.length ? [{ title: `Allow ${LONG} of silence in this location (proxy_read_timeout/proxy_send_timeout ${LONG})`, edits }] : [],
        related: read.node && !here ? [{ path: read.node.file.path, start: read.node.directive.start, end: read.node.directive.end, message: `proxy_read_timeout ${read.text} is inherited from here` }] : [],
      });
    }
  },
});

import type { Fix, TextEdit } from '../../finding';
import { replaceSpan, withInheritedLines } from '../../fix';
import type { ConfigNode } from '../../model/nginx-tree';
import type { PassTarget } from '../../model/nginx-upstreams';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { connectionCarriesUpgrade, connectionMapEdit, headerLines, insertAfter, mapDefining, settingsAnchor, webSocketGap, type HeaderLine, type WebSocketGap } from './neighbours-support';

/** The Connection value to write, and the edit that defines it when the map is not there yet. */
function connectionValue(ctx: NginxRuleContext): { value: string; edit?: TextEdit } {
  const map = mapDefining(ctx, '$connection_upgrade');
  if (map) return connectionCarriesUpgrade(ctx, '$connection_upgrade') ? { value: '$connection_upgrade' } : { value: '"upgrade"' };
  const edit = connectionMapEdit(ctx);
  // Without an http block in sight (a snippet), a literal "upgrade" is the one value that always loads.
  return edit ? { value: '$connection_upgrade', edit } : { value: '"upgrade"' };
}

function buildFix(ctx: NginxRuleContext, t: PassTarget, gap: WebSocketGap): { fix: Fix; safe: boolean } {
  const anchor = settingsAnchor(t.node);
  const scope = anchor.parent;
  const headers = headerLines(ctx, scope);
  const edits: TextEdit[] = [];
  let safe = true;
  const extra: string[] = [];
  if (gap.missing.includes('proxy_http_version 1.1')) {
    if (gap.version.node?.parent === scope) edits.push(replaceSpan(gap.version.node.file, gap.version.node.directive, 'proxy_http_version 1.1;'));
    else extra.push('proxy_http_version 1.1;');
    if (gap.version.node) safe = false;
  }
  const add: string[] = [];
  const replaced: HeaderLine[] = [];
  const put = (line: string, old: HeaderLine | undefined) => {
    if (old && old.node.parent === scope) edits.push(replaceSpan(old.node.file, old.node.directive, line));
    else {
      if (old) replaced.push(old);
      add.push(line);
    }
  };
  if (gap.missing.includes('proxy_set_header Upgrade $http_upgrade')) {
    if (gap.upgrade) safe = false;
    put('proxy_set_header Upgrade $http_upgrade;', headers.lines.find((l) => l.name === 'upgrade'));
  }
  if (gap.missing.includes('a Connection header that carries "upgrade"')) {
    const c = connectionValue(ctx);
    if (c.edit) edits.push(c.edit);
    // An emptied Connection header (the keep-alive setting) is what the map yields for ordinary requests anyway.
    if (gap.connection && gap.connection.value !== '') safe = false;
    if (!c.value.startsWith('$')) safe = false;
    put(`proxy_set_header Connection ${c.value};`, headers.lines.find((l) => l.name === 'connection'));
  }
  const inherited = headers.origin === 'inherited';
  const lines = inherited && add.length ? withInheritedLines(headers.nodes.filter((n) => !replaced.some((r) => r.node === n)), add) : add;
  if (extra.length || lines.length) edits.push(insertAfter(anchor, [...extra, ...lines]));
  return { fix: { title: 'Pass the WebSocket upgrade on (HTTP/1.1, Upgrade and Connection headers; inherited headers kept)', edits }, safe };
}

/**
 * Upgrade and Connection are hop-by-hop headers: nginx does not forward them unless told to, so the
 * backend sees a plain GET and the WebSocket handshake fails. Before 1.29.7 nginx also spoke HTTP/1.0
 * upstream, which has no upgrade at all.
 * https://nginx.org/en/docs/http/websocket.html
 */
export default defineNginxRule({
  id: 'websocket-headers-missing',
  server: 'nginx',
  severity: 'warning',
  outcome: 'silent',
  summary: 'A location that proxies WebSocket traffic does not pass the Upgrade and Connection headers (or HTTP/1.1) on: the handshake never reaches the backend.',
  directives: ['proxy_pass', 'proxy_set_header', 'proxy_http_version'],
  versions: 'all (proxy_http_version 1.1 needed explicitly: < 1.29.7)',
  check(ctx) {
    // A pass inside `if` and the pass of its location share the level the lines go to: one fix per level and run.
    const fixedLevels = new Set<ConfigNode | null>();
    for (const t of ctx.upstreams.passes) {
      const gap = webSocketGap(ctx, t);
      if (!gap) continue;
      const built = buildFix(ctx, t, gap);
      const level = settingsAnchor(t.node).parent;
      const safe = built.safe && !fixedLevels.has(level);
      if (safe) fixedLevels.add(level);
      const fix = built.fix;
      const lacks = gap.missing.map((m) => (m === 'proxy_http_version 1.1' && gap.version.value === undefined ? `${m} (needed before nginx 1.29.7)` : m));
      const lacksText = lacks.length > 1 ? `${lacks.slice(0, -1).join(', ')} and ${lacks[lacks.length - 1]}` : lacks[0];
      const headersMissing = gap.missing.some((m) => m !== 'proxy_http_version 1.1');
      const versionMissing = gap.missing.includes('proxy_http_version 1.1');
      const why = [
        headersMissing ? 'Upgrade and Connection are hop-by-hop headers that nginx does not pass on by itself' : '',
        versionMissing ? `${gap.version.value === undefined ? 'on nginx before 1.29.7 ' : ''}nginx talks HTTP/1.0 to the backend, and an HTTP/1.0 request cannot be upgraded` : '',
      ].filter(Boolean).join('; ');
      ctx.report({
        node: t.node,
        message: `this location looks like a WebSocket endpoint (${gap.evidence}) but lacks ${lacksText}: ${why}, so the WebSocket handshake fails (the backend answers 400/426, or clients fall back to polling)`,
        severity: gap.conditional ? 'info' : undefined,
        fix: safe ? fix : undefined,
        suggestions: safe ? [] : [fix],
      });
    }
  },
});

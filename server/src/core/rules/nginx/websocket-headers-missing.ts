import type { Fix, TextEdit } from '../../finding';
import { replaceSpan, withInheritedLines } from '../../fix';
import type { ConfigNode } from '../../model/nginx-tree';
import type { PassTarget } from '../../model/nginx-upstreams';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { connectionCarriesUpgrade, connectionMapEdit, COPY_INCLUDER_HEADERS, deleteLine, headerLines, includerHeadersUnseen, insertAfter, mapDefining, mapValueForEmpty, settingsAnchor, text, webSocketGap, type WebSocketGap } from './neighbours-support';
import { isSharedFile, sharedNote } from './shared-files';

/** The Connection value to write, and the edit that defines it when the map is not there yet. */
function connectionValue(ctx: NginxRuleContext): { value: string; edit?: TextEdit } {
  const map = mapDefining(ctx, '$connection_upgrade');
  if (map) return connectionCarriesUpgrade(ctx, '$connection_upgrade') ? { value: '$connection_upgrade' } : { value: '"upgrade"' };
  const edit = connectionMapEdit(ctx);
  // Without an http block in sight (a snippet), a literal "upgrade" is the one value that always loads.
  return edit ? { value: '$connection_upgrade', edit } : { value: '"upgrade"' };
}

interface BuiltFix {
  fix?: Fix;
  safe: boolean;
  /** Why no fix is offered: the line to change is in a file included from several places. */
  blocked?: string;
}

function buildFix(ctx: NginxRuleContext, t: PassTarget, gap: WebSocketGap): BuiltFix {
  const anchor = settingsAnchor(t.node);
  const scope = anchor.parent;
  const headers = headerLines(ctx, scope);
  // Writing into a snippet that other locations include would change them too (and could cost them upstream keep-alive).
  const shared = (n: ConfigNode) => isSharedFile(ctx.config, n.file.path);
  const blocked = (n: ConfigNode, what: string): BuiltFix => ({ safe: false, blocked: `${what} is in ${sharedNote(ctx.config, n)}; no fix is offered, since changing it there changes every location that includes it` });
  if (shared(anchor)) return blocked(anchor, `this ${t.directive}`);
  const edits: TextEdit[] = [];
  let safe = true;
  const extra: string[] = [];
  // What the title lists: the menu shows it, not the edits, so it names only what this fix writes.
  const does: string[] = [];
  const headerNames: string[] = [];
  if (gap.missing.includes('proxy_http_version 1.1')) {
    does.push('HTTP/1.1');
    const v = gap.version.node;
    if (v && v.parent === scope) {
      // A second proxy_http_version at the same level stops nginx ("directive is duplicate"): it can only be rewritten where it is.
      if (shared(v)) return blocked(v, `"${text(v)}"`);
      edits.push(replaceSpan(v.file, v.directive, 'proxy_http_version 1.1;'));
    } else extra.push('proxy_http_version 1.1;');
    if (v) safe = false;
  }
  const inherited = headers.origin === 'inherited';
  const add: string[] = [];
  // Inherited lines the copies leave out, because a new line takes their place.
  const notCopied = new Set<ConfigNode>();
  if (gap.missing.includes('proxy_set_header Upgrade $http_upgrade')) {
    // Every Upgrade line in force is empty (or there is none); an explicit `Upgrade ""` was deliberate (it keeps h2c upgrades away).
    if (gap.upgrade) safe = false;
    headerNames.push('Upgrade');
    // Empty lines are not sent, so a new line next to them works; one of this location's own is rewritten instead.
    const own = gap.upgrades.find((l) => l.node.parent === scope && !shared(l.node));
    if (own) edits.push(replaceSpan(own.node.file, own.node.directive, 'proxy_set_header Upgrade $http_upgrade;'));
    else add.push('proxy_set_header Upgrade $http_upgrade;');
    for (const u of gap.upgrades) notCopied.add(u.node);
  }
  if (gap.missing.includes('a Connection header that carries "upgrade"')) {
    const c = connectionValue(ctx);
    const line = `proxy_set_header Connection ${c.value};`;
    headerNames.push('Connection');
    // Lines nginx sends today (non-empty); empty ones (the keep-alive setting) are dropped by nginx and may stay.
    const sent = gap.connections.filter((l) => l.value !== '');
    if (sent.length) safe = false;
    if (!c.value.startsWith('$')) safe = false;
    // With the WebSocket page's map ('' close), ordinary requests that sent no Connection header would start sending "close".
    const map = mapDefining(ctx, '$connection_upgrade');
    if (c.value === '$connection_upgrade' && map && gap.connections.length && /^close$/i.test(mapValueForEmpty(map).value)) safe = false;
    if (!inherited) {
      // Lines at this level: a non-empty one would still be sent next to the new one, so it has to be rewritten or removed.
      const inShared = sent.find((l) => shared(l.node));
      if (inShared) return blocked(inShared.node, `"${text(inShared.node)}"`);
      const [first, ...rest] = sent;
      if (first) {
        edits.push(replaceSpan(first.node.file, first.node.directive, line));
        for (const r of rest) edits.push(deleteLine(r.node));
      } else add.push(line);
    } else {
      add.push(line);
      for (const l of gap.connections) notCopied.add(l.node);
    }
    if (c.edit) edits.push(c.edit);
  }
  const copied = inherited && add.length ? headers.nodes.filter((n) => !notCopied.has(n)) : [];
  const lines = inherited && add.length ? withInheritedLines(copied, add) : add;
  if (extra.length || lines.length) edits.push(insertAfter(anchor, [...extra, ...lines]));
  if (headerNames.length) does.push(`${headerNames.join(' and ')} header${headerNames.length > 1 ? 's' : ''}`);
  // A new header line in a fragment may hide lines of the configuration that includes it, which it cannot copy.
  const unseen = add.length > 0 && includerHeadersUnseen(ctx.config, headers);
  if (unseen) safe = false;
  const fix: Fix = { title: `Pass the WebSocket upgrade on (${does.join(', ')}${unseen ? `); ${COPY_INCLUDER_HEADERS}` : `${copied.length ? '; inherited headers kept' : ''})`}`, edits };
  // Last guard (the map goes into the http block's file): nothing is written into a file included from several places.
  const sharedEdit = edits.find((e) => isSharedFile(ctx.config, e.path));
  if (sharedEdit) return { safe: false, blocked: `the change would write into ${sharedEdit.path.split('/').slice(-2).join('/')}, which is included from several places; no fix is offered` };
  return { fix, safe };
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
    // Indexed: for…of allocates an iterator result per pass until the loop is optimised.
    const passes = ctx.upstreams.passes;
    for (let k = 0; k < passes.length; k++) {
      const t = passes[k];
      const gap = webSocketGap(ctx, t);
      if (!gap) continue;
      const built = buildFix(ctx, t, gap);
      const level = settingsAnchor(t.node).parent;
      const safe = !!built.fix && built.safe && !fixedLevels.has(level);
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
        message: `this location looks like a WebSocket endpoint (${gap.evidence}) but lacks ${lacksText}: ${why}, so the WebSocket handshake fails (the backend answers 400/426, or clients fall back to polling)${built.blocked ? ` (${built.blocked})` : ''}`,
        severity: gap.conditional ? 'info' : undefined,
        milderForUnknownVersion: gap.conditional ? 'nginx before 1.29.7' : undefined,
        fix: safe ? fix : undefined,
        suggestions: safe || !fix ? [] : [fix],
      });
    }
  },
});

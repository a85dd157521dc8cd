import type { Fix, RelatedLocation, TextEdit } from '../../finding';
import { replaceSpan } from '../../fix';
import { type ConfigNode, unlessIncluderSets } from '../../model/nginx-tree';
import type { PassTarget } from '../../model/nginx-upstreams';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { COPY_INCLUDER_HEADERS, deleteLine, explicitKeepalive, headerEdits, headerLines, headerLinesOf, httpVersion, type HeaderLines, includerHeadersUnseen, insertAfter, isVariable, mapDefining, mapValueForEmpty, newKeepaliveDefaults, scopeOf, settingsAnchor, text, webSocketGap } from './neighbours-support';
import { passesViaVariables } from './pass-variables';
import { isSharedFile, unlessShared } from './shared-files';

interface Problem {
  /** What this location does that closes the connection after each request. */
  says: string;
  /** The line responsible, when one is written somewhere. */
  node?: ConfigNode;
  /** Only true on nginx before 1.29.7, and the target version is unknown. */
  conditional: boolean;
  /** Caused by a default (nothing written): adding lines fixes it safely. */
  missing: boolean;
  /** The Connection line that uses the map, when `node` is the map's entry. */
  via?: ConfigNode;
}

/**
 * Why a location's requests to a keep-alive group still close the connection. nginx caches an upstream
 * connection only when the response allows it: it must be HTTP/1.1 (or 2) and the request must not carry
 * "Connection: close", which nginx sent by default before 1.29.7.
 * https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive
 */
export function keepaliveProblems(ctx: NginxRuleContext, t: PassTarget): { problems: Problem[]; emptyMapEntry?: ConfigNode } {
  const scope = scopeOf(t.node);
  return problemsWith(ctx, httpVersion(ctx, scope), ctx.effective(scope, 'proxy_set_header').nodes);
}

/**
 * keepaliveProblems from the level's proxy_http_version and its proxy_set_header lines in force. It reads the lines
 * themselves rather than headerLines(): most passes have no problem, and then nothing is built for them.
 */
function problemsWith(ctx: NginxRuleContext, version: ReturnType<typeof httpVersion>, headerNodes: ConfigNode[]): { problems: Problem[]; emptyMapEntry?: ConfigNode } {
  const newer = newKeepaliveDefaults(ctx);
  const problems: Problem[] = [];
  if (version.node && version.value === '1.0') problems.push({ says: 'talks HTTP/1.0 to it (proxy_http_version 1.0)', node: version.node, conditional: false, missing: false });
  else if (!version.node && newer !== true) problems.push({ says: 'talks HTTP/1.0 to it', conditional: newer === undefined, missing: true });

  // Every Connection line at the level counts: nginx drops the empty ones and sends all the others
  // (snippets/proxy-common.conf's `Connection ""` next to snippets/websocket.conf's `Connection $connection_upgrade`
  // sends the map's value, "close" for ordinary requests with the WebSocket page's map).
  let emptyMapEntry: ConfigNode | undefined;
  // HTTP/2 has no Connection header: nginx never sends it to an HTTP/2 upstream.
  if (version.value === '2') return { problems };
  let connections = 0;
  for (let k = 0; k < headerNodes.length; k++) {
    const args = headerNodes[k].directive.args;
    if (!isConnectionHeader(args)) continue;
    connections++;
    const node = headerNodes[k];
    const value = args.length > 1 ? args[1].value : '';
    if (/(^|[\s,])close($|[\s,])/i.test(value)) {
      problems.push({ says: `sends "Connection: ${value}"`, node, conditional: false, missing: false });
    } else if (isVariable(value)) {
      // The WebSocket docs' map sends "close" for every ordinary request: keep-alive then works only for upgrades.
      const map = mapDefining(ctx, value);
      const empty = map && map.directive.args[0]?.value === '$http_upgrade' ? mapValueForEmpty(map) : undefined;
      if (empty && /^close$/i.test(empty.value) && !problems.some((p) => p.node === (empty.node ?? map))) {
        emptyMapEntry = empty.node;
        problems.push({ says: `sends "Connection: close" on every ordinary request (the map for ${value} turns an empty Upgrade into "close")`, node: empty.node ?? map, conditional: false, missing: false, via: node });
      }
    }
  }
  // Any Connection line replaces nginx's own "Connection: close"; with none, the default is sent (before 1.29.7).
  if (!connections && newer !== true) problems.push({ says: 'sends "Connection: close"', conditional: newer === undefined, missing: true });
  return { problems, emptyMapEntry };
}

/** A `proxy_set_header Connection …` line (the header name in any case, as headerLines() lower-cases it). */
function isConnectionHeader(args: ConfigNode['directive']['args']): boolean {
  // The length first: Host, X-Forwarded-For and the like are not lower-cased for nothing (no lower-casing changes the length of a string into this ASCII word).
  return args.length > 0 && args[0].value.length === 10 && args[0].value.toLowerCase() === 'connection';
}

/** The change that makes this location reuse connections; undefined when it would have to write into a shared file. */
function suggestion(ctx: NginxRuleContext, t: PassTarget, r: ReturnType<typeof keepaliveProblems>, wantVersion: boolean, headers: HeaderLines): Fix | undefined {
  const anchor = settingsAnchor(t.node);
  const scope = anchor.parent;
  const shared = (n: ConfigNode) => isSharedFile(ctx.config, n.file.path);
  if (shared(anchor)) return undefined;
  let title = 'Use HTTP/1.1 and clear the Connection header';
  const edits: TextEdit[] = [];
  const extra: string[] = [];
  const versionNode = r.problems.find((p) => p.node?.name === 'proxy_http_version')?.node;
  if (versionNode && versionNode.parent === scope) {
    // A second proxy_http_version next to it would stop nginx ("directive is duplicate"): only rewriting it works.
    if (shared(versionNode)) return undefined;
    edits.push(replaceSpan(versionNode.file, versionNode.directive, 'proxy_http_version 1.1;'));
  } else if (wantVersion) extra.push('proxy_http_version 1.1;');
  if (r.emptyMapEntry) {
    const e = r.emptyMapEntry;
    edits.push(e.name === '' ? replaceSpan(e.file, e.directive, `'' "";`) : insertAfter(e, [`'' "";`]));
    // This edit is in the map, not the location: a title about the location alone would not say what changes.
    const variable = e.parent?.directive.args[1]?.value;
    title = `Map an empty Upgrade to "" instead of "close"${variable ? ` in the map for ${variable}` : ''}`;
  }
  const closeNodes = new Set(r.problems.filter((p) => p.node?.name === 'proxy_set_header').map((p) => p.node!));
  const close = headers.lines.filter((l) => closeNodes.has(l.node));
  const missingConnection = r.problems.some((p) => p.missing && p.says.includes('Connection'));
  if (close.length || missingConnection) {
    if (headers.origin === 'here') {
      // Every non-empty Connection line is sent, so each "close" at this level must go; one becomes the empty value.
      if (close.some((l) => shared(l.node))) return undefined;
      const [first, ...rest] = close;
      if (first) {
        edits.push(replaceSpan(first.node.file, first.node.directive, 'proxy_set_header Connection "";'));
        for (const l of rest) edits.push(deleteLine(l.node));
      } else extra.push('proxy_set_header Connection "";');
    } else {
      edits.push(...headerEdits(headers, anchor, ['proxy_set_header Connection "";'], close, extra));
      const note = includerHeadersUnseen(ctx.config, headers) ? `; ${COPY_INCLUDER_HEADERS}` : '';
      return unlessShared(ctx.config, { title: withMap(title, edits.length, !!r.emptyMapEntry) + note, edits });
    }
  }
  if (extra.length) edits.push(insertAfter(anchor, extra));
  return edits.length ? unlessShared(ctx.config, { title: withMap(title, edits.length, !!r.emptyMapEntry), edits }) : undefined;
}

/** The title when the map edit comes with edits in the location: both changes named. */
function withMap(title: string, edits: number, mapEdited: boolean): string {
  return mapEdited && edits > 1 ? `Use HTTP/1.1 and clear the Connection header; ${title[0].toLowerCase()}${title.slice(1)}` : title;
}

export default defineNginxRule({
  id: 'upstream-keepalive-ineffective',
  server: 'nginx',
  severity: 'warning',
  outcome: '502',
  summary: 'An upstream group has keepalive, but a location that uses it talks HTTP/1.0 or sends "Connection: close", so no connection is ever reused.',
  directives: ['keepalive', 'proxy_http_version', 'proxy_set_header'],
  versions: 'all (the missing-lines case: < 1.29.7)',
  check(ctx) {
    // A pass inside `if` and the pass of its location share the level the lines go to: one fix per level and run.
    const fixedLevels = new Set<ConfigNode | null>();
    const reportedViaVariables = new Set<PassTarget>();
    const upstreams = ctx.upstreams.upstreams;
    for (let g = 0; g < upstreams.length; g++) {
      const up = upstreams[g];
      const ka = explicitKeepalive(up);
      if (!ka) continue;
      // What every finding about this group says about it, made once per group rather than once per finding.
      let kaRelated: string | undefined, kaSays: string | undefined;
      const direct = ctx.upstreams.usersOf(up);
      // A target with variables that may name the group (proxy_pass http://$svc with a map of group names) uses its
      // cache the same way: real nginx 1.22.1 sent "Connection: close" and kept nothing (test/servers/nginx-keepalive-via-map.test.ts).
      const viaVariables = passesViaVariables(ctx).get(up);
      const users = viaVariables ? [...direct, ...viaVariables] : direct;
      for (let u = 0; u < users.length; u++) {
        const t = users[u];
        if (t.directive !== 'proxy_pass') continue;
        // A target that can name several such groups is reported once, for the first: the lines it lacks are the same.
        const viaVariable = u >= direct.length;
        if (viaVariable) {
          if (reportedViaVariables.has(t)) continue;
          reportedViaVariables.add(t);
        }
        const scope = scopeOf(t.node);
        // Looked up once and shared with webSocketGap() and the fix, which need the same level's lines.
        const version = httpVersion(ctx, scope);
        const headerEff = ctx.effective(scope, 'proxy_set_header');
        const r = problemsWith(ctx, version, headerEff.nodes);
        const problems = r.problems;
        if (!problems.length) continue;
        const headers = headerLinesOf(headerEff);
        kaRelated ??= `upstream "${up.name}" keeps idle connections here`;
        const kaSaysHere = viaVariable ? `upstream "${up.name}" (which ${t.directive} ${t.arg.value} can name) has "${text(ka)}", but ` : (kaSays ??= `upstream "${up.name}" has "${text(ka)}", but `);
        // One pass over the (one or two) problems for everything the message and the fixes need.
        let conditional = true, allMissing = true, wantVersion = false, needsConnection = false;
        let written: Problem | undefined;
        let says = '', lacking = '', missingCount = 0;
        for (let k = 0; k < problems.length; k++) {
          const p = problems[k];
          if (!p.conditional) conditional = false;
          if (!written && p.node && p.node.parent === scope) written = p;
          says = k ? `${says} and ${p.says}` : p.says;
          if (p.says.startsWith('talks HTTP/1.0')) wantVersion = true;
          if (p.missing) {
            const what = p.says.startsWith('talks') ? 'proxy_http_version 1.1' : 'proxy_set_header Connection ""';
            lacking = missingCount++ ? `${lacking} or ${what}` : what;
            if (p.says.includes('Connection')) needsConnection = true;
          } else allMissing = false;
        }
        const related: RelatedLocation[] = [{ path: ka.file.path, start: ka.directive.start, end: ka.directive.end, message: kaRelated }];
        for (let k = 0; k < problems.length; k++) {
          const p = problems[k];
          if (p.node && p.node !== written?.node) related.push({ path: p.node.file.path, start: p.node.directive.start, end: p.node.directive.end, message: `set here: ${text(p.node)}` });
          if (p.via) related.push({ path: p.via.file.path, start: p.via.directive.start, end: p.via.directive.end, message: `this location sends it with: ${text(p.via)}` });
        }
        // A `Connection ""` beside the line that sends "close" looks like the cure and does nothing: nginx skips an
        // empty value and still sends the other line (nginx 1.22.1: "Connection: close" arrived with both lines, in
        // either order). Pointed at, so the reader does not take it for the line in force.
        if (problems.some((p) => !p.missing && p.says.includes('Connection'))) {
          for (const n of headerEff.nodes) {
            if (isConnectionHeader(n.directive.args) && (n.directive.args[1]?.value ?? '') === '') {
              related.push({ path: n.file.path, start: n.directive.start, end: n.directive.end, message: 'this empty value clears nothing: nginx skips it and still sends the other Connection line' });
            }
          }
        }
        // In a fragment checked on its own, a line it lacks may come from the configuration that includes it: said so
        // when every missing one could (proxy_http_version written nowhere in the file; no header line of the file
        // between the location and the includer's levels). One that cannot makes the finding sure either way.
        const fromAbove =
          ctx.config.rootContext !== 'main' &&
          (!wantVersion || !version.node) &&
          (!needsConnection || includerHeadersUnseen(ctx.config, headers));
        const inEffect = `no ${lacking} in effect here${fromAbove ? unlessIncluderSets(ctx.config, missingCount > 1) : ''}`;
        const defaults = !missingCount ? '' : conditional ? ` (${inEffect})` : ` (${missingCount > 1 ? 'both nginx defaults' : 'the nginx default'} before 1.29.7: ${inEffect})`;
        const message = conditional
          ? `${kaSaysHere}on nginx before 1.29.7 this location ${says}${defaults}: every request would open a new connection to the backend, and under heavy load nginx can run out of local ports and clients get 502`
          : `${kaSaysHere}this location ${says}${defaults}: every request opens a new connection to the backend, and under heavy load nginx can run out of local ports ("connect() to … failed (99: Cannot assign requested address)") and clients get 502`;
        // A WebSocket location needs a different Connection value; its own rule writes both, so no competing safe fix here.
        const ws = webSocketGap(ctx, t, { headers, version });
        const fixLines = wantVersion ? ['proxy_http_version 1.1;'] : [];
        let fix: Fix | undefined;
        let unsafe: Fix | undefined;
        const anchor = settingsAnchor(t.node);
        // The lines go to the anchor's level: the pass's own unless the pass sits in an `if`.
        const levelHeaders = anchor.parent === scope ? headers : headerLines(ctx, anchor.parent);
        const levelTaken = fixedLevels.has(anchor.parent);
        if (allMissing && !ws && !levelTaken) {
          const edits = needsConnection ? headerEdits(levelHeaders, anchor, ['proxy_set_header Connection "";'], [], fixLines) : [insertAfter(anchor, fixLines)];
          // Never written into a snippet other locations include: they would get the lines too.
          // The menu shows the title, not the edits: it names the lines this fix adds, and the copied headers only
          // when there are some (a proxy_set_header here drops every one set at an outer level).
          const adds = [wantVersion ? 'proxy_http_version 1.1' : '', needsConnection ? 'proxy_set_header Connection ""' : ''].filter(Boolean).join(' and ');
          const keeps = needsConnection && levelHeaders.origin === 'inherited' && levelHeaders.nodes.length ? ' (keeping the inherited headers)' : '';
          const built = unlessShared(ctx.config, { title: `Add ${adds}${keeps}`, edits });
          // In a fragment the headers it would keep may not be all of them: offered with what to do first, never applied by --fix.
          if (built && needsConnection && includerHeadersUnseen(ctx.config, levelHeaders)) unsafe = { title: `Add ${adds}; ${COPY_INCLUDER_HEADERS}`, edits };
          else fix = built;
          if (fix) fixedLevels.add(anchor.parent);
        }
        const offered = unsafe ?? (fix || ws || (allMissing && levelTaken) ? undefined : suggestion(ctx, t, r, wantVersion, levelHeaders));
        ctx.report({
          node: written?.node ?? t.node,
          message,
          severity: conditional ? 'info' : undefined,
          milderForUnknownVersion: conditional ? 'nginx before 1.29.7' : undefined,
          fix,
          suggestions: offered ? [offered] : [],
          related,
        });
      }
    }
  },
});

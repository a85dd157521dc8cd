import { unlessIncluderSets, type ConfigNode } from '../../model/nginx-tree';
import type { PassTarget } from '../../model/nginx-upstreams';
import { PASS_OF, HTTP_UPSTREAM_MODULES, type UpstreamModule } from '../../model/nginx-modules';
import { formatSize, parseNginxSize } from '../../model/units';
import { replaceSpan } from '../../fix';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import type { TextEdit } from '../../finding';
import { BUFFER_KEYS, bufferEdits, bufferError, bufferLines, bufferNodesAt, bufferSet, bufferUnit, busyOnlyBuffers, consistentBuffers, locationPath, names, scopeOf, type BufferModule, type BufferSet, type ConsistentBuffers, insertAfter, settingsAnchor } from './neighbours-support';

/** Identity providers and auth proxies: their responses carry session cookies and tokens in headers. */
const IDP = /(?<![a-z0-9])(oauth2?(?:[-_]?proxy)?|oidc|keycloak|authelia|authentik|vouch|pomerium|sso|dex|okta|zitadel|gatekeeper|lemonldap|shibboleth|casdoor|kanidm)(?![a-z0-9])/i;
/** auth_request_set lines that copy cookies or tokens out of the auth response show that response has big headers. */
const TOKEN_VARS = /\$upstream_http_\w*(set_cookie|token|jwt|authorization|id_token)/i;
const HEADER_SIZE = 16 * 1024;

/** The module of each http pass directive (the first that names it, as a find() over HTTP_UPSTREAM_MODULES would). */
const MODULE_OF_PASS = new Map<string, UpstreamModule>();
for (const m of HTTP_UPSTREAM_MODULES) if (!MODULE_OF_PASS.has(PASS_OF[m])) MODULE_OF_PASS.set(PASS_OF[m], m);

function moduleOfPass(t: PassTarget): UpstreamModule | undefined {
  return MODULE_OF_PASS.get(t.directive);
}

/** Locations that serve an auth_request whose answer is mined for cookies or tokens. */
function tokenAuthTargets(ctx: NginxRuleContext): Set<string> {
  const out = new Set<string>();
  for (const ar of ctx.nodes('auth_request')) {
    const uri = ar.directive.args[0]?.value;
    if (!uri || uri === 'off') continue;
    const scope = ar.parent;
    const sets = ctx.nodes('auth_request_set').filter((s) => s.parent === scope || s.parent === scope?.parent);
    if (sets.some((s) => TOKEN_VARS.test(s.directive.args[1]?.value ?? ''))) out.add(uri);
  }
  return out;
}

function evidence(t: PassTarget, authUris: Set<string>): string | undefined {
  const name = t.upstream?.name ?? (t.address && !t.address.hasVariables ? t.address.host : undefined);
  if (name && IDP.test(name)) return `"${name}" looks like an identity provider or auth proxy, whose responses carry session cookies and tokens in headers`;
  // Usually there is no such auth_request at all: then no location's path needs working out.
  if (!authUris.size) return undefined;
  const path = locationPath(scopeOf(t.node));
  if (path && authUris.has(path)) return `this location answers auth_request subrequests whose response headers (cookies, tokens) are copied with auth_request_set`;
  return undefined;
}

type Values = Omit<BufferSet, 'nodes'>;
const KEY_VALUES: Record<(typeof BUFFER_KEYS)[number], (keyof Values)[]> = { bufferSize: ['bufferSize'], buffers: ['num', 'size'], busy: ['busy'], tempWrite: ['tempWrite'], maxTemp: ['maxTemp'] };

/**
 * Edits for the locations nested in `scope` that the lines written there would leave with buffers nginx refuses. A
 * nested location inherits the bigger header buffer and the busy size written with it, but keeps its own
 * *_buffers, busy size, write size or temporary-file limit, and nginx checks the arithmetic again in every location:
 * `proxy_buffers 4 8k` there holds at most a 24k busy size, which a 32k one inherited (or the default, 2 × 16k) is
 * not. Each such location gets the least change that passes (its busy size alone when that fits its buffers, as
 * buffer-size-arithmetic's fix does), outer ones first, since the ones inside inherit from them. Undefined when a
 * value in force there is not one proxylint can read: then nothing is suggested.
 */
function nestedFixes(ctx: NginxRuleContext, m: BufferModule, scope: ConfigNode, before: BufferSet, written: ConsistentBuffers): { path: string; lines: string[]; edits: TextEdit[] }[] | undefined {
  // What `scope` holds once the lines are written: the written ones, and the lines in force there for the others.
  const atScope: Values = { ...before, ...written, tempWrite: written.tempWrite ?? before.tempWrite, maxTemp: written.maxTemp ?? before.maxTemp };
  const changed = new Map<ConfigNode, Partial<Values>>();
  const out: { path: string; lines: string[]; edits: TextEdit[] }[] = [];
  const visit = (block: ConfigNode): boolean => {
    for (const d of block.children) {
      if (d.name !== 'location' || !d.directive.block) continue;
      const now = bufferSet(ctx, d, m);
      if (!now) return false;
      // Each value as it will be: from the nearest level between d and scope that writes it (or gets it written
      // here), else from scope.
      const after: Values = { ...atScope };
      for (const k of BUFFER_KEYS) {
        for (let level: ConfigNode | null = d; level && level !== scope; level = level.parent) {
          const fix = changed.get(level);
          const keys = KEY_VALUES[k];
          if (fix && keys.some((key) => fix[key] !== undefined)) {
            for (const key of keys) (after as Record<string, unknown>)[key] = fix[key] ?? now[key];
            break;
          }
          if (now.nodes[k]?.parent === level) {
            for (const key of keys) (after as Record<string, unknown>)[key] = now[key];
            break;
          }
        }
      }
      if (bufferError(after)) {
        const fixed = busyOnlyBuffers(after) ?? consistentBuffers(after);
        const unit = bufferUnit(after);
        const fix: Partial<Values> = {
          ...(fixed.num !== after.num || fixed.size !== after.size ? { num: fixed.num, size: fixed.size } : {}),
          ...(fixed.busy !== (after.busy ?? 2 * unit) ? { busy: fixed.busy } : {}),
          ...(fixed.tempWrite !== undefined ? { tempWrite: fixed.tempWrite } : {}),
          ...(fixed.maxTemp !== undefined ? { maxTemp: fixed.maxTemp } : {}),
        };
        const all = bufferLines(m, fixed);
        const lines = BUFFER_KEYS.map((k, i) => (KEY_VALUES[k].some((key) => fix[key] !== undefined) ? all[i] : undefined));
        const edits = bufferEdits(lines, bufferNodesAt(now, d), undefined, d);
        if (!edits) return false;
        changed.set(d, fix);
        out.push({ path: locationPath(d) ?? '', lines: lines.filter((l): l is string => !!l), edits });
      }
      if (!visit(d)) return false;
    }
    return true;
  };
  return visit(scope) ? out : undefined;
}

/**
 * The first part of the response, headers included, must fit in *_buffer_size (one memory page by default);
 * a bigger header is an invalid response and the client gets 502. Auth proxies are where headers grow.
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_buffer_size
 */
export default defineNginxRule({
  id: 'header-buffer-too-small',
  server: 'nginx',
  severity: 'info',
  outcome: '502',
  summary: 'A backend that sends large response headers (auth proxy, identity provider) is read with a one-page header buffer: a header over it gives 502.',
  directives: [...HTTP_UPSTREAM_MODULES.map((m) => PASS_OF[m]), ...HTTP_UPSTREAM_MODULES.map((m) => `${m}_buffer_size`), 'auth_request'],
  versions: 'all',
  check(ctx) {
    const authUris = tokenAuthTargets(ctx);
    const passes = ctx.upstreams.passes;
    for (let k = 0; k < passes.length; k++) {
      const t = passes[k];
      const m = moduleOfPass(t);
      if (!m || t.module !== 'http') continue;
      const why = evidence(t, authUris);
      if (!why) continue;
      const scope = scopeOf(t.node);
      const eff = ctx.effective(scope, `${m}_buffer_size`);
      const set = eff.nodes[0];
      const size = set ? parseNginxSize(set.directive.args[0]?.value ?? '') : ctx.target.pageSize;
      if (size === null || size > 4096) continue;
      const here = set && set.parent === scope ? set : undefined;
      const anchor = settingsAnchor(t.node);
      const fixScope = anchor.parent;
      let suggestion;
      if (m === 'grpc') {
        const line = `grpc_buffer_size ${formatSize(HEADER_SIZE)};`;
        suggestion = { title: `Use ${line}`, edits: [set && set.parent === fixScope ? replaceSpan(set.file, set.directive, line) : insertAfter(anchor, [line])] };
      } else {
        const b = bufferSet(ctx, fixScope, m as BufferModule);
        if (b) {
          // The same arithmetic as buffer-size-arithmetic, so a *_temp_file_write_size or *_max_temp_file_size in
          // force that the bigger header buffer outgrows is raised with it rather than left for nginx -t to refuse.
          const v = consistentBuffers({ ...b, bufferSize: HEADER_SIZE });
          const lines = bufferLines(m, v);
          const edits = bufferEdits(lines, bufferNodesAt(b, fixScope), anchor, fixScope);
          const nested = fixScope ? nestedFixes(ctx, m as BufferModule, fixScope, b, v) : [];
          if (edits && nested) {
            const also = nested.map((f) => ` In the nested location ${f.path}: ${f.lines.join(' ')}`).join('');
            suggestion = { title: `Raise the header buffer and keep the buffer arithmetic valid: ${lines.filter((l) => l).join(' ')}${also}`, edits: [...edits, ...nested.flatMap((f) => f.edits)] };
          }
        }
      }
      ctx.report({
        node: here ?? t.node,
        message: `${why}; ${names(m).bufferSize} is ${formatSize(size)} here${set ? '' : ` (the default: one memory page${unlessIncluderSets(ctx.config)})`}, and a response header larger than that makes nginx answer 502 ("upstream sent too big header while reading response header from upstream")`,
        suggestions: suggestion ? [suggestion] : [],
      });
    }
  },
});

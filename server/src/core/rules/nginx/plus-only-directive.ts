import type { Fix } from '../../finding';
import { replaceSpan } from '../../fix';
import { hasVersionEntries, missingInVersion, parameterMissingInVersion } from '../../model/nginx-directive-versions';
import { PLUS_DIRECTIVE_PARAMETERS, plusDirective, plusDirectiveOfOtherPart, plusServerParameter } from '../../model/nginx-plus';
import { nginxDirective } from '../../model/nginx-directives';
import type { ConfigNode } from '../../model/nginx-tree';
import type { Arg } from '../../syntax/nginx/ast';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { commentOut, extraModule } from './plus-support';
import { orList, readableBlock, readableHere } from './placement-support';

/** The comment the suggested edit leaves after a commented-out line. */
const NOTE = '  # NGINX Plus only';
/** The modes of NGINX Plus's sticky; third-party sticky modules for open source nginx take `name=…` and flags instead. */
const STICKY_MODES = new Set(['cookie', 'route', 'learn']);
const UPSTREAMS = new Set(['upstream', 'stream-upstream']);

/** What the finding is about: a directive, or one argument of a line. */
interface Use {
  node: ConfigNode;
  arg?: Arg;
  /** `unknown directive "api"`, `invalid parameter "slow_start=30s"`: what open source nginx says. */
  says: string;
  url: string;
  /** The open source release that has it, for those NGINX Plus had first. */
  openSince?: string;
  /** A directive of NGINX Plus's stream modules in an http block, or the other way round: refused by either edition. */
  part?: 'http' | 'stream';
  /** The argument is the line's value, not a parameter one can drop (server_tokens MyServer). */
  value?: true;
}

/** The Plus directives and parameters of the configuration that open source nginx at the target version refuses. */
function uses(ctx: NginxRuleContext): Use[] {
  const version = ctx.target.version;
  const out: Use[] = [];
  // By index: a for-of over every node allocates an iterator result per node for as long as the loop runs unoptimised.
  const all = ctx.config.all;
  for (let k = 0; k < all.length; k++) {
    const node = all[k];
    const plus = plusDirective(node.name, node.context);
    if (plus) {
      out.push({ node, says: `unknown directive "${node.name}"`, url: plus.url });
      continue;
    }
    const other = plusDirectiveOfOtherPart(node.name, node.context);
    if (other) {
      out.push({ node, says: `unknown directive "${node.name}"`, url: other.url, part: other.part });
      continue;
    }
    // Plus first, open source from a release on: only a target version older than that is known to refuse it.
    // Most names have no entry in the version table: one Map lookup rules them out.
    const miss = version && hasVersionEntries(node.name) ? missingInVersion(node.name, node.context, version) : undefined;
    if (miss?.entry.plusBefore && !(node.name === 'sticky' && !STICKY_MODES.has(node.directive.args[0]?.value ?? ''))) {
      out.push({ node, says: `unknown directive "${node.name}"`, url: miss.entry.url, openSince: miss.entry.since });
    }
  }
  for (const node of ctx.nodes('server')) {
    if (!UPSTREAMS.has(node.context)) continue;
    const args = node.directive.args;
    for (let a = 1; a < args.length; a++) {
      const arg = args[a];
      const p = plusServerParameter(arg.value, node.context);
      if (p) {
        out.push({ node, arg, says: `invalid parameter "${arg.value}"`, url: p.url });
        continue;
      }
      const v = version ? parameterMissingInVersion('server', arg.value, node.context, version) : undefined;
      if (v?.plusBefore) out.push({ node, arg, says: v.says(arg.value), url: v.url, openSince: v.since });
    }
  }
  // Parameters of directives open source nginx has: limit_req_zone's sync, the cache paths' purger=, resolver's
  // status_zone=, error_log's json, server_tokens' string.
  for (const p of PLUS_DIRECTIVE_PARAMETERS) {
    for (const node of ctx.nodes(p.directive)) {
      if (!p.where.includes(node.context)) continue;
      const args = node.directive.args;
      for (let a = 0; a < args.length; a++) {
        if (p.is(args[a].value, a, args.length)) out.push({ node, arg: args[a], says: p.says(args[a].value), url: p.url, value: p.value });
      }
    }
  }
  // random's least_time= ("The least_time method is available as a part of our commercial subscription", both modules).
  for (const node of ctx.nodes('random')) {
    if (!UPSTREAMS.has(node.context)) continue;
    const arg = node.directive.args.find((x) => x.value.startsWith('least_time='));
    const page = node.context === 'upstream' ? 'http/ngx_http_upstream_module' : 'stream/ngx_stream_upstream_module';
    if (arg) out.push({ node, arg, says: `invalid parameter "${arg.value}"`, url: `https://nginx.org/en/docs/${page}.html#random` });
  }
  return out;
}

/** Removes one argument and the white space before it. */
function removeArg(u: Use & { arg: Arg }): Fix {
  const args = u.node.directive.args;
  const before = args[args.indexOf(u.arg) - 1];
  return { title: `Remove "${u.arg.value}" (NGINX Plus only)`, edits: [replaceSpan(u.node.file, { start: before ? before.end : u.arg.start, end: u.arg.end }, '')] };
}

/**
 * A directive or upstream server parameter of NGINX Plus (api, status_zone, keyval, sticky, queue, auth_jwt, slow_start=
 * …) in a configuration for open source nginx, which stops at it: `[emerg] unknown directive "api"` [lab, nginx
 * 1.22.1], and on a reload keeps the old configuration. The health-check modules' directives are
 * health-check-requires-plus's (the older rule, kept for the users who name it). https://nginx.org/en/docs/
 */
export default defineNginxRule({
  id: 'plus-only-directive',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A directive or parameter only NGINX Plus has (api, status_zone, keyval, queue, sticky before 1.29.6, slow_start=, limit_req_zone sync, purger=): open source nginx refuses to start.',
  directives: ['api', 'status_zone', 'keyval', 'queue', 'sticky', 'least_time', 'auth_jwt', 'server'],
  versions: 'all (NGINX Plus only; sticky, least_time, service=, route= and drain: open source from the release named)',
  check(ctx) {
    const edition = ctx.target.edition;
    // A misplaced one stops NGINX Plus too: on Plus only those are left to report.
    const found = edition === 'plus' ? uses(ctx).filter((u) => u.part) : uses(ctx);
    if (!found.length) return;
    const target = ctx.target.version?.join('.');
    const module = extraModule(ctx);
    for (const u of found) {
      if (u.part) {
        // NGINX Plus knows the name but not in this block: `"zone_sync" directive is not allowed here`, as for an open
        // source stream directive in an http block [lab, nginx 1.22.1 with the stream module: proxy_timeout in a
        // location]; open source nginx does not know the name at all.
        // Its own blocks from the reference (queue only in an upstream block, api only in a location), in its part.
        const stream = (c: string) => c === 'stream' || c.startsWith('stream-');
        const own = nginxDirective(u.node.name)?.contexts.filter((c) => stream(c) === (u.part === 'stream')) ?? [];
        const home = own.length ? orList(own.map(readableBlock)) : u.part === 'stream' ? 'a "stream" block or a stream "server"' : 'an "http", "server" or "location" block';
        const plusSays = `"${u.node.name}" directive is not allowed here`;
        const says = edition === 'plus' ? plusSays : edition === 'oss' ? u.says : `${plusSays} (NGINX Plus) or ${u.says} (open source nginx)`;
        ctx.report({
          at: { file: u.node.file, start: u.node.directive.start, end: u.node.directive.nameSpan.end },
          message: `nginx will not start: "${u.node.name}" is an NGINX Plus ${u.part} directive, here in ${readableHere(u.node.context)}; nginx stops with ${says}. It belongs in ${home}; see ${u.url}`,
          suggestions: [],
        });
        continue;
      }
      const what = u.arg ? `"${u.arg.value}"` : `"${u.node.name}"`;
      const kind = u.arg ? `an NGINX Plus ${u.value ? 'value' : 'parameter'} of "${u.node.name}"` : 'part of NGINX Plus';
      const later = u.openSince ? `, and open source nginx has it only from ${u.openSince} on (the target is ${target})` : '';
      const at = u.arg ? { file: u.node.file, start: u.arg.start, end: u.arg.end } : { file: u.node.file, start: u.node.directive.start, end: u.node.directive.nameSpan.end };
      const edit = u.value ? undefined : u.arg ? removeArg(u as Use & { arg: Arg }) : commentOut(u.node, NOTE);
      const suggestions = edit ? [edit] : [];
      if (module) {
        ctx.report({
          at,
          severity: 'warning',
          message: `${what} is ${kind}${later}: stock open source nginx refuses to start with ${u.says}, unless the module loaded from "${module}" provides it; see ${u.url}`,
          suggestions,
        });
      } else if (edition === 'oss') {
        ctx.report({ at, message: `nginx will not start: ${what} is ${kind}${later}; open source nginx stops with ${u.says}; see ${u.url}`, suggestions });
      } else {
        const needs = u.openSince ? `NGINX Plus or nginx ${u.openSince}` : 'NGINX Plus';
        ctx.report({
          at,
          severity: 'warning',
          message: `${what} needs ${needs}: open source nginx${u.openSince ? ` ${target}` : ''} refuses to start with ${u.says} (set nginx.edition to "plus" or "oss" in .proxylintrc.json to settle it); see ${u.url}`,
          suggestions,
        });
      }
    }
  },
});

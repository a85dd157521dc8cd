import type { Fix, TextEdit } from '../../finding';
import type { Upstream, UpstreamServer } from '../../model/nginx-upstreams';
import type { Version } from '../../model/version';
import { defineNginxRule, type NginxRuleContext } from '../rule';
import { RESOLVER_LINE, RESOLVE_NEEDS, insertFirstIn, resolveAvailable } from './addresses-support';

/**
 * `server … resolve` re-resolves a name while nginx runs. nginx checks its prerequisites while loading the
 * configuration and refuses to start without them
 * (https://nginx.org/en/docs/http/ngx_http_upstream_module.html#resolve): open source has the parameter only
 * since 1.27.3 (before: NGINX Plus only); "the server group must reside in the shared memory" (`zone`);
 * and a `resolver` must be set in the upstream block or at the http (stream) level.
 */

const fmt = (v: Version) => (v ? v.join('.') : 'unknown');

function location(up: Upstream): string {
  return `${up.node.file.path}:${up.node.file.lines.positionAt(up.node.directive.start).line + 1}`;
}

function zoneName(ctx: NginxRuleContext, up: Upstream): string {
  const used = new Set(ctx.nodes('zone').map((n) => n.directive.args[0]?.value));
  let name = up.name.replace(/[^A-Za-z0-9_]/g, '_');
  while (used.has(name)) name += '_zone';
  return name;
}

function resolveArg(s: UpstreamServer) {
  return s.node.directive.args.find((a) => a.value === 'resolve')!;
}

/** Deletes the "resolve" parameter with the space before it. */
function dropResolve(s: UpstreamServer): TextEdit {
  const arg = resolveArg(s);
  const args = s.node.directive.args;
  const prev = args[args.indexOf(arg) - 1];
  return { path: s.node.file.path, start: prev.end, end: arg.end, newText: '' };
}

export default defineNginxRule({
  id: 'resolve-without-prerequisites',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'An upstream server uses "resolve" without what it needs (nginx ≥ 1.27.3 or Plus, a zone, a resolver): nginx refuses to start.',
  directives: ['upstream', 'zone', 'resolver'],
  versions: 'all (the parameter itself: open source ≥ 1.27.3)',
  check(ctx) {
    const { version, edition } = ctx.target;
    const known = resolveAvailable(ctx);
    for (const up of ctx.upstreams.upstreams) {
      const users = up.servers.filter((s) => s.params.has('resolve'));
      if (!users.length) continue;
      if (known === false) {
        for (const s of users) {
          const drop: Fix = { title: 'Remove "resolve" (the name is then looked up only at start-up)', edits: [dropResolve(s)] };
          ctx.report({
            at: { file: s.node.file, ...resolveArg(s) },
            message: `nginx ${fmt(version)} refuses to start: open-source nginx accepts "resolve" only from 1.27.3 on (invalid parameter "resolve")${edition === 'unknown' ? '; ignore this if you run NGINX Plus' : ''}`,
            suggestions: [drop],
          });
        }
        continue;
      }
      const first = users[0];
      const missing: string[] = [];
      const lines: string[] = [];
      if (!up.node.children.some((c) => c.name === 'zone')) {
        missing.push(`no "zone", and re-resolving needs the group in shared memory ("resolving names at run time requires upstream "${up.name}" in ${location(up)} to be in shared memory")`);
        lines.push(`zone ${zoneName(ctx, up)} 64k;`);
      }
      const level = up.node.parent;
      const here = up.node.children.some((c) => c.name === 'resolver');
      const outer = (level ? level.children : ctx.config.roots).some((c) => c.name === 'resolver');
      // A fragment whose http block we do not see may get its resolver there.
      const unseen = !level && ctx.config.rootContext !== 'main';
      if (!here && !outer) {
        missing.push(`no resolver in the upstream nor at the ${up.module === 'stream' ? 'stream' : 'http'} level ("no resolver defined to resolve names at run time in upstream "${up.name}" in ${location(up)}")${unseen ? ' unless the block that includes this file sets one' : ''}`);
        lines.push(RESOLVER_LINE);
      }
      if (!missing.length) continue;
      // With the version unknown it may be older than 1.27.3, where nginx stops at "resolve" itself (and at a
      // resolver inside the upstream block: "directive is not allowed here"): the finding says so, the fix is labelled
      // as hostname-resolved-at-startup labels its "resolve" suggestions, and removing "resolve" is offered too.
      const older =
        known === undefined
          ? `; and open-source nginx before 1.27.3 stops even earlier, at "resolve" itself (invalid parameter "resolve"), and allows no resolver inside an upstream block: set nginx.version${edition === 'unknown' ? ' (or the edition, for NGINX Plus)' : ''} in .proxylintrc.json to check for yours`
          : '';
      const placeholder = lines.includes(RESOLVER_LINE) ? 'replace the placeholder resolver address with your DNS server' : '';
      const notes = [known === undefined ? RESOLVE_NEEDS : '', placeholder].filter(Boolean);
      const add: Fix = {
        title: `Add ${lines.map((l) => `"${l.split(' ')[0]}"`).join(' and ')} to the upstream${notes.length ? ` (${notes.join('; ')})` : ''}`,
        edits: [insertFirstIn(up.node, first.node, lines)],
      };
      const drop: Fix[] =
        known === undefined ? [{ title: `Remove "resolve"${users.length > 1 ? ` from the ${users.length} servers` : ''} (for open-source nginx before 1.27.3; the name is then looked up only at start-up)`, edits: users.map(dropResolve) }] : [];
      ctx.report({
        at: { file: first.node.file, ...resolveArg(first) },
        message: `nginx refuses to start: upstream "${up.name}" uses "resolve" but has ${missing.join('; and ')}${older}`,
        // Only a missing resolver can be an artefact of linting a fragment; a missing zone is certain.
        severity: unseen && lines.length === 1 && lines[0] === RESOLVER_LINE ? 'warning' : undefined,
        suggestions: [add, ...drop],
      });
    }
  },
});

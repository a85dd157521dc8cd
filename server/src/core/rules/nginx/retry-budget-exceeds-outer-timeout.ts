import type { Fix, RelatedLocation, TextEdit } from '../../finding';
import { formatDuration } from '../../model/units';
import { flagsInForce } from '../../model/nginx-effective';
import type { ConfigNode } from '../../model/nginx-tree';
import { atLeast } from '../../model/version';
import { defineNginxRule } from '../rule';
import { effectiveTime, insertAtPass, passSites, reachesOnlyUnixSockets, seconds, setAtPassLevel, setValue, type PassSite, type TimeValue } from './timeouts-support';

const MODULES = ['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc'];
/** A handshake to a reachable backend takes milliseconds; 5 s still allows a few SYN retransmissions. */
const SHORT_CONNECT_MS = 5_000;

function related(node: ConfigNode, message: string): RelatedLocation {
  return { path: node.file.path, start: node.directive.start, end: node.directive.end, message };
}

/** Sets a directive at the pass's level: rewrites it there, or adds it next to the pass. */
function setAtPass(site: PassSite, name: string, current: TimeValue | undefined, value: string): TextEdit | undefined {
  const here = setAtPassLevel(site, current);
  return here ? setValue(here, value) : insertAtPass(site, [`${name} ${value};`]);
}

export default defineNginxRule({
  id: 'retry-budget-exceeds-outer-timeout',
  server: 'nginx',
  severity: 'warning',
  outcome: '504',
  summary: 'Retries across an upstream group can outlast the idle timeout of the load balancer in front of nginx, which then answers 504 while nginx is still retrying.',
  directives: ['upstream', ...MODULES.flatMap((m) => [`${m}_next_upstream`, `${m}_next_upstream_tries`, `${m}_next_upstream_timeout`])],
  versions: 'all (*_next_upstream_tries and *_next_upstream_timeout exist since 1.7.5)',
  check(ctx) {
    const outer = ctx.settings.environment.outerIdleTimeoutMs;
    if (!outer) return;
    for (const site of passSites(ctx)) {
      const up = site.pass.upstream;
      if (!up) continue;
      const m = site.module;
      // Servers marked "down" are never tried; backups are, after the primaries failed.
      const usable = up.servers.filter((s) => !s.error && !s.params.has('down')).length;
      if (usable < 2) continue;
      // Only a chain of timeouts adds up; without "timeout" in *_next_upstream a timed-out try is the last one.
      const next = ctx.effective(site.scope, `${m}_next_upstream`);
      // Every line of the deciding level together, "off" on any of them winning (flagsInForce).
      const conditions = flagsInForce(next, 'error timeout');
      if (!conditions.includes('timeout')) continue;
      const triesNode = ctx.effective(site.scope, `${m}_next_upstream_tries`).nodes.at(-1);
      const triesLimit = Number(triesNode?.directive.args[0]?.value ?? 0);
      if (!Number.isInteger(triesLimit)) continue;
      const tries = triesLimit > 0 ? Math.min(usable, triesLimit) : usable;
      const connect = effectiveTime(ctx, site.scope, `${m}_connect_timeout`);
      const read = effectiveTime(ctx, site.scope, `${m}_read_timeout`);
      const budget = effectiveTime(ctx, site.scope, `${m}_next_upstream_timeout`);
      if (!connect || !read || !budget) continue;
      // A read timeout that alone reaches the outer timeout is timeout-exceeds-outer-idle-timeout's finding.
      if (read.ms >= outer) continue;
      // A UNIX socket has no handshake: connect() succeeds or fails at once, so only the read timeout adds up.
      const socket = reachesOnlyUnixSockets(site.pass);
      const per = (socket ? 0 : connect.ms) + read.ms;
      // nginx starts another try only while less than *_next_upstream_timeout has passed since the first
      // (0 = no limit), and the try it starts runs to its own timeouts
      // (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_next_upstream_timeout).
      // gRPC: a try whose read timed out had sent its request, and nginx passes no sent gRPC request on (grpc_pass
      // streams every request body; nginx 1.22.1, test/servers/explain-nginx-grpc-retry.test.ts). Only failed
      // connects chain, and the try that connects may then wait its whole read timeout.
      const grpc = m === 'grpc';
      const chained = grpc ? (socket ? 0 : connect.ms) : per;
      if (chained === 0) continue;
      const attempts = budget.ms > 0 ? Math.min(tries, Math.max(1, Math.ceil(budget.ms / chained))) : tries;
      const worst = grpc ? attempts * chained + read.ms : attempts * per;
      if (attempts < 2 || worst < outer) continue;

      const limits = [
        triesLimit > 0 ? `${m}_next_upstream_tries ${triesLimit}` : '',
        budget.ms > 0 ? `${m}_next_upstream_timeout ${budget.text}` : '',
      ].filter(Boolean);
      const message =
        `${site.pass.directive} to "${up.name}" (${usable} servers${limits.length ? ', ' + limits.join(', ') : ', no retry limit'}) can try ${attempts} servers one after another, ` +
        (grpc
          ? `each for up to ${connect.text} to connect, and the one that connects for up to ${read.text} to read (a gRPC request that was sent is never passed to another server): up to ${seconds(worst)} before nginx answers, `
          : `each for up to ${socket ? `${read.text} to read (connecting to a UNIX socket never waits)` : `${connect.text} to connect + ${read.text} to read`}: up to ${seconds(worst)} before nginx answers, `) +
        `not below the ${seconds(outer)} idle timeout of the load balancer in front of nginx, so clients get the load balancer's 504 while nginx is still retrying`;

      const suggestions: Fix[] = [];
      const name = `${m}_next_upstream_timeout`;
      // *_next_upstream_timeout appeared in 1.7.5: older targets would refuse the suggested line.
      const canLimit = atLeast(ctx.target.version, '1.7.5') !== false;
      if (canLimit) {
        // With T = outer - (connect + read), a try can start only while it can still end before the outer
        // timeout. When one try alone can outlast it, a 5 s connect timeout may make room; failing that,
        // 1s keeps retries for failures that happen at once (refused, reset) and drops the slow ones.
        const shorten = !socket && per >= outer && connect.ms > SHORT_CONNECT_MS && SHORT_CONNECT_MS + read.ms < outer;
        const perAfter = shorten ? SHORT_CONNECT_MS + read.ms : per;
        const value = formatDuration(Math.max(1000, Math.floor((outer - perAfter) / 1000) * 1000));
        const edits = [shorten ? setAtPass(site, `${m}_connect_timeout`, connect, '5s') : undefined, setAtPass(site, name, budget, value)].filter((e): e is TextEdit => !!e);
        // Both lines may land at the same spot; one edit carrying both keeps them in order.
        const merged = mergeInserts(edits);
        const title = shorten
          ? `Give up on a dead server after 5s and start no retry after ${value}`
          : `Start no retry after ${value} ("${name} ${value};")`;
        if (merged.length) suggestions.push({ title, edits: merged });
      }
      const rel = [related(up.node, `upstream "${up.name}" has ${usable} servers nginx can try`)];
      for (const n of [triesNode, budget.node, socket ? undefined : connect.node, read.node]) if (n) rel.push(related(n, `${n.name} ${n.directive.args[0]?.value ?? ''} is in force here`));
      ctx.report({ node: site.pass.node, message, suggestions, related: rel });
    }
  },
});

/** Two insertions at the same offset become one, in the given order. */
function mergeInserts(edits: TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const e of edits) {
    const same = out.find((o) => o.path === e.path && o.start === e.start && o.end === e.end && o.start === o.end && e.start === e.end);
    if (same) same.newText += e.newText;
    else out.push({ ...e });
  }
  return out;
}

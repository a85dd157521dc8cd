import { HTTP_UPSTREAM_MODULES, timeMs } from '../../model/nginx-modules';
import { formatDuration } from '../../model/units';
import { defineNginxRule } from '../rule';
import type { ConfigNode } from '../../model/nginx-tree';
import { parseNginxTime } from '../../model/units';
import { locationOf, locationPath, seconds, setValue } from './timeouts-support';

const READ = HTTP_UPSTREAM_MODULES.map((m) => `${m}_read_timeout`);
const SEND = HTTP_UPSTREAM_MODULES.map((m) => `${m}_send_timeout`);
const NAMES = [...READ, ...SEND];

/** Below a few seconds, ordinary hiccups (a GC pause, a cold cache, one slow query) already exceed the timeout. */
const DEFAULT_MINIMUM_MS = 5_000;
const NGINX_DEFAULT_MS = 60_000;

/** Health probes are meant to fail fast: a short timeout there is the point, not a mistake. */
const PROBE_PATH = /(^|\/)(health|healthz|healthcheck|health-check|ping|ready|readyz|readiness|live|livez|liveness|heartbeat)\b/i;

/** The rule's `minimum` option (seconds or an nginx time), 5 s by default. */
export function minimumOption(options: Record<string, unknown>): number {
  const v = options.minimum;
  if (typeof v === 'number' && v >= 0) return v * 1000;
  if (typeof v === 'string') return parseNginxTime(v) ?? DEFAULT_MINIMUM_MS;
  return DEFAULT_MINIMUM_MS;
}

/** Whether this rule reports this *_read_timeout / *_send_timeout line (other timeout rules defer to it). */
export function reportsTooLow(node: ConfigNode, minimum: number): boolean {
  const ms = timeMs(node.directive.args[0]);
  return ms !== undefined && ms < minimum && !PROBE_PATH.test(locationPath(locationOf(node)));
}

export default defineNginxRule({
  id: 'read-timeout-too-low',
  server: 'nginx',
  severity: 'warning',
  outcome: '504',
  summary: 'A read or send timeout to the backend is so short that ordinary slow responses or uploads end in 504 Gateway Timeout.',
  directives: [...READ, ...SEND],
  versions: 'all',
  check(ctx) {
    const minimum = minimumOption(ctx.options);
    for (const name of NAMES) {
      const nodes = ctx.nodes(name);
      for (let k = 0; k < nodes.length; k++) {
        const node = nodes[k];
        const arg = node.directive.args[0];
        const ms = timeMs(arg);
        // reportsTooLow asks the same first; checked here so that most lines skip its location walk and regex.
        if (ms === undefined || ms >= minimum || !reportsTooLow(node, minimum)) continue;
        // nginx arms these timers between two successive reads / writes, not for the whole exchange
        // (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_read_timeout).
        const message = name.endsWith('_read_timeout')
          ? `${name} ${arg.value}: a backend that needs more than ${seconds(ms)} to start its response gets the request cut off with 504, and one that pauses that long mid-response leaves the client with a truncated 200 (nginx's default is 60s; this rule's minimum is ${formatDuration(minimum)})`
          : `${name} ${arg.value}: when the backend stops reading the request body for more than ${seconds(ms)} (a large upload, a busy worker), nginx gives up with 504 (nginx's default is 60s; this rule's minimum is ${formatDuration(minimum)})`;
        const target = Math.max(minimum, NGINX_DEFAULT_MS);
        ctx.report({
          node,
          message,
          suggestions: [
            {
              title: target === NGINX_DEFAULT_MS ? `Use 60s (nginx's default)` : `Use ${formatDuration(target)} (the configured minimum)`,
              edits: [setValue(node, formatDuration(target))],
            },
          ],
        });
      }
    }
  },
});

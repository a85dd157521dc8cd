import type { Fix } from '../../finding';
import { replaceSpan } from '../../fix';
import type { UpstreamServer } from '../../model/nginx-upstreams';
import { plusOwnedServerParameter } from '../../model/nginx-plus';
import type { Arg } from '../../syntax/nginx/ast';
import { defineNginxRule } from '../rule';
import { removeArgEdit } from './failover-support';

/**
 * ngx_http_upstream_server / ngx_stream_upstream_server accept `weight=N` (N ≥ 1), `max_conns=N`, `max_fails=N`
 * (N ≥ 0), `fail_timeout=T` (whole seconds: ngx_parse_time(…, 1) takes no "ms"), `backup` and `down`, and stop
 * with `invalid parameter "…"` on anything else (https://nginx.org/en/docs/http/ngx_http_upstream_module.html#server).
 * Every case below was checked with nginx 1.22.1 -t, in http and stream upstreams.
 */

/** ngx_atoi: digits only, and at most NGX_MAX_INT_T_VALUE on 64-bit systems. */
function atoi(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  // Up to 18 digits is below the limit (19 digits); only longer texts need the exact comparison.
  if (text.length > 18 && BigInt(text) > 9223372036854775807n) return undefined;
  return Number(text);
}

/** ngx_parse_time with is_sec: units y M w d h m s (no ms), each at most once, largest first; a bare number is seconds. */
function secondsTime(text: string): boolean {
  if (/^\d+$/.test(text)) return true;
  const m = /^(\d+y)?(\d+M)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?$/.exec(text);
  return !!m && text.length > 0 && m.slice(1).some(Boolean);
}

interface Problem {
  why: string;
  suggestions: Fix[];
}

function check(s: UpstreamServer, arg: Arg): Problem | undefined {
  const v = arg.value;
  const eq = v.indexOf('=');
  const key = eq < 0 ? v : v.slice(0, eq);
  const value = eq < 0 ? undefined : v.slice(eq + 1);
  // The fixes are made only for a parameter that has a problem: nearly all of them are fine.
  const remove = (): Fix => ({ title: `Remove "${v}"`, edits: [removeArgEdit(s.node, v)] });
  const set = (title: string, text: string): Fix => ({ title, edits: [replaceSpan(s.node.file, arg, text)] });
  switch (key) {
    case 'weight': {
      if (value === undefined) break;
      const n = atoi(value);
      if (n !== undefined && n >= 1) return undefined;
      const fixes = n === 0 && !s.params.has('down') ? [set('Use "down" (keeps the server out of rotation, which weight=0 was probably meant to do)', 'down'), remove()] : [remove()];
      return { why: 'weight must be a whole number of 1 or more; to take a server out of rotation, mark it "down"', suggestions: fixes };
    }
    case 'max_fails':
    case 'max_conns':
      if (value === undefined) break;
      if (atoi(value) !== undefined) return undefined;
      return { why: `${key} must be a whole number of 0 or more (0: ${key === 'max_fails' ? 'never mark the server unavailable' : 'no limit'})`, suggestions: [remove()] };
    case 'fail_timeout': {
      if (value === undefined) break;
      if (secondsTime(value)) return undefined;
      const ms = /^(\d+)ms$/.exec(value);
      const fixes = ms ? [set(`Use "fail_timeout=${Math.max(1, Math.ceil(Number(ms[1]) / 1000))}s"`, `fail_timeout=${Math.max(1, Math.ceil(Number(ms[1]) / 1000))}s`), remove()] : [remove()];
      return { why: 'fail_timeout takes a time in whole seconds or larger units ("10", "10s", "1m"), not milliseconds', suggestions: fixes };
    }
    case 'backup':
    case 'down':
      // A value ("backup=1") is not the flag.
      if (value === undefined) return undefined;
      return { why: `"${key}" is a flag and takes no value`, suggestions: [set(`Use "${key}"`, key)] };
    case 'resolve':
      return undefined;
    default:
      // NGINX Plus's parameters (slow_start=; before a release service=, route=, drain) are plus-only-directive's, which
      // weighs the edition and version; in a stream upstream route= and drain are no parameter at all.
      if (plusOwnedServerParameter(v, s.node.context)) return undefined;
  }
  const known = ['weight', 'max_fails', 'max_conns', 'fail_timeout'].includes(key);
  return { why: known ? `${key} needs a value ("${key}=…")` : `"${key}" is not a parameter of an upstream server (weight=, max_conns=, max_fails=, fail_timeout=, backup, down)`, suggestions: [remove()] };
}

/** Template placeholders are replaced before nginx reads the file. The regular expression only runs on a value that has the characters it needs. */
function isPlaceholder(v: string): boolean {
  return (v.includes('$') || v.includes('<') || v.includes('{{')) && /<[A-Z][A-Z0-9_]*>|\{\{.*\}\}|\$/.test(v);
}

export default defineNginxRule({
  id: 'invalid-server-parameter',
  server: 'nginx',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'An upstream server line has a parameter nginx rejects (weight=0, a negative max_fails, fail_timeout in ms, an unknown word): nginx refuses to start.',
  directives: ['server', 'upstream'],
  versions: 'all',
  check(ctx) {
    // An upstream fragment's server lines too: a parameter nginx refuses is refused in whichever group includes them.
    for (const up of ctx.upstreams.members) {
      for (const s of up.servers) {
        // An address nginx rejects is reported by invalid-upstream-address, and nginx stops there first.
        if (s.error) continue;
        const args = s.node.directive.args;
        for (let k = 1; k < args.length; k++) {
          const arg = args[k];
          if (isPlaceholder(arg.value)) continue;
          const p = check(s, arg);
          if (!p) continue;
          ctx.report({ at: { file: s.node.file, start: arg.start, end: arg.end }, message: `nginx will not start: invalid parameter "${arg.value}" in ${up.label}: ${p.why}`, suggestions: p.suggestions });
        }
      }
    }
  },
});

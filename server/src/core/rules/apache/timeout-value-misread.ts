import { apacheFix } from '../../apache-fix';
import type { ApacheNode } from '../../model/apache-tree';
import { atoi, parseApacheDuration } from '../../model/apache-workers';
import { defineApacheRule } from '../apache-rule';

/**
 * Timeout (core.c set_timeout) and ProxyTimeout (mod_proxy.c set_proxy_timeout) are read with atoi(): the leading
 * digits as whole seconds, the rest ignored. On httpd 2.4.71 with a backend that answers after 3 s, `Timeout 2min` and
 * `ProxyTimeout 2m` gave the 502 after 2 s, `Timeout 500ms` the 200 after 3 s, and `Timeout abc` (0 s) the 502 at
 * once (test/servers/apache-value-parsing.test.ts). KeepAliveTimeout goes through ap_timeout_parameter_parse instead:
 * it takes ms, s, min and h, and refuses anything else.
 */
/** The help text httpd prints after "<Name> takes one argument, " (apache2 -t 2.4.71). */
const TAKE1_HELP: Record<string, string> = {
  timeout: 'Timeout duration (sec)',
  proxytimeout: 'Set the timeout (in seconds) for a proxied connection. This overrides the server timeout',
  keepalivetimeout: 'Keep-Alive timeout duration (sec)',
};

const SECONDS_PER_UNIT: Record<string, number> = { m: 60, mi: 60, min: 60, mins: 60, minute: 60, minutes: 60, h: 3600, hour: 3600, hours: 3600 };

export default defineApacheRule({
  id: 'timeout-value-misread',
  server: 'apache',
  severity: 'error',
  outcome: '502/504',
  summary: 'Timeout or ProxyTimeout written with a unit, without digits or without a value: httpd reads only the leading digits, as seconds (Timeout 2min is 2 s, Timeout 500ms is 500 s, ProxyTimeout abc stops httpd); KeepAliveTimeout with a unit httpd does not know, and any of them with no value or two, stops it.',
  directives: ['Timeout', 'ProxyTimeout', 'KeepAliveTimeout'],
  versions: 'all 2.4',
  check(ctx) {
    // All three are TAKE1: a missing or empty word, or a second one, stops httpd ("Timeout takes one argument", apache2
    // -t 2.4.71; `ProxyTimeout ""` too). A second word that starts a would-be comment is inline-comment-is-argument's.
    const timeouts = [...ctx.nodes('timeout'), ...ctx.nodes('proxytimeout')];
    for (const n of [...timeouts, ...ctx.nodes('keepalivetimeout')]) {
      if (n.unresolved) continue;
      const words = n.directive.args;
      if (words.length === 1 && words[0].value !== '') continue;
      if (words.some((a, k) => k > 0 && a.quote === null && a.value.startsWith('#'))) continue;
      const what = words.length === 0 ? 'no value' : words.length === 1 ? 'an empty value' : `${words.length} words`;
      ctx.report({ node: n, message: `httpd refuses to start: "${n.name} takes one argument, ${TAKE1_HELP[n.lname]}" (this line has ${what}; write one whole number of seconds${n.lname === 'keepalivetimeout' ? ', or a number with ms, s, min or h' : ''})` });
    }
    for (const n of timeouts) {
      if (n.unresolved || n.args.length !== 1 || n.args[0] === '') continue;
      const raw = n.args[0];
      if (/^\d+$/.test(raw)) {
        if (n.lname === 'timeout' && atoi(raw) === 0) reportZero(n, raw);
        else if (n.lname === 'proxytimeout' && atoi(raw) === 0) reportRefused(n, raw);
        continue;
      }
      const seconds = atoi(raw);
      if (seconds < 1) {
        if (n.lname === 'proxytimeout') reportRefused(n, raw);
        else if (seconds === 0) reportZero(n, raw);
        continue;
      }
      const m = /^\s*\+?\d+\s*([A-Za-z]+)/.exec(raw);
      // "30s", "30sec", "30seconds" come out right.
      if (m && /^s(ec(ond)?s?)?$/i.test(m[1])) continue;
      const unit = m?.[1] ?? raw.replace(/^\s*[+-]?\d+/, '');
      const lower = unit.toLowerCase();
      const factor = SECONDS_PER_UNIT[lower];
      const ms = lower === 'ms';
      const intended = factor ? seconds * factor : ms ? Math.max(1, Math.ceil(seconds / 1000)) : undefined;
      const effect =
        intended === undefined
          ? ''
          : intended > seconds
            ? n.lname === 'proxytimeout'
              ? `; backend answers slower than ${seconds} s end in 502 (504 through mod_proxy_fcgi)`
              : `; it is how long httpd waits on clients and, without a ProxyTimeout, on backends, so answers slower than ${seconds} s end in 502 (504 through mod_proxy_fcgi)`
            : `; a stalled ${n.lname === 'proxytimeout' ? 'backend' : 'backend or client'} holds its connection ${seconds} s before httpd gives up`;
      const arg = n.directive.args[0];
      const edit = (text: string) => ({ path: n.file.path, start: arg.start, end: arg.end, newText: arg.quote ? `${arg.quote}${text}${arg.quote}` : text });
      // Only suggested, even where minutes and hours convert exactly: the edit changes what a running httpd does
      // (Timeout 2min → 120 turns a 2 s wait into 2 minutes), and --fix only applies edits that cannot
      // (test/unit/apache-fix-safety.test.ts). Milliseconds round up to a whole second.
      const title = `Use ${n.name} ${intended}${ms ? ' (whole seconds; 1 is the shortest)' : ' (the same time in seconds)'}`;
      ctx.report({
        node: n,
        severity: 'warning',
        message: `${n.name} ${raw} means ${seconds} s: httpd reads ${n.name} as whole seconds and ignores "${unit}"${effect}`,
        suggestions: intended === undefined ? [] : [apacheFix(title, edit(String(intended)))],
      });
    }
    for (const n of ctx.nodes('keepalivetimeout')) {
      if (n.unresolved || n.args.length !== 1 || n.args[0] === '') continue;
      if (parseApacheDuration(n.args[0]) !== null) continue;
      ctx.report({
        node: n,
        message: `httpd refuses to start: "KeepAliveTimeout has wrong format" (KeepAliveTimeout ${n.args[0]}: it takes a whole number with an optional unit told by its first letters, case-sensitive: ms, s, mi or min, h; seconds without one)`,
      });
    }

    function reportZero(n: ApacheNode, raw: string): void {
      ctx.report({
        node: n,
        severity: 'warning',
        message: `Timeout ${raw} is 0 s${/^\d+$/.test(raw) ? '' : ' (httpd reads only leading digits, and there are none)'}: every read from a client or a backend without its own timeout fails at once; on 2.4.71 each proxied request got 502 immediately ("(11)Resource temporarily unavailable: … AH01102: error reading status line from remote server")`,
        suggestions: [apacheFix(`Use ${n.name} 60 (the default)`, { path: n.file.path, start: n.directive.args[0].start, end: n.directive.args[0].end, newText: '60' })],
      });
    }
    function reportRefused(n: ApacheNode, raw: string): void {
      ctx.report({ node: n, message: `httpd refuses to start: "Proxy Timeout must be at least 1 second." (ProxyTimeout ${raw} is read with atoi as ${atoi(raw)} s; write a whole number of seconds, 1 or more)` });
    }
  },
});

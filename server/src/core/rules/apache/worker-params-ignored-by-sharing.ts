import { apacheFix } from '../../apache-fix';
import type { TextEdit } from '../../finding';
import { describeTimeout, type Worker } from '../../model/apache-proxy';
import { workerName } from '../../model/apache-worker-names';
import type { WorkerParam } from '../../model/apache-workers';
import { defineApacheRule } from '../apache-rule';

/** The name httpd prints for a worker in AH01145/AH01146: over a UNIX socket, "unix:/path|" before it. */
function printedName(w: Worker): string {
  const name = workerName(w.url, w.match) ?? w.url;
  return w.target.socket !== undefined ? `unix:${w.target.socket}|${name}` : name;
}

/** Removes ` key=value` from its line: httpd ignores it, so nothing changes when it goes. */
function removeParam(p: WorkerParam): TextEdit {
  const text = p.node.file.text;
  let start = p.arg.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  return { path: p.node.file.path, start, end: p.arg.end, newText: '' };
}

export default defineApacheRule({
  id: 'worker-params-ignored-by-sharing',
  server: 'apache',
  severity: 'warning',
  outcome: '502/504',
  summary: 'A ProxyPass or BalancerMember whose URL starts with an earlier worker\'s URL shares that worker: httpd ignores the parameters written on it (timeout=, connectiontimeout=, …) and uses the earlier line\'s.',
  directives: ['ProxyPass', 'ProxyPassMatch', 'BalancerMember'],
  versions: 'all 2.4',
  check(ctx) {
    for (const w of ctx.proxy.workers) {
      const owner = w.shares;
      if (!owner) continue;
      const line = ctx.lineOf(owner.node);
      const where = owner.node.file === w.node.file ? `line ${line}` : `line ${line} of ${owner.node.file.path.slice(owner.node.file.path.lastIndexOf('/') + 1)}`;
      const what = owner.node.lname === 'proxy' ? `the worker the <Proxy "${owner.url}"> section on ${where} defines` : `the worker of ${owner.node.name} on ${where} (${owner.url})`;
      const member = w.kind === 'member';
      const [shareCode, ignoreCode] = member ? ['AH01149', 'AH01150'] : ['AH01145', 'AH01146'];
      const name = printedName(owner);
      if (w.target.socket !== undefined && owner.target.socket !== w.target.socket) {
        ctx.report({
          at: { file: w.node.file, start: w.urlArg.start, end: w.urlArg.end },
          message: `requests for this line go to ${owner.target.socket !== undefined ? `the socket ${owner.target.socket}` : owner.url}, not to ${w.target.socket}: httpd looks workers up by the URL after "|", so this line shares ${what} ("${shareCode}: Sharing worker '${name}' instead of creating new worker '${workerName(w.url, w.match) ?? w.url}'"); give each socket its own URL after "|" (for example http://app1/ and http://app2/)`,
        });
      }
      for (const p of w.ignored ?? []) {
        // The shared worker writes the same value itself (the same connectiontimeout=5 on both lines): httpd still logs
        // AH01146, but what the line asks for is what it gets, so there is nothing to warn about.
        if (w.params.get(p.key)?.value.toLowerCase() === p.value.toLowerCase()) continue;
        const inForce = p.key === 'timeout' ? describeTimeout(ctx.proxy.backendTimeout(w), ctx.lineOf, w.node)
          : p.key === 'connectiontimeout' ? describeTimeout(ctx.proxy.connectTimeout(w), ctx.lineOf, w.node)
          : w.params.has(p.key) ? `${p.key}=${w.params.get(p.key)!.value} from line ${ctx.lineOf(w.params.get(p.key)!.node)}`
          : `httpd's default (no ${p.key}= on that worker)`;
        ctx.report({
          at: { file: p.node.file, start: p.arg.start, end: p.arg.end },
          message: `${p.key}=${p.value} is ignored: this ${w.node.name} shares ${what}, because its URL starts with that worker's name, and httpd keeps that worker's parameters ("${ignoreCode}: Ignoring parameter '${p.key}=${p.value}' for worker '${name}' because of worker sharing"); in force here: ${inForce}. Set the value on line ${line} (it then applies to both), or give this backend a URL that does not start with '${name}'`,
          suggestions: [apacheFix(`Remove ${p.key}=${p.value} (httpd ignores it; nothing changes)`, removeParam(p))],
        });
      }
    }
  },
});

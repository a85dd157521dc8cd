import type { DirectiveDoc } from '../docs/directive-doc';
import { APX_LOG } from '../docs/log-lines';
import { isIpLiteral, type Worker } from '../model/apache-proxy';

/**
 * The ProxyPass and ProxyPassMatch hovers, narrowed to the backend on the line. Their documentation lists every log
 * line any backend can cause (an `fcgi://` timeout, a missing TLS engine, a URL httpd cannot parse): on an
 * `http://` line, half of them cannot happen, and an operator reading the hover at night has to sort them out. Only
 * the schemes whose lines proxylint's lab reproduced are narrowed (http, https, fcgi); a `ws://`, `ajp://` or
 * `balancer://` line keeps the full list.
 */

type Family = 'http' | 'fcgi';

function familyOf(worker: Worker): Family | undefined {
  const s = worker.target.scheme;
  return s === 'http' || s === 'https' ? 'http' : s === 'fcgi' ? 'fcgi' : undefined;
}

/** Whether httpd looks the backend's name up (a host name, not an IP address or a UNIX socket). */
function resolvesName(worker: Worker): boolean {
  const host = worker.target.host.replace(/^\[|\]$/g, '');
  return !worker.target.socket && host !== '' && !host.includes('$') && !isIpLiteral(host);
}

/**
 * What a failure of this backend turns into, led by the code: mod_proxy_http and mod_proxy_fcgi give different codes
 * for the same fault (a silent backend is 502 through one, 504 through the other), which is the first thing an
 * operator comparing the access log with the configuration needs. Each outcome was reproduced on httpd 2.4.71 (the
 * log lines are in docs/log-lines.ts, each with the test that checks it).
 */
export function backendOutcomes(worker: Worker): string | undefined {
  const family = familyOf(worker);
  if (!family) return undefined;
  const dns = resolvesName(worker) ? '; its name does not resolve → **500** (`AH00898: DNS lookup failure`)' : '';
  // For a UNIX socket httpd logs AH02454 for the connect instead of AH00957 (test/servers/explain-apache-unix-socket.test.ts).
  const connect = worker.target.socket ? '`AH02454` for the socket' : '`AH00957`';
  if (family === 'http') {
    return (
      `**When this backend fails** (mod_proxy_http): refused, or not connected within the connect timeout → **503** (${connect} + \`AH01114\`); ` +
      `silent past the backend timeout before its status line → **502** (\`AH01102\` + \`AH00898\`)${dns}; silent after its header → a truncated 200.`
    );
  }
  return (
    `**When this backend fails** (mod_proxy_fcgi): refused, or not connected within the connect timeout → **503** (${connect} + \`AH01079\`); ` +
    `silent past the backend timeout → **504** (\`AH01075 … (polling)\`); closes the connection without answering → **503** (\`AH01067\` + \`AH01075\`)${dns}.`
  );
}

/** Log lines a problem found on the line leads to: shown only when that problem is there. */
const LINES_OF_PROBLEM: Record<string, readonly string[]> = {
  'proxy-scheme-module-missing': [APX_LOG.noHandler],
  'https-backend-without-sslproxyengine': [APX_LOG.noSslHint, APX_LOG.noSsl],
  'invalid-backend-url': [APX_LOG.badUrl],
  'invalid-worker-parameter': [APX_LOG.unknownWorkerParam],
};

/** Related rules that cannot apply to a backend of this family. */
function ruleApplies(rule: string, worker: Worker): boolean {
  switch (rule) {
    case 'https-backend-without-sslproxyengine':
      return worker.target.scheme === 'https';
    case 'unix-socket-target-syntax':
      return !!worker.target.socket || /^unix:/i.test(worker.url);
    case 'undefined-balancer':
      return false;
    case 'backend-dns-cached-per-child':
      return resolvesName(worker);
    case 'websocket-upgrade-not-enabled':
      return familyOf(worker) === 'http';
    default:
      return true;
  }
}

/**
 * `doc` with only the log lines this backend can produce (plus those of the problems reported on the line, `problems`
 * being their rule ids) and only the related rules that can apply to it. Unchanged for a scheme that is not narrowed.
 */
export function docForBackend(doc: DirectiveDoc, worker: Worker, problems: ReadonlySet<string>): DirectiveDoc {
  const family = familyOf(worker);
  if (!family) return doc;
  const lines: string[] = [];
  if (family === 'http') {
    if (!worker.target.socket) lines.push(APX_LOG.connectTimeout);
    lines.push(APX_LOG.noConnection, APX_LOG.readTimeout, APX_LOG.readError);
  } else {
    if (worker.target.socket) lines.push(APX_LOG.fcgiSocketMissing);
    lines.push(APX_LOG.fcgiNoConnection, APX_LOG.fcgiTimeout, APX_LOG.fcgiNoHeader);
  }
  if (resolvesName(worker)) lines.push(APX_LOG.dnsFailure);
  for (const id of problems) for (const line of LINES_OF_PROBLEM[id] ?? []) if (!lines.includes(line)) lines.push(line);
  return { ...doc, logLines: lines, rules: doc.rules?.filter((r) => ruleApplies(r, worker)) };
}

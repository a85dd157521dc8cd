import { effective } from '../model/nginx-effective';
import type { NginxTarget } from '../model/nginx-defaults';
import type { ConfigNode, NginxConfig } from '../model/nginx-tree';

/**
 * What an `error_page` in force where nginx handled a request does to the status nginx made (502, 504, …), so that
 * explain says what the client got rather than what nginx logged. Checked on nginx 1.22.1 (test
 * explain-nginx-error-page), a refused backend in each location:
 * - `error_page 502 =200 /fallback.html` → 200 (a POST too: the page is fetched with GET); 404 when the page is missing;
 * - `error_page 502 /err.html` → 502, with the page as the body;
 * - `error_page 502 = /fallback.html` → what the page answers (200);
 * - `error_page 502 @named`, `= @named`, `=418 @named` → what the named location answers (its `return 503`: 503);
 * - `error_page 502 http://…` → 302; `=301 http://…` → 301;
 * - a location with an `error_page` for other codes only does not inherit the server's: 502.
 * An error page that fails in its turn is not handled again (recursive_error_pages is off by default): a page
 * that proxies to the same dead backend gives the client the new failure's status.
 */
export interface ErrorPageTurn {
  /** The status nginx made, which the error_page replaces. */
  generated: string;
  /** The status the client got, when the error_page fixes it; undefined when the page's own answer decides. */
  status?: string;
  /** What the client got instead, in words: "the page /fallback.html with status 200". */
  answer: string;
  /** The error_page directive that decides. */
  node: ConfigNode;
}

const REDIRECT_CODES = new Set(['301', '302', '303', '307', '308']);

/** The error_page in force at `scope` for `status` (a three-digit status), and what it makes of it. */
export function errorPageFor(config: NginxConfig, scope: ConfigNode, status: string | undefined, target: NginxTarget): ErrorPageTurn | undefined {
  if (!status || !/^\d{3}$/.test(status)) return undefined;
  const e = effective(config, scope, 'error_page', target);
  for (const node of e.nodes) {
    const args = node.directive.args.map((a) => a.value);
    if (args.length < 2) continue;
    const uri = args[args.length - 1];
    const rest = args.slice(0, -1);
    const eq = rest.length > 0 && rest[rest.length - 1].startsWith('=') ? rest[rest.length - 1] : undefined;
    const codes = eq === undefined ? rest : rest.slice(0, -1);
    if (!codes.includes(status)) continue;
    const code = eq?.slice(1);
    if (uri.startsWith('@')) return { generated: status, answer: `what the named location ${uri} answers`, node };
    if (!uri.startsWith('/')) {
      const redirect = code && REDIRECT_CODES.has(code) ? code : '302';
      return { generated: status, status: redirect, answer: `a ${redirect} redirect to ${uri}`, node };
    }
    if (eq === undefined) return { generated: status, status, answer: `${status} with the page ${uri} as its body`, node };
    if (code === '') return { generated: status, answer: `what ${uri} answers`, node };
    return { generated: status, status: code, answer: `the page ${uri} with status ${code} (when ${uri} is found)`, node };
  }
  return undefined;
}

import { NGINX_CORE_DOCS } from './nginx-core';
import { NGINX_STREAM_DOCS } from './nginx-stream';
import { NGINX_UPSTREAM_BLOCK_DOCS, NGINX_UPSTREAM_CONTEXT_DOCS, NGINX_SERVER_PARAM_DOCS, NGINX_STREAM_UPSTREAM_DOCS } from './nginx-upstream-block';
import { NGINX_MEMCACHED_DOCS } from './nginx-memcached';
import { NGINX_MODULE_FAMILY_DOCS } from './nginx-upstream-modules';
import { APACHE_PROXY_DOCS } from './apache-proxy';
import { APACHE_CORE_DOCS, APACHE_ENV_DOCS, APACHE_MODULE_DOCS } from './apache-core';
import { APACHE_BALANCER_PARAM_DOCS, APACHE_WORKER_PARAM_DOCS } from './apache-workers';

/**
 * What an operator needs on hover: how this one setting turns into a 502/504 (503/500 on Apache), what the
 * error log says, the default and version notes. Pure data; the language server adds the effective value.
 *
 * `statusCodes` holds HTTP codes ('502', '504', '503', '500', '413', …) or one of: 'startup-failure'
 * (the server refuses to start or reload), 'truncated-200' (the client got a 200 whose body was cut),
 * 'connection-closed' (stream/TCP proxying: no HTTP status, the client connection is closed), 'source-leak' (a
 * script's file served as it is: 200 with its source),
 * 'none' (no error status of its own; the text explains the indirect effect).
 */
export interface DirectiveDoc {
  name: string;
  server: 'nginx' | 'apache';
  summary: string;
  failure: string;
  statusCodes: string[];
  /** Exact log lines, copied from the lab catalogue (addresses, ports and paths are the lab's). */
  logLines: string[];
  defaultValue?: string;
  versions?: string;
  url: string;
  rules?: string[];
  /** Log lines in their expected form (from the server's source or docs), not reproduced in the lab. */
  expectedLogLines?: string[];
  /** Where the doc applies when the name has several meanings, e.g. 'stream', 'upstream', 'balancer'. */
  variant?: string;
}

/**
 * The nginx doc for a directive. `context` is where the directive sits (ConfigNode.context: 'http',
 * 'server', 'location', 'upstream', 'stream-server', 'stream-upstream', …); it picks the right meaning
 * for names nginx reuses (stream `proxy_pass`, upstream `keepalive_timeout`, upstream `server` vs. the
 * virtual `server {}` block). Without a context the http meaning is returned.
 */
export function nginxDirectiveDoc(name: string, context?: string): DirectiveDoc | undefined {
  // `upstream` sits in `stream`, its `server` lines in `stream-upstream`.
  if ((context === 'stream' && name === 'upstream') || (context === 'stream-upstream' && name === 'server')) return NGINX_STREAM_UPSTREAM_DOCS[name];
  if (context?.startsWith('stream')) {
    if (has(NGINX_STREAM_DOCS, name)) return NGINX_STREAM_DOCS[name];
    // The http proxy_* texts talk about 502/504, which stream proxying cannot produce.
    if (name.startsWith('proxy_')) return undefined;
  }
  if (context === 'upstream' && has(NGINX_UPSTREAM_CONTEXT_DOCS, name)) return NGINX_UPSTREAM_CONTEXT_DOCS[name];
  // `server` outside an upstream block is the virtual server block, which has nothing to do with proxying.
  if (name === 'server' && context !== undefined && context !== 'upstream' && context !== 'stream-upstream') return undefined;
  for (const table of [NGINX_MODULE_FAMILY_DOCS, NGINX_MEMCACHED_DOCS, NGINX_CORE_DOCS, NGINX_UPSTREAM_BLOCK_DOCS, NGINX_UPSTREAM_CONTEXT_DOCS]) {
    if (has(table, name)) return table[name];
  }
  // proxy_timeout and proxy_responses exist only in the stream module.
  return context === undefined && has(NGINX_STREAM_DOCS, name) ? NGINX_STREAM_DOCS[name] : undefined;
}

/** Apache directive names are case-insensitive; `<Proxy>`, `<Proxy` and `Proxy` all find the section. */
export function apacheDirectiveDoc(name: string): DirectiveDoc | undefined {
  const key = name.replace(/^<\/?/, '').replace(/>$/, '').toLowerCase();
  return APACHE_INDEX().get(key);
}

/**
 * A ProxyPass / BalancerMember / ProxySet `key=value` parameter (case-insensitive). `timeout` means the
 * backend I/O timeout on a worker but the wait for a usable member on a balancer: pass `target: 'balancer'`
 * when the URL is `balancer://…` (or the ProxySet applies to a balancer).
 */
export function apacheWorkerParamDoc(key: string, target: 'worker' | 'balancer' = 'worker'): DirectiveDoc | undefined {
  const k = key.toLowerCase();
  if (target === 'balancer' && has(APACHE_BALANCER_PARAM_DOCS, k)) return APACHE_BALANCER_PARAM_DOCS[k];
  if (has(APACHE_WORKER_PARAM_DOCS, k)) return APACHE_WORKER_PARAM_DOCS[k];
  return has(APACHE_BALANCER_PARAM_DOCS, k) ? APACHE_BALANCER_PARAM_DOCS[k] : undefined;
}

/** An upstream `server` parameter: `weight`, `max_fails`, `fail_timeout=10s` (the value is ignored), … */
export function nginxServerParamDoc(key: string): DirectiveDoc | undefined {
  const k = key.split('=')[0];
  return has(NGINX_SERVER_PARAM_DOCS, k) ? NGINX_SERVER_PARAM_DOCS[k] : undefined;
}

/** `SetEnv`/`SetEnvIf` variables that change how mod_proxy_http talks to backends. */
export function apacheEnvDoc(variable: string): DirectiveDoc | undefined {
  const k = variable.toLowerCase();
  return has(APACHE_ENV_DOCS, k) ? APACHE_ENV_DOCS[k] : undefined;
}

/** A proxy-related module by identifier (`proxy_fcgi_module`), file (`modules/mod_proxy_fcgi.so`) or name (`mod_proxy_fcgi`). */
export function apacheModuleDoc(module: string): DirectiveDoc | undefined {
  const base = module.toLowerCase().replace(/^.*\//, '').replace(/\.so$/, '');
  const id = base.startsWith('mod_') ? `${base.slice(4)}_module` : base.endsWith('_module') ? base : `${base}_module`;
  return has(APACHE_MODULE_DOCS, id) ? APACHE_MODULE_DOCS[id] : undefined;
}

/** Every nginx directive doc, variants included (for tests and completion lists). */
export function allNginxDirectiveDocs(): DirectiveDoc[] {
  return [NGINX_MODULE_FAMILY_DOCS, NGINX_MEMCACHED_DOCS, NGINX_CORE_DOCS, NGINX_UPSTREAM_BLOCK_DOCS, NGINX_UPSTREAM_CONTEXT_DOCS, NGINX_STREAM_DOCS, NGINX_STREAM_UPSTREAM_DOCS].flatMap((t) => Object.values(t));
}

export function allNginxServerParamDocs(): DirectiveDoc[] {
  return Object.values(NGINX_SERVER_PARAM_DOCS);
}

export function allApacheDirectiveDocs(): DirectiveDoc[] {
  return [...APACHE_INDEX().values()];
}

export function allApacheWorkerParamDocs(): DirectiveDoc[] {
  return [...Object.values(APACHE_WORKER_PARAM_DOCS), ...Object.values(APACHE_BALANCER_PARAM_DOCS)];
}

export function allApacheExtraDocs(): DirectiveDoc[] {
  return [...Object.values(APACHE_ENV_DOCS), ...Object.values(APACHE_MODULE_DOCS)];
}

export { renderHover } from './render';

function has<T>(table: Record<string, T>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(table, key);
}

let apacheIndex: Map<string, DirectiveDoc> | undefined;
function APACHE_INDEX(): Map<string, DirectiveDoc> {
  return (apacheIndex ??= new Map([...APACHE_PROXY_DOCS, ...APACHE_CORE_DOCS].map((d) => [d.name.toLowerCase(), d])));
}

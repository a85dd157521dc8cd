import type { DirectiveDoc } from './directive-doc';
import { FLOW_FAMILIES } from './nginx-family-flow';
import { IO_FAMILIES } from './nginx-family-io';
import { TLS_FAMILIES } from './nginx-family-tls';
import { NGINX_MODULE_EXTRA_DOCS } from './nginx-module-extras';
import { MODULES, moduleUrl, type Body } from './nginx-modules-info';

/**
 * Docs for every proxy_/fastcgi_/uwsgi_/scgi_/grpc_ directive family, generated from one template per family
 * (nginx-family-flow.ts, nginx-family-io.ts, nginx-family-tls.ts) so module differences live in one place: gRPC has no response
 * buffering, caching or temp files; FastCGI and SCGI have no TLS.
 */
const FAMILIES = [...FLOW_FAMILIES, ...IO_FAMILIES, ...TLS_FAMILIES];

function generate(): Record<string, DirectiveDoc> {
  const out: Record<string, DirectiveDoc> = {};
  for (const m of MODULES) {
    const d = (suffix: string) => `${m.id}_${suffix}`;
    for (const f of FAMILIES) {
      if (!f.applies(m)) continue;
      const name = d(f.suffix);
      const body = f.build(m, d);
      out[name] = { name, server: 'nginx', ...clean(body), url: moduleUrl(m.id, name) };
    }
  }
  return { ...out, ...NGINX_MODULE_EXTRA_DOCS };
}

/** Drops undefined optional fields so docs compare and print cleanly. */
function clean(body: Body): Body {
  const copy: Record<string, unknown> = { ...body };
  for (const k of Object.keys(copy)) if (copy[k] === undefined) delete copy[k];
  return copy as unknown as Body;
}

export const NGINX_MODULE_FAMILY_DOCS: Record<string, DirectiveDoc> = generate();

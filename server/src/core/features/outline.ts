import type { Directive, NginxAst } from '../syntax/nginx/ast';
import type { Span } from '../syntax/nginx/ast';

export type SymbolKind = 'namespace' | 'module' | 'class' | 'method' | 'struct' | 'object' | 'event' | 'function' | 'field' | 'property' | 'file';

export interface OutlineSymbol extends Span {
  name: string;
  detail: string;
  kind: SymbolKind;
  selection: Span;
  children: OutlineSymbol[];
}

/** Blocks worth a place in the outline; plain directives inside them are left out to keep it readable. */
const KIND: Record<string, SymbolKind> = {
  http: 'namespace',
  stream: 'namespace',
  mail: 'namespace',
  events: 'event',
  server: 'class',
  upstream: 'struct',
  location: 'method',
  if: 'object',
  limit_except: 'object',
  map: 'object',
  geo: 'object',
  split_clients: 'object',
  types: 'object',
};

/** Where a location hands its requests (the line a user looks for when a 502 names it). */
const HANDLERS = new Set(['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass', 'return']);

/**
 * A location's detail is its pass target (`proxy_pass http://app`) or `return`; an upstream's, how many servers it
 * has: an outline of many `location /` blocks otherwise does not tell where each one sends its requests.
 */
function blockDetail(d: Directive): string {
  const block = d.block;
  if (!block || block.opaque) return '';
  if (d.name === 'location' || d.name === 'if' || d.name === 'limit_except') {
    const h = block.children.find((c) => HANDLERS.has(c.name));
    if (!h) return '';
    const text = `${h.name} ${h.args.map((a) => a.raw).join(' ')}`.trim();
    // A long regex or URL is cut, not dropped: the outline is one line per symbol.
    return text.length > 80 ? `${text.slice(0, 79)}…` : text;
  }
  if (d.name === 'upstream') {
    const n = block.children.filter((c) => c.name === 'server').length;
    return n === 1 ? '1 server' : `${n} servers`;
  }
  return '';
}

/** Server, location, upstream, map … blocks of one file, nested as written. */
export function nginxOutline(ast: NginxAst): OutlineSymbol[] {
  const walk = (ds: Directive[]): OutlineSymbol[] =>
    ds.flatMap((d) => {
      const kind = KIND[d.name];
      if (!d.block || !kind) return [];
      const args = d.args.map((a) => a.raw).join(' ');
      // A server is named by its server_name, else by its listen address; with both, the address is its detail (a
      // list of servers that all listen on 443 said only that when the listen line came first).
      const block = d.block;
      const inServer = (name: string) => (d.name === 'server' && !block.opaque ? block.children.find((c) => c.name === name) : undefined);
      const names = inServer('server_name');
      const listen = inServer('listen');
      const serverName = names ?? listen;
      const words = (c: Directive) => c.args.map((a) => a.raw).join(' ');
      return [
        {
          name: args ? `${d.name} ${args}` : serverName ? `server ${words(serverName)}` : d.name,
          detail: names && listen && !args ? words(listen) : blockDetail(d),
          kind,
          start: d.start,
          end: d.end,
          selection: d.nameSpan,
          children: d.block.opaque ? [] : walk(d.block.children),
        },
      ];
    });
  return walk(ast.directives);
}

export interface Fold {
  start: number;
  end: number;
  kind: 'region' | 'comment';
}

/** Every block folds from its `{` to its `}`; runs of two or more comment lines fold too. */
export function nginxFolds(ast: NginxAst, lineOf: (offset: number) => number): Fold[] {
  const out: Fold[] = [];
  const walk = (ds: Directive[]) => {
    for (const d of ds) {
      if (!d.block) continue;
      if (d.block.closed) out.push({ start: d.start, end: d.block.end - 1, kind: 'region' });
      walk(d.block.children);
    }
  };
  walk(ast.directives);
  let run: { start: number; end: number; line: number } | undefined;
  for (const c of ast.comments) {
    const line = lineOf(c.start);
    if (run && line === run.line + 1) {
      run.end = c.end;
      run.line = line;
      continue;
    }
    if (run && lineOf(run.start) < run.line) out.push({ start: run.start, end: run.end, kind: 'comment' });
    run = { start: c.start, end: c.end, line };
  }
  if (run && lineOf(run.start) < run.line) out.push({ start: run.start, end: run.end, kind: 'comment' });
  return out;
}

import type { Directive, NginxAst } from '../syntax/nginx/ast';
import type { Span } from '../syntax/nginx/ast';

export type SymbolKind = 'namespace' | 'module' | 'class' | 'method' | 'struct' | 'object' | 'event';

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

/** Server, location, upstream, map … blocks of one file, nested as written. */
export function nginxOutline(ast: NginxAst): OutlineSymbol[] {
  const walk = (ds: Directive[]): OutlineSymbol[] =>
    ds.flatMap((d) => {
      const kind = KIND[d.name];
      if (!d.block || !kind) return [];
      const args = d.args.map((a) => a.raw).join(' ');
      const serverName = d.name === 'server' && !d.block.opaque ? d.block.children.find((c) => c.name === 'server_name' || c.name === 'listen') : undefined;
      return [
        {
          name: args ? `${d.name} ${args}` : serverName ? `server ${serverName.args.map((a) => a.raw).join(' ')}` : d.name,
          detail: serverName && !args ? serverName.name : '',
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

import { FoldingRangeKind, SymbolKind, type DocumentSymbol, type FoldingRange, type SymbolInformation } from 'vscode-languageserver';
import type { Fold, OutlineSymbol } from '../core/features/outline';
import type { LineIndex } from '../core/text';
import { toRange } from './convert';

const KIND: Record<OutlineSymbol['kind'], SymbolKind> = {
  namespace: SymbolKind.Namespace,
  module: SymbolKind.Module,
  class: SymbolKind.Class,
  method: SymbolKind.Method,
  struct: SymbolKind.Struct,
  object: SymbolKind.Object,
  event: SymbolKind.Event,
  function: SymbolKind.Function,
  field: SymbolKind.Field,
  property: SymbolKind.Property,
  file: SymbolKind.File,
};

export function documentSymbols(symbols: OutlineSymbol[], lines: LineIndex): DocumentSymbol[] {
  const convert = (s: OutlineSymbol): DocumentSymbol => ({
    name: s.name,
    detail: s.detail,
    kind: KIND[s.kind],
    range: toRange(lines, s.start, s.end),
    selectionRange: toRange(lines, s.selection.start, s.selection.end),
    children: s.children.map(convert),
  });
  return symbols.map(convert);
}

/**
 * The outline for a client without hierarchicalDocumentSymbolSupport: SymbolInformation in document order, each
 * naming the block it is in (a server's locations get containerName "server 127.0.0.1:80").
 */
export function flatSymbols(symbols: DocumentSymbol[], uri: string): SymbolInformation[] {
  const out: SymbolInformation[] = [];
  const walk = (list: DocumentSymbol[], container: string | undefined) => {
    for (const s of list) {
      out.push({ name: s.name, kind: s.kind, location: { uri, range: s.range }, ...(container ? { containerName: container } : {}) });
      walk(s.children ?? [], s.name);
    }
  };
  walk(symbols, undefined);
  return out;
}

export function foldingRanges(folds: Fold[], lines: LineIndex): FoldingRange[] {
  return folds
    .map((f) => ({ startLine: lines.positionAt(f.start).line, endLine: lines.positionAt(f.end).line, kind: f.kind === 'comment' ? FoldingRangeKind.Comment : FoldingRangeKind.Region }))
    .filter((f) => f.endLine > f.startLine);
}

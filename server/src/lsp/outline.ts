import { FoldingRangeKind, SymbolKind, type DocumentSymbol, type FoldingRange } from 'vscode-languageserver';
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

export function foldingRanges(folds: Fold[], lines: LineIndex): FoldingRange[] {
  return folds
    .map((f) => ({ startLine: lines.positionAt(f.start).line, endLine: lines.positionAt(f.end).line, kind: f.kind === 'comment' ? FoldingRangeKind.Comment : FoldingRangeKind.Region }))
    .filter((f) => f.endLine > f.startLine);
}

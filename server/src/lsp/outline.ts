import { FoldingRangeKind, SymbolKind, type DocumentSymbol, type FoldingRange } from 'vscode-languageserver';
import { nginxFolds, nginxOutline, type OutlineSymbol } from '../core/features/outline';
import type { SourceFile } from '../core/model/nginx-tree';
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

export function documentSymbols(file: SourceFile): DocumentSymbol[] {
  const convert = (s: OutlineSymbol): DocumentSymbol => ({
    name: s.name,
    detail: s.detail,
    kind: KIND[s.kind],
    range: toRange(file.lines, s.start, s.end),
    selectionRange: toRange(file.lines, s.selection.start, s.selection.end),
    children: s.children.map(convert),
  });
  return nginxOutline(file.ast).map(convert);
}

export function foldingRanges(file: SourceFile): FoldingRange[] {
  return nginxFolds(file.ast, (o) => file.lines.positionAt(o).line)
    .map((f) => ({ startLine: file.lines.positionAt(f.start).line, endLine: file.lines.positionAt(f.end).line, kind: f.kind === 'comment' ? FoldingRangeKind.Comment : FoldingRangeKind.Region }))
    .filter((f) => f.endLine > f.startLine);
}

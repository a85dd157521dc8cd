import { MarkupKind, type ClientCapabilities } from 'vscode-languageserver';

/** What the client declared in `initialize` that changes the shape of the server's answers. */
export interface ClientFeatures {
  /** Hover contents as Markdown; else plain text. */
  markdownHover: boolean;
  /** Completion items may be snippets ($1, ${1:default}); else templates are inserted as plain text. */
  snippets: boolean;
  /** Completion documentation as Markdown; else plain text. */
  markdownCompletionDocs: boolean;
  /** Completion items may carry an InsertReplaceEdit (insert up to the cursor, or replace the whole word). */
  insertReplace: boolean;
  /** documentSymbol answers DocumentSymbol[] (nested); else SymbolInformation[]. */
  hierarchicalSymbols: boolean;
  /** definition answers LocationLink[]; else Location[]. */
  definitionLinks: boolean;
  /** codeAction answers CodeAction[]; else Command[] (see asCommands). */
  codeActionLiterals: boolean;
  /** The client asks for a code action's edit when it is chosen (codeAction/resolve with "edit"). */
  codeActionResolveEdit: boolean;
  /** The client applies a WorkspaceEdit the server sends (workspace/applyEdit). */
  applyEdit: boolean;
  /** The client opens a URI the server sends (window/showDocument). */
  showDocument: boolean;
  /** The server may register file watchers (workspace/didChangeWatchedFiles) itself. */
  watchFiles: boolean;
}

export function clientFeatures(caps: ClientCapabilities): ClientFeatures {
  // The client lists the formats it takes in its order of preference; one that lists none gets plain text.
  const formats = caps.textDocument?.hover?.contentFormat ?? [];
  const hover = formats.find((f) => f === MarkupKind.Markdown || f === MarkupKind.PlainText);
  return {
    markdownHover: hover === MarkupKind.Markdown,
    snippets: caps.textDocument?.completion?.completionItem?.snippetSupport === true,
    markdownCompletionDocs: (caps.textDocument?.completion?.completionItem?.documentationFormat ?? []).find((f) => f === MarkupKind.Markdown || f === MarkupKind.PlainText) === MarkupKind.Markdown,
    insertReplace: caps.textDocument?.completion?.completionItem?.insertReplaceSupport === true,
    hierarchicalSymbols: caps.textDocument?.documentSymbol?.hierarchicalDocumentSymbolSupport === true,
    definitionLinks: caps.textDocument?.definition?.linkSupport === true,
    codeActionLiterals: !!caps.textDocument?.codeAction?.codeActionLiteralSupport,
    codeActionResolveEdit: !!caps.textDocument?.codeAction?.codeActionLiteralSupport && (caps.textDocument?.codeAction?.resolveSupport?.properties ?? []).includes('edit'),
    applyEdit: caps.workspace?.applyEdit === true,
    showDocument: caps.window?.showDocument?.support === true,
    watchFiles: caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
  };
}

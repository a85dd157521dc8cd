import type { Span, SyntaxProblem } from '../nginx/ast';

export type { Span, SyntaxProblem };

/** Offsets are UTF-16 code-unit offsets into the physical file text; `end` is exclusive. */
export interface ApacheArg extends Span {
  /** The word httpd sees: quotes removed, `\"` (or `\'`) inside quotes unescaped, `\`+newline continuations joined. */
  value: string;
  /** The source text of the word (a word split by a continuation spans several physical lines). */
  raw: string;
  quote: '"' | "'" | null;
  /** Set when the quote is never closed: httpd then takes the rest of the line as the word. */
  unterminated?: true;
}

export interface ApacheSection extends Span {
  /** Offset just past the closing `</Name>`, or the end of the file when the section is never closed. */
  end: number;
  closed: boolean;
  children: ApacheDirective[];
  /** The `</Name>` line, when there is one. */
  close?: Span;
  /** `<Macro>` bodies are kept as text: httpd expands them only where `Use` names them. */
  opaque: boolean;
  /** Set when the opening tag has no `>` (a syntax problem says so): what httpd makes of its words is not known. */
  tagOpen?: true;
}

export interface ApacheDirective extends Span {
  /** The name as written, without `<` for sections (`VirtualHost`, `ProxyPass`). */
  name: string;
  /** Lower-case name: httpd matches directive names case-insensitively. */
  lname: string;
  nameSpan: Span;
  args: ApacheArg[];
  /** Set for `<Section …>` lines. */
  section: ApacheSection | null;
  parent: ApacheDirective | null;
}

export interface ApacheComment extends Span {
  /** Text after `#`, untrimmed. */
  text: string;
}

/** A section's opening or closing line as httpd meets it, in the file's order (see ApacheAst.tags). */
export interface ApacheTag extends Span {
  open: boolean;
  /** The name as written: `Directory` for `<Directory /tmp>` and for `</Directory>`. */
  name: string;
}

export interface ApacheAst {
  directives: ApacheDirective[];
  comments: ApacheComment[];
  problems: SyntaxProblem[];
  /**
   * Every section tag outside `<Macro>` bodies, in order, and none of the `<Macro>` tags themselves (mod_macro reads
   * the body before httpd sees it). httpd reads a `Use` as if the body stood in its place, so a body may open a section
   * that the file closes after the Use, or close one opened before it: the tree checks the nesting of such files
   * across the bodies from these (nestingAcrossMacros).
   */
  tags: ApacheTag[];
  /**
   * Lines that a `\` at the end continues onto the next ones, in order: each span runs from the start of the first
   * physical line to the end of the last. httpd reads them as one line, so nothing (not even a comment) can be put
   * between them.
   */
  continued: Span[];
}

/** Offsets are UTF-16 code-unit offsets into the file text; `end` is exclusive. */
export interface Span {
  start: number;
  end: number;
}

export type Quote = '"' | "'" | null;

export interface Arg extends Span {
  /** The value nginx sees: quotes removed, `\"` `\'` `\\` `\t` `\r` `\n` unescaped inside quotes. */
  value: string;
  /** The exact source text, quotes included. */
  raw: string;
  quote: Quote;
}

export interface Block extends Span {
  /** Offset of `{`. */
  start: number;
  /** Offset just past `}`; when the block is never closed, the end of the file. */
  end: number;
  closed: boolean;
  children: Directive[];
  /** Body kept as text (e.g. `content_by_lua_block`): children is empty. */
  opaque: boolean;
}

export interface Directive extends Span {
  name: string;
  readonly nameSpan: Span;
  args: Arg[];
  block: Block | null;
  /** False when the directive ran into `}` or the end of the file without `;`. */
  terminated: boolean;
  parent: Directive | null;
}

export interface Comment extends Span {
  /** Text after `#`, untrimmed. */
  text: string;
}

export interface SyntaxProblem extends Span {
  message: string;
  /**
   * Set when nginx itself accepts the text but it is almost certainly a mistake: a forgotten ";" whose next
   * line nginx silently reads as extra arguments (e.g. a server named "listen"). `macro-unclosed`: an Apache `<Macro>`
   * with no `</Macro>` before the end of the file; the tree says it in mod_macro's words where it knows the macro's
   * name and place, and this is reported only where it does not. `nesting`: an Apache section closed by the wrong tag,
   * by one with no section open, or never; where a Use expands a body that opens or closes sections, the tree checks
   * the nesting again across the bodies and that check replaces these.
   */
  kind?: 'probable-missing-semicolon' | 'limit' | 'macro-unclosed' | 'nesting';
  /** Where the construct the problem is about began (e.g. the unclosed block), if elsewhere. */
  related?: Span & { message: string };
}

export interface NginxAst {
  directives: Directive[];
  comments: Comment[];
  problems: SyntaxProblem[];
}
